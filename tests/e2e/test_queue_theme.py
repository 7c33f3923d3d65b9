"""Both queue screens (the assessor's, the manager's sign-off queue) share one screen
(`ui/queue/screen.py`): their state buttons take the theme's colours again when the person
switches light ↔ dark."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from assessor.demo import DEMO_ASSESSOR
from assessor.ui import states, theme
from assessor.ui.queue.screen import QueueScreen
from assessor.ui.signoff.page import SignOffPage
from tests.e2e.conftest import WAIT_MS, Desk, show_desk

MANAGER = "Malik Manager"


def _screen(desk: Desk, name: str) -> QueueScreen:
    if name == MANAGER:
        page = desk.window.pages["signoff"]
        assert isinstance(page, SignOffPage)
        return page.list
    return desk.window.queue


def _wanted(screen: QueueScreen, state: str) -> Any:
    if state == "pending":  # the sign-off queue's "Awaiting sign-off"
        return theme.text_colour("amber", screen.palette())
    return states.look(state, screen.palette()).colour


@pytest.mark.parametrize(("name", "state"), [(MANAGER, "pending"), (DEMO_ASSESSOR, "returned")])
def test_state_buttons_recolour_on_a_change_of_theme(
    qapp: QApplication, demo_folder: Path, qtbot: Any, name: str, state: str
) -> None:
    theme.apply(qapp, "light")
    desk = show_desk(qtbot, Desk(demo_folder, name=name))
    try:
        screen = _screen(desk, name)
        qtbot.waitUntil(lambda: screen.loads > 0, timeout=WAIT_MS)
        button = screen.buttons[state]
        light = button.palette().color(QPalette.ColorRole.ButtonText)
        assert light == _wanted(screen, state)
        theme.apply(qapp, "dark")
        qtbot.waitUntil(lambda: theme.is_dark(screen.palette()), timeout=WAIT_MS)
        dark = button.palette().color(QPalette.ColorRole.ButtonText)
        assert dark == _wanted(screen, state) and dark != light
        ground = screen.palette().color(QPalette.ColorRole.Window)
        assert theme.contrast(dark, ground) >= 4.5
        # the buttons' own ground is the new theme's too, not the light one kept
        assert button.palette().color(QPalette.ColorRole.Button) == screen.palette().color(
            QPalette.ColorRole.Button
        )
    finally:
        theme.apply(qapp)  # the system palette again, for the tests after
        desk.close()
