"""Driving the window by keyboard alone, as a person would: the focused widget, the next
modal dialog, and the CLI beside it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has keyboard focus"
    return widget


def press(key: Any, modifier: Any = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(focused(), key, modifier)


def in_next_dialog(act: Callable[[QWidget], None]) -> None:
    """Act on the next modal dialog with the keyboard, as a person would."""

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, answer)
            return
        owner = box.parentWidget()
        act(box)
        if owner is not None:  # the window manager gives the window back its keyboard
            QTimer.singleShot(0, owner.window().activateWindow)

    QTimer.singleShot(0, answer)


def inside(box: QWidget) -> QWidget:
    """The widget with the keyboard in the dialog (an offscreen dialog must be activated
    as a window manager would)."""
    if box.focusWidget() is None or not box.isActiveWindow():
        box.activateWindow()
        QApplication.processEvents()
    return QApplication.focusWidget() or box


def type_and_sign(text: str) -> Callable[[QWidget], None]:
    def act(box: QWidget) -> None:
        QTest.keyClicks(inside(box), text)
        QTest.keyClick(inside(box), Qt.Key.Key_Return, CTRL)

    return act


def run_cli(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assessor", *argv], capture_output=True, text=True, timeout=120
    )
