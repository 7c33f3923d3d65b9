"""Appending to the hash-chained audit log inside the caller's transaction, with the rows the
transaction wrote (see capture.py): an event says what was done and with which values."""

from __future__ import annotations

import json
from datetime import datetime
from json.encoder import encode_basestring
from typing import Any

from sqlalchemy.orm import Session

from assessor.security.audit import GENESIS, chain_hash
from assessor.security.canonical import canonicalize, is_plain, spliced_object
from assessor.store import capture
from assessor.store.drafts import SqlOrSession, driver
from assessor.store.types import format_utc, utcnow

_TAIL = "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1"
_INSERT = """
INSERT INTO audit_events (seq, at, actor, action, entity_type, entity_id, payload, prev_hash, hash)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"""


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


def event_bytes(
    seq: int,
    at: str,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    payload_text: str,
) -> bytes:
    """RFC 8785 bytes of `event_content(...)` when the payload is held as its canonical text:
    that text is spliced in rather than parsed and written again (the payload is by far the
    largest part, and this runs for every event on every save and every verify). Keys sort
    as action, actor, at, entity, payload, seq."""
    return b'%s,"payload":%s,"seq":%d}' % (
        _head(action, actor, at, entity_type, entity_id),
        payload_text.encode("utf-8"),
        seq,
    )


def _head(action: str, actor: str, at: str, entity_type: str, entity_id: str) -> bytes:
    """The canonical event up to its payload, without the closing brace."""
    fields = (action, actor, at, entity_id, entity_type)
    if type(action) is type(actor) is type(at) is type(entity_id) is type(entity_type) is str:
        # canonicalize's plain path (sorted compact JSON) for five strings, written out.
        try:
            return (_HEAD % tuple(map(encode_basestring, fields))).encode("utf-8")
        except UnicodeEncodeError:
            pass  # a lone surrogate: canonicalize refuses it in its own words
    entity = {"type": entity_type, "id": entity_id}
    return canonicalize({"action": action, "actor": actor, "at": at, "entity": entity})[:-1]


_HEAD = '{"action":%s,"actor":%s,"at":%s,"entity":{"id":%s,"type":%s}'


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
    and inserting. The rows written since the last event go into `payload["rows"]`.
    Hand-written SQL, because it runs on every autosave (see drafts.py)."""
    if isinstance(tx, Session):
        tx.flush()  # what the caller added before the event belongs to it
    conn = driver(tx)
    notes = capture.take_notes(conn)
    text = _spliced(notes, payload) if notes else None
    if text is None:
        rows, plain = capture.changes(notes)
        plain = plain and is_plain(payload)  # the rows were checked as they were parsed
        if rows:
            if "rows" in payload:
                raise ValueError("'rows' in an audit payload is the store's own")
            payload = {**payload, "rows": rows}
        text = canonicalize(payload, plain=plain).decode("utf-8")
    last = conn.execute(_TAIL).fetchone()
    seq, prev = (int(last[0]) + 1, str(last[1])) if last else (1, GENESIS)
    at = format_utc(utcnow())
    digest = chain_hash(prev, event_bytes(seq, at, actor, action, entity_type, entity_id, text))
    conn.execute(_INSERT, (seq, at, actor, action, entity_type, entity_id, text, prev, digest))
    return digest


def _spliced(notes: list[Any], payload: dict[str, Any]) -> str | None:
    """The canonical payload with the notes' changes spliced in as SQLite wrote them (see
    capture_json.py), when both are plain; None when they need the parse."""
    rows = capture.changes_text(notes)
    if rows is None or "rows" in payload or not is_plain(payload):
        return None
    if rows == "[]":
        return canonicalize(payload, plain=True).decode("utf-8")
    return spliced_object(payload, "rows", rows)


def seal(tx: SqlOrSession) -> None:
    """Before a write transaction commits: rows written after its last event (or in a
    transaction that appended none) get an event of their own, so none escapes the log."""
    if isinstance(tx, Session):
        tx.flush()
    conn = driver(tx)
    if capture.has_pending(conn):
        append_event(
            tx,
            actor="system",
            action="store.write",
            entity_type="store",
            entity_id="-",
            payload={},
        )
