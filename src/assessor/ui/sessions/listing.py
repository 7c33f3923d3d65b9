"""The proctor's sessions: open ones first by planned start, then sealed ones, with how many
candidates still lack an outcome. Enter opens the console; Ctrl+Shift+N creates a session
(Ctrl+N stays "open next to score" for a person who also scores)."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assessor.domain.changes import Change
from assessor.services.exam_sessions import list_sessions
from assessor.services.exam_views import SessionSummary
from assessor.ui.dates import short_date_time
from assessor.ui.desk import Desk
from assessor.ui.errors import in_words
from assessor.ui.sessions.forms import NewSessionDialog


def _tr(text: str) -> str:
    return QCoreApplication.translate("SessionList", text)


def when(stamp: str) -> str:
    """A stored UTC time in the person's locale and time zone, to the minute."""
    if not stamp:
        return "—"
    return short_date_time(datetime.fromisoformat(stamp.replace("Z", "+00:00")))


def state_words(row: SessionSummary) -> str:
    if row.state == "sealed":
        return _tr("■ Sealed")
    if row.without_outcome:
        return _tr("● Open — {0} without an outcome").format(row.without_outcome)
    return _tr("● Open — ready to seal")


class SessionList(QWidget):
    open_session = Signal(str)

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.rows: list[SessionSummary] = []
        self.loads = 0
        self.heading = QLabel(_tr("Exam sessions — Enter opens the console"))
        self.new_button = QPushButton(_tr("New session…   Ctrl+Shift+N"))
        self.new_button.clicked.connect(self.new_session)
        QShortcut(
            QKeySequence("Ctrl+Shift+N"),
            self,
            self.new_session,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        self.table = QTreeWidget()
        self.table.setRootIsDecorated(False)
        self.table.setAccessibleName(_tr("Exam sessions"))
        self.table.setHeaderLabels(
            [
                _tr("Session"),
                _tr("Kind"),
                _tr("Starts"),
                _tr("Ends"),
                _tr("Candidates"),
                _tr("State"),
            ]
        )
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.header().setStretchLastSection(False)
        for column, width in {1: 80, 2: 150, 3: 150, 4: 100, 5: 260}.items():
            self.table.setColumnWidth(column, width)
        self.table.itemActivated.connect(self._activated)
        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.empty.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.new_button)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        desk.runner.changed.connect(self._data_changed)

    def refresh(self) -> None:
        self.desk.runner.read(
            list_sessions, on_done=self._rows, on_error=self._failed, key=("sessions",)
        )

    def _data_changed(self, changes: frozenset[str]) -> None:
        if Change.SESSIONS in changes and self.isVisible():
            self.refresh()

    def _failed(self, exc: BaseException) -> None:
        self._rows([], in_words(exc, what="reading the sessions") + " " + _tr("Press F5."))

    def _rows(self, rows: list[SessionSummary], problem: str = "") -> None:
        current = self.table.currentItem()
        chosen = current.data(0, Qt.ItemDataRole.UserRole) if current else None
        self.rows = rows
        self.table.clear()
        for row in rows:
            item = QTreeWidgetItem(
                [
                    row.title,
                    _tr("on site") if row.kind == "site" else _tr("remote"),
                    when(row.starts_at),
                    when(row.ends_at),
                    str(row.candidates),
                    state_words(row),
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, row.id)
            self.table.addTopLevelItem(item)
            if row.id == chosen:
                self.table.setCurrentItem(item)
        self.loads += 1
        text = problem or _tr("No exam sessions yet. Ctrl+Shift+N creates one.")
        self.empty.setText(text)
        had_focus = self.table.hasFocus() or self.empty.hasFocus()
        self.empty.setVisible(not rows)
        self.table.setVisible(bool(rows))
        if had_focus:
            self.focus_table()

    def focus_table(self) -> None:
        if self.table.isHidden():
            self.empty.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        first = self.table.topLevelItem(0)
        if self.table.currentItem() is None and first is not None:
            self.table.setCurrentItem(first)

    def new_session(self) -> None:
        """Ask for a session and, once it is saved, open its console."""
        dialog = NewSessionDialog(self.desk, self)
        if dialog.exec() and dialog.result_ is not None:
            self.open_session.emit(dialog.result_.id)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        self.open_session.emit(str(item.data(0, Qt.ItemDataRole.UserRole)))
