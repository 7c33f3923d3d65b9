"""The JSON Schemas shipped in assessor/resources/schemas."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any


@cache
def load_schema(name: str) -> Mapping[str, Any]:
    """A JSON Schema shipped in assessor/resources/schemas."""
    text = (resources.files("assessor") / "resources" / "schemas" / name).read_bytes()
    schema: Mapping[str, Any] = json.loads(text)
    return schema
