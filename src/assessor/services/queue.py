"""The work queue as the desk shows it: pages in the order the person chose, and the next
submission to score (or the one before) found in that same order by the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from assessor.services.access import operation
from assessor.store import queries as q
from assessor.store.db import Database
from assessor.store.queries import QueueFilter
from assessor.store.queries import QueueRow as SubmissionRow
from assessor.store.queue_order import SORT_COLUMNS, QueueSort, neighbour, sorted_page

__all__ = [
    "SORT_COLUMNS",
    "QueueFilter",
    "QueuePage",
    "QueueSort",
    "SubmissionRow",
    "next_to_score",
    "previous_in_queue",
    "queue_page",
]


R = TypeVar("R")


@dataclass(frozen=True)
class QueuePage(Generic[R]):
    """A page of a queue, as the queue controller (`ui/queue/controller.py`) asks for it:
    the work queue's here, the sign-off queue's (`services/signoff.signoff_page`)."""

    rows: list[R]
    total: int | None = None  # rows the filter selects, told with the first page
    counts: dict[str, int] | None = None  # per state, ignoring the state filter; first page

    @classmethod
    def first(cls, rows: list[R], counts: dict[str, int], state: str | None) -> QueuePage[R]:
        """The first page: its total is the count of the state filtered on, or of all."""
        total = counts.get(state, 0) if state else sum(counts.values())
        return cls(rows, max(total, len(rows)), counts)


@operation(None)
def queue_page(
    db: Database,
    f: QueueFilter,
    sort: QueueSort,
    offset: int,
    limit: int,
    *,
    assessor_id: str | None = None,
) -> QueuePage[SubmissionRow]:
    """Rows `offset` to `offset + limit` in `sort`'s order, with `assessor_id`'s progress on
    each; the first page also carries the counts per status and the total, read in the same
    snapshot."""
    with db.read() as tx:
        rows = sorted_page(tx, f, sort, limit=limit, offset=offset, assessor_id=assessor_id)
        if offset:
            return QueuePage(rows)
        counts = q.status_counts(tx, f)
    return QueuePage.first(rows, counts, f.status)


@operation(None)
def next_to_score(
    db: Database,
    f: QueueFilter,
    sort: QueueSort,
    after_id: str | None,
    *,
    assessor_id: str | None = None,
) -> str | None:
    """The first submission after `after_id` in the queue's order that is still to score
    (`TO_SCORE_STATUSES`), wrapping round to the top; never `after_id` itself. None when
    there is none."""
    with db.read() as tx:
        found = neighbour(tx, f, sort, after_id, to_score=True, assessor_id=assessor_id)
        if found is None and after_id is not None:
            found = neighbour(tx, f, sort, None, to_score=True, assessor_id=assessor_id)
    return None if found == after_id else found


@operation(None)
def previous_in_queue(
    db: Database,
    f: QueueFilter,
    sort: QueueSort,
    before_id: str,
    *,
    assessor_id: str | None = None,
) -> str | None:
    """The submission just before `before_id` in the queue's order (any status), or None at
    the top."""
    with db.read() as tx:
        return neighbour(tx, f, sort, before_id, forward=False, assessor_id=assessor_id)
