"""Appending to the hash-chained audit log inside the caller's transaction."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from assessor.security.audit import GENESIS, event_hash
from assessor.security.canonical import canonicalize
from assessor.store.drafts import SqlOrSession, driver
from assessor.store.types import format_utc, utcnow

_TAIL = "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1"
_INSERT = """
INSERT INTO audit_events (seq, at, actor, action, entity_type, entity_id, payload, prev_hash, hash)
VALUES (:seq, :at, :actor, :action, :entity_type, :entity_id, :payload, :prev_hash, :hash)"""


def event_content(
    seq: int,
    at: datetime | str,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    payload: str | dict[str, Any],
) -> dict[str, Any]:
    """What an event's hash covers: everything but the hashes themselves. `at` as stored;
    `payload` as stored (canonical JSON text) or as the value it encodes."""
    stamp = at if isinstance(at, str) else format_utc(at)
    return {
        "seq": seq,
        "at": stamp,
        "actor": actor,
        "action": action,
        "entity": {"type": entity_type, "id": entity_id},
        "payload": json.loads(payload) if isinstance(payload, str) else payload,
    }


def append_event(
    tx: SqlOrSession,
    *,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    payload: dict[str, Any],
) -> str:
    """Chain a new event to the last one and return its hash. Call inside a write
    (BEGIN IMMEDIATE) transaction, so no other writer can append between reading the tail
    and inserting. Hand-written SQL, because it runs on every autosave (see drafts.py)."""
    conn = driver(tx)
    last = conn.execute(_TAIL).fetchone()
    seq, prev = (int(last[0]) + 1, str(last[1])) if last else (1, GENESIS)
    at = format_utc(utcnow())
    text = canonicalize(payload).decode("utf-8")
    content = event_content(seq, at, actor, action, entity_type, entity_id, payload)
    digest = event_hash(prev, content)
    conn.execute(
        _INSERT,
        {
            "seq": seq,
            "at": at,
            "actor": actor,
            "action": action,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "payload": text,
            "prev_hash": prev,
            "hash": digest,
        },
    )
    return digest
