"""The scoring acts a key asks for, so a screen that does not offer an act can say why when
its key is pressed (rather than let the key do nothing without a word)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent

LEVEL, COMMENT, OVERALL, FINALIZE = "level", "comment", "overall", "finalize"

_PLAIN = Qt.KeyboardModifier.NoModifier
_IGNORED = Qt.KeyboardModifier.KeypadModifier | Qt.KeyboardModifier.ShiftModifier


def act_of_key(event: QKeyEvent) -> str | None:
    """LEVEL for 1–9, COMMENT for C, OVERALL for O, FINALIZE for Ctrl+Enter; else None."""
    key = event.key()
    modifiers = event.modifiers() & ~_IGNORED
    if modifiers == Qt.KeyboardModifier.ControlModifier and key in (
        Qt.Key.Key_Return,
        Qt.Key.Key_Enter,
    ):
        return FINALIZE
    if modifiers != _PLAIN:
        return None
    if Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
        return LEVEL
    return {Qt.Key.Key_C: COMMENT, Qt.Key.Key_O: OVERALL}.get(Qt.Key(key))
