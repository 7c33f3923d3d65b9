"""The proctor's desk: the exam sessions, and one session's console in the list's place."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from assessor.ui.desk import Desk
from assessor.ui.desks import DeskPage
from assessor.ui.sessions.console import SessionConsole
from assessor.ui.sessions.listing import SessionList


class SessionsPage(DeskPage):
    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.list = SessionList(desk)
        self.console = SessionConsole(desk)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.console)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.list.open_session.connect(self.open_session)
        self.console.back_requested.connect(self.back)

    def start(self) -> None:
        self.list.refresh()

    def enter(self) -> None:
        if self.stack.currentWidget() is self.list:
            self.list.focus_table()
        else:
            self.console.roster.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_session(self, session_id: str) -> None:
        self.stack.setCurrentWidget(self.console)
        self.console.open(session_id)

    def back(self) -> None:
        self.stack.setCurrentWidget(self.list)
        self.list.refresh()
        self.list.focus_table()
