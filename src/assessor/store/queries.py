"""Read queries the services need; they return rows or ORM objects inside the caller's session."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlalchemy import Integer, Select, String, bindparam, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from assessor.store.models import (
    Artifact,
    Assessment,
    Evaluation,
    EvaluationScore,
    Learner,
    OutboxItem,
    Profile,
    Record,
    Rubric,
    RubricVersion,
    Submission,
)

# Defined apart, so that the first paint (store/first_page.py) has them without SQLAlchemy.
from assessor.store.queue_rows import QueueFilter as QueueFilter
from assessor.store.queue_rows import QueueRow as QueueRow


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


SelectT = TypeVar("SelectT", bound=Select[*tuple[Any, ...]])


def _where(stmt: SelectT, status: Any, assessment_id: Any, pattern: Any) -> SelectT:
    """Each argument is a value or a bind parameter; None leaves that filter out."""
    if status is not None:
        stmt = stmt.where(Submission.status == status)
    if assessment_id is not None:
        stmt = stmt.where(Submission.assessment_id == assessment_id)
    if pattern is not None:
        # Blind-marked work is found by its anonymous code, never by the learner's name.
        stmt = stmt.where(
            or_(
                Submission.id.like(pattern, escape="\\"),
                Learner.anonymous_code.like(pattern, escape="\\"),
                (Learner.name.like(pattern, escape="\\")) & (Assessment.blind_marking.is_(False)),
            )
        )
    return stmt


def _pattern(f: QueueFilter) -> str | None:
    return f"%{_escape_like(f.text.strip())}%" if f.text else None


def _filtered(stmt: SelectT, f: QueueFilter) -> SelectT:
    return _where(stmt, f.status or None, f.assessment_id or None, _pattern(f))


# Blind marking is decided here, so a blind-marked learner's name never leaves the database.
_LEARNER = case((Assessment.blind_marking.is_(True), Learner.anonymous_code), else_=Learner.name)
_ME = bindparam("assessor_id", type_=String)
_MINE_ID = (
    select(Evaluation.id)
    .where(Evaluation.submission_id == Submission.id, Evaluation.assessor_id == _ME)
    .order_by((Evaluation.status == "draft").desc(), Evaluation.created_at.desc())
    .limit(1)
    .correlate(Submission)
    .scalar_subquery()
)
_Mine = aliased(Evaluation, name="mine")
_MineVersion = aliased(RubricVersion, name="mine_version")
_SCORED = (
    select(func.count())
    .where(EvaluationScore.evaluation_id == _Mine.id, EvaluationScore.level_id.is_not(None))
    .correlate(_Mine)
    .scalar_subquery()
)
# A draft keeps the rubric version it began with, which may be older than the assessment's.
_TOTAL = func.json_array_length(
    func.coalesce(_MineVersion.document, RubricVersion.document), "$.criteria"
)
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
        _SCORED,
        _TOTAL,
        Assessment.blind_marking,
    )
    .join(Learner, Submission.learner_id == Learner.id)
    .join(Assessment, Submission.assessment_id == Assessment.id)
    .join(RubricVersion, Assessment.rubric_version_id == RubricVersion.id)
    .outerjoin(_Mine, _Mine.id == _MINE_ID)
    .outerjoin(_MineVersion, _MineVersion.id == _Mine.rubric_version_id)
)


@functools.cache
def _page_statement(status: bool, assessment: bool, text: bool) -> Select[Any]:
    # Built once per filter shape, values bound at execution: building the statement anew
    # on every page added about a third of the SQL time (benchmarks/bench_queue_query.py).
    stmt = _where(
        _QUEUE,
        bindparam("status", type_=String) if status else None,
        bindparam("assessment_id", type_=String) if assessment else None,
        bindparam("pattern", type_=String) if text else None,
    )
    return (
        stmt.order_by(Submission.submitted_at, Submission.id)
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
    )


def queue_page(
    tx: Session, f: QueueFilter, *, limit: int, offset: int = 0, assessor_id: str | None = None
) -> list[QueueRow]:
    """One page of the work queue, oldest first, with `assessor_id`'s progress on each row.
    Core, not ORM: this feeds the queue view."""
    pattern = _pattern(f)
    stmt = _page_statement(bool(f.status), bool(f.assessment_id), pattern is not None)
    params = {
        "assessor_id": assessor_id,
        "status": f.status,
        "assessment_id": f.assessment_id,
        "pattern": pattern,
        "limit": limit,
        "offset": offset,
    }
    rows: list[Any] = list(tx.connection().execute(stmt, params).all())
    return [QueueRow(*row) for row in rows]


def status_counts(tx: Session, f: QueueFilter) -> dict[str, int]:
    """Counts per status for the other filters (status itself is ignored)."""
    base = QueueFilter(None, f.assessment_id, f.text)
    stmt = select(Submission.status, func.count()).group_by(Submission.status)
    if _pattern(base) is not None:
        # The search looks at the learner and the assessment's blind marking; without one,
        # the joins (inner, on required keys) change no count and cost a tenth of a second
        # at 100k submissions (benchmarks/bench_queue_filter_gui.py).
        stmt = stmt.join(Learner, Submission.learner_id == Learner.id).join(
            Assessment, Submission.assessment_id == Assessment.id
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


def assessments(tx: Session) -> list[tuple[str, str]]:
    """(id, title) of every assessment, by title."""
    rows = tx.execute(select(Assessment.id, Assessment.title).order_by(Assessment.title))
    return [(str(i), str(t)) for i, t in rows.all()]


def outbox_waiting(tx: Session) -> int:
    """Signed records still to send (not yet answered for good by the backend)."""
    stmt = select(func.count()).select_from(OutboxItem).where(OutboxItem.state == "pending")
    return int(tx.execute(stmt).scalar_one())
