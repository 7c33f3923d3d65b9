"""On a desk whose person may not score (a manager's, a proctor's), a scoring key the page
does not use itself (1–9, C, O, Ctrl+Enter, Ctrl+N, Ctrl+F, Ctrl+→, Ctrl+←) says in the status
bar why it does nothing, instead of doing nothing silently. The page's own keys come first:
they are shortcuts, handled before a key press reaches this filter. Typing in a field is
never touched."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from assessor.ui.scoring.acts import act_of_key

_CTRL = Qt.KeyboardModifier.ControlModifier
_WINDOW_KEYS = (Qt.Key.Key_N, Qt.Key.Key_F, Qt.Key.Key_Right, Qt.Key.Key_Left)
_TYPING = (QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox, QComboBox)


def _tr(text: str) -> str:
    return QCoreApplication.translate("ScoringElsewhere", text)


def is_scoring_key(event: QKeyEvent) -> bool:
    modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    if modifiers == _CTRL and event.key() in _WINDOW_KEYS:
        return True
    return act_of_key(event) is not None


class ScoringKeysElsewhere(QObject):
    """Watches key presses inside `pages` (in their window) and tells `say` why a scoring
    key does nothing there; `reason` is the policy's refusal to let this person score."""

    def __init__(
        self, window: QWidget, pages: Sequence[QWidget], reason: str, say: Callable[[str], None]
    ) -> None:
        super().__init__(window)
        self.pages = pages
        self.text = _tr("Scoring keys do nothing on this desk: {0}.").format(reason)
        self.say = say
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if not isinstance(watched, QWidget) or isinstance(watched, _TYPING):
            return False
        if not any(p is watched or p.isAncestorOf(watched) for p in self.pages):
            return False
        if not is_scoring_key(event) or not watched.isVisible():
            return False
        self.say(self.text)
        return True
