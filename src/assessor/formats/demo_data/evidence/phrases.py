"""The phrase lists and code templates behind the demo evidence, read once from
``assessor/resources/demo/evidence``.

The data files are checked for shape as they are read, so a typo in one fails loudly, naming
the file and the key, rather than as a ``KeyError`` deep inside a PDF build.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any


def _folder() -> Traversable:
    return resources.files("assessor") / "resources" / "demo" / "evidence"


@functools.cache
def document(name: str) -> dict[str, Any]:
    """The JSON object in ``<name>.json``."""
    data = json.loads((_folder() / f"{name}.json").read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{name}.json: expected a JSON object")
    return data


@functools.cache
def template(name: str) -> str:
    """The text of ``code_samples/<name>``."""
    return (_folder() / "code_samples" / name).read_text(encoding="utf-8")


@functools.cache
def texts(name: str, key: str) -> tuple[str, ...]:
    """A list of strings from ``<name>.json``."""
    return as_texts(document(name)[key], f"{name}.{key}")


@functools.cache
def text(name: str, key: str) -> str:
    """One string from ``<name>.json``."""
    return as_text(document(name)[key], f"{name}.{key}")


@functools.cache
def rows(name: str, key: str, *columns: str) -> tuple[tuple[str, ...], ...]:
    """A list of objects from ``<name>.json``, each as a tuple of `columns` in that order."""
    return as_rows(document(name)[key], columns, f"{name}.{key}")


@functools.cache
def groups(name: str, key: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """An object of string lists from ``<name>.json``, as (key, strings) pairs in file order."""
    value = document(name)[key]
    where = f"{name}.{key}"
    if not isinstance(value, dict):
        raise ValueError(f"{where}: expected an object")
    return tuple((k, as_texts(v, f"{where}.{k}")) for k, v in value.items())


def as_text(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{where}: expected a string")
    return value


def as_texts(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ValueError(f"{where}: expected a list of strings")
    return tuple(as_text(v, f"{where}[{i}]") for i, v in enumerate(value))


def as_rows(value: object, columns: tuple[str, ...], where: str) -> tuple[tuple[str, ...], ...]:
    if not isinstance(value, list):
        raise ValueError(f"{where}: expected a list of objects")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict) or sorted(item) != sorted(columns):
            raise ValueError(f"{where}[{i}]: expected an object with {', '.join(columns)}")
        out.append(tuple(as_text(item[c], f"{where}[{i}].{c}") for c in columns))
    return tuple(out)
