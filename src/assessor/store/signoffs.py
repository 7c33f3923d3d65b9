"""Sign-off in the store: the queue of signed evaluations whose assessment requires a
manager's sign-off (with counts, filters and search), and the decisions made on them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from assessor.store.models import (
    Assessment,
    Evaluation,
    Learner,
    Profile,
    Record,
    SignOff,
    Submission,
)

# A row's sign-off state: no decision yet, approved, or returned (to the assessor or learner).
STATES = ("pending", "approved", "returned")


@dataclass(frozen=True)
class SignOffFilter:
    state: str | None = "pending"  # None: every state
    assessment_id: str | None = None
    text: str | None = None  # learner name, anonymous code, submission id or assessor name


@dataclass(frozen=True)
class SignOffRow:
    submission_id: str
    learner: str  # the anonymous code when the assessment is blind-marked
    assessment_id: str
    assessment: str
    evaluation_id: str
    assessor_id: str
    assessor: str
    record_id: str  # the signed assessment record
    record_digest: str
    outcome: str | None
    finalized_at: datetime | None
    state: str  # one of STATES
    return_to: str | None = None
    reason: str | None = None

    @property
    def id(self) -> str:
        """The row's id in a queue (`ui/queue/model.py`): its submission."""
        return self.submission_id


@dataclass(frozen=True)
class Decision:
    """A decision stored on an evaluation, and who made it."""

    decision: str
    return_to: str | None
    reason: str
    manager: str
    record_id: str
    decided_at: datetime


_Later = aliased(Evaluation)
_STATE = func.coalesce(SignOff.decision, "pending")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _base(columns: list[Any]) -> Select[Any]:
    """Finalized, current (not superseded) evaluations of assessments that require sign-off,
    with their assessment record and any decision on them."""
    superseded = exists().where(_Later.supersedes_id == Evaluation.id, _Later.status == "finalized")
    return (
        select(*columns)
        .select_from(Evaluation)
        .join(Submission, Submission.id == Evaluation.submission_id)
        .join(Assessment, Assessment.id == Submission.assessment_id)
        .join(Learner, Learner.id == Submission.learner_id)
        .join(Profile, Profile.id == Evaluation.assessor_id)
        .join(Record, Record.evaluation_id == Evaluation.id)
        .outerjoin(SignOff, SignOff.evaluation_id == Evaluation.id)
        .where(Evaluation.status == "finalized", Assessment.signoff_required, ~superseded)
    )


def _filtered(stmt: Select[Any], f: SignOffFilter, *, with_state: bool) -> Select[Any]:
    if with_state and f.state is not None:
        stmt = stmt.where(_STATE.in_([f.state]))
    if f.assessment_id:
        stmt = stmt.where(Submission.assessment_id == f.assessment_id)
    if f.text:
        like = f"%{_escape_like(f.text)}%"
        name_shown = or_(
            and_(~Assessment.blind_marking, Learner.name.ilike(like, escape="\\")),
            Learner.anonymous_code.ilike(like, escape="\\"),
        )
        stmt = stmt.where(
            or_(
                name_shown,
                Submission.id.ilike(like, escape="\\"),
                Profile.name.ilike(like, escape="\\"),
            )
        )
    return stmt


def queue_page(tx: Session, f: SignOffFilter, *, limit: int, offset: int = 0) -> list[SignOffRow]:
    """A page of the sign-off queue, oldest signed first (then by submission id)."""
    stmt = _base(
        [
            Submission.id,
            Learner.name,
            Learner.anonymous_code,
            Assessment.blind_marking,
            Assessment.id,
            Assessment.title,
            Evaluation.id,
            Evaluation.assessor_id,
            Profile.name,
            Record.id,
            Record.digest,
            Evaluation.outcome,
            Evaluation.finalized_at,
            _STATE,
            SignOff.return_to,
            SignOff.reason,
        ]
    )
    stmt = _filtered(stmt, f, with_state=True)
    stmt = stmt.order_by(Record.number, Submission.id).limit(limit).offset(offset)
    rows = []
    for row in tx.execute(stmt).all():
        (sid, name, code, blind, aid, title, eid, assessor_id, assessor, rid, digest) = row[:11]
        outcome, finalized_at, state, return_to, reason = row[11:]
        rows.append(
            SignOffRow(
                sid,
                code if blind else name,
                aid,
                title,
                eid,
                assessor_id,
                assessor,
                rid,
                digest,
                outcome,
                finalized_at,
                state,
                return_to,
                reason,
            )
        )
    return rows


def state_counts(tx: Session, f: SignOffFilter) -> dict[str, int]:
    """Rows per state under the other filters (the state filter itself is ignored)."""
    stmt = _filtered(_base([_STATE, func.count()]), f, with_state=False).group_by(_STATE)
    found = {str(state): int(n) for state, n in tx.execute(stmt).all()}
    return {state: found.get(state, 0) for state in STATES}


def decision_on(tx: Session, evaluation_id: str) -> Decision | None:
    row = tx.execute(
        select(SignOff, Profile.name)
        .join(Profile, Profile.id == SignOff.manager_id)
        .where(SignOff.evaluation_id == evaluation_id)
    ).first()
    if row is None:
        return None
    s, manager = row
    return Decision(s.decision, s.return_to, s.reason, manager, s.record_id, s.decided_at)


def latest_decision(tx: Session, submission_id: str) -> Decision | None:
    """The newest decision on any evaluation of the submission (by the record log's order)."""
    row = tx.execute(
        select(SignOff, Profile.name)
        .join(Profile, Profile.id == SignOff.manager_id)
        .join(Record, Record.id == SignOff.record_id)
        .where(SignOff.submission_id == submission_id)
        .order_by(Record.number.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    s, manager = row
    return Decision(s.decision, s.return_to, s.reason, manager, s.record_id, s.decided_at)


def newest_evaluation(tx: Session, submission_id: str) -> Evaluation | None:
    """The submission's newest evaluation, draft or not (a correction in progress is newer
    than what it corrects)."""
    return tx.scalars(
        select(Evaluation)
        .where(Evaluation.submission_id == submission_id)
        .order_by(Evaluation.created_at.desc(), Evaluation.id.desc())
        .limit(1)
    ).first()
