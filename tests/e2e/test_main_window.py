"""The main window: what the status bar says, a locked key, accessibility."""

from __future__ import annotations

import gc
import threading
import time
import weakref
from typing import Any

from keyring.errors import KeyringLocked
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QMessageBox,
    QWidget,
)

from assessor.demo import DEMO_PASSPHRASE
from assessor.demo.folder import FOR_SIGNOFF
from assessor.domain.workflow import TO_SCORE_STATUSES
from assessor.services.queue import queue_page
from assessor.ui.dialogs.unlock import UnlockDialog
from assessor.ui.main_window import MainWindow
from assessor.ui.queue.submissions import Column
from assessor.ui.saves import SaveState
from assessor.ui.scoring import workspace as workspace_ui
from tests.e2e.conftest import WAIT_MS, Desk


def _open_first_to_score(desk: Desk, qtbot: Any) -> str:
    window = desk.window
    row = next(r for r in window.queue.model.rows() if r.status == "to_score")
    with qtbot.waitSignal(window.workspace_opened, timeout=WAIT_MS):
        window.open_submission(row.id)
    return row.id


def test_the_status_bar_says_who_where_and_what_is_waiting(desk: Desk, qtbot: Any) -> None:
    window = desk.window
    assert window.windowTitle() == "Assessor — Ada Assessor (assessor)"
    assert window.status.identity.text() == "Ada Assessor (assessor) · key unlocked"
    words = (
        "Offline — not enrolled with a backend (File ▸ Enrol) · "
        f"{FOR_SIGNOFF} records waiting · never synced"  # the demo's work for sign-off
    )
    # The outbox is counted on the parallel lane: the words come when the count does.
    qtbot.waitUntil(lambda: window.status.sync.text().strip() == words, timeout=WAIT_MS)
    assert window.status.folder.toolTip() == str(desk.folder)
    counts = window.queue.controller.counts
    button = window.queue.status_buttons["to_score"]
    assert button.text() == f"▣ To score {counts['to_score']}"


def test_a_locked_key_is_asked_for_before_signing(desk: Desk, qtbot: Any) -> None:
    window, ws = desk.window, desk.window.workspace
    QTest.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert desk.window.desk.identity.locked
    assert "key locked" in window.status.identity.text()
    submission = _open_first_to_score(desk, qtbot)
    assert ws.sheet is not None and ws.panel is not None
    for n, criterion in enumerate(ws.sheet.rubric.criteria):
        ws.panel.set_current(n)
        ws.panel.choose(len(criterion.levels))
    answers: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, UnlockDialog):
            answers.append("unlock")
            box.passphrase.setText(DEMO_PASSPHRASE)
            QTest.keyClick(box.passphrase, Qt.Key.Key_Return)
        elif isinstance(box, QMessageBox):
            answers.append(box.windowTitle())
            QTest.keyClick(box, Qt.Key.Key_Return)
            return
        QTimer.singleShot(20, answer)

    QTimer.singleShot(0, answer)
    with qtbot.waitSignal(ws.finalized, timeout=WAIT_MS) as signed:
        ws.actions_by_name["finalize"].trigger()
    assert answers[0] == "unlock" and answers[-1] == "Finalize & sign"
    assert signed.args[0].submission_id == submission
    assert not desk.window.desk.identity.locked
    waiting = f"{FOR_SIGNOFF + 1} records waiting"  # the demo's own, and this one
    qtbot.waitUntil(lambda: waiting in window.status.sync.text(), timeout=WAIT_MS)


def _words(text: str) -> str:
    """Menu text without its mnemonic marks ("&&" is a real "&")."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _unnamed(root: QWidget) -> list[str]:
    """Focusable controls a screen reader could not name."""
    missing = []
    for w in root.findChildren(QWidget):
        if not w.isVisible() or w.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if isinstance(w, QAbstractButton) and w.text().replace("&", "").strip():
            continue
        if not w.accessibleName():
            missing.append(f"{type(w).__name__} {w.objectName()!r}")
    return missing


def test_every_control_has_a_name_and_every_command_a_key(desk: Desk, qtbot: Any) -> None:
    window = desk.window
    assert _unnamed(window) == []
    _open_first_to_score(desk, qtbot)
    qtbot.waitUntil(lambda: window.workspace.evidence.current_artifact() is not None)
    assert _unnamed(window) == []
    menus = {name: menu.actions() for name, menu in window.menus.items()}
    for name, actions in menus.items():
        for action in actions:
            if action.isSeparator():
                continue
            assert action.text(), f"an action without words in {name}"
    keyed = {_words(a.text()): a.shortcut().toString() for a in menus["scoring"]}
    assert keyed["Finalize & sign"] == "Ctrl+Return"
    assert keyed["Save and open next"] == "Ctrl+Right"
    assert keyed["Comment"] == "C"


def test_a_cancelled_unlock_does_not_sign_later(desk: Desk, qtbot: Any) -> None:
    window, ws = desk.window, desk.window.workspace
    desk.window.desk.identity.lock()
    _open_first_to_score(desk, qtbot)
    assert ws.sheet is not None and ws.panel is not None
    for n, criterion in enumerate(ws.sheet.rubric.criteria):
        ws.panel.set_current(n)
        ws.panel.choose(len(criterion.levels))
    asked: list[str] = []
    ws.confirm = lambda _w, title, _text: asked.append(title) is None and False
    ws.actions_by_name["finalize"].trigger()  # once the saves landed: the unlock window
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), UnlockDialog))
    QApplication.activeModalWidget().reject()
    window.show_page(window.queue)
    window.unlock_action.trigger()  # File → Unlock, later, for another reason
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, UnlockDialog)
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        dialog.passphrase.setText(DEMO_PASSPHRASE)
        QTest.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert asked == []  # no signing box popped up on the queue page


def test_tab_leaves_the_rubric_at_its_last_criterion(desk: Desk, qtbot: Any) -> None:
    ws = desk.window.workspace
    _open_first_to_score(desk, qtbot)
    assert ws.panel is not None
    ws.panel.setFocus()
    seen = set()
    for _ in range(len(ws.panel.cards) + 2):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        seen.add(type(QApplication.focusWidget()).__name__)
    assert ws.panel.current == len(ws.panel.cards) - 1
    assert seen - {"RubricPanel"}, "Tab never left the rubric"


def _everything(desk: Desk) -> list[Any]:
    """Every row of the queue as shown, in the order shown, read straight from the service."""
    queue = desk.window.queue
    c = queue.controller
    return queue_page(desk.opened.db, c.filter, c.sort, 0, 10_000, assessor_id=desk.profile.id).rows


def test_next_goes_on_to_rows_not_loaded_yet(desk: Desk, qtbot: Any) -> None:
    window = desk.window
    shown = _in_small_pages(window, qtbot)
    loaded = window.queue.model.rowCount()
    everything = _everything(desk)
    assert [r.id for r in everything[:loaded]] == [r.id for r in shown]
    expected = next(r.id for r in everything[loaded:] if r.status in TO_SCORE_STATUSES)
    with qtbot.waitSignal(window.workspace_opened, timeout=WAIT_MS) as opened:
        window.open_next(shown[-1].id)
    assert opened.args[0] == expected  # found by the database, not in a page loaded


def _in_small_pages(window: MainWindow, qtbot: Any) -> list[Any]:
    """The queue reloaded 5 rows a page; the rows shown once the table stops asking for more
    to fill itself (more pages are left)."""
    model = window.queue.model
    model.page_size = 5
    window.queue.controller.refresh()
    quiet = 0  # checks in a row with no page on its way
    deadline = time.monotonic() + WAIT_MS / 1000
    while quiet < 20:
        assert time.monotonic() < deadline, "the table kept asking for pages"
        qtbot.wait(10)
        quiet = 0 if model.fetching or model.rowCount() < 5 else quiet + 1
    assert model.canFetchMore()
    return window.queue.shown_rows()


def test_next_that_cannot_be_read_says_so_and_can_be_asked_again(desk: Desk, qtbot: Any) -> None:
    window = desk.window
    first = window.queue.shown_rows()[0].id
    real = window.queue.controller._step
    broken = threading.Event()
    broken.set()

    def flaky(*args: Any) -> Any:
        if broken.is_set():
            raise OSError("database is locked")
        return real(*args)  # type: ignore[misc]

    window.queue.controller._step = flaky
    opened: list[str] = []
    window.workspace_opened.connect(opened.append)
    window.open_next(first)
    qtbot.waitUntil(lambda: "database is locked" in window.status.message(), timeout=WAIT_MS)
    assert window.status.message() == "Could not find the next one: database is locked"
    qtbot.wait(100)
    assert opened == []
    broken.clear()
    with qtbot.waitSignal(window.workspace_opened, timeout=WAIT_MS):
        window.open_next(first)  # asked again: found and opened


def test_going_back_to_the_queue_forgets_a_next_still_on_its_way(desk: Desk, qtbot: Any) -> None:
    window = desk.window
    first = _open_first_to_score(desk, qtbot)
    real, gate, asked = window.queue.controller._step, threading.Event(), threading.Event()

    def slow(*args: Any) -> Any:
        asked.set()
        assert gate.wait(WAIT_MS / 1000)
        return real(*args)  # type: ignore[misc]

    window.queue.controller._step = slow
    opened: list[str] = []
    window.workspace_opened.connect(opened.append)
    window.open_next(first)  # the disk is slow to answer
    qtbot.waitUntil(asked.is_set, timeout=WAIT_MS)
    window.workspace.actions_by_name["back"].trigger()  # Esc: the person went back
    gate.set()
    qtbot.wait(300)
    assert opened == [] and window.stack.currentWidget() is window.queue


def test_next_with_nothing_left_says_so(desk: Desk, qtbot: Any) -> None:
    window = desk.window
    submission = _open_first_to_score(desk, qtbot)
    window.queue.controller._step = lambda *_args: None  # every other one is finalized
    window.open_next(submission)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.queue, timeout=WAIT_MS)
    assert window.status.message() == "Nothing left to score in this list."


class _SlowDisk:
    """The sheet's real save behind a gate, failing while `fail` is set: a slow or full disk."""

    def __init__(self, save: Any) -> None:
        self.save, self.open, self.fail = save, threading.Event(), ""
        self.open.set()

    def __call__(self, db: Any, changes: Any) -> Any:
        assert self.open.wait(WAIT_MS / 1000)
        if self.fail:
            raise OSError(self.fail)
        return self.save(db, changes)


def test_reopening_while_a_save_is_queued_shows_the_saved_level(desk: Desk, qtbot: Any) -> None:
    window, ws = desk.window, desk.window.workspace
    submission = _open_first_to_score(desk, qtbot)
    assert ws.sheet is not None and ws.panel is not None
    disk = _SlowDisk(ws.sheet._save)
    ws.sheet._save = disk
    disk.open.clear()
    criterion = ws.sheet.rubric.criteria[0]
    ws.panel.choose(len(criterion.levels))
    window.back_to_queue()
    with qtbot.waitSignal(window.workspace_opened, timeout=WAIT_MS):
        window.open_submission(submission)  # the read waits behind the held write
        disk.open.set()
    assert ws.sheet is not None and ws.sheet.level_of(criterion.id) == criterion.levels[-1].id


def test_quitting_with_a_failed_save_asks_first(desk: Desk, qtbot: Any) -> None:
    window, ws = desk.window, desk.window.workspace
    submission = _open_first_to_score(desk, qtbot)
    assert ws.sheet is not None and ws.panel is not None
    row = next(r for r in window.queue.model.rows() if r.id == submission)
    whose = f"{row.learner} ({row.assessment}): disk full"  # said even after moving on
    disk = _SlowDisk(ws.sheet._save)
    ws.sheet._save = disk
    disk.fail = "disk full"
    ws.panel.choose(1)
    qtbot.waitUntil(lambda: window.status.save.text() == f"Not saved — {whose}", timeout=WAIT_MS)
    asked: list[str] = []
    window.quit_unsaved = lambda error: asked.append(error) is None and False  # Cancel
    window.close()
    assert asked == [whose] and window.isVisible()
    disk.fail = ""
    window.desk.saves.retry()
    qtbot.waitUntil(lambda: window.status.save.text().startswith("Saved "), timeout=WAIT_MS)
    window.close()
    assert not window.isVisible() and asked == [whose]  # saved: no question


def test_next_follows_the_order_the_table_shows(desk: Desk, qtbot: Any) -> None:
    window = desk.window
    before = [r.id for r in window.queue.shown_rows() if r.status in TO_SCORE_STATUSES]
    loads = window.queue.loads
    window.queue.table.sortByColumn(Column.LEARNER, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: window.queue.loads > loads, timeout=WAIT_MS)  # read in that order
    shown = [r for r in window.queue.shown_rows() if r.status in TO_SCORE_STATUSES]
    assert [r.id for r in shown] != before  # sorting changed the order
    learners = [r.learner.casefold() for r in window.queue.shown_rows()]
    assert learners == sorted(learners, reverse=True)
    with qtbot.waitSignal(window.workspace_opened, timeout=WAIT_MS) as opened:
        window.open_next(shown[0].id)
    assert opened.args[0] == shown[1].id


def test_a_queue_that_cannot_be_read_says_why_in_place_of_the_rows(
    desk: Desk, qtbot: Any, tmp_path: Any
) -> None:
    window, queue = desk.window, desk.window.queue
    queue.model.set_rows([], 0)  # as at a start whose first read fails

    def locked(*_args: Any) -> Any:
        raise OSError("database is locked")

    queue.controller._page = locked
    with qtbot.waitSignal(queue.controller.failed, timeout=WAIT_MS):
        queue.controller.refresh()
    qtbot.waitUntil(queue.empty.isVisible, timeout=WAIT_MS)
    assert queue.empty.text() == (
        "Could not read the queue: database is locked\nPress F5 to try again."
    )
    queue.focus_table()  # as after Enter in the search box: the message takes the focus
    assert queue.empty.hasFocus() and queue.empty.accessibleName() == queue.empty.text()
    qtbot.wait(20)  # let the layout give the table's place to the message
    window.grab().save(str(tmp_path / "queue-unreadable.png"))


def test_level_keys_do_nothing_while_the_next_submission_loads(desk: Desk, qtbot: Any) -> None:
    window, ws = desk.window, desk.window.workspace
    first = _open_first_to_score(desk, qtbot)
    assert ws.sheet is not None
    left = ws.sheet
    second = next(
        r.id for r in window.queue.model.rows() if r.status == "to_score" and r.id != first
    )
    gate = threading.Event()
    real = workspace_ui.open_workspace

    def slow(*args: Any) -> Any:
        assert gate.wait(WAIT_MS / 1000)  # a slow disk: the load is still on its way
        return real(*args)

    workspace_ui.open_workspace = slow
    try:
        window.open_submission(second)
        assert ws.loading
        for n in (1, 2):
            ws.actions_by_name[f"level{n}"].trigger()  # the person keeps typing
        with qtbot.waitSignal(window.workspace_opened, timeout=WAIT_MS):
            gate.set()
    finally:
        workspace_ui.open_workspace = real
    assert left.selections == {} and ws.sheet is not None and ws.sheet.selections == {}


def test_undo_acts_only_on_the_submission_on_screen(desk: Desk, qtbot: Any) -> None:
    window, ws = desk.window, desk.window.workspace
    _open_first_to_score(desk, qtbot)
    assert ws.sheet is not None and ws.panel is not None
    criterion = ws.sheet.rubric.criteria[0].id
    ws.panel.choose(1)
    window.show_page(window.queue)
    window.undo_group.undo()  # Ctrl+Z in the queue: the hidden sheet is not touched
    assert ws.sheet.level_of(criterion) is not None
    window.show_page(window.workspace)
    window.undo_group.undo()
    assert ws.sheet.level_of(criterion) is None


def test_a_sheet_left_behind_is_freed_once_its_saves_are_done(desk: Desk, qtbot: Any) -> None:
    window, ws = desk.window, desk.window.workspace
    first = _open_first_to_score(desk, qtbot)
    assert ws.sheet is not None and ws.panel is not None
    ws.panel.choose(1)  # an undo command now refers back to the sheet
    left = weakref.ref(ws.sheet)
    qtbot.waitUntil(lambda: window.desk.saves.state is SaveState.SAVED, timeout=WAIT_MS)
    second = next(
        r.id for r in window.queue.model.rows() if r.status == "to_score" and r.id != first
    )
    with qtbot.waitSignal(window.workspace_opened, timeout=WAIT_MS):
        window.open_submission(second)
    qtbot.wait(10)
    gc.collect()
    assert left() is None  # every submission opened in a day would otherwise stay in memory


def test_a_remembered_passphrase_can_be_forgotten(desk: Desk, qtbot: Any) -> None:
    window, secrets = desk.window, desk.window.desk.secrets
    assert secrets is not None
    secrets.remember_unlock(desk.profile.id, DEMO_PASSPHRASE)
    forget = next(
        a for a in window.menus["file"].actions() if a.text() == "&Forget my remembered passphrase"
    )
    forget.trigger()
    qtbot.waitUntil(lambda: "no longer remembered" in window.status.currentMessage())
    assert secrets.unlock_secret(desk.profile.id) is None
    window.status.clearMessage()
    forget.trigger()  # nothing left to forget is not an error
    qtbot.waitUntil(lambda: "no longer remembered" in window.status.currentMessage())


def test_a_passphrase_that_cannot_be_forgotten_says_why_once(desk: Desk, qtbot: Any) -> None:
    window, secrets = desk.window, desk.window.desk.secrets
    assert secrets is not None

    def locked(service: str, username: str) -> None:
        raise KeyringLocked("locked")

    secrets._backend.delete_password = locked  # type: ignore[method-assign]
    window.forget_passphrase()
    qtbot.waitUntil(lambda: "keyring is locked" in window.status.currentMessage())
    assert window.status.currentMessage() == (
        "Could not forget the unlock secret: the keyring is locked; unlock it and try again"
    )


def test_a_late_answer_to_an_old_filter_keeps_the_error_of_the_current_one(
    desk: Desk, qtbot: Any
) -> None:
    queue = desk.window.queue
    real, gate = queue.controller._page, threading.Event()

    def query(db: Any, f: Any, sort: Any, offset: int, limit: int) -> Any:
        if f.status == "draft":
            assert gate.wait(WAIT_MS / 1000)  # the older filter's answer comes late
            return real(db, f, sort, offset, limit)
        raise OSError("database is locked")

    queue.controller._page = query
    queue.controller.set_status("draft")
    with qtbot.waitSignal(queue.controller.failed, timeout=WAIT_MS):
        queue.controller.set_status("to_score")
    loads = queue.loads
    gate.set()
    qtbot.waitUntil(lambda: queue.loads > loads, timeout=WAIT_MS)
    assert queue.model.rowCount() == 0  # the late rows are not shown...
    assert queue.empty.isVisibleTo(queue) and queue.empty.text().startswith(
        "Could not read the queue: database is locked"
    )  # ...and the reason stays


def test_a_task_with_no_error_handler_is_told_in_the_status_bar_and_the_report(
    desk: Desk, qtbot: Any
) -> None:
    from assessor.domain.errors import DomainError
    from assessor.ui.dialogs.error_report import install_excepthook

    hook = install_excepthook(lambda: desk.window)
    try:

        def broken(_db: object) -> None:
            raise DomainError("the outbox could not be counted")

        desk.runner.read(broken)  # as a screen would, forgetting on_error
        qtbot.waitUntil(lambda: hook.dialog is not None, timeout=WAIT_MS)
        assert desk.window.status.message() == (
            "Something failed (broken): the outbox could not be counted"
        )
        assert hook.dialog is not None
        assert "the outbox could not be counted" in hook.dialog.report_text()
        hook.dialog.close()
    finally:
        hook.uninstall()
