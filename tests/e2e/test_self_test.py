"""`assessor --self-test --screenshots DIR` as CI and packaging run it, and the message a
second window gets when the data folder is taken."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from assessor.app.window import DeskApp
from assessor.cli import _parser
from assessor.services.demo import DEMO_PASSPHRASE
from assessor.services.profiles import list_profiles
from assessor.store.db import Database
from assessor.ui.dialogs.new_profile import NewProfileDialog
from assessor.ui.dialogs.unlock import UnlockDialog


def test_self_test_scores_one_criterion_and_writes_screenshots(tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb-not-installed"}  # the flag must pick offscreen
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
    for name in ("queue", "workspace"):
        image = QImage(str(shots / f"{name}.png"))
        assert not image.isNull(), name
        assert (image.width(), image.height()) == (1366, 768)


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


def test_demo_opens_after_the_demo_passphrase_is_typed(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`assessor --demo`: a fresh demo folder, the unlock window, then the main window."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    folder = tmp_path / "demo"
    args = _parser().parse_args(["--demo", "--data-dir", str(folder)])
    desk_app = DeskApp(qapp, args)
    seen: list[str] = []
    opened_files: list[Path] = []

    def drive() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, UnlockDialog):
            seen.append(dialog.windowTitle())
            dialog.passphrase.setText(DEMO_PASSPHRASE)
            QTest.keyClick(dialog.passphrase, Qt.Key.Key_Return)
        window = desk_app.window
        if window is not None and window.isVisible() and window.queue.loads > 0:
            seen.append(window.windowTitle())
            opened_files.append(window.desk.opened_files)
            window.close()
            return
        QTimer.singleShot(20, drive)

    QTimer.singleShot(0, drive)
    status = desk_app.run()
    desk_app.hook.uninstall()
    assert status == 0
    assert seen[0] == "Unlock your profile" and seen[-1] == "Assessor — Ada Assessor (assessor)"
    assert (folder / "assessor.db").exists()
    assert QSettings().value("last_profile")  # the next start offers the same profile
    assert opened_files and not opened_files[0].exists()  # viewer copies go with the session


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
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    folder = tmp_path / "empty"
    desk_app = DeskApp(qapp, _parser().parse_args(["--data-dir", str(folder)]))
    seen: list[str] = []

    def drive() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, NewProfileDialog) and not seen:
            seen.append(dialog.windowTitle())
            dialog.name.setText("Ann Other")
            dialog.passphrase.setText("short")
            seen.append(dialog.problem.text())
            assert not dialog.create_button.isEnabled()
            dialog.passphrase.setText("a long enough sentence")
            dialog.repeat.setText("a long enough sentence")
            assert dialog.create_button.isEnabled()
            QTest.keyClick(dialog.repeat, Qt.Key.Key_Return)
        window = desk_app.window
        if window is not None and window.isVisible() and window.queue.loads > 0:
            seen.append(window.windowTitle())
            seen.append(window.status.identity.text())
            window.close()
            return
        QTimer.singleShot(20, drive)

    QTimer.singleShot(0, drive)
    status = desk_app.run()
    desk_app.hook.uninstall()
    assert status == 0
    assert seen[0] == "Create your profile"
    assert "at least 10 characters" in seen[1]
    assert seen[2] == "Assessor — Ann Other (assessor)"
    assert seen[3].endswith("key unlocked")
    with Database.open(folder) as db:
        assert [p.name for p in list_profiles(db)] == ["Ann Other"]
