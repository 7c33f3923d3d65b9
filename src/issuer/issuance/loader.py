"""A frozen JSON-LD document loader: the bundled contexts, and nothing else, ever.

pyld calls `document_loader(url, options)` for every context URL it meets. This one answers
from `contexts/` (URL → file in `contexts/index.json`) and raises `ContextNotBundled` for any
other URL, so a credential can never make the issuer fetch something from the network, and
what a context says cannot change under a signature.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any

from pyld.jsonld import JsonLdError

_CONTEXTS = "contexts"
_INDEX = "index.json"


class ContextNotBundled(JsonLdError):  # type: ignore[misc]  # pyld is untyped
    """A document asked for a context URL the issuer does not ship; nothing is fetched."""

    def __init__(self, url: str) -> None:
        super().__init__(
            f"the JSON-LD context {url!r} is not one of the issuer's bundled contexts "
            "(nothing is fetched from the network)",
            "jsonld.LoadDocumentError",
            {"url": url},
            code="loading document failed",
        )
        self.url = url


@cache
def bundled_contexts() -> dict[str, Any]:
    """URL → parsed context, for every bundled context (read once)."""
    folder = resources.files(__package__).joinpath(_CONTEXTS)
    index = json.loads(folder.joinpath(_INDEX).read_text(encoding="utf-8"))
    return {
        url: json.loads(folder.joinpath(name).read_text(encoding="utf-8"))
        for url, name in index.items()
    }


def is_bundled(url: object) -> bool:
    return isinstance(url, str) and url in bundled_contexts()


def document_loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyld's RemoteDocument for a bundled context URL; ContextNotBundled for any other."""
    documents = bundled_contexts()
    if not isinstance(url, str) or url not in documents:
        raise ContextNotBundled(str(url))
    # A copy: pyld must not be able to change the cached context for the next caller.
    # "static" lets pyld keep the resolved context between operations (it never changes).
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": copy.deepcopy(documents[url]),
        "tag": "static",
    }
