"""A real desk: demo data folder, real database, real task runner, the real main window."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from assessor.app.window import prepare
from assessor.app.wiring import build_window
from assessor.demo import DEMO_ASSESSOR, DEMO_PASSPHRASE, write_demo
from assessor.security.secrets import MemoryKeyring, SecretStore
from assessor.services.profiles import unlock
from assessor.ui.main_window import MainWindow
from assessor.ui.tasks import TaskRunner
from tests.conftest import CHEAP_KDF

WAIT_MS = 20_000


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo folder written once; each test works on its own copy."""
    folder = tmp_path_factory.mktemp("demo-template") / "data"
    write_demo(folder, kdf_cost=CHEAP_KDF)
    return folder


@pytest.fixture
def demo_folder(demo_template: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(demo_template, folder, ignore=shutil.ignore_patterns("assessor.lock"))
    return folder


class Desk:
    """Opens the window the way `assessor` does, minus the unlock dialog."""

    def __init__(self, folder: Path, *, signed_in: bool = True, name: str = DEMO_ASSESSOR) -> None:
        self.folder = folder
        self.runner = TaskRunner()
        self.opened = prepare(str(folder), demo=False)
        self.opened.secrets = SecretStore(MemoryKeyring())
        db = self.opened.db
        self.profile = next(p for p in self.opened.profiles if p.name == name)
        signer = unlock(db, self.profile.id, DEMO_PASSPHRASE) if signed_in else None
        self.window: MainWindow = build_window(self.opened, self.profile, signer, self.runner)

    def close(self) -> None:
        self.window.close()
        assert self.runner.shutdown(timeout=30)
        self.window.deleteLater()
        self.opened.db.close()


@pytest.fixture
def desk(qapp: QApplication, demo_folder: Path, qtbot: Any) -> Iterator[Desk]:
    opened = Desk(demo_folder)
    window = opened.window
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    window.start()
    qtbot.waitUntil(lambda: window.queue.loads > 0, timeout=WAIT_MS)
    try:
        yield opened
    finally:
        if not opened.runner.closed:
            opened.close()


def show_desk(qtbot: Any, opened: Desk) -> Desk:
    """Show the desk's window at 1366×768 and start it, as `assessor` does after unlocking."""
    window = opened.window
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    window.start()
    return opened
