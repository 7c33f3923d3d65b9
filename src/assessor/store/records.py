"""Signed records in the store: appended once, read many times, never changed (triggers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from assessor.store.db import Tx
from assessor.store.models import Artifact, Evaluation, OutboxItem, Record, Submission
from assessor.store.types import utcnow


@dataclass(frozen=True)
class StoredRecord:
    number: int
    id: str
    kind: str
    issuer: str
    seq: int
    prev: str | None
    digest: str
    body: bytes  # the exact signed bytes
    evaluation_id: str | None
    submission_id: str | None
    created_at: datetime
    synced: bool


@dataclass(frozen=True)
class EvidenceFile:
    name: str
    media_type: str
    size: int
    sha256: str


def _stored(row: Record, synced: bool) -> StoredRecord:
    return StoredRecord(
        row.number,
        row.id,
        row.kind,
        row.issuer,
        row.seq,
        row.prev,
        row.digest,
        row.body.encode("utf-8"),
        row.evaluation_id,
        row.submission_id,
        row.created_at,
        synced,
    )


def chain_tail(tx: Tx, issuer: str) -> tuple[int, str] | None:
    """(seq, digest) of the issuer's newest record, if any."""
    row = tx.execute(
        select(Record.seq, Record.digest)
        .where(Record.issuer == issuer)
        .order_by(Record.seq.desc())
        .limit(1)
    ).first()
    return None if row is None else (int(row[0]), str(row[1]))


def append_record(
    tx: Tx,
    *,
    id: str,
    kind: str,
    issuer: str,
    seq: int,
    prev: str | None,
    digest: str,
    body: bytes,
    evaluation_id: str | None = None,
    submission_id: str | None = None,
) -> None:
    """Store the record and its outbox item (the envelope the sync sends)."""
    now = utcnow()
    text = body.decode("utf-8")
    tx.add(
        Record(
            id=id,
            kind=kind,
            issuer=issuer,
            seq=seq,
            prev=prev,
            digest=digest,
            body=text,
            evaluation_id=evaluation_id,
            submission_id=submission_id,
            created_at=now,
        )
    )
    tx.add(OutboxItem(record_id=id, kind=kind, body=text, created_at=now))
    tx.flush()


def _synced_ids(tx: Tx) -> set[str]:
    return set(tx.scalars(select(OutboxItem.record_id).where(OutboxItem.state == "acknowledged")))


def all_records(tx: Tx) -> list[StoredRecord]:
    synced = _synced_ids(tx)
    rows = tx.scalars(select(Record).order_by(Record.number))
    return [_stored(r, r.id in synced) for r in rows]


def record_by_ref(tx: Tx, ref: str) -> StoredRecord | None:
    """By id (with or without 'urn:uuid:') or by digest."""
    wanted = ref if ref.startswith(("urn:", "uEi")) else f"urn:uuid:{ref}"
    row = tx.scalars(select(Record).where((Record.id == wanted) | (Record.digest == ref))).first()
    return None if row is None else _stored(row, row.id in _synced_ids(tx))


def record_for_evaluation(tx: Tx, evaluation_id: str) -> StoredRecord | None:
    row = tx.scalars(select(Record).where(Record.evaluation_id == evaluation_id)).first()
    return None if row is None else _stored(row, row.id in _synced_ids(tx))


def evidence(tx: Tx, submission_id: str) -> list[EvidenceFile]:
    rows = tx.scalars(
        select(Artifact).where(Artifact.submission_id == submission_id).order_by(Artifact.position)
    )
    return [EvidenceFile(a.name, a.media_type, a.size, a.sha256) for a in rows]


def submission(tx: Tx, submission_id: str) -> Submission | None:
    return tx.get(Submission, submission_id)


def evaluation(tx: Tx, evaluation_id: str) -> Evaluation | None:
    return tx.get(Evaluation, evaluation_id)
