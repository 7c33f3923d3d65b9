"""Raw reads for `assessor verify`: rows exactly as stored, read as bytes so that a corrupted
value is reported rather than crashing the decoder, and without the ORM's type conversions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from assessor.store.db import Tx
from assessor.store.drafts import driver


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: bytes
    actor: bytes
    action: bytes
    entity_type: bytes
    entity_id: bytes
    payload: bytes
    prev_hash: bytes
    hash: bytes


@dataclass(frozen=True)
class RecordRow:
    number: int
    id: bytes
    kind: bytes
    issuer: bytes
    seq: int
    prev: bytes | None
    digest: bytes
    body: bytes
    evaluation_id: str | None
    submission_id: str | None


_AUDIT = """
SELECT seq, CAST(at AS BLOB), CAST(actor AS BLOB), CAST(action AS BLOB),
  CAST(entity_type AS BLOB), CAST(entity_id AS BLOB), CAST(payload AS BLOB),
  CAST(prev_hash AS BLOB), CAST(hash AS BLOB)
FROM audit_events ORDER BY seq"""
_RECORDS = """
SELECT number, CAST(id AS BLOB), CAST(kind AS BLOB), CAST(issuer AS BLOB), seq,
  CAST(prev AS BLOB), CAST(digest AS BLOB), CAST(body AS BLOB), evaluation_id, submission_id
FROM records ORDER BY number"""
_HEADS = "SELECT chain, length, CAST(head AS BLOB) FROM chain_heads"
_ARTIFACTS = "SELECT id, submission_id, sha256, size FROM artifacts ORDER BY id"
_EVALUATION = "SELECT status, total, maximum, outcome FROM evaluations WHERE id = ?"
_SCORES = """SELECT criterion_id, level_id, points, comment FROM evaluation_scores
WHERE evaluation_id = ? ORDER BY position"""
_EVIDENCE = """SELECT name, media_type, size, sha256 FROM artifacts
WHERE submission_id = ? ORDER BY position"""
_TRIGGERS = "SELECT name FROM sqlite_master WHERE type = 'trigger'"

# Every guard trigger the migrations create (tests/store checks this against the head).
GUARD_TRIGGERS = (
    "rubric_versions_published_no_update",
    "rubric_versions_published_no_delete",
    "audit_events_no_update",
    "audit_events_no_delete",
    "records_no_update",
    "records_no_delete",
    "records_move_head",
    "audit_events_move_head",
    "chain_heads_no_delete",
    "chain_heads_forward_only",
    "artifacts_signed_no_update",
    "artifacts_signed_no_delete",
    "evaluations_final_no_update",
    "evaluations_final_no_delete",
    "evaluation_scores_final_no_insert",
    "evaluation_scores_final_no_update",
    "evaluation_scores_final_no_delete",
)


def audit_rows(tx: Tx) -> Iterator[AuditRow]:
    for row in driver(tx).execute(_AUDIT):
        yield AuditRow(*row)


def record_rows(tx: Tx) -> Iterator[RecordRow]:
    for row in driver(tx).execute(_RECORDS):
        yield RecordRow(*row)


def chain_heads(tx: Tx) -> dict[str, tuple[int, bytes]]:
    return {str(c): (int(n), bytes(h)) for c, n, h in driver(tx).execute(_HEADS)}


def artifact_hashes(tx: Tx) -> list[tuple[int, str, str, int]]:
    """(artifact id, submission id, sha256, recorded size) in artifact order."""
    return [(int(i), str(s), str(h), int(n)) for i, s, h, n in driver(tx).execute(_ARTIFACTS)]


def evaluation_row(tx: Tx, evaluation_id: str) -> tuple[str, str, str, str] | None:
    row = driver(tx).execute(_EVALUATION, (evaluation_id,)).fetchone()
    return None if row is None else (str(row[0]), str(row[1]), str(row[2]), str(row[3]))


def score_rows(tx: Tx, evaluation_id: str) -> list[tuple[str, str | None, str | None, str]]:
    return [tuple(r) for r in driver(tx).execute(_SCORES, (evaluation_id,))]


def evidence_rows(tx: Tx, submission_id: str) -> list[tuple[str, str, int, str]]:
    return [tuple(r) for r in driver(tx).execute(_EVIDENCE, (submission_id,))]


def trigger_names(tx: Tx) -> set[str]:
    return {str(name) for (name,) in driver(tx).execute(_TRIGGERS)}
