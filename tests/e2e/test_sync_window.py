"""The window's sync against a real `issuer serve` process: enrol in the dialog, score by
keyboard, finalize, Sync now, see the credential; a rejected record with its reason; pages
that refresh themselves; the status bar's words in each state."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.e2e.conftest import WAIT_MS, Desk
from tests.e2e.test_keyboard_scoring import accept_next_dialog, focused, press, type_text
from tests.issuer.service.harness import Issuer, unique
from tests.sync.world import NO_WAIT, start_issuer


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    server = start_issuer()
    try:
        yield server
    finally:
        server.stop()


def person(issuer: Issuer) -> tuple[str, str]:
    """A new assessor on the issuer and a one-time code to enrol as them."""
    name = unique("Ada")
    issuer.cli("person", "add", name, "--role", "assessor")
    found = issuer.cli("enrolment", "create", "--person", name, "--role", "assessor")
    return name, str(found["code"])


def assign(issuer: Issuer, assessor: str) -> tuple[str, str]:
    submission, learner = unique("sub"), unique("learner")
    learner_name = f"Learner {learner[-6:]}"
    issuer.cli(
        *("submission", "assign", submission, "--learner", learner),
        *("--learner-name", learner_name, "--assessment", "wiring-a", "--assessor", assessor),
    )
    return submission, learner_name


def enrol_by_keyboard(desk: Desk, qtbot: Any, url: str, code: str) -> None:
    window = desk.window
    parts = window.sync
    parts.controller.options = {"backoff": NO_WAIT}
    enrol = next(a for a in window.menus["file"].actions() if "Enrol" in a.text())
    enrol.trigger()
    dialog = parts.dialog
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.url)
    type_text(qtbot, url)
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is dialog.code
    type_text(qtbot, code)
    press(qtbot, Qt.Key.Key_Return)  # the default button: Enrol
    qtbot.waitUntil(lambda: parts.controller.state.enrolment is not None, timeout=WAIT_MS)
    assert "enrolled as" in dialog.current.text()
    assert parts.controller.state.enrolment.backend == url
    dialog.close()


def status_text(desk: Desk) -> str:
    return desk.window.status.sync.text()


def test_from_score_to_credential_by_keyboard(desk: Desk, qtbot: Any, issuer: Issuer) -> None:
    window, parts = desk.window, desk.window.sync
    assert status_text(desk).startswith("Offline — not enrolled")
    name, code = person(issuer)
    submission, learner = assign(issuer, name)
    enrol_by_keyboard(desk, qtbot, issuer.base_url, code)
    # Enrolling starts a round by itself: the assigned submission arrives in the queue.
    qtbot.waitUntil(lambda: parts.controller.state.last is not None, timeout=WAIT_MS)
    assert parts.controller.state.last.ok, parts.controller.state.last.error
    assert status_text(desk).startswith("Online · ")
    assert "last sync just now" in status_text(desk)

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.show_page(window.queue)
    press(qtbot, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    type_text(qtbot, learner)
    qtbot.waitUntil(
        lambda: [r.id for r in window.queue.model.rows()] == [submission], timeout=WAIT_MS
    )
    press(qtbot, Qt.Key.Key_Return)
    with qtbot.waitSignal(window.workspace_opened, timeout=WAIT_MS):
        press(qtbot, Qt.Key.Key_Return)
    ws = window.workspace
    assert ws.workspace is not None and ws.sheet is not None
    for criterion in ws.workspace.rubric.criteria:
        press(qtbot, str(len(criterion.levels)))
        press(qtbot, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: window.status.save.text().startswith("Saved "), timeout=WAIT_MS)
    seen: list[str] = []
    accept_next_dialog("Finalize & sign", seen)
    with qtbot.waitSignal(ws.finalized, timeout=WAIT_MS) as signed:
        press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    record = signed.args[0].record_id
    qtbot.waitUntil(lambda: "1 record waiting" in status_text(desk), timeout=WAIT_MS)

    # Sync now (F9), then the Credentials page (Ctrl+6) shows what the backend issued,
    # reloaded by the round's announcement, not by anyone calling it.
    loads = parts.credentials.loads
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=WAIT_MS)
    press(qtbot, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: parts.credentials.table.rowCount() == 1, timeout=WAIT_MS)
    assert parts.credentials.loads > loads
    qtbot.waitUntil(lambda: "0 records waiting" in status_text(desk), timeout=WAIT_MS)
    press(qtbot, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is parts.credentials
    [credential] = parts.credentials.rows
    assert record in credential.records and credential.status == "active"
    assert credential.url.startswith(issuer.base_url)
    assert parts.credentials.table.item(0, 2).text() == "✓ Active"
    opened: list[str] = []
    parts.credentials.open_url = opened.append
    QTest.keyClick(parts.credentials.table, Qt.Key.Key_Return)
    assert opened == [credential.url]

    # The Sync page (Ctrl+5) lists the record as synced.
    press(qtbot, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is parts.page
    rows = {r.record_id: r for r in parts.page.outbox.rows}
    assert rows[record].state == "acknowledged"
