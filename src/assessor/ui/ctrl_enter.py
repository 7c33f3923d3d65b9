"""Ctrl+Enter accepts a dialog from any of its fields, a multi-line one too (where Enter is
a new line). Handled as a key, not a shortcut: it works whichever window is active."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class CtrlEnterAccepts(QObject):
    def __init__(self, dialog: QDialog) -> None:
        super().__init__(dialog)
        self._dialog = dialog

    def watch(self, *widgets: QObject) -> None:
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in _ENTER
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self._dialog.accept()
            return True
        return False
