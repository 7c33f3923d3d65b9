"""The work queue in the order the person chose: pages sorted by any column in SQL, and the
row before or after a given one in that same order (keyset: compare with that row's keys).

Every order ends with the submission id, so it is total: the pages and "next" agree on it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    String,
    bindparam,
    case,
    cast,
    collate,
    func,
    literal,
    tuple_,
    type_coerce,
)
from sqlalchemy.orm import Session

from assessor.domain.workflow import TO_SCORE_STATUSES, SubmissionStatus
from assessor.store.models import Assessment, RubricVersion, Submission
from assessor.store.queries import (
    _LEARNER,
    _QUEUE,
    _SCORED,
    _TOTAL,
    QueueFilter,
    QueueRow,
    _pattern,
    _where,
)

__all__ = ["SORT_COLUMNS", "QueueSort", "neighbour", "sorted_page"]

_STATUS_ORDER = case(
    {s.value: n for n, s in enumerate(SubmissionStatus)},
    value=Submission.status,
    else_=len(SubmissionStatus),
)
# What each column sorts by. Words compare without case; a rubric by id then version number
# (so v10 follows v9); progress by the share of criteria scored; no due date after every one.
_KEYS: dict[str, tuple[ColumnElement[Any], ...]] = {
    "learner": (collate(_LEARNER, "NOCASE"),),
    "assessment": (collate(Assessment.title, "NOCASE"),),
    "rubric": (RubricVersion.rubric_id.expression, RubricVersion.version.expression),
    "submitted": (Submission.submitted_at.expression,),
    "progress": (func.coalesce(cast(_SCORED, Float) / func.nullif(_TOTAL, 0), 0.0),),
    "status": (_STATUS_ORDER,),
    # As stored (UTC text), so that no date is parsed to sort by it.
    "due": (func.coalesce(type_coerce(Assessment.due_at, String), literal("9999")),),
}
SORT_COLUMNS = tuple(_KEYS)
Shape = tuple[bool, bool, bool]  # which of status, assessment and text filter


@dataclass(frozen=True)
class QueueSort:
    """A column of `SORT_COLUMNS` and a direction; the default is oldest first."""

    column: str = "submitted"
    descending: bool = False

    def __post_init__(self) -> None:
        if self.column not in _KEYS:
            raise ValueError(f"no queue column {self.column!r}; one of {', '.join(_KEYS)}")


def _keys(sort: QueueSort) -> tuple[ColumnElement[Any], ...]:
    return (*_KEYS[sort.column], Submission.id.expression)


def _ordered(stmt: Select[Any], sort: QueueSort) -> Select[Any]:
    keys = _keys(sort)
    return stmt.order_by(*(k.desc() if sort.descending else k.asc() for k in keys))


def _filtered(shape: Shape) -> Select[Any]:
    status, assessment, text = shape
    return _where(
        _QUEUE,
        bindparam("status", type_=String) if status else None,
        bindparam("assessment_id", type_=String) if assessment else None,
        bindparam("pattern", type_=String) if text else None,
    )


def _params(
    f: QueueFilter, assessor_id: str | None
) -> tuple[tuple[bool, bool, bool], dict[str, Any]]:
    pattern = _pattern(f)
    shape = (bool(f.status), bool(f.assessment_id), pattern is not None)
    params = {
        "assessor_id": assessor_id,
        "status": f.status,
        "assessment_id": f.assessment_id,
        "pattern": pattern,
    }
    return shape, params


@functools.cache
def _page_statement(shape: Shape, sort: QueueSort) -> Select[Any]:
    # Built once per filter shape and order, values bound at execution (as queries.py does).
    return (
        _ordered(_filtered(shape), sort)
        .limit(bindparam("limit", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
    )


def sorted_page(
    tx: Session,
    f: QueueFilter,
    sort: QueueSort,
    *,
    limit: int,
    offset: int = 0,
    assessor_id: str | None = None,
) -> list[QueueRow]:
    """One page of the work queue in `sort`'s order, with `assessor_id`'s progress."""
    shape, params = _params(f, assessor_id)
    stmt = _page_statement(shape, sort)
    rows = tx.connection().execute(stmt, {**params, "limit": limit, "offset": offset}).all()
    return [QueueRow(*row) for row in rows]


def neighbour(
    tx: Session,
    f: QueueFilter,
    sort: QueueSort,
    from_id: str | None,
    *,
    forward: bool = True,
    to_score: bool = False,
    assessor_id: str | None = None,
) -> str | None:
    """The id of the first row after `from_id` (before it, unless `forward`) in `sort`'s
    order among the rows `f` selects; with `to_score`, only rows still to score. `from_id`
    need not match `f` (it may have just been finalized): its place in the order counts.
    None when there is no such row, or `from_id` is no submission at all."""
    shape, params = _params(f, assessor_id)
    keys = _keys(sort)
    stmt = _filtered(shape).with_only_columns(Submission.id)
    if to_score:
        stmt = stmt.where(Submission.status.in_(sorted(s.value for s in TO_SCORE_STATUSES)))
    if from_id is not None:
        here = (
            tx.connection()
            .execute(
                _filtered((False, False, False))
                .with_only_columns(*keys)
                .where(Submission.id == bindparam("from_id", type_=String)),
                {**params, "from_id": from_id},
            )
            .first()
        )
        if here is None:
            return None
        later = forward != sort.descending
        # Bound with each key's own type, so a value goes back as it came out.
        row, at = (
            tuple_(*keys),
            tuple_(*(literal(v, k.type) for k, v in zip(keys, here, strict=True))),
        )
        stmt = stmt.where(row > at if later else row < at)
    backwards = QueueSort(sort.column, not sort.descending)
    found = (
        tx.connection()
        .execute(_ordered(stmt, sort if forward else backwards).limit(1), params)
        .first()
    )
    return None if found is None else str(found[0])
