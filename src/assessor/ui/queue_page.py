"""The work queue screen: counts per status (also the status filter), assessment filter, table.

Queries run on the parallel lane; typing in the search field is debounced by the controller.
The queue reloads itself when a write anywhere changes submissions or evaluations: at once
while on screen, else when next shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from assessor.domain.changes import Change
from assessor.domain.workflow import SubmissionStatus
from assessor.services.submissions import SubmissionRow, assessments
from assessor.ui import states
from assessor.ui.desk import Desk
from assessor.ui.models.queue import (
    Column,
    Done,
    Failed,
    QueueController,
    QueueFilterProxy,
    QueueModel,
    QueuePage,
    next_ungraded,
    service_query,
)


def _tr(text: str) -> str:
    return QCoreApplication.translate("QueuePage", text)


class _Counted:
    """The desk's runner for the controller's reads: each answer, late ones too, is counted
    and the "no rows" message follows."""

    def __init__(self, view: QueueView) -> None:
        self._view = view

    def read(self, op: Callable[..., Any], *args: Any, on_done: Done, on_error: Failed) -> object:
        view = self._view

        def done(page: QueuePage) -> None:
            on_done(page)
            view._answered()

        def failed(exc: BaseException) -> None:
            on_error(exc)
            view._answered()

        return view.desk.runner.read(op, *args, on_done=done, on_error=failed)


class QueueView(QWidget):
    nothing_left = Signal()  # "next to score" found nothing in this list

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.model = QueueModel(self, page_size=desk.settings.queue_page_size)
        self.proxy = QueueFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.controller = QueueController(
            self.model,
            service_query(desk.assessor_id),
            runner=_Counted(self),
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

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName(_tr("Work queue"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(Column.ASSESSMENT, QHeaderView.ResizeMode.Stretch)
        widths = {Column.LEARNER: 190, Column.RUBRIC: 60, Column.SUBMITTED: 150}
        widths |= {Column.PROGRESS: 110, Column.STATUS: 150, Column.DUE: 110}
        for column, width in widths.items():
            self.table.setColumnWidth(column, width)
        self.table.activated.connect(self.controller.activate)
        self.table.doubleClicked.connect(self.controller.activate)

        self.empty = QLabel()  # in the table's place: focusable, so a screen reader reads it
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.empty.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)  # in the table's place while there are no rows
        self.controller.counts_changed.connect(self._counts)
        self.controller.failed.connect(self._failed)
        self.controller.loaded.connect(self._loaded)
        self.controller.filter_changed.connect(self.cancel_next)
        self._counts({})
        self._error: str | None = None  # why the last query failed, shown if nothing is
        self._waiting_next = False  # "next" waits for a page of rows not loaded yet

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
        empty = self.model.rowCount() == 0
        f = self.controller.filter
        if self._error:
            text = self._error + "\n" + _tr("Press F5 to try again.")
        elif f.text or f.status or f.assessment_id:
            text = _tr("No submission matches the search or filters.")
        else:
            text = _tr("No submissions yet. Import a submission package to start.")
        self.empty.setText(text)
        self.empty.setAccessibleName(text)
        had_focus = self.table.hasFocus() or self.empty.hasFocus()
        self.empty.setVisible(empty)
        self.table.setVisible(not empty)
        if had_focus:
            self.focus_table()

    def shown_rows(self) -> list[SubmissionRow]:
        """The loaded rows in the order the table shows them (the person may have sorted)."""
        return [
            self.model.row_at(self.proxy.mapToSource(self.proxy.index(n, 0)).row())
            for n in range(self.proxy.rowCount())
        ]

    def open_next(self, after_id: str | None) -> None:
        """Open the next submission to score after `after_id`, in the table's order; rows not
        loaded yet come before wrapping round to the top. `nothing_left` when there is none."""
        self.model.retry_fetching()  # asking for "next" again is asking to try again
        rows = self.shown_rows()
        ids = [r.id for r in rows]
        found = next_ungraded(
            rows[ids.index(after_id) + 1 :] if after_id in ids else rows, after_id
        )
        if found is None and (self.model.canFetchMore() or self.model.fetching):
            if not self._waiting_next:
                self.model.settled.connect(self._next_when_settled)
            self._next_after, self._waiting_next = after_id, True
            self.model.fetchMore()  # does nothing when a page is already on its way
            return
        found = found or next_ungraded(rows, after_id)
        if found is None:
            self.nothing_left.emit()
        else:
            self.controller.open_submission.emit(found)

    def _next_when_settled(self) -> None:
        self.cancel_next()
        if self.model.fetch_error is None:  # else the person has been told why
            QTimer.singleShot(0, lambda: self.open_next(self._next_after))

    def cancel_next(self) -> None:
        """Forget a "next" still waiting for rows: the person went elsewhere, or changed
        the list it would have been chosen from."""
        if self._waiting_next:
            self.model.settled.disconnect(self._next_when_settled)
            self._waiting_next = False

    def select(self, submission_id: str) -> None:
        row = self.model.row_of(submission_id)
        if row is not None:
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index)

    def focus_table(self) -> None:
        if self.table.isHidden():  # no rows: the message says why
            self.empty.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.table.currentIndex().isValid() and self.proxy.rowCount() > 0:
            self.table.setCurrentIndex(self.proxy.index(0, 0))
