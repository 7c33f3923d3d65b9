"""`assessor --demo`: once the window is open, the demo issuer starts on a background lane
(the status bar says so, then gives its URL), the demo profiles are enrolled, and Sync now
goes through."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from assessor.app.window import DeskApp
from tests.e2e.conftest import WAIT_MS, Desk


@pytest.fixture
def restore_issuer_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo sets the issuer's variables in this process: put them back afterwards."""
    for name in ("ISSUER_DATA_DIR", "ISSUER_DB", "ISSUER_KEY_PASSPHRASE"):
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)


@pytest.mark.usefixtures("restore_issuer_environment")
def test_the_demo_issuer_starts_after_the_window_and_enrols(desk: Desk, qtbot: Any) -> None:
    window, hook = desk.window, sys.excepthook
    app = DeskApp(QApplication.instance(), argparse.Namespace(demo=True))  # type: ignore[arg-type]
    sys.excepthook = hook
    app.runner.shutdown()
    app.runner, app.opened = desk.runner, desk.opened
    try:
        app._start_demo_issuer(window)
        assert window.status.message() == "Starting the demo issuer…"
        qtbot.waitUntil(lambda: app.demo_backend is not None, timeout=3 * WAIT_MS)
        backend = app.demo_backend
        assert backend.url.startswith("http://127.0.0.1:") and not backend.problems
        assert window.status.message().startswith(f"Demo issuer running at {backend.url}")
        controller = window.sync.controller
        qtbot.waitUntil(lambda: controller.state.enrolment is not None, timeout=WAIT_MS)
        assert controller.state.enrolment.backend == backend.url
        with qtbot.waitSignal(controller.finished, timeout=3 * WAIT_MS) as ended:
            controller.sync_now()
        assert ended.args[0].ok, ended.args[0].error
    finally:
        if app.demo_backend is not None:
            app.demo_backend.stop()
