"""The sign-off queue: finalized evaluations whose assessment needs a manager's sign-off, with
counts per state (also the state filter), an assessment filter and a search, like the scoring
queue, whose paged model and controller it uses (`ui/queue/`). Reads run on the parallel lane;
the list reloads when a write changes evaluations or submissions."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, Signal
from PySide6.QtWidgets import QHeaderView, QLineEdit, QVBoxLayout, QWidget

from assessor.domain.changes import Change
from assessor.services.signoff import SignOffFilter, SignOffRow, signoff_page
from assessor.ui import theme
from assessor.ui.dates import short_date
from assessor.ui.desk import Desk
from assessor.ui.queue.controller import QueueController
from assessor.ui.queue.model import PagedModel
from assessor.ui.queue.screen import QueueScreen, paint_button


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
            return short_date(when)
        return state_words(row)


def _one_order(*_args: object) -> None:
    """The queue's sort: there is only its own order."""
    return None


class SignOffList(QueueScreen):
    """Enter (or a double click) on a row asks to review it. The rows come a page at a time
    through the queue model and controller the work queue uses (`ui/queue/`)."""

    open_row = Signal(object)  # SignOffRow
    watches = frozenset({Change.SUBMISSIONS, Change.EVALUATIONS, Change.RECORDS})

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, parent)
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
        self._kept: str | None = None  # the row current before a reload, current after it
        bar = self._build(_tr("State:"), ["pending", "approved", "returned", None], "pending")
        self.search = QLineEdit()
        self.search.setPlaceholderText(_tr("Search learner, assessor or submission…  (Ctrl+F)"))
        self.search.setAccessibleName(_tr("Search the sign-off queue"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(280)
        self.search.textChanged.connect(self.controller.set_text)  # debounced there
        self.search.returnPressed.connect(self.focus_table)
        bar.addWidget(self.search)

        table = self._table(_tr("Sign-off queue"))
        header = table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in {0: 190, 2: 160, 3: 90, 4: 110, 5: 210}.items():
            table.setColumnWidth(column, width)
        table.activated.connect(self._activated)
        table.doubleClicked.connect(self._activated)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(bar)
        layout.addWidget(table, 1)
        layout.addWidget(self.empty, 1)
        self.model.modelAboutToBeReset.connect(self._keep_current)
        self.model.modelReset.connect(self._restore_current)
        self._show_counts()

    @property
    def filter(self) -> SignOffFilter:
        f: SignOffFilter = self.controller.filter
        return f

    @property
    def counts(self) -> dict[str, int]:
        return self.controller.counts

    def refresh(self) -> None:
        self.controller.refresh()

    def _keep_current(self) -> None:
        current = self.current_row()
        self._kept = None if current is None else current.id

    def _restore_current(self) -> None:
        if self._kept is not None:
            self.select(self._kept)
            self._kept = None

    # -- filters ----------------------------------------------------------------------

    def pick(self, value: str | None) -> None:
        self.set_state(value)

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
        palette = self.palette()
        for state, (symbol, word, colour) in STATE_LOOK.items():
            n = self.counts.get(state, 0)
            button = self.buttons[state]
            button.setText(f"{symbol} {_tr(word)} {n}")
            button.setAccessibleName(_tr("{0}, {1} evaluations").format(_tr(word), n))
            paint_button(button, theme.text_colour(colour, palette), palette)

    def _empty_text(self) -> str:
        f = self.filter
        if self.error:
            return self.error + "\n" + _tr("Press F5 to try again.")
        if f.text or f.assessment_id or f.state not in ("pending", None):
            return _tr("No evaluation matches the search or filters.")
        return _tr("Nothing is waiting for your sign-off.")

    def current_row(self) -> SignOffRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def select(self, submission_id: str) -> None:
        row = self.model.row_of(submission_id)
        if row is not None:
            self.table.setCurrentIndex(self.model.index(row, 0))

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_row.emit(self.model.row_at(index.row()))
