"""The scoring acts a key or an action asks for, so a screen that does not offer an act can
say why when its key is pressed (rather than let the key do nothing without a word)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeyEvent

from assessor.ui.permissions import COMMENT, FINALIZE, LEVEL, OVERALL

__all__ = ["ACT_OF_ACTION", "COMMENT", "FINALIZE", "LEVEL", "OVERALL", "act_of_key", "refusal"]

# The workspace's actions that are scoring acts, by the act the policy is asked about.
ACT_OF_ACTION = {f"level{n}": LEVEL for n in range(1, 10)} | {
    "comment": COMMENT,
    "overall": OVERALL,
    "finalize": FINALIZE,
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("ScoringWorkspace", text)


def refusal(act: str, reason: str) -> str:
    """What to say when `act` is refused for `reason` (the policy's words)."""
    what = {
        LEVEL: _tr("Levels cannot be chosen here"),
        COMMENT: _tr("Comments cannot be changed here"),
        OVERALL: _tr("The overall comment cannot be changed here"),
        FINALIZE: _tr("Nothing to sign here"),
    }[act]
    return f"{what}: {reason}."


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
