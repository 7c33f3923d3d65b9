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
from tests.e2e.test_main_window import _open_first_to_score, _SlowDisk
from tests.issuer.service.harness import Issuer, unique
from tests.sync.world import NO_WAIT, finalize_demo_submission, start_issuer


@pytest.fixture(scope="module")
def issuer() -> Iterator[Issuer]:
    server = start_issuer()
    try:
        yield server
    finally:
        server.close()


_PEOPLE: dict[int, str] = {}


@pytest.fixture
def own_issuer() -> Iterator[Issuer]:
    """An issuer of its own: every demo folder holds the same key, and a record at a chain
    position another test already sent would be a conflict there, not a rejection."""
    server = start_issuer()
    try:
        yield server
    finally:
        server.close()


def person(issuer: Issuer) -> tuple[str, str]:
    """The assessor on this issuer (every test's demo folder holds the same key, so it is
    always the same person) and a new one-time code to enrol as them."""
    name = _PEOPLE.get(id(issuer))
    if name is None:
        name = _PEOPLE[id(issuer)] = unique("Ada")
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

    # The Credentials page (Ctrl+6), then Sync now (F9): the page shows what the backend
    # issued, reloaded by the round's announcement, not by anyone calling it.
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=WAIT_MS)
    press(qtbot, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is parts.credentials
    loads = parts.credentials.loads
    press(qtbot, Qt.Key.Key_F9)
    shown = parts.credentials.model
    qtbot.waitUntil(lambda: shown.rowCount() == 1, timeout=WAIT_MS)
    assert parts.credentials.loads > loads
    qtbot.waitUntil(lambda: "0 records waiting" in status_text(desk), timeout=WAIT_MS)
    [credential] = parts.credentials.rows
    assert record in credential.records and credential.status == "active"
    assert credential.url.startswith(issuer.base_url)
    assert shown.index(0, 2).data() == "✓ Active"
    assert shown.index(0, 1).data() == learner  # as the queue names them
    achievement = shown.index(0, 0)  # its name, not the backend's id
    tip = achievement.data(Qt.ItemDataRole.ToolTipRole)
    assert (achievement.data(), tip) == ("Safe isolation", "badge-a")
    opened: list[str] = []
    parts.credentials.open_url = opened.append
    QTest.keyClick(parts.credentials.table, Qt.Key.Key_Return)
    assert opened == [credential.url]

    # The Sync page (Ctrl+5) lists the record as synced.
    press(qtbot, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is parts.page
    qtbot.waitUntil(
        lambda: any(
            r.record_id == record and r.state == "acknowledged" for r in parts.page.outbox.rows
        ),
        timeout=WAIT_MS,
    )


def test_rejected_offline_and_back_by_itself(desk: Desk, qtbot: Any, own_issuer: Issuer) -> None:
    issuer = own_issuer
    from assessor.domain.changes import Change
    from assessor.sync.push import Backoff
    from tests.sync.fault_proxy import FaultProxy

    window, parts = desk.window, desk.window.sync
    controller, page = parts.controller, parts.page
    proxy = FaultProxy(issuer.port)
    try:
        _name, code = person(issuer)
        enrol_by_keyboard(desk, qtbot, proxy.url, code)
        controller.options = {"backoff": Backoff(base=0.5, cap=1.0, tries=1), "timeout": 5}
        controller.backoff = Backoff(base=0.5, cap=1.0, tries=1)
        controller.soon_ms = 50
        qtbot.waitUntil(lambda: controller.state.last is not None, timeout=WAIT_MS)
        window.show_page(page)

        # A finalize (a write that changes the outbox) starts a round by itself; the backend
        # rejects the record, and the page shows it with the reason, reloaded on its own.
        rounds = len([controller.state.last])
        done: list[str] = []
        with qtbot.waitSignal(controller.finished, timeout=WAIT_MS) as ended:
            window.desk.runner.write(
                finalize_demo_submission, desk.profile.id,
                changes={Change.OUTBOX, Change.RECORDS}, on_done=done.append,
            )  # fmt: skip
        assert rounds == 1 and ended.args[0].pushed.rejected == 1
        [record] = done
        qtbot.waitUntil(
            lambda: any(r.record_id == record and r.state == "rejected" for r in page.outbox.rows),
            timeout=WAIT_MS,
        )
        row = next(n for n, r in enumerate(page.outbox.rows) if r.record_id == record)
        state = page.outbox.index(row, 2).data()
        answer = page.outbox.index(row, 3).data()
        assert state == "✕ Rejected by backend"
        assert answer.startswith("rejected — ") and len(answer) > len("rejected — x — ")
        assert status_text(desk).startswith("Online · ")

        # Offline: Sync now says so in words, with when it tries again; nothing is lost.
        proxy.arm(0, "refused")
        with qtbot.waitSignal(controller.finished, timeout=WAIT_MS):
            page.sync_button.click()
        text = status_text(desk)
        assert text.startswith("Offline: ") and "trying again at " in text, text
        assert page.state.text().startswith("Offline: ")
        assert any(r.record_id == record for r in page.outbox.rows)
        # The backend comes back: the next round starts by itself and goes through.
        proxy.heal()
        qtbot.waitUntil(lambda: status_text(desk).startswith("Online · "), timeout=WAIT_MS)
        assert "last sync just now" in status_text(desk)
    finally:
        proxy.stop()


def test_a_cancelled_close_keeps_the_rounds_and_a_real_one_stops_them(
    desk: Desk, qtbot: Any, issuer: Issuer
) -> None:
    window, ws, controller = desk.window, desk.window.workspace, desk.window.sync.controller
    _name, code = person(issuer)
    enrol_by_keyboard(desk, qtbot, issuer.base_url, code)
    qtbot.waitUntil(lambda: controller.state.last is not None, timeout=WAIT_MS)
    # A save fails, so closing asks first: the person cancels, and the window stays.
    _open_first_to_score(desk, qtbot)
    assert ws.sheet is not None and ws.panel is not None
    disk = _SlowDisk(ws.sheet._save)
    ws.sheet._save, disk.fail = disk, "disk full"
    ws.panel.choose(1)
    qtbot.waitUntil(lambda: window.status.save.text().startswith("Not saved"), timeout=WAIT_MS)
    window.quit_unsaved = lambda _error: False  # type: ignore[method-assign]
    window.close()
    assert window.isVisible()
    with qtbot.waitSignal(controller.finished, timeout=WAIT_MS) as done:
        controller.sync_now()  # rounds still run, and the next is planned
    assert done.args[0].ok and controller.state.next_at is not None
    window.quit_unsaved = lambda _error: True  # type: ignore[method-assign]
    window.close()  # now it closes: no round is planned and none starts
    assert not window.isVisible() and controller.state.next_at is None
    controller.sync_now()
    assert not controller.state.running


def test_unenrol_and_enrol_again(desk: Desk, qtbot: Any, issuer: Issuer) -> None:
    parts = desk.window.sync
    name, code = person(issuer)
    enrol_by_keyboard(desk, qtbot, issuer.base_url, code)
    qtbot.waitUntil(lambda: parts.controller.state.last is not None, timeout=WAIT_MS)
    secrets = desk.window.desk.secrets
    assert secrets.token(issuer.base_url, account=desk.profile.id) is not None
    dialog = parts.open_enrol()
    assert name in dialog.current.text() and issuer.base_url in dialog.current.text()
    dialog.unenrol_button.click()
    qtbot.waitUntil(lambda: parts.controller.state.enrolment is None, timeout=WAIT_MS)
    assert secrets.token(issuer.base_url, account=desk.profile.id) is None
    assert "not enrolled" in dialog.current.text()
    assert status_text(desk).startswith("Offline — not enrolled")
    dialog.close()
    _again, code = person(issuer)
    enrol_by_keyboard(desk, qtbot, issuer.base_url, code)
    assert secrets.token(issuer.base_url, account=desk.profile.id) is not None


def test_without_a_safe_keyring_enrolment_is_not_offered(desk: Desk, qtbot: Any) -> None:
    window = desk.window
    window.desk.secrets = None
    window.desk.secrets_problem = "only a plaintext keyring was found"
    dialog = window.sync.open_enrol()
    assert not dialog.enrol_button.isEnabled() and not dialog.url.isEnabled()
    assert "no safe keyring" in dialog.message.text()
    assert "only a plaintext keyring was found" in dialog.message.text()
    dialog.close()


def test_the_progress_bar_never_spins_and_never_moves_the_outbox(desk: Desk, qtbot: Any) -> None:
    """Qt's busy bar (range 0..0) repaints 60 times a second for the whole round, and a bar
    that takes its room only when shown moves the outbox as each round starts and ends: both
    held the GUI thread (decision 0032)."""
    window, page = desk.window, desk.window.sync.page
    window.show_page(page)
    qtbot.waitUntil(page.table.isVisible)
    table = page.table.geometry()
    state = page.controller.state
    state.running, state.step, state.done, state.total = True, "pull", 3, 0  # total unknown
    page.show_state()
    assert page.progress.isVisible() and page.progress.maximum() > 0
    assert page.progress.value() == 0 and page.progress.text() == "Receiving changes…"
    QApplication.processEvents()
    assert page.table.geometry() == table
    state.step, state.done, state.total = "push", 40, 200
    page.show_state()
    assert page.progress.text() == "Sending records 40/200…" and page.progress.value() == 40
    state.running = False
    page.show_state()
    QApplication.processEvents()
    assert not page.progress.isVisible() and page.table.geometry() == table
