"""The work queue screen: counts per status (also the status filter), assessment filter, table.
Sorting (a click on a header) and "next to score" are the database's, in one order.

Queries run on the parallel lane; typing in the search field is debounced by the controller.
The queue reloads itself when a write anywhere changes submissions or evaluations: at once
while on screen, else when next shown.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QPalette, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

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
from assessor.services.submissions import assessments
from assessor.ui import states
from assessor.ui.desk import Desk
from assessor.ui.queue.controller import QueueController
from assessor.ui.queue.model import PagedModel
from assessor.ui.queue.submissions import SubmissionColumns, submissions_table


def _tr(text: str) -> str:
    return QCoreApplication.translate("QueuePage", text)


def empty_label() -> QLabel:
    """What a queue shows in its table's place while it has no rows: focusable, so that a
    screen reader reads why."""
    label = QLabel()
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    label.hide()
    return label


def show_rows_or(table: QTableView, empty: QLabel, text: str) -> None:
    """The table while its model has rows, else `empty` saying `text` in its place; the
    keyboard follows to whichever is shown if it was on either."""
    had_focus = table.hasFocus() or empty.hasFocus()
    empty.setText(text)
    empty.setAccessibleName(text)
    rows = table.model().rowCount() > 0
    empty.setVisible(not rows)
    table.setVisible(rows)
    if had_focus:
        focus_rows(table, empty)


def focus_rows(table: QTableView, empty: QLabel) -> None:
    """The keyboard to the table, on its first row if none is current; to `empty` when the
    table is hidden (no rows: the label says why)."""
    if table.isHidden():
        empty.setFocus(Qt.FocusReason.OtherFocusReason)
        return
    table.setFocus(Qt.FocusReason.OtherFocusReason)
    model = table.model()
    if not table.currentIndex().isValid() and model.rowCount() > 0:
        table.setCurrentIndex(model.index(0, 0))


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


class QueueView(QWidget):
    nothing_left = Signal()  # "next to score" found nothing in this list

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
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
        self.loads = 0  # queries answered, for tests and the self-test
        self._stale = False  # the data changed while the queue was not on screen
        desk.runner.changed.connect(self._data_changed)
        self.status_buttons: dict[str | None, QToolButton] = {}

        group = QButtonGroup(self)
        group.setExclusive(True)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(_tr("Status:")))
        for status in (None, *SubmissionStatus):
            button = QToolButton()
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            value = None if status is None else status.value
            button.clicked.connect(lambda _c=False, v=value: self.controller.set_status(v))
            group.addButton(button)
            bar.addWidget(button)
            self.status_buttons[value] = button
        self.status_buttons[None].setChecked(True)
        bar.addStretch(1)
        self.assessment = QComboBox()
        self.assessment.setAccessibleName(_tr("Assessment filter"))
        self.assessment.addItem(_tr("All assessments"), None)
        self.assessment.currentIndexChanged.connect(
            lambda _i: self.controller.set_assessment(self.assessment.currentData())
        )
        label = QLabel(_tr("&Assessment:"))
        label.setBuddy(self.assessment)
        bar.addWidget(label)
        bar.addWidget(self.assessment)

        self.table = submissions_table(self.model, self.fontMetrics().height())
        self.table.setSortingEnabled(True)  # a click on a header: the query sorts
        self.table.activated.connect(self.controller.activate)
        self.table.doubleClicked.connect(self.controller.activate)

        self.empty = empty_label()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)  # in the table's place while there are no rows
        self.controller.counts_changed.connect(self._counts)
        self.controller.failed.connect(self._failed)
        self.controller.loaded.connect(self._loaded)
        self.controller.answered.connect(self._answered)
        self.controller.filter_changed.connect(self.cancel_next)
        self.controller.nothing_found.connect(self._nothing_found)
        self._counts({})
        self._error: str | None = None  # why the last query failed, shown if nothing is

    def _failed(self, text: str) -> None:
        self._error = text

    def _loaded(self) -> None:
        self._error = None

    def _answered(self) -> None:
        self.loads += 1
        self._show_empty()

    def _data_changed(self, changes: frozenset[str]) -> None:
        if not changes & {Change.SUBMISSIONS, Change.EVALUATIONS, Change.RUBRICS}:
            return
        if self.isVisible():
            self.controller.refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.controller.refresh()

    def start(self) -> None:
        """First load: the rows, and the assessments for the filter."""
        self.controller.refresh()
        self.desk.runner.read(assessments, on_done=self._assessments)

    def _assessments(self, items: list[tuple[str, str]]) -> None:
        for assessment_id, title in items:
            self.assessment.addItem(title, assessment_id)

    def _counts(self, counts: dict[str, int]) -> None:
        total = sum(counts.values())
        self.status_buttons[None].setText(_tr("All {0}").format(total))
        self.status_buttons[None].setAccessibleName(_tr("All statuses, {0}").format(total))
        for status in SubmissionStatus:
            shown = states.look(status.value, self.palette())  # as in the status column
            n = counts.get(status.value, 0)
            button = self.status_buttons[status.value]
            button.setText(f"{shown.label.replace('&', '&&')} {n}")
            button.setAccessibleName(_tr("{0}, {1} submissions").format(shown.word, n))
            palette = self.palette()
            if shown.colour is not None:
                palette.setColor(QPalette.ColorRole.ButtonText, shown.colour)
            button.setPalette(palette)

    def changeEvent(self, event: QEvent) -> None:
        # Light ↔ dark: the state colours follow (not while the page is still being built).
        if event.type() == QEvent.Type.PaletteChange and len(self.status_buttons) > len(
            SubmissionStatus
        ):
            self._counts(self.controller.counts)
        super().changeEvent(event)

    def _show_empty(self) -> None:
        f = self.controller.filter
        if self._error:
            text = self._error + "\n" + _tr("Press F5 to try again.")
        elif f.text or f.status or f.assessment_id:
            text = _tr("No submission matches the search or filters.")
        else:
            text = _tr("No submissions yet. Import a submission package to start.")
        show_rows_or(self.table, self.empty, text)

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

    def focus_table(self) -> None:
        focus_rows(self.table, self.empty)
