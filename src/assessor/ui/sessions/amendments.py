"""A sealed session's amendments in the console: each as its manager's signed record says it,
with a plain warning when a record does not verify. Hidden while there are none."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QWidget

from assessor.services.exam_amendments import AmendmentView, session_amendments
from assessor.ui import theme
from assessor.ui.desk import Desk
from assessor.ui.errors import in_words
from assessor.ui.sessions.listing import when


def _tr(text: str) -> str:
    return QCoreApplication.translate("SessionAmendments", text)


def amendment_line(a: AmendmentView) -> str:
    if a.problem:
        return _tr("⚠ Amendment {0} cannot be trusted: {1}.").format(a.record_id, a.problem)
    return _tr("✓ {0}, {1}: {2} (signed record {3})").format(a.by, when(a.at), a.text, a.record_id)


class AmendmentsLabel(QLabel):
    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.shown: list[AmendmentView] = []
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setAccessibleName(_tr("Amendments"))
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                     | Qt.TextInteractionFlag.TextSelectableByMouse)  # fmt: skip
        self.hide()

    def load(self, session_id: str, count: int) -> None:
        """Show `session_id`'s amendments (`count` of them listed by the session)."""
        if not count:
            self._show([])
            return
        self.desk.runner.read(
            session_amendments,
            session_id,
            key=("session-amendments",),
            on_done=self._show,
            on_error=lambda exc: self._failed(in_words(exc, what="reading the amendments")),
        )

    def _failed(self, words: str) -> None:
        self.shown = []
        theme.paint(self, theme.text_colour("red", self.palette()), bold=True)
        self.setText(words)
        self.show()

    def _show(self, found: list[AmendmentView]) -> None:
        self.shown = found
        bad = any(a.problem for a in found)
        theme.paint(self, theme.text_colour("red", self.palette()) if bad else None, bold=bad)
        heading = _tr("Amended by a manager ({0}); the sealed record itself never changes:")
        lines = [heading.format(len(found)), *(amendment_line(a) for a in found)]
        self.setText("\n".join(lines) if found else "")
        self.setVisible(bool(found))
