"""What the two queue screens (the assessor's work queue, the manager's sign-off queue) share:
a bar of state buttons with their counts (also the state filter) and an assessment filter, a
table of paged rows or a label saying why there are none, reloading when a write changes what
they list, and the state colours following the theme (light ↔ dark) on the buttons."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTableView,
    QToolButton,
    QWidget,
)

from assessor.domain.changes import Change
from assessor.services.submissions import assessments
from assessor.ui.desk import Desk
from assessor.ui.queue.controller import QueueController


def _tr(text: str) -> str:
    return QCoreApplication.translate("QueueScreen", text)


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


def paint_button(button: QToolButton, colour: Any, palette: QPalette) -> None:
    """`button`'s text in `colour` (None: the palette's own) on `palette`."""
    mine = QPalette(palette)
    if colour is not None:
        mine.setColor(QPalette.ColorRole.ButtonText, colour)
    button.setPalette(mine)


class QueueScreen(QWidget):
    """The shared part of a queue screen. A subclass makes `self.controller` and calls
    `_build`; it says how the counts look (`_show_counts`) and what an empty list means
    (`_empty_text`). `watches`: the changes that make it reload."""

    watches: frozenset[Change] = frozenset()

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.controller: QueueController
        self.buttons: dict[str | None, QToolButton] = {}
        self.loads = 0  # answers received, for tests and the self-test
        self.error = ""  # why the last query failed, shown if no row is
        self._stale = False  # the data changed while the screen was not on it
        desk.runner.changed.connect(self._data_changed)

    def _build(self, label: str, values: Iterable[str | None], checked: str | None) -> QHBoxLayout:
        """The bar: `label`, one checkable button per state in `values` (`checked` on),
        and the assessment filter; then the controller's answers wired to the screen."""
        group = QButtonGroup(self)
        group.setExclusive(True)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(label))
        for value in values:
            button = QToolButton()
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            button.clicked.connect(lambda _c=False, v=value: self.pick(v))
            group.addButton(button)
            bar.addWidget(button)
            self.buttons[value] = button
        self.buttons[checked].setChecked(True)
        bar.addStretch(1)
        self.assessment = QComboBox()
        self.assessment.setAccessibleName(_tr("Assessment filter"))
        self.assessment.addItem(_tr("All assessments"), None)
        self.assessment.currentIndexChanged.connect(
            lambda _i: self.controller.set_assessment(self.assessment.currentData())
        )
        buddy = QLabel(_tr("&Assessment:"))
        buddy.setBuddy(self.assessment)
        bar.addWidget(buddy)
        bar.addWidget(self.assessment)
        self.empty = empty_label()
        self.controller.counts_changed.connect(lambda _c: self._show_counts())
        self.controller.failed.connect(self._failed)
        self.controller.loaded.connect(self._loaded)
        self.controller.answered.connect(self._answered)
        return bar

    def _table(self, name: str) -> QTableView:
        table = QTableView()
        table.setModel(self.controller.model)
        table.setAccessibleName(name)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        self.table = table
        return table

    # -- what a subclass says -----------------------------------------------------------

    def pick(self, value: str | None) -> None:
        """A state button was pressed."""
        raise NotImplementedError

    def _show_counts(self) -> None:
        raise NotImplementedError

    def _empty_text(self) -> str:
        raise NotImplementedError

    # -- loading ----------------------------------------------------------------------

    def start(self) -> None:
        """First load: the rows, and the assessments for the filter."""
        self.controller.refresh()
        self.desk.runner.read(assessments, on_done=self._assessments)

    def _assessments(self, items: list[tuple[str, str]]) -> None:
        for assessment_id, title in items:
            self.assessment.addItem(title, assessment_id)

    def _failed(self, text: str) -> None:
        self.error = text

    def _loaded(self) -> None:
        self.error = ""

    def _answered(self) -> None:
        self.loads += 1
        show_rows_or(self.table, self.empty, self._empty_text())

    def _data_changed(self, changes: frozenset[str]) -> None:
        if not changes & self.watches:
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

    def changeEvent(self, event: QEvent) -> None:
        # Light ↔ dark: the state colours follow (not while the screen is still being built).
        if event.type() == QEvent.Type.PaletteChange and self.buttons:
            self._show_counts()
        super().changeEvent(event)

    def focus_table(self) -> None:
        focus_rows(self.table, self.empty)
