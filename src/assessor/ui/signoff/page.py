"""The manager's desk: the sign-off queue, and the review of one evaluation in its place."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from assessor.services.signoff import Decided, SignOffRow
from assessor.ui.desk import Desk
from assessor.ui.desks import DeskPage
from assessor.ui.signoff.queue import SignOffList
from assessor.ui.signoff.review import SignOffReview


def _tr(text: str) -> str:
    return QCoreApplication.translate("SignOffPage", text)


class SignOffPage(DeskPage):
    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.list = SignOffList(desk)
        self.review = SignOffReview(desk)
        self.note = QLabel()  # what the last decision did
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setContentsMargins(8, 0, 8, 0)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.review)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.note)
        self.list.open_row.connect(self.open_review)
        self.review.back_requested.connect(self.back)
        self.review.decided.connect(self._decided)
        find = QAction(self)
        find.setShortcut(QKeySequence("Ctrl+F"))
        find.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.triggered.connect(self.find_in_list)
        self.addAction(find)

    def start(self) -> None:
        self.list.start()

    def enter(self) -> None:
        if self.stack.currentWidget() is self.list:
            self.list.focus_table()
        elif self.review.panel is not None:
            self.review.panel.setFocus(Qt.FocusReason.OtherFocusReason)

    def find_in_list(self) -> None:
        self.back()
        self.list.focus_search()

    def open_review(self, row: SignOffRow) -> None:
        self.note.clear()
        self.stack.setCurrentWidget(self.review)
        self.review.open(row)

    def back(self) -> None:
        self.stack.setCurrentWidget(self.list)
        self.list.focus_table()

    def _decided(self, done: Decided) -> None:
        what = {
            None: _tr("Signed off"),
            "assessor": _tr("Returned to the assessor"),
            "learner": _tr("Returned to the learner"),
        }[done.return_to]
        self.note.setText(
            _tr("{0}: {1} — decision record {2}").format(what, done.submission_id, done.record_id)
        )
        self.back()
