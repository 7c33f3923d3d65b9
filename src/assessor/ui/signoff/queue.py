"""The sign-off queue: finalized evaluations whose assessment needs a manager's sign-off, with
counts per state (also the state filter), an assessment filter and a search, like the scoring
queue, whose paged model and controller it uses (`ui/queue/`). Reads run on the parallel lane;
the list reloads when a write changes evaluations or submissions."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QLocale, QModelIndex, Qt, Signal
from PySide6.QtGui import QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from assessor.domain.changes import Change
from assessor.services.signoff import SignOffFilter, SignOffRow, signoff_page
from assessor.services.submissions import assessments
from assessor.ui import theme
from assessor.ui.desk import Desk
from assessor.ui.queue.controller import QueueController
from assessor.ui.queue.model import PagedModel
from assessor.ui.queue.view import empty_label, focus_rows, show_rows_or


def _tr(text: str) -> str:
    return QCoreApplication.translate("SignOffQueue", text)


# How each sign-off state is shown: symbol, word, colour (never the colour alone).
STATE_LOOK = {
    "pending": ("◔", "Awaiting sign-off", "amber"),
    "approved": ("✔", "Signed off", "green"),
    "returned": ("↩", "Returned", "amber"),
}
_HEADERS = ("Learner", "Assessment", "Assessor", "Outcome", "Finalized", "State")


def state_words(row: SignOffRow) -> str:
    symbol, word, _ = STATE_LOOK.get(row.state, ("?", row.state, ""))
    text = f"{symbol} {_tr(word)}"
    if row.state == "returned" and row.return_to:
        text += _tr(" to the {0}").format(row.return_to)
    return text


class SignOffColumns:
    """`Columns` for the sign-off queue: one order (the query's), so no column sorts."""

    def count(self) -> int:
        return len(_HEADERS)

    def header(self, column: int) -> str:
        return _tr(_HEADERS[column])

    def sort_key(self, column: int) -> str | None:
        return None

    def cell(self, row: SignOffRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == 5 and row.reason:
            return row.reason
        if role == Qt.ItemDataRole.ForegroundRole and column == 5:
            colour = STATE_LOOK.get(row.state, ("", "", ""))[2]
            return theme.text_colour(colour) if colour else None
        return None

    def _text(self, row: SignOffRow, column: int) -> str:
        if column == 0:
            return row.learner
        if column == 1:
            return row.assessment
        if column == 2:
            return row.assessor
        if column == 3:
            return {"pass": _tr("Pass"), "not_yet": _tr("Not yet")}.get(
                row.outcome or "", row.outcome or "—"
            )
        if column == 4:
            when = row.finalized_at
            if when is None:
                return "—"
            day = QDate(when.year, when.month, when.day)
            return str(QLocale().toString(day, QLocale.FormatType.ShortFormat))
        return state_words(row)


def _one_order(*_args: object) -> None:
    """The queue's sort: there is only its own order."""
    return None


class SignOffList(QWidget):
    """Enter (or a double click) on a row asks to review it. The rows come a page at a time
    through the queue model and controller the work queue uses (`ui/queue/`)."""

    open_row = Signal(object)  # SignOffRow

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.model: PagedModel[SignOffRow] = PagedModel(
            SignOffColumns(), self, page_size=desk.settings.queue_page_size
        )
        self.controller = QueueController(
            self.model,
            signoff_page,
            runner=desk.runner,
            initial_filter=SignOffFilter(),
            sort_type=_one_order,
            debounce_ms=desk.settings.search_delay_ms,
            parent=self,
        )
        self.loads = 0  # answers received, for tests
        self.error = ""
        self._stale = False
        self._kept: str | None = None  # the row current before a reload, current after it
        desk.runner.changed.connect(self._data_changed)

        self.buttons: dict[str | None, QToolButton] = {}
        group = QButtonGroup(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(_tr("State:")))
        for state in ("pending", "approved", "returned", None):
            button = QToolButton()
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            button.clicked.connect(lambda _c=False, s=state: self.set_state(s))
            group.addButton(button)
            bar.addWidget(button)
            self.buttons[state] = button
        self.buttons["pending"].setChecked(True)
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
        self.search = QLineEdit()
        self.search.setPlaceholderText(_tr("Search learner, assessor or submission…  (Ctrl+F)"))
        self.search.setAccessibleName(_tr("Search the sign-off queue"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(280)
        self.search.textChanged.connect(self.controller.set_text)  # debounced there
        self.search.returnPressed.connect(self.focus_table)
        bar.addWidget(self.search)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(_tr("Sign-off queue"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in {0: 190, 2: 160, 3: 90, 4: 110, 5: 210}.items():
            self.table.setColumnWidth(column, width)
        self.table.activated.connect(self._activated)
        self.table.doubleClicked.connect(self._activated)
        self.empty = empty_label()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        self.model.modelAboutToBeReset.connect(self._keep_current)
        self.model.modelReset.connect(self._restore_current)
        self.controller.counts_changed.connect(lambda _c: self._show_counts())
        self.controller.failed.connect(self._failed)
        self.controller.loaded.connect(self._loaded)
        self.controller.answered.connect(self._answered)
        self._show_counts()

    @property
    def filter(self) -> SignOffFilter:
        f: SignOffFilter = self.controller.filter
        return f

    @property
    def counts(self) -> dict[str, int]:
        return self.controller.counts

    # -- loading ----------------------------------------------------------------------

    def start(self) -> None:
        self.refresh()
        self.desk.runner.read(assessments, on_done=self._assessments)

    def refresh(self) -> None:
        self.controller.refresh()

    def _failed(self, text: str) -> None:
        self.error = text

    def _loaded(self) -> None:
        self.error = ""

    def _answered(self) -> None:
        self.loads += 1
        self._show_empty()

    def _keep_current(self) -> None:
        current = self.current_row()
        self._kept = None if current is None else current.id

    def _restore_current(self) -> None:
        if self._kept is not None:
            self.select(self._kept)
            self._kept = None

    def _assessments(self, items: list[tuple[str, str]]) -> None:
        for assessment_id, title in items:
            self.assessment.addItem(title, assessment_id)

    def _data_changed(self, changes: frozenset[str]) -> None:
        if not changes & {Change.SUBMISSIONS, Change.EVALUATIONS, Change.RECORDS}:
            return
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.refresh()

    # -- filters ----------------------------------------------------------------------

    def set_state(self, state: str | None) -> None:
        self.buttons[state].setChecked(True)
        self.controller.update(state=state)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # -- showing ----------------------------------------------------------------------

    def _show_counts(self) -> None:
        total = sum(self.counts.values())
        self.buttons[None].setText(_tr("All {0}").format(total))
        self.buttons[None].setAccessibleName(_tr("Every state, {0}").format(total))
        for state, (symbol, word, colour) in STATE_LOOK.items():
            n = self.counts.get(state, 0)
            button = self.buttons[state]
            button.setText(f"{symbol} {_tr(word)} {n}")
            button.setAccessibleName(_tr("{0}, {1} evaluations").format(_tr(word), n))
            palette = self.palette()
            palette.setColor(QPalette.ColorRole.ButtonText, theme.text_colour(colour, palette))
            button.setPalette(palette)

    def _show_empty(self) -> None:
        f = self.filter
        if self.error:
            text = self.error + "\n" + _tr("Press F5 to try again.")
        elif f.text or f.assessment_id or f.state not in ("pending", None):
            text = _tr("No evaluation matches the search or filters.")
        else:
            text = _tr("Nothing is waiting for your sign-off.")
        show_rows_or(self.table, self.empty, text)

    def current_row(self) -> SignOffRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def select(self, submission_id: str) -> None:
        row = self.model.row_of(submission_id)
        if row is not None:
            self.table.setCurrentIndex(self.model.index(row, 0))

    def focus_table(self) -> None:
        focus_rows(self.table, self.empty)

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_row.emit(self.model.row_at(index.row()))
