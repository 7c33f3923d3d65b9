"""A manager or a proctor who unlocks the window is offered no scoring act: the screen says
that scoring is for assessors, every scoring key and control says why it does nothing, and no
write is ever queued."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import func, select

from assessor.domain.policy import Operation, decide
from assessor.store import models as m
from assessor.ui.permissions import sentence
from tests.e2e.conftest import WAIT_MS, Desk, show_desk

PEOPLE = [("Malik Manager", "manager"), ("Priya Proctor", "proctor")]
SCORING_KEYS = [
    *((getattr(Qt.Key, f"Key_{n}"), Qt.KeyboardModifier.NoModifier) for n in range(1, 10)),
    (Qt.Key.Key_C, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_O, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier),
]


class Writes:
    """Every task the window queues on the serial (writing) lane, by function name: data
    writes (`runner.write`) and any other serial work (`run_serial`)."""

    def __init__(self, desk: Desk) -> None:
        self.names: list[str] = []
        runner = desk.runner
        for door in ("write", "run_serial"):
            real = getattr(runner, door)

            def watch(fn: Any, *args: Any, _real: Any = real, **kwargs: Any) -> Any:
                self.names.append(getattr(getattr(fn, "func", fn), "__name__", repr(fn)))
                return _real(fn, *args, **kwargs)

            setattr(runner, door, watch)

    def saves(self) -> list[str]:
        return list(self.names)


def _stored(desk: Desk) -> tuple[int, int]:
    """(evaluations, audit events) in the database."""
    with desk.opened.db.read() as tx:
        evaluations = tx.scalar(select(func.count()).select_from(m.Evaluation))
        events = tx.scalar(select(func.count()).select_from(m.AuditEvent))
    return int(evaluations or 0), int(events or 0)


@pytest.fixture(params=PEOPLE, ids=[role for _, role in PEOPLE])
def person(
    request: pytest.FixtureRequest, qapp: QApplication, demo_folder: Path, qtbot: Any
) -> Iterator[tuple[Desk, str]]:
    name, role = request.param
    opened = Desk(demo_folder, name=name)
    try:
        yield opened, role
    finally:
        if not opened.runner.closed:
            opened.close()


def _reason(role: str) -> str:
    return decide(Operation.EVALUATION_EDIT, [role], "none", "none").reason


def _focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has keyboard focus"
    return widget


def test_a_manager_or_proctor_lands_on_their_own_desk_without_the_queue(
    person: tuple[Desk, str], qtbot: Any
) -> None:
    desk, role = person
    writes = Writes(desk)
    before = _stored(desk)
    window = show_desk(qtbot, desk).window
    reason = _reason(role)
    assert "cannot edit an evaluation" in reason  # the policy refuses scoring to this role

    own = {"manager": "signoff", "proctor": "sessions"}[role]
    assert window.role_page is None and window.stack.currentWidget() is window.pages[own]
    assert "queue" not in window.nav and window.nav[own].isChecked()

    # The queue is not offered: not loaded, not searchable, no "next to score".
    qtbot.waitUntil(lambda: window.rubrics.versions != [], timeout=WAIT_MS)
    assert window.queue.loads == 0 and window.queue.model.rowCount() == 0
    assert not window.search.isVisible() and not window.search.isEnabled()
    for action in (window.next_action, window.find_action):
        assert not action.isEnabled() and action.toolTip() == sentence(reason)
    for name in ("finalize", "comment", "overall", "level1", "next", "previous"):
        action = window.workspace.actions_by_name[name]
        assert not action.isEnabled(), name

    # Asking for a submission anyway (a stale link, a script) is refused, with the reason.
    window.open_submission(_any_submission(desk))
    window.open_next(None)
    assert window.stack.currentWidget() is window.pages[own]
    assert sentence(reason) in window.status.message()

    desk.runner.run_parallel(lambda: None)  # let anything queued before settle
    assert writes.saves() == []
    assert _stored(desk) == before


def test_the_scoring_sheet_offers_a_manager_or_proctor_nothing_and_writes_nothing(
    person: tuple[Desk, str], qtbot: Any
) -> None:
    """Even where the window's own gate is bypassed (the workspace shown directly), the
    sheet asks the policy for each act: nothing is let on screen and refused on save."""
    desk, role = person
    writes = Writes(desk)
    before = _stored(desk)
    window = show_desk(qtbot, desk).window
    reason, ws = _reason(role), window.workspace
    window.show_page(ws)
    with qtbot.waitSignal(ws.loaded, timeout=WAIT_MS):
        ws.open(_any_submission(desk))
    assert ws.sheet is not None and ws.panel is not None
    assert not ws.sheet.editable
    assert f"Read only — {sentence(reason)}" == ws.banner.text()

    card = ws.panel.cards[0]
    for tile in card.tiles:  # readable, but inert, and they say why
        assert tile.isEnabled() and tile.toolTip() == sentence(reason)
        assert sentence(reason) in tile.accessibleDescription()
    assert card.comment.isReadOnly() and card.comment.toolTip() == sentence(reason)
    assert card.comment.placeholderText() == ""
    assert not ws.finalize_button.isEnabled()
    assert ws.finalize_button.toolTip() == sentence(reason)
    assert ws.finalize_button.accessibleDescription() == sentence(reason)
    for name in ("finalize", "comment", "overall", *(f"level{n}" for n in range(1, 10))):
        action = ws.actions_by_name[name]
        assert not action.isEnabled() and action.toolTip() == sentence(reason), name

    ws.panel.setFocus()
    for key, modifiers in SCORING_KEYS:
        window.status.clearMessage()
        qtbot.keyClick(_focused(), key, modifiers)
        assert reason in window.status.message(), (key, modifiers)
    window.status.clearMessage()
    qtbot.mouseClick(card.tiles[-1], Qt.MouseButton.LeftButton)
    assert reason in window.status.message()
    ws.finalize_button.click()  # disabled: nothing happens

    assert ws.sheet.selections == {} and ws.sheet.comments == {c.id: "" for c in card_ids(ws)}
    assert ws.sheet.pending == 0 and ws.sheet.undo_stack.count() == 0
    assert "Not saved" not in window.status.save.text()
    assert writes.saves() == []
    assert _stored(desk) == before


def card_ids(ws: Any) -> list[Any]:
    return list(ws.sheet.rubric.criteria)


def _any_submission(desk: Desk) -> str:
    with desk.opened.db.read() as tx:
        found = tx.scalar(select(m.Submission.id).where(m.Submission.status == "to_score"))
    assert isinstance(found, str)
    return found
