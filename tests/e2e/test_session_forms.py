"""The proctor's Sessions page by keyboard: a new session and a roster import in the window,
refused in the CLI's words (a bad roster names its lines and imports nothing); a sealed
session's amendments in the console; scoring keys on the manager's and proctor's desks say
why they do nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from assessor.demo import DEMO_PASSPHRASE
from assessor.domain.errors import ValidationFailed
from assessor.services import exam_sessions as es
from assessor.services.exam_roster import parse_roster
from assessor.services.exam_seal import amend_session, seal_session
from assessor.services.profiles import list_profiles, unlock
from assessor.store.db import Database
from assessor.ui.sessions.page import SessionsPage
from assessor.ui.signoff.page import SignOffPage
from tests.e2e.conftest import WAIT_MS, Desk, show_desk
from tests.e2e.keys import CTRL, SHIFT, focused, in_next_dialog, inside, press, run_cli

MANAGER, PROCTOR = "Malik Manager", "Priya Proctor"
KEYS_SAY = "Scoring keys do nothing on this desk"


def _retype(box: QWidget, text: str) -> None:
    QTest.keyClick(inside(box), Qt.Key.Key_A, CTRL)
    QTest.keyClicks(inside(box), text)


def _sign_and_wait(qtbot: Any, box: Any) -> str:
    """Ctrl+Enter, then what the dialog says once the write came back (or it closed)."""
    QTest.keyClick(inside(box), Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: not box.busy, timeout=WAIT_MS)
    return str(box.problem.text())


def test_a_proctor_creates_a_session_and_imports_its_roster_by_keyboard(
    qapp: QApplication, demo_folder: Path, qtbot: Any, tmp_path: Path
) -> None:
    desk = show_desk(qtbot, Desk(demo_folder, name=PROCTOR))
    page = desk.window.pages["sessions"]
    assert isinstance(page, SessionsPage)
    qtbot.waitUntil(lambda: page.list.loads > 0, timeout=WAIT_MS)
    assert focused() is page.list.table
    said: dict[str, str] = {}

    def create(box: Any) -> None:
        QTest.keyClicks(inside(box), "Mock paper")
        QTest.keyClick(inside(box), Qt.Key.Key_Tab)
        QTest.keyClick(inside(box), Qt.Key.Key_Down)  # on site → remote
        QTest.keyClick(inside(box), Qt.Key.Key_Tab)
        _retype(box, "tomorrow at nine")
        said["date"] = _sign_and_wait(qtbot, box)
        _retype(box, "2026-12-03T09:00+01:00")
        QTest.keyClick(inside(box), Qt.Key.Key_Tab)
        _retype(box, "2026-12-03T08:00+01:00")
        said["order"] = _sign_and_wait(qtbot, box)
        _retype(box, "2026-12-03T11:00+01:00")
        _sign_and_wait(qtbot, box)

    console = page.console
    in_next_dialog(create)
    with qtbot.waitSignal(console.loaded, timeout=WAIT_MS):
        press(Qt.Key.Key_N, CTRL | SHIFT)
    view = console.view
    assert view is not None and view.title == "Mock paper" and view.kind == "remote"
    assert (view.starts_at, view.ends_at) == (
        "2026-12-03T08:00:00.000000Z",
        "2026-12-03T10:00:00.000000Z",
    )
    assert view.candidates == ()

    # A roster with bad lines: each named with its number, as the CLI names them; none added.
    bad = tmp_path / "bad.csv"
    bad.write_text("candidate,name\nC-1,Ann Lee\nnot an id!,Bob Ray\nC-1,Ann Again\n")
    with pytest.raises(ValidationFailed) as refused:
        parse_roster(bad)
    good = tmp_path / "good.csv"
    good.write_text("candidate,name\nC-1,Ann Lee\nC-2,Bob Ray\n")

    def roster(box: Any) -> None:
        QTest.keyClicks(inside(box), str(bad))
        said["roster"] = _sign_and_wait(qtbot, box)
        _retype(box, str(good))
        _sign_and_wait(qtbot, box)

    in_next_dialog(roster)
    console.roster.setFocus()
    with qtbot.waitSignal(console.loaded, timeout=WAIT_MS):
        press(Qt.Key.Key_R, CTRL)
    assert said["roster"] == "\n".join(refused.value.lines())
    assert "line 3" in said["roster"] and "line 4" in said["roster"]
    view = console.view
    assert view is not None
    assert [(c.id, c.name) for c in view.candidates] == [("C-1", "Ann Lee"), ("C-2", "Bob Ray")]
    session = view.id
    desk.close()

    # The CLI refuses the same input in the same words.
    folder = ["--data-dir", str(demo_folder), "--profile", PROCTOR]
    cli = run_cli("session", "create", "--title", "T", "--kind", "site", "--start",
                  "tomorrow at nine", "--end", "2026-12-03T11:00Z", *folder)  # fmt: skip
    assert cli.returncode == 2 and said["date"] in cli.stderr, (said, cli.stderr)
    cli = run_cli("session", "create", "--title", "T", "--kind", "site", "--start",
                  "2026-12-03T09:00Z", "--end", "2026-12-03T08:00Z", *folder)  # fmt: skip
    assert cli.returncode == 2 and said["order"] in cli.stderr, (said, cli.stderr)
    assert said["order"] == "the planned end must be after the planned start"
    at = ["--start", "2026-12-03T09:00Z", "--end", "2026-12-03T10:00Z"]
    made = run_cli("session", "create", "--title", "T", "--kind", "site", *at, "--json", *folder)
    empty = json.loads(made.stdout)["id"]
    cli = run_cli("session", "roster", "import", empty, str(bad), *folder)
    assert cli.returncode == 2 and cli.stderr.strip() == said["roster"]
    assert session != empty


def _sealed_and_amended(folder: Path) -> str:
    """The demo's session finished (outcomes for all), sealed by its proctor and amended by
    the manager, through the services."""
    with Database.open(folder) as db:
        ids = {p.name: p.id for p in list_profiles(db)}
        [row] = es.list_sessions(db)
        proctor = ids[PROCTOR]
        for c in es.show_session(db, row.id).candidates:
            if c.outcome is None:
                outcome = "completed" if c.checked_in_at else "no-show"
                es.set_outcome(db, proctor, row.id, c.id, outcome)
        seal_session(db, row.id, unlock(db, proctor, DEMO_PASSPHRASE))
        text = "The phone was handed in before the paper; no further action."
        amend_session(db, row.id, unlock(db, ids[MANAGER], DEMO_PASSPHRASE), text)
    return row.id


def test_the_console_shows_a_managers_amendment_of_a_sealed_session(
    qapp: QApplication, demo_folder: Path, qtbot: Any
) -> None:
    _sealed_and_amended(demo_folder)
    desk = show_desk(qtbot, Desk(demo_folder, name=PROCTOR))
    page = desk.window.pages["sessions"]
    assert isinstance(page, SessionsPage)
    qtbot.waitUntil(lambda: page.list.loads > 0, timeout=WAIT_MS)
    with qtbot.waitSignal(page.console.loaded, timeout=WAIT_MS):
        press(Qt.Key.Key_Return)
    shown = page.console.amendments
    qtbot.waitUntil(lambda: bool(shown.shown), timeout=WAIT_MS)
    assert shown.isVisible()
    text = shown.text()
    assert "Amended by a manager (1)" in text and "✓ Malik Manager" in text
    assert "The phone was handed in before the paper; no further action." in text
    assert shown.shown[0].record_id in text
    desk.close()


def _says_why(desk: Desk, key: Any, modifier: Any = Qt.KeyboardModifier.NoModifier) -> str:
    desk.window.status.clearMessage()
    press(key, modifier)
    return str(desk.window.status.message())


@pytest.mark.parametrize("name", [MANAGER, PROCTOR])
def test_scoring_keys_on_a_managers_or_proctors_desk_say_why_they_do_nothing(
    qapp: QApplication, demo_folder: Path, qtbot: Any, name: str
) -> None:
    desk = show_desk(qtbot, Desk(demo_folder, name=name))
    page = desk.window.stack.currentWidget()
    assert isinstance(page, SignOffPage if name == MANAGER else SessionsPage)
    assert not desk.window.menus["scoring"].menuAction().isVisible()  # no scoring menu here
    qtbot.waitUntil(lambda: focused() is not None and page.isAncestorOf(focused()), timeout=WAIT_MS)
    for key, modifier in (
        (Qt.Key.Key_1, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_C, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Return, CTRL),
        (Qt.Key.Key_N, CTRL),
        (Qt.Key.Key_Right, CTRL),
    ):
        said = _says_why(desk, key, modifier)
        assert said.startswith(KEYS_SAY) and "assessor" in said, (key, said)
    assert _says_why(desk, Qt.Key.Key_Down) == ""  # the page's own keys are its own
    if isinstance(page, SignOffPage):  # Ctrl+F is the sign-off queue's search; typing is typing
        press(Qt.Key.Key_F, CTRL)
        assert focused() is page.list.search
        assert _says_why(desk, Qt.Key.Key_1) == "" and page.list.search.text() == "1"
    else:
        assert _says_why(desk, Qt.Key.Key_F, CTRL).startswith(KEYS_SAY)
    desk.close()


def test_an_assessors_desk_has_no_such_message(
    qapp: QApplication, demo_folder: Path, qtbot: Any
) -> None:
    desk = show_desk(qtbot, Desk(demo_folder))
    qtbot.waitUntil(lambda: desk.window.queue.loads > 0, timeout=WAIT_MS)
    press(Qt.Key.Key_1)
    assert not str(desk.window.status.message()).startswith(KEYS_SAY)
    desk.close()
