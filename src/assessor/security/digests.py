"""Content digests: SHA-256, and `digestMultibase` = 'u' + base64url(multihash sha2-256)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from assessor.security.canonical import canonicalize

_MULTIHASH_SHA256 = b"\x12\x20"  # code 0x12 (sha2-256), length 32


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def multibase_digest(raw_sha256: bytes) -> str:
    """'uEi…' for a 32-byte SHA-256 value."""
    if len(raw_sha256) != 32:
        raise ValueError("a SHA-256 digest is 32 bytes")
    encoded = base64.urlsafe_b64encode(_MULTIHASH_SHA256 + raw_sha256).rstrip(b"=")
    return "u" + encoded.decode("ascii")


def digest_bytes(data: bytes) -> str:
    return multibase_digest(hashlib.sha256(data).digest())


def digest_json(value: Any) -> str:
    """Digest of the RFC 8785 canonical form of a JSON value."""
    return digest_bytes(canonicalize(value))


def decode_multibase_digest(digest: str) -> bytes:
    """The 32-byte SHA-256 value inside a 'uEi…' digest; ValueError when it is not one."""
    if not digest.startswith("u"):
        raise ValueError("a digest starts with 'u' (base64url multibase)")
    body = digest[1:]
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (ValueError, TypeError):
        raise ValueError("a digest's body is base64url") from None
    if len(raw) != 34 or raw[:2] != _MULTIHASH_SHA256:
        raise ValueError("a digest is a sha2-256 multihash")
    return raw[2:]
