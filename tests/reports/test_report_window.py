"""The report from the window, by keyboard: Ctrl+P on the proctor console asks where the file
goes, writes the session report off the GUI thread and hands it to the system viewer (the one
call replaced here: it is the edge of the world); a report that cannot be written says why and
writes nothing."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from pypdf import PdfReader
from PySide6.QtCore import Qt, QUrl
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from assessor.demo import DEMO_PASSPHRASE, write_demo
from assessor.reports.session import OPEN_STAMP
from assessor.services.profiles import list_profiles, unlock
from assessor.services.signoff import decide, signoff_queue
from assessor.store.db import Database
from assessor.ui.reports import ReportAction, target
from tests.conftest import CHEAP_KDF
from tests.e2e.conftest import WAIT_MS, Desk, show_desk
from tests.e2e.test_desks import (
    ASSESSOR,
    CTRL,
    MANAGER,
    PROCTOR,
    focused,
    in_next_dialog,
    inside,
    press,
)


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report-demo") / "data"
    write_demo(folder, kdf_cost=CHEAP_KDF)
    return folder


@pytest.fixture
def folder(demo_template: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(demo_template, copy, ignore=shutil.ignore_patterns("assessor.lock"))
    return copy


class Viewer:
    def __init__(self) -> None:
        self.opened: list[QUrl] = []

    def __call__(self, url: QUrl) -> bool:
        self.opened.append(url)
        return True


def _desk(qapp: QApplication, qtbot: Any, folder: Path, name: str) -> Iterator[Desk]:
    desk = show_desk(qtbot, Desk(folder, name=name))
    try:
        yield desk
    finally:
        if not desk.runner.closed:
            desk.close()


def _reports(desk: Desk) -> tuple[ReportAction, Viewer]:
    action = desk.window.findChild(ReportAction)
    assert isinstance(action, ReportAction)
    viewer = Viewer()
    action.open_url = viewer
    return action, viewer


def _write_to(path: Path) -> Any:
    def act(box: QWidget) -> None:
        QTest.keyClick(inside(box), Qt.Key.Key_A, CTRL)  # the suggested path is replaced
        QTest.keyClicks(inside(box), str(path))
        QTest.keyClick(inside(box), Qt.Key.Key_Return)

    return act


def test_ctrl_p_on_the_proctor_console_writes_and_opens_the_session_report(
    qapp: QApplication, qtbot: Any, folder: Path, tmp_path: Path
) -> None:
    for desk in _desk(qapp, qtbot, folder, PROCTOR):
        page = desk.window.pages["sessions"]
        qtbot.waitUntil(lambda: page.list.loads > 0, timeout=WAIT_MS)  # noqa: B023
        with qtbot.waitSignal(page.console.loaded, timeout=WAIT_MS):
            press(Qt.Key.Key_Return)
        view = page.console.view
        assert view is not None
        action, viewer = _reports(desk)
        out = tmp_path / "out" / "session.pdf"
        out.parent.mkdir()
        in_next_dialog(_write_to(out))
        with qtbot.waitSignal(action.written, timeout=WAIT_MS) as written:
            press(Qt.Key.Key_P, CTRL)
        assert written.args[0].path == out
        assert viewer.opened == [QUrl.fromLocalFile(str(out))]
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
        assert "Exam session report" in text and view.id in text
        assert OPEN_STAMP in text  # the demo's session is still open
        assert "Wrote the exam session report" in desk.window.status.currentMessage()
        assert focused().window() is desk.window


def _closed(action: ReportAction) -> bool:
    """The report dialog was opened and is gone (closed, or already deleted after closing)."""
    dialog = action.dialog
    return dialog is not None and (not shiboken6.isValid(dialog) or not dialog.isVisible())


def test_a_report_that_cannot_be_made_says_why_and_writes_nothing(
    qapp: QApplication, qtbot: Any, folder: Path, tmp_path: Path
) -> None:
    for desk in _desk(qapp, qtbot, folder, ASSESSOR):
        window = desk.window
        qtbot.waitUntil(lambda: window.queue.loads > 0, timeout=WAIT_MS)  # noqa: B023
        window.queue.focus_table()
        action, viewer = _reports(desk)
        out = folder / "sheet.pdf"  # inside the data folder: refused
        # Escape: nothing is written.
        in_next_dialog(lambda box: QTest.keyClick(inside(box), Qt.Key.Key_Escape))
        press(Qt.Key.Key_P, CTRL)
        qtbot.waitUntil(lambda: _closed(action))  # noqa: B023
        qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)  # the window is back
        in_next_dialog(_write_to(out))
        with qtbot.waitSignal(action.failed, timeout=WAIT_MS) as failed:
            press(Qt.Key.Key_P, CTRL)
        assert "The score sheet was not written" in failed.args[0]
        assert (
            "inside the data folder" in window.status.message()
        )  # whole (what fits depends on the path)
        assert not out.exists() and viewer.opened == []


def test_the_manager_gets_the_score_sheet_while_pending_and_the_signoff_once_decided(
    qapp: QApplication, qtbot: Any, folder: Path, tmp_path: Path
) -> None:
    with Database.open(folder) as db:  # the demo's work waiting for the manager
        people = {p.name: p.id for p in list_profiles(db)}
        first = signoff_queue(db)[0].submission_id
        decide(db, first, unlock(db, people[MANAGER], DEMO_PASSPHRASE), approve=True)
    for desk in _desk(qapp, qtbot, folder, MANAGER):
        window = desk.window
        page = window.pages["signoff"]
        qtbot.waitUntil(lambda: page.list.current_row() is not None, timeout=WAIT_MS)  # noqa: B023
        pending = page.list.current_row()
        assert pending is not None and pending.state == "pending"
        assert target(window) == ("score-sheet", pending.submission_id)
        page.list.set_state("approved")
        qtbot.waitUntil(
            lambda: getattr(page.list.current_row(), "state", None) == "approved",  # noqa: B023
            timeout=WAIT_MS,
        )
        page.list.focus_table()
        action, viewer = _reports(desk)
        out = tmp_path / "signoff.pdf"
        in_next_dialog(_write_to(out))
        with qtbot.waitSignal(action.written, timeout=WAIT_MS):
            press(Qt.Key.Key_P, CTRL)
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
        assert "Sign-off record" in text and "Approved" in text and first in text
        assert viewer.opened == [QUrl.fromLocalFile(str(out))]
