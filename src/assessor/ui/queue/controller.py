"""The queue's controller: filter and sort → (debounced) query → model, page by page; Enter →
`open_row`; "next" and "previous" asked of the database in the order shown.

Generic over the queue: it is given the page and step operations and the sort type; the
submissions queue binds them to `services/queue.py` (`ui/queue/view.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import replace
from typing import Any, Protocol

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QTimer,
    Signal,
)

from assessor.ui.errors import in_words
from assessor.ui.queue.model import IdRole, PagedModel

__all__ = ["QueueController", "Reader"]

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


def _tr(text: str) -> str:
    return QCoreApplication.translate("QueueController", text)


class Cancellable(Protocol):
    def cancel(self) -> None: ...


class Reader(Protocol):
    """What the controller needs of the task runner (`TaskRunner.read`)."""

    def read(
        self,
        op: Callable[..., Any],
        *args: Any,
        after_writes: bool = False,
        on_done: Done | None = None,
        on_error: Failed | None = None,
        key: Hashable | None = None,
    ) -> Cancellable: ...


class QueueController(QObject):
    """`page(db, filter, sort, offset, limit)` returns an object with `rows`, `total` and
    `counts` (the latter two on the first page); `step(db, filter, sort, from_id, forward)`
    the id of the row to open from `from_id`, or None; `sort_type(key, descending)` makes the
    query's sort, `sort_type()` its own order."""

    counts_changed = Signal(dict)  # e.g. status → count, for the filter buttons
    open_row = Signal(str)
    failed = Signal(str)  # a query failed: what to tell the person
    loaded = Signal()  # rows of the current query reached the model
    answered = Signal()  # a query came back (even one no longer wanted), or failed
    filter_changed = Signal()
    nothing_found = Signal(bool)  # "next" (True) or "previous" found no row

    def __init__(
        self,
        model: PagedModel[Any],
        page: Callable[..., Any],
        *,
        runner: Reader,
        initial_filter: Any,
        sort_type: Callable[..., Any],
        step: Callable[..., str | None] | None = None,
        debounce_ms: int = 250,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.counts: dict[str, int] = {}
        self._page, self._step, self._runner = page, step, runner
        self._sort_type = sort_type
        self._filter = initial_filter
        self._sort = sort_type()
        self._generation = 0  # results of an older query are dropped, not shown
        # The query whose rows the model holds: more pages are asked of it, not of a newer
        # filter whose first page has not arrived.
        self._shown: tuple[int, Any, Any] = (0, self._filter, self._sort)
        self._finding: Cancellable | None = None
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self.refresh)
        model.wanted.connect(self._fetch)
        model.sort_requested.connect(self._sort_requested)

    @property
    def filter(self) -> Any:
        return self._filter

    @property
    def sort(self) -> Any:
        return self._sort

    # Asking ------------------------------------------------------------------------------

    def set_text(self, text: str) -> None:
        """Typing: query once the person pauses."""
        self._filter = replace(self._filter, text=text.strip() or None)
        self.filter_changed.emit()
        self._debounce.start()

    def update(self, **fields: Any) -> None:
        """Change fields of the filter and query now."""
        self._filter = replace(self._filter, **fields)
        self.filter_changed.emit()
        self.refresh()

    def set_status(self, status: str | None) -> None:
        self.update(status=status)

    def set_assessment(self, assessment_id: str | None) -> None:
        self.update(assessment_id=assessment_id)

    def _sort_requested(self, column: int, descending: bool) -> None:
        key = self.model.columns.sort_key(column) if column >= 0 else None
        sort = self._sort_type(key, descending) if key else self._sort_type()
        if sort != self._sort:
            self._sort = sort
            self.filter_changed.emit()
            if self._generation:  # not before the first load (the view sets itself up)
                self.refresh()

    def refresh(self) -> None:
        self._debounce.stop()
        self._generation += 1
        generation, f, sort = self._generation, self._filter, self._sort
        self._runner.read(
            self._page,
            f,
            sort,
            0,
            self.model.page_size,
            on_done=lambda page: self._first(generation, f, sort, page),
            on_error=lambda exc: self._first_failed(generation, f, sort, exc),
        )

    def activate(self, index: QModelIndex | QPersistentModelIndex) -> None:
        """Enter or double-click on a row."""
        row_id = index.data(IdRole)
        if row_id:
            self.open_row.emit(row_id)

    # "Next" and "previous" ---------------------------------------------------------------

    def find(self, from_id: str | None, *, forward: bool = True) -> None:
        """Open the row after (or before) `from_id` in the order shown, as the database
        has it after every write queued so far: `open_row`, or `nothing_found`."""
        if self._step is None:
            return
        self.cancel_find()

        def found(row_id: str | None) -> None:
            self._finding = None
            if row_id is None:
                self.nothing_found.emit(forward)
            else:
                self.open_row.emit(row_id)

        def refused(exc: BaseException) -> None:
            self._finding = None
            self.failed.emit(_tr("Could not find the next one: {0}").format(in_words(exc)))

        self._finding = self._runner.read(
            self._step,
            self._filter,
            self._sort,
            from_id,
            forward,
            after_writes=True,  # a row just finalized is seen as finalized
            on_done=found,
            on_error=refused,
            key=("queue-find", id(self)),
        )

    def cancel_find(self) -> None:
        """Forget a "next" still on its way: the person went elsewhere."""
        if self._finding is not None:
            self._finding.cancel()
            self._finding = None

    # Answers -----------------------------------------------------------------------------

    def _first(self, generation: int, f: Any, sort: Any, page: Any) -> None:
        if generation == self._generation:
            self._shown = (generation, f, sort)
            total = page.total if page.total is not None else len(page.rows)
            self.model.set_rows(page.rows, total)
            self.counts = dict(page.counts or {})
            self.counts_changed.emit(dict(self.counts))
            self.loaded.emit()
        self.answered.emit()

    def _first_failed(self, generation: int, f: Any, sort: Any, exc: BaseException) -> None:
        if generation == self._generation:
            if (f, sort) != self._shown[1:]:
                # The rows on screen answer another query: show none rather than wrong ones.
                self._shown = (generation, f, sort)
                self.model.set_rows([], 0)
            self.failed.emit(_tr("Could not read the queue: {0}").format(in_words(exc)))
        self.answered.emit()

    def _fetch(self, offset: int, limit: int) -> None:
        # The next page of the rows shown, whatever the newest filter: `offset` counts them.
        generation, f, sort = self._shown
        self._runner.read(
            self._page,
            f,
            sort,
            offset,
            limit,
            on_done=lambda page: self._more(generation, page),
            on_error=lambda exc: self._more_failed(generation, exc),
        )

    def _more(self, generation: int, page: Any) -> None:
        if generation == self._shown[0]:  # else set_rows has replaced the rows
            self.model.append_rows(page.rows)
            self.loaded.emit()
        self.answered.emit()

    def _more_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._shown[0]:
            reason = _tr("Could not read more of the queue: {0}").format(in_words(exc))
            self.model.fetch_failed(reason)
            self.failed.emit(reason)
        self.answered.emit()
