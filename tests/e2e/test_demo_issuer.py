"""`assessor --demo`: once the window is open, the demo issuer starts on a background lane
(the status bar says so, then gives its URL), the demo profiles are enrolled, and Sync now
goes through; quitting while it starts stops it."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import httpx
import pytest
from PySide6.QtWidgets import QApplication

from assessor.app.window import DeskApp
from assessor.demo.backend import issuer_folder
from tests.e2e.conftest import WAIT_MS, Desk


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
        # The status bar hears of it from the runner's callback, a turn of the loop later.
        running = f"Demo issuer running at {backend.url}"
        qtbot.waitUntil(lambda: window.status.message().startswith(running), timeout=WAIT_MS)
        controller = window.sync.controller
        qtbot.waitUntil(lambda: controller.state.enrolment is not None, timeout=WAIT_MS)
        assert controller.state.enrolment.backend == backend.url
        with qtbot.waitSignal(controller.finished, timeout=3 * WAIT_MS) as ended:
            controller.sync_now()
        assert ended.args[0].ok, ended.args[0].error
    finally:
        if app.demo_backend is not None:
            app.demo_backend.stop()


def test_quitting_while_the_demo_issuer_starts_stops_it(desk: Desk, qtbot: Any) -> None:
    hook = sys.excepthook
    app = DeskApp(QApplication.instance(), argparse.Namespace(demo=True))  # type: ignore[arg-type]
    sys.excepthook = hook
    app.runner.attach(desk.opened.db)  # a runner of its own: quitting shuts it down
    app.opened = desk.opened
    app._start_demo_issuer(desk.window)
    # The start is under way (its folder is made first), and the person quits.
    qtbot.waitUntil(lambda: issuer_folder(desk.folder).exists(), timeout=WAIT_MS)
    app.opened = None  # the desk's store and window are the fixture's to close
    app.wind_up()
    backend = app.demo_backend
    assert backend is not None  # it had started: the runner waited for its task
    assert not backend.running.thread.is_alive() and backend.running.sock.fileno() == -1
    with pytest.raises(httpx.ConnectError):
        httpx.get(backend.url + "/.well-known/did.json", timeout=2)
    assert desk.window.status.message() == "Starting the demo issuer…"  # no callback ran
