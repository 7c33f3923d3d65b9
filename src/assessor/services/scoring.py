"""Evaluation drafts: start, choose levels, comment. Every change is one autosaved transaction
that also appends an audit event."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from assessor.domain.errors import UnknownChoice
from assessor.domain.ids import uuid7
from assessor.domain.numbers import to_json_number
from assessor.domain.rubric import Rubric
from assessor.domain.scoring import ENGINE_VERSION, ScoreResult, Selection, resolve_points, score
from assessor.domain.workflow import EvaluationStatus, SubmissionStatus, require_draft
from assessor.store import models as m
from assessor.store import queries as q
from assessor.store.audit import append_event
from assessor.store.db import Database, Tx
from assessor.store.types import utcnow


@dataclass(frozen=True)
class SetLevel:
    criterion_id: str
    level_id: str
    points: Decimal | None = None


@dataclass(frozen=True)
class ClearLevel:
    criterion_id: str


@dataclass(frozen=True)
class SetComment:
    criterion_id: str
    text: str


@dataclass(frozen=True)
class SetOverallComment:
    text: str


DraftChange = SetLevel | ClearLevel | SetComment | SetOverallComment


@dataclass(frozen=True)
class CriterionState:
    id: str
    title: str
    level_id: str | None
    level_title: str | None
    points: Decimal | None
    comment: str


@dataclass(frozen=True)
class EvaluationView:
    submission_id: str
    evaluation_id: str | None
    status: str
    assessor_id: str | None
    rubric_id: str
    rubric_version: int
    rubric_digest: str
    criteria: tuple[CriterionState, ...]
    overall_comment: str
    result: ScoreResult

    def to_json(self) -> dict[str, object]:
        """The `evaluation show --json` shape of DESIGN.md."""
        return {
            "submission": self.submission_id,
            "evaluation": self.evaluation_id,
            "status": self.status,
            "rubric": {"id": self.rubric_id, "version": self.rubric_version,
                       "digest": self.rubric_digest},
            "criteria": {
                c.id: {
                    "level": c.level_id,
                    "points": None if c.points is None else to_json_number(c.points),
                    "comment": c.comment,
                }
                for c in self.criteria
            },
            "overallComment": self.overall_comment,
            "total": to_json_number(self.result.total),
            "max": to_json_number(self.result.maximum),
            "percentage": to_json_number(self.result.percentage),
            "outcome": self.result.outcome.value,
            "band": self.result.band,
            "reasons": list(self.result.reasons),
            "engineVersion": self.result.engine_version,
            "record": None,
        }


def _submission(tx: Tx, submission_id: str) -> m.Submission:
    sub = tx.get(m.Submission, submission_id)
    if sub is None:
        raise UnknownChoice("submission", submission_id, q.submission_ids(tx))
    return sub


def _rubric_of(sub: m.Submission) -> tuple[m.RubricVersion, Rubric]:
    row = sub.assessment.rubric_version
    return row, Rubric.from_document(json.loads(row.document))


def _selections(evaluation: m.Evaluation) -> dict[str, Selection]:
    return {
        s.criterion_id: Selection(s.level_id, s.points)
        for s in evaluation.scores
        if s.level_id is not None
    }


def _view(sub: m.Submission, evaluation: m.Evaluation | None) -> EvaluationView:
    row, rubric = _rubric_of(sub)
    by_id = {s.criterion_id: s for s in evaluation.scores} if evaluation else {}
    states = []
    for c in rubric.criteria:
        s = by_id.get(c.id)
        level = c.level(s.level_id) if s and s.level_id else None
        states.append(CriterionState(
            c.id, c.title, level.id if level else None, level.title if level else None,
            s.points if s and s.level_id else None, s.comment if s else "",
        ))
    result = score(rubric, _selections(evaluation) if evaluation else {})
    return EvaluationView(
        submission_id=sub.id,
        evaluation_id=evaluation.id if evaluation else None,
        status=evaluation.status if evaluation else SubmissionStatus.TO_SCORE.value,
        assessor_id=evaluation.assessor_id if evaluation else None,
        rubric_id=row.rubric_id,
        rubric_version=row.version,
        rubric_digest=row.digest,
        criteria=tuple(states),
        overall_comment=evaluation.overall_comment if evaluation else "",
        result=result,
    )


def _draft(tx: Tx, sub: m.Submission, assessor_id: str) -> m.Evaluation:
    draft = q.draft_for(tx, sub.id, assessor_id)
    if draft is not None:
        return draft
    if tx.get(m.Profile, assessor_id) is None:
        raise UnknownChoice("profile", assessor_id, [])
    now = utcnow()
    draft = m.Evaluation(
        id=uuid7(), submission_id=sub.id, assessor_id=assessor_id,
        rubric_version_id=sub.assessment.rubric_version_id,
        status=EvaluationStatus.DRAFT.value, overall_comment="",
        engine_version=ENGINE_VERSION, created_at=now, updated_at=now,
    )
    tx.add(draft)
    tx.flush()
    append_event(tx, actor=assessor_id, action="evaluation.start", entity_type="evaluation",
                 entity_id=draft.id, payload={"submission": sub.id})
    return draft


def _score_row(tx: Tx, evaluation: m.Evaluation, rubric: Rubric, criterion_id: str
               ) -> m.EvaluationScore:
    criterion = rubric.criterion(criterion_id)  # raises UnknownChoice naming the criteria
    row = q.score_row(tx, evaluation.id, criterion.id)
    if row is None:
        row = m.EvaluationScore(
            evaluation_id=evaluation.id, criterion_id=criterion.id,
            position=rubric.criterion_ids().index(criterion.id), comment="",
        )
        evaluation.scores.append(row)
    return row


def _apply(tx: Tx, evaluation: m.Evaluation, rubric: Rubric, change: DraftChange
           ) -> dict[str, object]:
    """Apply one change; return the audit payload describing it."""
    if isinstance(change, SetOverallComment):
        evaluation.overall_comment = change.text
        return {"change": "overall-comment", "length": len(change.text)}
    row = _score_row(tx, evaluation, rubric, change.criterion_id)
    if isinstance(change, SetLevel):
        criterion = rubric.criterion(change.criterion_id)
        points = resolve_points(criterion, Selection(change.level_id, change.points))
        row.level_id, row.points = change.level_id, points
        return {"change": "level", "criterion": row.criterion_id, "level": row.level_id,
                "points": to_json_number(points)}
    if isinstance(change, ClearLevel):
        row.level_id, row.points = None, None
        return {"change": "clear-level", "criterion": row.criterion_id}
    row.comment = change.text
    return {"change": "comment", "criterion": row.criterion_id, "length": len(change.text)}


def save_draft(
    db: Database, submission_id: str, assessor_id: str, changes: list[DraftChange]
) -> EvaluationView:
    """Apply changes to the assessor's draft (started if needed) in one durable transaction.

    When this returns, the changes are committed with synchronous=FULL: they survive a crash
    or a power cut. Any invalid change rolls the whole call back.
    """
    with db.write() as tx:
        sub = _submission(tx, submission_id)
        if sub.status == SubmissionStatus.FINALIZED.value:
            require_draft(EvaluationStatus.FINALIZED)
        _, rubric = _rubric_of(sub)
        evaluation = _draft(tx, sub, assessor_id)
        for change in changes:
            payload = _apply(tx, evaluation, rubric, change)
            append_event(tx, actor=assessor_id, action="evaluation.change",
                         entity_type="evaluation", entity_id=evaluation.id, payload=payload)
        result = score(rubric, _selections(evaluation))
        evaluation.total, evaluation.maximum = result.total, result.maximum
        evaluation.outcome, evaluation.band = result.outcome.value, result.band
        evaluation.updated_at = utcnow()
        sub.status = SubmissionStatus.IN_PROGRESS.value
        return _view(sub, evaluation)


def start_evaluation(db: Database, submission_id: str, assessor_id: str) -> EvaluationView:
    return save_draft(db, submission_id, assessor_id, [])


def show_evaluation(db: Database, submission_id: str) -> EvaluationView:
    """The submission's current evaluation (finalized first, else newest draft), or an empty
    sheet when nobody has started one."""
    with db.read() as tx:
        sub = _submission(tx, submission_id)
        return _view(sub, q.current_evaluation(tx, sub.id))
