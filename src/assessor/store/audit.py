"""Appending to the hash-chained audit log inside the caller's transaction."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessor.security.audit import GENESIS, event_hash
from assessor.security.canonical import canonicalize
from assessor.store.models import AuditEvent
from assessor.store.types import utcnow


def event_content(event: AuditEvent) -> dict[str, Any]:
    """What an event's hash covers (everything but the hashes themselves)."""
    return {
        "seq": event.seq,
        "at": event.at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": event.actor,
        "action": event.action,
        "entity": {"type": event.entity_type, "id": event.entity_id},
        "payload": json.loads(event.payload),
    }


def append_event(
    tx: Session,
    *,
    actor: str,
    action: str,
    entity_type: str,
    entity_id: str,
    payload: dict[str, Any],
) -> AuditEvent:
    """Chain a new event to the last one. Call inside a write (BEGIN IMMEDIATE) transaction,
    so no other writer can append between reading the tail and inserting."""
    last = tx.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    event = AuditEvent(
        seq=seq,
        at=utcnow(),
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        payload=canonicalize(payload).decode("utf-8"),
        prev_hash=prev,
    )
    event.hash = event_hash(prev, event_content(event))
    tx.add(event)
    return event
