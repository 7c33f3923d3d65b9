"""`assessor --self-test --screenshots DIR` as CI and packaging run it, and the message a
second window gets when the data folder is taken."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from assessor.app import window as window_module
from assessor.app.window import DeskApp
from assessor.cli import _parser
from assessor.demo import DEMO_PASSPHRASE
from assessor.services.profiles import list_profiles
from assessor.store.db import Database
from assessor.ui.dialogs.new_profile import NewProfileDialog
from assessor.ui.dialogs.unlock import UnlockDialog
from assessor.ui.main_window import MainWindow


def test_self_test_scores_one_criterion_and_writes_screenshots(tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    # the flag must pick offscreen; the throwaway demo folder goes to TMPDIR
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb-not-installed", "TMPDIR": str(scratch)}
    done = subprocess.run(
        [sys.executable, "-m", "assessor", "--self-test", "--screenshots", str(shots)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "self-test: ok" in done.stdout
    assert "score saved" in done.stdout and "read back" in done.stdout
    assert "window icon" in done.stdout  # the application icon was found and drawn
    assert "heap settled" in done.stdout  # start-up's objects left out of full GC passes
    for name in ("queue", "workspace"):
        image = QImage(str(shots / f"{name}.png"))
        assert not image.isNull(), name
        assert (image.width(), image.height()) == (1366, 768)
    assert list(scratch.iterdir()) == []  # the throwaway demo folder is gone after a pass


def test_screenshots_need_the_self_test() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "assessor", "--screenshots", "x"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "--screenshots goes with --self-test" in done.stderr


def test_a_second_window_on_a_taken_folder_says_so_and_exits_2(
    qapp: QApplication, demo_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[str] = []
    args = _parser().parse_args(["--data-dir", str(demo_folder)])
    with Database.open(demo_folder):  # the first window
        desk_app = DeskApp(qapp, args)
        desk_app.tell = lambda text: told.append(text)  # instead of a modal box
        status = desk_app.run()
    desk_app.hook.uninstall()
    assert status == 2
    assert len(told) == 1 and "already using the data folder" in told[0]
    assert str(demo_folder) in told[0]


def _own_settings(folder: Path) -> None:
    """QSettings (the last profile used) in the test's folder, not the user's."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)


def _run_to_the_queue(
    desk_app: DeskApp,
    answer: Callable[[QWidget], None],
    before_close: Callable[[MainWindow], None] = lambda _w: None,
) -> tuple[int, MainWindow | None]:
    """Run the app as a person would: each modal window that asks something goes to `answer`
    once (the "please wait" one asks nothing); the main window is closed once its queue has
    loaded. The exit status and that window."""
    answered: list[QWidget] = []
    shown: list[MainWindow] = []

    def drive() -> None:
        dialog = QApplication.activeModalWidget()
        if (
            dialog is not None
            and not isinstance(dialog, QProgressDialog)
            and dialog not in answered
        ):
            answered.append(dialog)
            answer(dialog)
        window = desk_app.window
        if window is not None and window.isVisible() and window.queue.loads > 0:
            shown.append(window)
            before_close(window)
            window.close()
            return
        QTimer.singleShot(20, drive)

    QTimer.singleShot(0, drive)
    status = desk_app.run()
    desk_app.hook.uninstall()
    return status, (shown[0] if shown else None)


def test_demo_opens_after_the_demo_passphrase_is_typed(qapp: QApplication, tmp_path: Path) -> None:
    """`assessor --demo`: a fresh demo folder, the unlock window, then the main window."""
    _own_settings(tmp_path)
    folder = tmp_path / "demo"
    desk_app = DeskApp(qapp, _parser().parse_args(["--demo", "--data-dir", str(folder)]))
    asked: list[str] = []

    def answer(dialog: QWidget) -> None:
        asked.append(dialog.windowTitle())
        if isinstance(dialog, UnlockDialog):
            dialog.passphrase.setText(DEMO_PASSPHRASE)
            QTest.keyClick(dialog.passphrase, Qt.Key.Key_Return)

    made: list[bool] = []  # a viewer copy folder existed before closing
    status, window = _run_to_the_queue(
        desk_app, answer, lambda w: made.append(w.desk.viewer_folder().is_dir())
    )
    assert status == 0 and window is not None
    assert asked == ["Unlock your profile"]
    assert window.windowTitle() == "Assessor — Ada Assessor (assessor)"
    assert (folder / "assessor.db").exists()
    assert QSettings().value("last_profile")  # the next start offers the same profile
    folder_made = window.desk.opened_files
    assert made == [True] and folder_made is not None
    assert not folder_made.exists()  # viewer copies go with the session


def test_a_data_folder_that_cannot_be_opened_ends_with_status_2(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = subprocess.run(
        [sys.executable, "-m", "assessor", "--self-test", "--data-dir", str(blocker / "sub")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "could not open its data folder" in done.stderr


def test_an_empty_folder_asks_for_a_profile_then_opens(qapp: QApplication, tmp_path: Path) -> None:
    """The first start: no profile yet. The person makes theirs and goes straight in."""
    _own_settings(tmp_path)
    folder = tmp_path / "empty"
    desk_app = DeskApp(qapp, _parser().parse_args(["--data-dir", str(folder)]))
    seen: list[object] = []

    def answer(dialog: QWidget) -> None:
        assert isinstance(dialog, NewProfileDialog)
        seen.append(dialog.windowTitle())
        dialog.name.setText("Ann Other")
        dialog.passphrase.setText("short")
        seen.extend([dialog.problem.text(), dialog.create_button.isEnabled()])
        dialog.passphrase.setText("a long enough sentence")
        dialog.repeat.setText("a long enough sentence")
        seen.append(dialog.create_button.isEnabled())
        QTest.keyClick(dialog.repeat, Qt.Key.Key_Return)

    status, window = _run_to_the_queue(desk_app, answer)
    assert status == 0 and window is not None
    title, problem, short_ok, long_ok = seen
    assert title == "Create your profile"
    assert "at least 10 characters" in str(problem) and not short_ok and long_ok
    assert window.windowTitle() == "Assessor — Ann Other (assessor)"
    assert window.status.identity.text().endswith("key unlocked")
    with Database.open(folder) as db:
        assert [p.name for p in list_profiles(db)] == ["Ann Other"]


def test_a_broken_keyring_costs_remember_not_the_start(
    qapp: QApplication, demo_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> object:
        raise RuntimeError("D-Bus went away")

    monkeypatch.setattr(window_module, "open_secret_store", broken)
    _own_settings(tmp_path)
    desk_app = DeskApp(qapp, _parser().parse_args(["--data-dir", str(demo_folder)]))
    remember: list[tuple[bool, str]] = []

    def answer(dialog: QWidget) -> None:
        assert isinstance(dialog, UnlockDialog)
        remember.append((dialog.remember.isEnabled(), dialog.remember.toolTip()))
        dialog.passphrase.setText(DEMO_PASSPHRASE)
        QTest.keyClick(dialog.passphrase, Qt.Key.Key_Return)

    status, window = _run_to_the_queue(desk_app, answer)
    assert status == 0 and window is not None
    assert remember and remember[0][0] is False and "D-Bus went away" in remember[0][1]
