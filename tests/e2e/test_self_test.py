"""`assessor --self-test --screenshots DIR` as CI and packaging run it, and the message a
second window gets when the data folder is taken."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from assessor.app.window import DeskApp
from assessor.cli import _parser
from assessor.store.db import Database


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
