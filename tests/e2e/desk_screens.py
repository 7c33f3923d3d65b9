"""Screenshots of the manager's and the proctor's desks, for a person to look at:

    .venv/bin/python -m tests.e2e.desk_screens docs/screenshots light
    .venv/bin/python -m tests.e2e.desk_screens docs/screenshots dark

A demo folder at 1366×768: Malik Manager's review of the first evaluation waiting for his
sign-off (score sheet beside the evidence), and Priya Proctor's console of the demo's exam
session in progress. Not a test: tests/e2e/test_desks.py checks these screens; this draws them.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from assessor.app.window import prepare
from assessor.app.wiring import build_window
from assessor.demo import DEMO_PASSPHRASE, write_demo
from assessor.security.secrets import MemoryKeyring, SecretStore
from assessor.services.profiles import unlock
from assessor.ui import theme
from assessor.ui.main_window import MainWindow
from assessor.ui.sessions.page import SessionsPage
from assessor.ui.signoff.page import SignOffPage
from assessor.ui.tasks import TaskRunner
from tests.e2e.screens import CHEAP_KDF, SIZE, settle, spin


def _window(folder: Path, name: str, runner: TaskRunner) -> tuple[MainWindow, object]:
    opened = prepare(str(folder), demo=False)
    opened.secrets = SecretStore(MemoryKeyring())
    profile = next(p for p in opened.profiles if p.name == name)
    signer = unlock(opened.db, profile.id, DEMO_PASSPHRASE)
    window = build_window(opened, profile, signer, runner)
    window.resize(*SIZE)
    window.show()
    window.start()
    return window, opened


def signoff_review(window: MainWindow) -> None:
    page = window.pages["signoff"]
    assert isinstance(page, SignOffPage)
    spin(lambda: page.list.loads > 0 and page.list.model.rowCount() > 0)
    done: list[str] = []
    page.review.loaded.connect(done.append)
    page.open_review(page.list.model.row_at(0))
    spin(lambda: bool(done))


def proctor_console(window: MainWindow) -> None:
    page = window.pages["sessions"]
    assert isinstance(page, SessionsPage)
    spin(lambda: page.list.loads > 0 and bool(page.list.rows))
    done: list[object] = []
    page.console.loaded.connect(done.append)
    page.open_session(page.list.rows[0].id)
    spin(lambda: bool(done))


def main(out: Path, mode: str) -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    theme.apply(app, mode)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="desk-screens-") as work:
        folder = Path(work) / "demo"
        write_demo(folder, kdf_cost=CHEAP_KDF)
        for name, show, shot in (
            ("Malik Manager", signoff_review, "signoff-review"),
            ("Priya Proctor", proctor_console, "proctor-console"),
        ):
            runner = TaskRunner()
            window, opened = _window(folder, name, runner)
            try:
                show(window)
                settle(1.0)
                window.grab().save(str(out / f"{shot}-{mode}.png"))
                window.close()
            finally:
                runner.shutdown()
                opened.db.close()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "light")
