"""did:web for the issuer: its DID, its DID document, and key lookup for verification.

`did:web:host%3Aport` is served at `https://host:port/.well-known/did.json`. The document
lists every key the issuer ever signed with as a Multikey verification method, all of them in
`assertionMethod`, so credentials signed before a key rotation still verify.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import unquote

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from assessor.security.multibase import public_key_from_multibase, public_key_multibase

DID_WEB_PREFIX = "did:web:"
DID_CONTEXTS = ("https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1")

_HOST = re.compile(
    r"(?P<host>[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*)"
    r"(:(?P<port>[0-9]{1,5}))?\Z"
)
_FRAGMENT = re.compile(r"[A-Za-z0-9._~-]{1,128}\Z")


class DidError(ValueError):
    """Not a did:web this issuer makes, or a key the DID document does not list."""


def did_for(domain: str) -> str:
    """'did:web:host' or 'did:web:host%3Aport' for `host[:port]` (the host in lower case)."""
    if not isinstance(domain, str):
        raise DidError("domain: must be host or host:port")
    host = domain.strip().lower()
    match = _HOST.match(host)
    port = match.group("port") if match else None
    if (
        not match
        or len(match.group("host")) > 253
        or (port is not None and not 0 < int(port) < 65536)
    ):
        raise DidError(f"domain: {domain!r} is not host or host:port")
    return DID_WEB_PREFIX + host.replace(":", "%3A")


def did_document_url(did: str) -> str:
    """Where a did:web resolver fetches the document: https://host[:port]/.well-known/did.json."""
    if not isinstance(did, str) or not did.startswith(DID_WEB_PREFIX) or "#" in did:
        raise DidError("not a did:web DID")
    parts = did.removeprefix(DID_WEB_PREFIX).split(":")
    host = unquote(parts[0])
    path = "/".join(unquote(part) for part in parts[1:])
    return f"https://{host}/{path}/did.json" if path else f"https://{host}/.well-known/did.json"


def verification_method_id(did: str, key_id: str) -> str:
    if not _FRAGMENT.match(key_id):
        raise DidError(f"key id {key_id!r}: 1-128 letters, digits, '.', '_', '~' or '-'")
    return f"{did}#{key_id}"


def did_document(did: str, keys: Sequence[tuple[str, Ed25519PublicKey]]) -> dict[str, Any]:
    """The DID document listing `keys` ((key id, public key), oldest first) as Multikeys."""
    if not keys:
        raise DidError("a DID document needs at least one key")
    methods = []
    seen: set[str] = set()
    for key_id, public_key in keys:
        method_id = verification_method_id(did, key_id)
        if method_id in seen:
            raise DidError(f"key id {key_id!r} appears twice")
        seen.add(method_id)
        methods.append(
            {
                "id": method_id,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": public_key_multibase(public_key.public_bytes_raw()),
            }
        )
    return {
        "@context": list(DID_CONTEXTS),
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def key_resolver(document: dict[str, Any]) -> Callable[[str], Ed25519PublicKey]:
    """A `public_key_for` for `rdfc.verify`: the Ed25519 key of a verification method that the
    DID document lists in `assertionMethod` and controls; DidError for any other."""
    did = document.get("id")
    methods = {
        method.get("id"): method
        for method in document.get("verificationMethod", [])
        if isinstance(method, dict)
    }
    assertion = {
        entry if isinstance(entry, str) else entry.get("id")
        for entry in document.get("assertionMethod", [])
        if isinstance(entry, str | dict)
    }

    def public_key_for(method_id: str) -> Ed25519PublicKey:
        if method_id not in assertion:
            raise DidError(f"{method_id!r} is not an assertion method of {did!r}")
        method = methods.get(method_id)
        if method is None:
            raise DidError(f"{method_id!r} is not a verification method of {did!r}")
        if method.get("controller") != did or method.get("type") != "Multikey":
            raise DidError(f"{method_id!r} is not a Multikey controlled by {did!r}")
        try:
            raw = public_key_from_multibase(str(method.get("publicKeyMultibase")))
        except ValueError as exc:
            raise DidError(f"{method_id!r}: {exc}") from None
        return Ed25519PublicKey.from_public_bytes(raw)

    return public_key_for
