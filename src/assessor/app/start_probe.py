"""`assessor --start-probe` (hidden): how long a start takes, measured from outside.

Opens the window as a start does (data folder, profiles, keyring, theme, main window, first
queue page), on the folder's first assessor profile, locked (no unlock dialog: a person's
typing is not part of starting), prints "ready" once the window is exposed and the queue's
first page is in the model, and leaves at once (quitting is not part of starting).
benchmarks/bench_bundle_start.py runs it in the bundle and in a source install alike.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QTimer

from assessor.ui.main_window import MainWindow


def watch(window: MainWindow) -> QTimer:
    def check() -> None:
        handle = window.windowHandle()
        exposed = handle is not None and handle.isExposed()
        if exposed and window.queue.loads > 0 and window.queue.model.rowCount():
            print("ready", flush=True)
            os._exit(0)

    timer = QTimer(window)
    timer.setInterval(1)
    timer.timeout.connect(check)
    timer.start()
    return timer
