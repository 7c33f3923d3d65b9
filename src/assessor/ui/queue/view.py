"""The work queue screen: counts per status (also the status filter), assessment filter, table.
Sorting (a click on a header) and "next to score" are the database's, in one order.

Queries run on the parallel lane; typing in the search field is debounced by the controller.
The queue reloads itself when a write anywhere changes submissions or evaluations: at once
while on screen, else when next shown (`ui/queue/screen.py`, shared with the sign-off queue).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from assessor.domain.changes import Change
from assessor.domain.workflow import SubmissionStatus
from assessor.services.queue import (
    QueueFilter,
    QueueSort,
    SubmissionRow,
    next_to_score,
    previous_in_queue,
    queue_page,
)
from assessor.ui import states
from assessor.ui.desk import Desk
from assessor.ui.queue.controller import QueueController
from assessor.ui.queue.model import PagedModel
from assessor.ui.queue.screen import QueueScreen, paint_button
from assessor.ui.queue.submissions import SubmissionColumns, submissions_table


def _tr(text: str) -> str:
    return QCoreApplication.translate("QueuePage", text)


def submission_queue(
    assessor_id: str,
) -> tuple[Callable[..., Any], Callable[..., str | None]]:
    """The work queue's page and step operations, with `assessor_id`'s progress."""
    page = functools.partial(queue_page, assessor_id=assessor_id)

    def step(
        db: Any, f: QueueFilter, sort: QueueSort, from_id: str | None, forward: bool
    ) -> str | None:
        if forward:
            return next_to_score(db, f, sort, from_id, assessor_id=assessor_id)
        if from_id is None:
            return None
        return previous_in_queue(db, f, sort, from_id, assessor_id=assessor_id)

    return page, step


class QueueView(QueueScreen):
    nothing_left = Signal()  # "next to score" found nothing in this list
    watches = frozenset({Change.SUBMISSIONS, Change.EVALUATIONS, Change.RUBRICS})

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
        self.model: PagedModel[SubmissionRow] = PagedModel(
            SubmissionColumns(), self, page_size=desk.settings.queue_page_size
        )
        page, step = submission_queue(desk.assessor_id)
        self.controller = QueueController(
            self.model,
            page,
            runner=desk.runner,
            initial_filter=QueueFilter(),
            sort_type=QueueSort,
            step=step,
            debounce_ms=desk.settings.search_delay_ms,
            parent=self,
        )
        statuses = [None, *(s.value for s in SubmissionStatus)]
        bar = self._build(_tr("Status:"), statuses, None)
        self.status_buttons = self.buttons

        table = submissions_table(self.model, self.fontMetrics().height())
        self.table = table  # the same table as the first paint's (`submissions_table`)
        # No column sorted at first (or enabling sorting would sort by the first); then a click
        # on a header: the query sorts.
        table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        table.setSortingEnabled(True)
        table.activated.connect(self.controller.activate)
        table.doubleClicked.connect(self.controller.activate)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(bar)
        layout.addWidget(table, 1)
        layout.addWidget(self.empty, 1)  # in the table's place while there are no rows
        self.controller.filter_changed.connect(self.cancel_next)
        self.controller.nothing_found.connect(self._nothing_found)
        self._show_counts()

    def pick(self, value: str | None) -> None:
        self.controller.set_status(value)

    def _show_counts(self) -> None:
        counts = self.controller.counts
        total = sum(counts.values())
        self.buttons[None].setText(_tr("All {0}").format(total))
        self.buttons[None].setAccessibleName(_tr("All statuses, {0}").format(total))
        for status in SubmissionStatus:
            shown = states.look(status.value, self.palette())  # as in the status column
            n = counts.get(status.value, 0)
            button = self.buttons[status.value]
            button.setText(f"{shown.label.replace('&', '&&')} {n}")
            button.setAccessibleName(_tr("{0}, {1} submissions").format(shown.word, n))
            paint_button(button, shown.colour, self.palette())

    def _empty_text(self) -> str:
        f = self.controller.filter
        if self.error:
            return self.error + "\n" + _tr("Press F5 to try again.")
        if f.text or f.status or f.assessment_id:
            return _tr("No submission matches the search or filters.")
        return _tr("No submissions yet. Import a submission package to start.")

    def shown_rows(self) -> list[SubmissionRow]:
        """The loaded rows, in the order the table shows them (the query's)."""
        return self.model.rows()

    def open_next(self, after_id: str | None) -> None:
        """Open the next submission to score after `after_id` in the table's order, wrapping
        round to the top (the database finds it, loaded or not); `nothing_left` when there
        is none."""
        self.controller.find(after_id, forward=True)

    def open_previous(self, before_id: str) -> None:
        """Open the submission just before `before_id` in the table's order, if any."""
        self.controller.find(before_id, forward=False)

    def _nothing_found(self, forward: bool) -> None:
        if forward:
            self.nothing_left.emit()

    def cancel_next(self) -> None:
        """Forget a "next" still on its way: the person went elsewhere, or changed the list
        it would have been chosen from."""
        self.controller.cancel_find()

    def select(self, submission_id: str) -> None:
        row = self.model.row_of(submission_id)
        if row is not None:
            index = self.model.index(row, 0)
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index)
