"""Evaluation drafts: start, choose levels, comment. Every change is one autosaved transaction
that also appends an audit event."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from assessor.domain.errors import DomainError, UnknownChoice
from assessor.domain.ids import uuid7
from assessor.domain.numbers import (
    MAX_DECIMAL_PLACES,
    MAX_SIGNIFICANT_DIGITS,
    bounded_decimal,
    to_json_number,
)
from assessor.domain.policy import Operation, State
from assessor.domain.rubric import Rubric
from assessor.domain.scoring import ENGINE_VERSION, ScoreResult, Selection, resolve_points, score
from assessor.domain.text import require_plain
from assessor.domain.workflow import SIGNED_STATUSES, EvaluationStatus, SubmissionStatus
from assessor.services.access import Actor, check, operation
from assessor.services.rubrics import rubric_by_digest
from assessor.store import drafts
from assessor.store import queries as q
from assessor.store.audit import append_event
from assessor.store.db import Database, SqlTx, Tx
from assessor.store.models import Evaluation
from assessor.store.records import record_for_evaluation


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
    record: tuple[str, str] | None = None  # (id, digest) once finalized and signed

    def to_json(self) -> dict[str, object]:
        """The `evaluation show --json` shape of DESIGN.md."""
        return {
            "submission": self.submission_id,
            "evaluation": self.evaluation_id,
            "status": self.status,
            "rubric": {
                "id": self.rubric_id,
                "version": self.rubric_version,
                "digest": self.rubric_digest,
            },
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
            "record": (
                None if self.record is None else {"id": self.record[0], "digest": self.record[1]}
            ),
        }


def _selections(lines: list[drafts.ScoreLine]) -> dict[str, Selection]:
    return {
        ln.criterion_id: Selection(ln.level_id, ln.points)
        for ln in lines
        if ln.level_id is not None
    }


def _view(
    ctx: drafts.DraftContext,
    rubric: Rubric,
    lines: list[drafts.ScoreLine],
    *,
    evaluation_id: str | None,
    status: str,
    assessor_id: str | None,
    overall: str,
    result: ScoreResult | None = None,
) -> EvaluationView:
    by_id = {ln.criterion_id: ln for ln in lines}
    states = []
    for c in rubric.criteria:
        ln = by_id.get(c.id)
        level = c.level(ln.level_id) if ln and ln.level_id else None
        states.append(
            CriterionState(
                c.id,
                c.title,
                level.id if level else None,
                level.title if level else None,
                ln.points if ln and level else None,
                ln.comment if ln else "",
            )
        )
    return EvaluationView(
        submission_id=ctx.submission_id,
        evaluation_id=evaluation_id,
        status=status,
        assessor_id=assessor_id,
        rubric_id=ctx.rubric_id,
        rubric_version=ctx.rubric_version,
        rubric_digest=ctx.rubric_digest,
        criteria=tuple(states),
        overall_comment=overall,
        result=result or score(rubric, _selections(lines)),
    )


def _unknown_submission(db: Database, submission_id: str) -> UnknownChoice:
    with db.read() as tx:
        return UnknownChoice("submission", submission_id, q.submission_ids(tx))


def _start_draft(tx: SqlTx, ctx: drafts.DraftContext, assessor_id: str, rubric: Rubric) -> str:
    evaluation_id = uuid7()
    drafts.insert_draft(
        tx,
        id=evaluation_id,
        submission_id=ctx.submission_id,
        assessor_id=assessor_id,
        rubric_version_id=ctx.rubric_version_id,
        engine_version=ENGINE_VERSION,
    )
    _set_totals(tx, evaluation_id, score(rubric, {}))
    append_event(
        tx,
        actor=assessor_id,
        action="evaluation.start",
        entity_type="evaluation",
        entity_id=evaluation_id,
        payload={"submission": ctx.submission_id},
    )
    return evaluation_id


def _set_totals(tx: SqlTx, evaluation_id: str, result: ScoreResult) -> None:
    drafts.set_totals(
        tx,
        evaluation_id,
        total=result.total,
        maximum=result.maximum,
        outcome=result.outcome.value,
        band=result.band,
    )


def _apply(tx: SqlTx, evaluation_id: str, rubric: Rubric, change: DraftChange) -> dict[str, object]:
    """Apply one change; return the audit payload describing it."""
    if isinstance(change, SetOverallComment):
        drafts.set_overall_comment(tx, evaluation_id, change.text)
        return {"change": "overall-comment", "length": len(change.text)}
    criterion = rubric.criterion(change.criterion_id)  # UnknownChoice names the criteria
    position = rubric.position(criterion.id)
    if isinstance(change, SetLevel):
        if change.points is not None:
            _check_precision(criterion.id, change.points)
        points = resolve_points(criterion, Selection(change.level_id, change.points))
        drafts.set_level(tx, evaluation_id, criterion.id, position, change.level_id, points)
        return {
            "change": "level",
            "criterion": criterion.id,
            "level": change.level_id,
            "points": to_json_number(points),
        }
    if isinstance(change, ClearLevel):
        drafts.set_level(tx, evaluation_id, criterion.id, position, None, None)
        return {"change": "clear-level", "criterion": criterion.id}
    drafts.set_comment(tx, evaluation_id, criterion.id, position, change.text)
    return {"change": "comment", "criterion": criterion.id, "length": len(change.text)}


def check_changes(rubric: Rubric, changes: list[DraftChange]) -> None:
    """DomainError for a change that names no criterion of the rubric, or a comment that holds
    a control character (newlines and tabs are allowed): comments are signed into the record
    and printed. The comment is named by its criterion's title, as the assessor sees it."""
    for change in changes:
        if isinstance(change, SetOverallComment):
            require_plain(change.text, "the overall comment", multiline=True)
            continue
        criterion = rubric.criterion(change.criterion_id)  # UnknownChoice names the criteria
        if isinstance(change, SetComment):
            require_plain(change.text, f"the comment on “{criterion.title}”", multiline=True)


def _check_precision(criterion_id: str, points: Decimal) -> None:
    """Points entered for a range are bounded like every number (decision 0002), so what is
    stored is what is signed and shown, and every total stays exact."""
    try:
        bounded_decimal(points)
    except ValueError as exc:
        raise DomainError(
            f"points for criterion '{criterion_id}' {str(exc).replace('has ', 'have ', 1)}: "
            f"points have at most {MAX_DECIMAL_PLACES} decimal places and "
            f"{MAX_SIGNIFICANT_DIGITS} significant digits"
        ) from None


@operation(Operation.EVALUATION_EDIT)
def save_draft(
    db: Database, submission_id: str, assessor_id: str, changes: list[DraftChange]
) -> EvaluationView:
    """Apply changes to the assessor's draft (started if needed) in one durable transaction.

    When this returns, the changes are committed with synchronous=FULL: they survive a crash
    or a power cut. Any invalid change (`check_changes`) rolls the whole call back.
    """
    with db.write_sql() as tx:
        ctx = drafts.draft_context(tx, submission_id, assessor_id)
        if ctx is None:
            raise _unknown_submission(db, submission_id)
        if ctx.assessor_roles is None:
            raise UnknownChoice("profile", assessor_id, [])
        finalized = ctx.submission_status in SIGNED_STATUSES
        check(
            Actor(assessor_id, ctx.assessor_roles),
            Operation.EVALUATION_EDIT,
            owner=assessor_id,  # a draft is only ever the assessor's own
            state=State.FINALIZED if finalized and ctx.evaluation_id is None else State.DRAFT,
        )
        rubric = rubric_by_digest(tx, ctx.rubric_digest)
        check_changes(rubric, changes)
        if ctx.evaluation_id is not None and not changes:  # nothing to write
            return _view(
                ctx,
                rubric,
                drafts.score_lines(tx, ctx.evaluation_id),
                evaluation_id=ctx.evaluation_id,
                status=EvaluationStatus.DRAFT.value,
                assessor_id=assessor_id,
                overall=ctx.overall_comment,
            )
        # Each audit event carries the rows its change wrote (store/capture.py): the status
        # goes with the start or the first change, the totals with the change they follow.
        if ctx.submission_status != SubmissionStatus.IN_PROGRESS.value:
            drafts.set_submission_status(tx, ctx.submission_id, SubmissionStatus.IN_PROGRESS.value)
        evaluation_id = ctx.evaluation_id or _start_draft(tx, ctx, assessor_id, rubric)
        overall = ctx.overall_comment
        lines: list[drafts.ScoreLine] = []
        result = None  # for a new, empty draft: scored by _view
        for change in changes:
            payload = _apply(tx, evaluation_id, rubric, change)
            if isinstance(change, SetOverallComment):
                overall = change.text
            lines = drafts.score_lines(tx, evaluation_id)
            result = score(rubric, _selections(lines))
            _set_totals(tx, evaluation_id, result)
            append_event(
                tx,
                actor=assessor_id,
                action="evaluation.change",
                entity_type="evaluation",
                entity_id=evaluation_id,
                payload=payload,
            )
        return _view(
            ctx,
            rubric,
            lines,
            evaluation_id=evaluation_id,
            status=EvaluationStatus.DRAFT.value,
            assessor_id=assessor_id,
            overall=overall,
            result=result,
        )


@operation(Operation.EVALUATION_EDIT)
def start_evaluation(db: Database, submission_id: str, assessor_id: str) -> EvaluationView:
    return save_draft(db, submission_id, assessor_id, [])


@operation(None)
def show_evaluation(db: Database, submission_id: str) -> EvaluationView:
    """The submission's current evaluation (finalized first, else newest draft), or an empty
    sheet when nobody has started one. Shown against the evaluation's own rubric version."""
    with db.read() as tx:
        return _shown(tx, submission_id, q.current_evaluation(tx, submission_id))


@operation(None)
def evaluation_for(db: Database, submission_id: str, assessor_id: str) -> EvaluationView:
    """What `assessor_id` sees when opening the submission: their own draft, else the
    finalized evaluation, else an empty sheet (another assessor's draft is theirs alone)."""
    with db.read() as tx:
        current = q.draft_for(tx, submission_id, assessor_id)
        if current is None:
            current = q.current_evaluation(tx, submission_id)
            if current is not None and current.status != EvaluationStatus.FINALIZED.value:
                current = None
        return _shown(tx, submission_id, current)


def _shown(tx: Tx, submission_id: str, current: Evaluation | None) -> EvaluationView:
    ctx = drafts.draft_context(tx, submission_id, current.assessor_id if current else "")
    if ctx is None:
        raise UnknownChoice("submission", submission_id, q.submission_ids(tx))
    if current is None:
        rubric = rubric_by_digest(tx, ctx.rubric_digest)
        return _view(
            ctx,
            rubric,
            [],
            evaluation_id=None,
            status=SubmissionStatus.TO_SCORE.value,
            assessor_id=None,
            overall="",
        )
    version = current.rubric_version
    ctx = replace(
        ctx,
        rubric_version_id=version.id,
        rubric_id=version.rubric_id,
        rubric_version=version.version,
        rubric_digest=version.digest,
    )
    rubric = rubric_by_digest(tx, version.digest)
    view = _view(
        ctx,
        rubric,
        drafts.score_lines(tx, current.id),
        evaluation_id=current.id,
        status=current.status,
        assessor_id=current.assessor_id,
        overall=current.overall_comment,
    )
    signed = record_for_evaluation(tx, current.id)
    return replace(view, record=(signed.id, signed.digest)) if signed else view
