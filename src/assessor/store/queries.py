"""Read queries the services need; they return rows or ORM objects inside the caller's session."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from assessor.store.models import (
    Artifact,
    Assessment,
    Evaluation,
    EvaluationScore,
    Learner,
    Profile,
    Record,
    Rubric,
    RubricVersion,
    Submission,
)


@dataclass(frozen=True)
class QueueFilter:
    status: str | None = None
    assessment_id: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class QueueRow:
    id: str
    learner: str  # the anonymous code when the assessment is blind-marked
    assessment_id: str
    assessment: str
    status: str
    submitted_at: datetime
    due_at: datetime | None
    rubric_id: str
    rubric_version: int
    rubric_digest: str


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


SelectT = TypeVar("SelectT", bound=Select[*tuple[Any, ...]])


def _filtered(stmt: SelectT, f: QueueFilter) -> SelectT:
    if f.status:
        stmt = stmt.where(Submission.status == f.status)
    if f.assessment_id:
        stmt = stmt.where(Submission.assessment_id == f.assessment_id)
    if f.text:
        pattern = f"%{_escape_like(f.text.strip())}%"
        # Blind-marked work is found by its anonymous code, never by the learner's name.
        stmt = stmt.where(
            or_(
                Submission.id.like(pattern, escape="\\"),
                Learner.anonymous_code.like(pattern, escape="\\"),
                (Learner.name.like(pattern, escape="\\")) & (Assessment.blind_marking.is_(False)),
            )
        )
    return stmt


# Blind marking is decided here, so a blind-marked learner's name never leaves the database.
_LEARNER = case((Assessment.blind_marking.is_(True), Learner.anonymous_code), else_=Learner.name)
_QUEUE = (
    select(
        Submission.id,
        _LEARNER,
        Assessment.id,
        Assessment.title,
        Submission.status,
        Submission.submitted_at,
        Assessment.due_at,
        RubricVersion.rubric_id,
        RubricVersion.version,
        RubricVersion.digest,
    )
    .join(Learner, Submission.learner_id == Learner.id)
    .join(Assessment, Submission.assessment_id == Assessment.id)
    .join(RubricVersion, Assessment.rubric_version_id == RubricVersion.id)
)


def queue_page(tx: Session, f: QueueFilter, *, limit: int, offset: int = 0) -> list[QueueRow]:
    """One page of the work queue, oldest first. Core, not ORM: this feeds the queue view."""
    stmt = _filtered(_QUEUE, f).order_by(Submission.submitted_at, Submission.id)
    rows: list[Any] = list(tx.connection().execute(stmt.limit(limit).offset(offset)).all())
    return [QueueRow(*row) for row in rows]


def status_counts(tx: Session, f: QueueFilter) -> dict[str, int]:
    """Counts per status for the other filters (status itself is ignored)."""
    base = QueueFilter(None, f.assessment_id, f.text)
    stmt = (
        select(Submission.status, func.count())
        .join(Learner, Submission.learner_id == Learner.id)
        .join(Assessment, Submission.assessment_id == Assessment.id)
        .group_by(Submission.status)
    )
    return {str(s): int(n) for s, n in tx.execute(_filtered(stmt, base)).all()}


def submission_ids(tx: Session) -> list[str]:
    return list(tx.scalars(select(Submission.id).order_by(Submission.id)))


def latest_version(tx: Session, rubric_id: str) -> RubricVersion | None:
    return tx.scalars(
        select(RubricVersion)
        .where(RubricVersion.rubric_id == rubric_id)
        .order_by(RubricVersion.version.desc())
        .limit(1)
    ).first()


def version_by_digest(tx: Session, digest: str) -> RubricVersion | None:
    return tx.scalars(select(RubricVersion).where(RubricVersion.digest == digest)).first()


def version_by_number(tx: Session, rubric_id: str, version: int) -> RubricVersion | None:
    return tx.scalars(
        select(RubricVersion).where(
            RubricVersion.rubric_id == rubric_id, RubricVersion.version == version
        )
    ).first()


def all_versions(tx: Session) -> Sequence[RubricVersion]:
    return tx.scalars(
        select(RubricVersion).order_by(RubricVersion.rubric_id, RubricVersion.version)
    ).all()


def rubric_ids(tx: Session) -> list[str]:
    return list(tx.scalars(select(Rubric.id).order_by(Rubric.id)))


def draft_for(tx: Session, submission_id: str, assessor_id: str) -> Evaluation | None:
    return tx.scalars(
        select(Evaluation).where(
            Evaluation.submission_id == submission_id,
            Evaluation.assessor_id == assessor_id,
            Evaluation.status == "draft",
        )
    ).first()


def current_evaluation(tx: Session, submission_id: str) -> Evaluation | None:
    """The newest finalized evaluation, else the newest draft."""
    return tx.scalars(
        select(Evaluation)
        .where(Evaluation.submission_id == submission_id)
        .order_by((Evaluation.status == "finalized").desc(), Evaluation.created_at.desc())
        .limit(1)
    ).first()


def score_row(tx: Session, evaluation_id: str, criterion_id: str) -> EvaluationScore | None:
    return tx.get(EvaluationScore, (evaluation_id, criterion_id))


def profiles_with_role(tx: Session, role: str) -> list[Profile]:
    rows = tx.scalars(select(Profile).order_by(Profile.name)).all()
    return [p for p in rows if role in p.roles.split()]


def profile_by_name(tx: Session, name: str) -> Profile | None:
    return tx.scalars(select(Profile).where(Profile.name == name)).first()


def all_profiles(tx: Session) -> list[Profile]:
    return list(tx.scalars(select(Profile).order_by(Profile.name)))


def finalized_by(tx: Session, submission_id: str, assessor_id: str) -> Evaluation | None:
    """The assessor's newest signed evaluation of the submission, by the order records were
    written (never by wall-clock time, which can be set back)."""
    return tx.scalars(
        select(Evaluation)
        .join(Record, Record.evaluation_id == Evaluation.id)
        .where(
            Evaluation.submission_id == submission_id,
            Evaluation.assessor_id == assessor_id,
            Evaluation.status == "finalized",
        )
        .order_by(Record.number.desc())
        .limit(1)
    ).first()


def is_superseded(tx: Session, evaluation_id: str) -> bool:
    found = tx.scalars(
        select(Evaluation.id).where(
            Evaluation.supersedes_id == evaluation_id, Evaluation.status == "finalized"
        )
    ).first()
    return found is not None


def referenced_blobs(tx: Session, hashes: Sequence[str]) -> set[str]:
    """Those of `hashes` that some artifact row names."""
    rows = tx.scalars(select(Artifact.sha256).where(Artifact.sha256.in_(hashes)).distinct())
    return set(rows)
