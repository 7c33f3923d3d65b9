"""The audit chain: each event's hash covers its canonical content and the previous hash."""

from __future__ import annotations

import hashlib
from typing import Any

from assessor.security.canonical import canonicalize

GENESIS = "0" * 64


def event_hash(prev_hash: str, event: dict[str, Any]) -> str:
    """SHA-256 hex over prev_hash (ASCII) + 0x0A + canonical JSON of the event."""
    return chain_hash(prev_hash, canonicalize(event))


def chain_hash(prev_hash: str, canonical_event: bytes) -> str:
    """`event_hash` of an event already in its canonical bytes."""
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical_event).hexdigest()
