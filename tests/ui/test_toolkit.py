"""The installed PySide6 keeps Python's reference counts (decision 0011).

PySide6 6.12.0 on Python 3.11 dropped one reference to None on every call of a method that
returns nothing, and one to True on every emit of a bool signal. None and True are not
immortal before 3.12, so after some thousands of calls the interpreter freed them and died
("none_dealloc" / "bool_dealloc"), minutes into a scoring session. The pin in pyproject.toml
keeps that release out; this test fails on any release that brings the fault back.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QDoubleSpinBox, QFrame, QPlainTextEdit

CALLS = 2000
SLACK = 50  # other code may hold or drop a few references meanwhile


class _Emitter(QObject):
    changed = Signal(bool)


def _lost(obj: object, action: Callable[[], object]) -> int:
    before = sys.getrefcount(obj)
    for _ in range(CALLS):
        action()
    return before - sys.getrefcount(obj)


def test_methods_that_return_nothing_keep_none(qapp: QApplication) -> None:
    frame, spin, editor = QFrame(), QDoubleSpinBox(), QPlainTextEdit()
    actions: dict[str, Callable[[], object]] = {
        "setStyleSheet": lambda: frame.setStyleSheet("QFrame { border-radius: 4px; }"),
        "setAccessibleName": lambda: frame.setAccessibleName("Level 1"),
        "setEnabled": lambda: frame.setEnabled(True),
        "setValue": lambda: spin.setValue(1.5),
        "setPlainText": lambda: editor.setPlainText("note"),
    }
    lost = {name: _lost(None, action) for name, action in actions.items()}
    assert all(n < SLACK for n in lost.values()), (
        f"references to None lost per {CALLS} calls: {lost}"
    )


@pytest.mark.parametrize("value", [True, False])
def test_emitting_a_bool_keeps_it(qapp: QApplication, value: bool) -> None:
    emitter = _Emitter()
    seen: list[bool] = []
    emitter.changed.connect(lambda b: seen.append(b) if len(seen) < 1 else None)
    lost = _lost(value, lambda: emitter.changed.emit(value))
    assert seen == [value]
    assert lost < SLACK, f"references to {value} lost per {CALLS} emits: {lost}"
