"""Raw reads for `assessor verify`: rows exactly as stored, read as bytes so that a corrupted
value is reported rather than crashing the decoder, and without the ORM's type conversions;
the tables as the audit log's row images (capture.py); and the schema a fresh database at
head has, to compare the file's with."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.exc import DatabaseError as SqlAlchemyDatabaseError
from sqlalchemy.pool import StaticPool

from assessor.store import capture, migrate
from assessor.store.db import Tx
from assessor.store.drafts import driver

# What reading a damaged file raises (the driver's own, or SQLAlchemy's wrapping of it).
DATABASE_ERRORS = (sqlite3.DatabaseError, SqlAlchemyDatabaseError)


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
_SIGNED_CONTEXT = """
SELECT e.overall_comment, e.band, e.engine_version, e.submission_id, s.learner_id,
  s.assessment_id, s.attempt, s.submitted_at, v.rubric_id, v.version, v.digest, p.did
FROM evaluations AS e
LEFT OUTER JOIN submissions AS s ON s.id = e.submission_id
LEFT OUTER JOIN rubric_versions AS v ON v.id = e.rubric_version_id
LEFT OUTER JOIN profiles AS p ON p.id = e.assessor_id
WHERE e.id = ?"""
_SCHEMA = "SELECT type, name, tbl_name, sql FROM main.sqlite_master ORDER BY type, name"
_REVISIONS = "SELECT version_num FROM alembic_version"

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
    "exam_sessions_sealed_no_update",
    "exam_sessions_sealed_no_delete",
    "exam_runs_sealed_no_update",
    "exam_roster_sealed_no_insert",
    "exam_roster_sealed_no_update",
    "exam_roster_sealed_no_delete",
    "exam_roster_terminal_outcome",
    "exam_entries_sealed_no_insert",
    "exam_entries_no_update",
    "exam_entries_no_delete",
    "exam_amendments_no_update",
    "exam_amendments_no_delete",
    "signoffs_no_update",
    "signoffs_no_delete",
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


_SIGNOFF = """
SELECT s.submission_id, r.id, s.decision, s.return_to, s.reason, p.did
FROM signoffs s
LEFT JOIN records r ON r.evaluation_id = s.evaluation_id
LEFT JOIN profiles p ON p.id = s.manager_id
WHERE s.record_id = ?"""


def signoff_row(tx: Tx, record_id: str) -> dict[str, Any] | None:
    """The sign-off row a ProjectSignOffRecord stands for, as stored: its submission, the
    record of the evaluation it decided on, decision, return, reason and manager's key."""
    row = driver(tx).execute(_SIGNOFF, (record_id,)).fetchone()
    if row is None:
        return None
    names = ("submission", "assessmentRecord", "decision", "returnTo", "reason", "managerDid")
    return dict(zip(names, row, strict=True))


def signed_context(tx: Tx, evaluation_id: str) -> dict[str, Any] | None:
    """What a signed evaluation's record repeats from other rows, as stored."""
    names = [
        "overallComment",
        "band",
        "engineVersion",
        "submission",
        "learner",
        "assessment",
        "attempt",
        "submittedAt",
        "rubric",
        "version",
        "digest",
        "assessorDid",
    ]
    row = driver(tx).execute(_SIGNED_CONTEXT, (evaluation_id,)).fetchone()
    return None if row is None else dict(zip(names, row, strict=True))


def score_rows(tx: Tx, evaluation_id: str) -> list[tuple[str, str | None, str | None, str]]:
    return [tuple(r) for r in driver(tx).execute(_SCORES, (evaluation_id,))]


def evidence_rows(tx: Tx, submission_id: str) -> list[tuple[str, str, int, str]]:
    return [tuple(r) for r in driver(tx).execute(_EVIDENCE, (submission_id,))]


def trigger_names(tx: Tx) -> set[str]:
    return {str(name) for (name,) in driver(tx).execute(_TRIGGERS)}


def revisions(tx: Tx) -> list[str]:
    try:
        return [str(r) for (r,) in driver(tx).execute(_REVISIONS)]
    except sqlite3.OperationalError:  # no such table
        return []


SchemaObject = tuple[str, str]  # (type, name)


def schema(tx: Tx) -> dict[SchemaObject, tuple[str, str | None]]:
    """Every object of the file's schema: (type, name) → (table, SQL text as stored)."""
    return {
        (str(t), str(n)): (str(tbl), None if sql is None else str(sql))
        for t, n, tbl, sql in driver(tx).execute(_SCHEMA)
    }


@cache
def expected_schema() -> dict[SchemaObject, tuple[str, str | None]]:
    """The schema a new database has at head: the migrations run on an in-memory database.
    A file migrated from any released revision has the same SQL text, object for object."""
    engine = create_engine("sqlite://", poolclass=StaticPool)
    try:
        migrate.upgrade(engine)
        with engine.connect() as conn:
            rows = conn.exec_driver_sql(_SCHEMA).fetchall()
    finally:
        engine.dispose()
    return {
        (str(t), str(n)): (str(tbl), None if sql is None else str(sql)) for t, n, tbl, sql in rows
    }


def captured_tables(tx: Tx) -> list[capture.TableShape]:
    return capture.captured_tables(driver(tx))


def table_images(
    tx: Tx, shape: capture.TableShape
) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """The table's rows as the audit log holds them, in rowid order."""
    return capture.rows_of(driver(tx), shape)
