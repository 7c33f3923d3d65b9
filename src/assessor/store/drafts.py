"""The autosave hot path: hand-written SQL for draft evaluations.

A level change is the most frequent write an assessor makes, and each one is a durable
transaction. `save_draft` runs these statements in `Database.write_sql()`, a BEGIN IMMEDIATE
on a pooled sqlite3 connection with no ORM session: SQLAlchemy Core added ~35 µs a statement
on top of SQL costing ~25 µs, and a session's own cost was a third of a save. Every function
also takes a session (`driver` finds its connection), so the same SQL runs inside `write()`.
See docs/decisions/0004-autosave-hot-path.md. Column names are checked by the service tests.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from sqlalchemy.orm import Session

from assessor.store.types import format_utc, utcnow


@dataclass(frozen=True)
class DraftContext:
    submission_id: str
    submission_status: str
    rubric_version_id: int
    rubric_id: str
    rubric_version: int
    rubric_digest: str
    evaluation_id: str | None  # the assessor's open draft, if any
    overall_comment: str
    assessor_roles: tuple[str, ...] | None  # None: no such profile


@dataclass(frozen=True)
class ScoreLine:
    criterion_id: str
    level_id: str | None
    points: Decimal | None
    comment: str


SqlOrSession = Session | sqlite3.Connection


def driver(tx: SqlOrSession) -> sqlite3.Connection:
    """The sqlite3 connection of a `Database.write_sql()` transaction, or the one inside a
    session's current transaction."""
    if isinstance(tx, sqlite3.Connection):
        return tx
    return cast(sqlite3.Connection, tx.connection().connection.driver_connection)


# The rubric version is the draft's own when a draft exists (a newer version published
# meanwhile never rewrites work begun against an older one), else the assessment's.
_CONTEXT = """
SELECT s.id, s.status, v.id, v.rubric_id, v.version, v.digest, e.id, e.overall_comment,
  (SELECT roles FROM profiles WHERE id = :assessor_id)
FROM submissions AS s
JOIN assessments AS a ON s.assessment_id = a.id
LEFT OUTER JOIN evaluations AS e
  ON e.submission_id = s.id AND e.assessor_id = :assessor_id AND e.status = 'draft'
JOIN rubric_versions AS v ON v.id = coalesce(e.rubric_version_id, a.rubric_version_id)
WHERE s.id = :submission_id"""
_DOCUMENT = "SELECT document FROM rubric_versions WHERE digest = :digest"
_INSERT_DRAFT = """
INSERT INTO evaluations (id, submission_id, assessor_id, rubric_version_id, status,
  overall_comment, engine_version, created_at, updated_at)
VALUES (:id, :submission_id, :assessor_id, :rubric_version_id, 'draft', '', :engine_version,
  :now, :now)"""
_UPSERT = """
INSERT INTO evaluation_scores (evaluation_id, criterion_id, position, level_id, points, comment)
VALUES (:evaluation_id, :criterion_id, :position, :level_id, :points, :comment)
ON CONFLICT (evaluation_id, criterion_id) DO UPDATE SET {}"""
_UPSERT_LEVEL = _UPSERT.format("level_id = excluded.level_id, points = excluded.points")
_UPSERT_COMMENT = _UPSERT.format("comment = excluded.comment")
_SCORES = """
SELECT criterion_id, level_id, points, comment FROM evaluation_scores
WHERE evaluation_id = :evaluation_id ORDER BY position"""
_SET_TOTALS = """
UPDATE evaluations SET total = :total, maximum = :maximum, outcome = :outcome, band = :band,
  updated_at = :updated_at
WHERE id = :evaluation_id"""
_SET_OVERALL = "UPDATE evaluations SET overall_comment = :text WHERE id = :evaluation_id"
_SET_STATUS = "UPDATE submissions SET status = :status WHERE id = :submission_id"


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def draft_context(tx: SqlOrSession, submission_id: str, assessor_id: str) -> DraftContext | None:
    """Everything a draft change needs to know, in one query; None for an unknown submission."""
    row = (
        driver(tx)
        .execute(_CONTEXT, {"submission_id": submission_id, "assessor_id": assessor_id})
        .fetchone()
    )
    if row is None:
        return None
    sub, status, version_id, rubric_id, version, digest, evaluation, overall, roles = row
    return DraftContext(
        sub,
        status,
        version_id,
        rubric_id,
        version,
        digest,
        evaluation,
        overall or "",
        None if roles is None else tuple(roles.split()),
    )


def rubric_document(tx: SqlOrSession, digest: str) -> str:
    row = driver(tx).execute(_DOCUMENT, {"digest": digest}).fetchone()
    if row is None:
        raise LookupError(f"no rubric version {digest}")
    return str(row[0])


def insert_draft(
    tx: SqlOrSession,
    *,
    id: str,
    submission_id: str,
    assessor_id: str,
    rubric_version_id: int,
    engine_version: str,
) -> None:
    driver(tx).execute(
        _INSERT_DRAFT,
        {
            "id": id,
            "submission_id": submission_id,
            "assessor_id": assessor_id,
            "rubric_version_id": rubric_version_id,
            "engine_version": engine_version,
            "now": format_utc(utcnow()),
        },
    )


def set_level(
    tx: SqlOrSession,
    evaluation_id: str,
    criterion_id: str,
    position: int,
    level_id: str | None,
    points: Decimal | None,
) -> None:
    driver(tx).execute(
        _UPSERT_LEVEL,
        {
            "evaluation_id": evaluation_id,
            "criterion_id": criterion_id,
            "position": position,
            "level_id": level_id,
            "points": _text(points),
            "comment": "",
        },
    )


def set_comment(
    tx: SqlOrSession, evaluation_id: str, criterion_id: str, position: int, text: str
) -> None:
    driver(tx).execute(
        _UPSERT_COMMENT,
        {
            "evaluation_id": evaluation_id,
            "criterion_id": criterion_id,
            "position": position,
            "level_id": None,
            "points": None,
            "comment": text,
        },
    )


def score_lines(tx: SqlOrSession, evaluation_id: str) -> list[ScoreLine]:
    rows = driver(tx).execute(_SCORES, {"evaluation_id": evaluation_id}).fetchall()
    return [ScoreLine(c, lv, None if p is None else Decimal(p), m) for c, lv, p, m in rows]


def set_totals(
    tx: SqlOrSession,
    evaluation_id: str,
    *,
    total: Decimal,
    maximum: Decimal,
    outcome: str,
    band: str | None,
) -> None:
    driver(tx).execute(
        _SET_TOTALS,
        {
            "evaluation_id": evaluation_id,
            "total": _text(total),
            "maximum": _text(maximum),
            "outcome": outcome,
            "band": band,
            "updated_at": format_utc(utcnow()),
        },
    )


def set_overall_comment(tx: SqlOrSession, evaluation_id: str, text: str) -> None:
    driver(tx).execute(_SET_OVERALL, {"evaluation_id": evaluation_id, "text": text})


def set_submission_status(tx: SqlOrSession, submission_id: str, status: str) -> None:
    driver(tx).execute(_SET_STATUS, {"submission_id": submission_id, "status": status})
