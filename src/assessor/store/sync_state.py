"""What the sync keeps in the data folder: enrolments and cursors, the outbox's answers,
pulled credentials, flags, pulled work waiting for evidence, evidence the backend holds.

Outbox states: `pending` (to send; `next_attempt_at` says when), `acknowledged` (the backend
holds it: accepted or duplicate), `rejected` (kept with its reason, never sent again, never
deleted) and `conflict` (kept and flagged for review). A signed record is never changed here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from assessor.store import models as m
from assessor.store.db import Tx

PENDING, SYNCED, REJECTED, CONFLICT = "pending", "acknowledged", "rejected", "conflict"


@dataclass(frozen=True)
class Enrolment:
    profile_id: str
    backend: str
    audience: str
    device_id: str
    person: str
    roles: tuple[str, ...]
    key_status: str
    enrolled_at: datetime
    cursor: str | None
    credentials_cursor: str | None
    last_sync_at: datetime | None
    last_error: str | None


def _enrolment(row: m.SyncEnrolment) -> Enrolment:
    return Enrolment(
        row.profile_id,
        row.backend,
        row.audience,
        row.device_id,
        row.person,
        tuple(row.roles.split()),
        row.key_status,
        row.enrolled_at,
        row.cursor,
        row.credentials_cursor,
        row.last_sync_at,
        row.last_error,
    )


def enrolment(tx: Tx, profile_id: str) -> Enrolment | None:
    row = tx.get(m.SyncEnrolment, profile_id)
    return None if row is None else _enrolment(row)


def enrolments(tx: Tx) -> list[Enrolment]:
    rows = tx.scalars(select(m.SyncEnrolment).order_by(m.SyncEnrolment.enrolled_at))
    return [_enrolment(r) for r in rows]


def save_enrolment(tx: Tx, value: Enrolment) -> None:
    """A new enrolment replaces the profile's old one (re-enrolment): the feed starts again."""
    old = tx.get(m.SyncEnrolment, value.profile_id)
    if old is not None:
        tx.delete(old)
        tx.flush()
    tx.add(
        m.SyncEnrolment(
            profile_id=value.profile_id,
            backend=value.backend,
            audience=value.audience,
            device_id=value.device_id,
            person=value.person,
            roles=" ".join(value.roles),
            key_status=value.key_status,
            enrolled_at=value.enrolled_at,
        )
    )
    tx.flush()


def remove_enrolment(tx: Tx, profile_id: str) -> bool:
    row = tx.get(m.SyncEnrolment, profile_id)
    if row is None:
        return False
    tx.delete(row)
    tx.flush()
    return True


def update_enrolment(tx: Tx, profile_id: str, **values: object) -> None:
    """Set cursor, credentials_cursor, key_status, roles, last_sync_at or last_error."""
    row = tx.get(m.SyncEnrolment, profile_id)
    if row is None:
        return
    for name, value in values.items():
        if name not in _ENROLMENT_UPDATES:
            raise ValueError(f"not an enrolment field to update: {name}")
        setattr(row, name, value)
    tx.flush()


_ENROLMENT_UPDATES = frozenset(
    {"cursor", "credentials_cursor", "key_status", "roles", "last_sync_at", "last_error"}
)


# ---- the outbox ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxEntry:
    id: int
    record_id: str
    kind: str
    issuer: str
    digest: str
    submission_id: str | None
    state: str
    answer: str | None
    reason: str | None
    message: str | None
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    synced_at: datetime | None


def outbox(tx: Tx, issuer: str | None = None) -> list[OutboxEntry]:
    query = (
        select(m.OutboxItem, m.Record.issuer, m.Record.digest, m.Record.submission_id)
        .join(m.Record, m.Record.id == m.OutboxItem.record_id)
        .order_by(m.Record.number)
    )
    if issuer is not None:
        query = query.where(m.Record.issuer == issuer)
    found = []
    for item, owner, digest, submission in tx.execute(query):
        found.append(
            OutboxEntry(
                item.id,
                item.record_id,
                item.kind,
                owner,
                digest,
                submission,
                item.state,
                item.answer,
                item.reason,
                item.last_error,
                item.attempts,
                item.created_at,
                item.next_attempt_at,
                item.synced_at,
            )
        )
    return found


@dataclass(frozen=True)
class Due:
    """An item to send: its record's exact signed bytes, in the key's chain order."""

    id: int
    record_id: str
    digest: str
    body: str
    attempts: int


def due(tx: Tx, issuer: str, now: datetime, limit: int) -> list[Due]:
    query = (
        select(
            m.OutboxItem.id,
            m.OutboxItem.record_id,
            m.Record.digest,
            m.Record.body,
            m.OutboxItem.attempts,
        )
        .join(m.Record, m.Record.id == m.OutboxItem.record_id)
        .where(m.Record.issuer == issuer, m.OutboxItem.state == PENDING)
        .where((m.OutboxItem.next_attempt_at.is_(None)) | (m.OutboxItem.next_attempt_at <= now))
        .order_by(m.Record.seq)
        .limit(limit)
    )
    return [Due(int(r[0]), str(r[1]), str(r[2]), str(r[3]), int(r[4])) for r in tx.execute(query)]


def waiting(tx: Tx, issuer: str) -> int:
    query = (
        select(func.count())
        .select_from(m.OutboxItem)
        .join(m.Record, m.Record.id == m.OutboxItem.record_id)
        .where(m.Record.issuer == issuer, m.OutboxItem.state == PENDING)
    )
    return int(tx.scalar(query) or 0)


def next_attempt(tx: Tx, issuer: str) -> datetime | None:
    query = (
        select(func.min(m.OutboxItem.next_attempt_at))
        .join(m.Record, m.Record.id == m.OutboxItem.record_id)
        .where(m.Record.issuer == issuer, m.OutboxItem.state == PENDING)
    )
    value = tx.scalar(query)
    return value if isinstance(value, datetime) else None


@dataclass(frozen=True)
class Marking:
    """What to write on one item after the backend answered it (or did not)."""

    item_id: int
    state: str
    answer: str | None
    reason: str | None
    message: str | None
    next_attempt_at: datetime | None


def mark(tx: Tx, markings: list[Marking], now: datetime) -> list[str]:
    """Write the answers; a synced, rejected or conflicting item is never touched again.
    The record ids newly synced."""
    synced = []
    ids = [x.item_id for x in markings]
    rows = {r.id: r for r in tx.scalars(select(m.OutboxItem).where(m.OutboxItem.id.in_(ids)))}
    for x in markings:
        row = rows.get(x.item_id)
        if row is None or row.state != PENDING:
            continue
        row.state, row.answer, row.reason = x.state, x.answer, x.reason
        row.last_error, row.next_attempt_at = x.message, x.next_attempt_at
        row.attempts += 1
        if x.state == SYNCED:
            row.synced_at = now
            synced.append(row.record_id)
    tx.flush()
    return synced


def postpone(tx: Tx, item_ids: list[int], message: str, until: datetime) -> None:
    """A batch that got no answer: tried once more, to be sent again after `until`."""
    for row in tx.scalars(select(m.OutboxItem).where(m.OutboxItem.id.in_(item_ids))):
        if row.state == PENDING:
            row.attempts += 1
            row.last_error, row.next_attempt_at = message, until
    tx.flush()


# ---- credentials, flags, pulled work, uploads -----------------------------------------------


@dataclass(frozen=True)
class Credential:
    id: str
    profile_id: str
    url: str
    achievement: str
    learner: str
    status: str
    issued_at: str
    valid_until: str | None
    records: tuple[str, ...]


def put_credential(tx: Tx, value: Credential, now: datetime) -> bool:
    """Insert or update; whether anything changed."""
    row = tx.get(m.SyncCredential, value.id)
    fields = {
        "profile_id": value.profile_id,
        "url": value.url,
        "achievement": value.achievement,
        "learner": value.learner,
        "status": value.status,
        "issued_at": value.issued_at,
        "valid_until": value.valid_until,
        "records": json.dumps(list(value.records)),
    }
    if row is None:
        tx.add(m.SyncCredential(id=value.id, updated_at=now, **fields))
        tx.flush()
        return True
    if all(getattr(row, k) == v for k, v in fields.items()):
        return False
    for k, v in fields.items():
        setattr(row, k, v)
    row.updated_at = now
    tx.flush()
    return True


def set_credential_status(tx: Tx, credential_id: str, status: str, now: datetime) -> bool:
    row = tx.get(m.SyncCredential, credential_id)
    if row is None or row.status == status:
        return False
    row.status, row.updated_at = status, now
    tx.flush()
    return True


def credentials(tx: Tx, profile_id: str | None = None) -> list[Credential]:
    query = select(m.SyncCredential).order_by(m.SyncCredential.issued_at, m.SyncCredential.id)
    if profile_id is not None:
        query = query.where(m.SyncCredential.profile_id == profile_id)
    return [
        Credential(
            r.id,
            r.profile_id,
            r.url,
            r.achievement,
            r.learner,
            r.status,
            r.issued_at,
            r.valid_until,
            tuple(json.loads(r.records)),
        )
        for r in tx.scalars(query)
    ]


def achievement_names(tx: Tx, ids: set[str]) -> dict[str, str]:
    """Achievement id → its name in the local catalogue (pulled with the assessments)."""
    if not ids:
        return {}
    rows = tx.execute(
        select(m.Achievement.id, m.Achievement.title).where(m.Achievement.id.in_(ids))
    )
    return {str(i): str(t) for i, t in rows if t}


@dataclass(frozen=True)
class Flag:
    profile_id: str
    kind: str
    subject: str
    reason: str
    local_work: bool
    created_at: datetime


def add_flag(
    tx: Tx, profile_id: str, kind: str, subject: str, reason: str, local_work: bool, now: datetime
) -> bool:
    """Flag once; whether it is new."""
    found = tx.scalar(
        select(m.SyncFlag).where(
            m.SyncFlag.profile_id == profile_id,
            m.SyncFlag.kind == kind,
            m.SyncFlag.subject == subject,
        )
    )
    if found is not None:
        return False
    tx.add(
        m.SyncFlag(
            profile_id=profile_id,
            kind=kind,
            subject=subject,
            reason=reason,
            local_work=local_work,
            created_at=now,
        )
    )
    tx.flush()
    return True


def flags(tx: Tx, profile_id: str | None = None) -> list[Flag]:
    query = select(m.SyncFlag).order_by(m.SyncFlag.id)
    if profile_id is not None:
        query = query.where(m.SyncFlag.profile_id == profile_id)
    return [
        Flag(r.profile_id, r.kind, r.subject, r.reason, r.local_work, r.created_at)
        for r in tx.scalars(query)
    ]


def hold_work(tx: Tx, profile_id: str, submission_id: str, payload: str, now: datetime) -> None:
    row = tx.get(m.SyncPendingWork, submission_id)
    if row is None:
        tx.add(
            m.SyncPendingWork(
                submission_id=submission_id, profile_id=profile_id, payload=payload, created_at=now
            )
        )
    else:
        row.payload = payload
    tx.flush()


def held_work(tx: Tx, profile_id: str) -> list[tuple[str, str]]:
    """(submission id, payload JSON) of pulled work still waiting for evidence."""
    query = (
        select(m.SyncPendingWork.submission_id, m.SyncPendingWork.payload)
        .where(m.SyncPendingWork.profile_id == profile_id)
        .order_by(m.SyncPendingWork.created_at)
    )
    return [(str(a), str(b)) for a, b in tx.execute(query)]


def release_work(tx: Tx, submission_id: str) -> None:
    row = tx.get(m.SyncPendingWork, submission_id)
    if row is not None:
        tx.delete(row)
        tx.flush()


def work_failed(tx: Tx, submission_id: str, message: str) -> None:
    row = tx.get(m.SyncPendingWork, submission_id)
    if row is not None:
        row.attempts += 1
        row.last_error = message
        tx.flush()


def uploaded(tx: Tx, backend: str, hashes: list[str]) -> set[str]:
    if not hashes:
        return set()
    query = select(m.SyncUpload.sha256).where(
        m.SyncUpload.backend == backend, m.SyncUpload.sha256.in_(hashes)
    )
    return set(tx.scalars(query))


def mark_uploaded(tx: Tx, backend: str, sha256: str) -> None:
    if tx.get(m.SyncUpload, (backend, sha256)) is None:
        tx.add(m.SyncUpload(backend=backend, sha256=sha256))
        tx.flush()


def profile_key(tx: Tx, profile_id: str) -> str | None:
    row = tx.get(m.Profile, profile_id)
    return None if row is None else row.did


def profile_roles(tx: Tx, profile_id: str) -> tuple[str, ...]:
    row = tx.get(m.Profile, profile_id)
    return () if row is None else tuple(row.roles.split())
