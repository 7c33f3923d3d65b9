"""Cold start to a usable queue with 50k submissions vs a bare PySide6 window start.

Each run is a new Python process (cold: nothing imported, nothing cached in the process; the
OS file cache is warm after a discarded first run of each). The clock is the parent's
monotonic clock, from just before Popen to the child's "ready" line on stdout, the same way
for both:

- floor: import PySide6.QtWidgets, create the QApplication, show a QMainWindow holding a
  QTableView and run the event loop until the window is exposed;
- assessor: what `assessor --data-dir DIR` does (the `assessor` entry point's imports, the
  CLI parser, `window.run`: QApplication, theme, task runner, `prepare` on the parallel lane,
  `build_window`, show, `start`) minus the unlock dialog (no signer, the demo assessor's
  profile), until the window is exposed and the queue's first page is in the model.

Both children poll their "ready" condition on a 1 ms timer and leave with os._exit at once:
quitting is not part of starting. Bytecode is cached (PYTHONPYCACHEPREFIX in a temp folder,
filled by the discarded first runs) as it is for an installed app, even where the environment
sets PYTHONDONTWRITEBYTECODE: an editable checkout would otherwise compile every module of
src/ at every start.

Goal: assessor / floor <= 1.5.

Run: python3 benchmarks/bench_gui_start.py [SUBMISSIONS] [RUNS]
"""

from __future__ import annotations

import atexit
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Any

GOAL = 1.5
TIMEOUT_S = 120

# The child's own marks are seconds since BENCH_T0 (the parent's time.time() at Popen).
FLOOR = """
import os, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QTableView())
window.resize(1280, 760)
window.show()
def check():
    handle = window.windowHandle()
    if handle is not None and handle.isExposed():
        print("ready", time.time() - float(os.environ["BENCH_T0"]), flush=True)
        os._exit(0)
timer = QTimer()
timer.setInterval(1)
timer.timeout.connect(check)
timer.start()
app.exec()
os._exit(1)
"""


def _mark(name: str) -> None:
    print(name, time.time() - float(os.environ["BENCH_T0"]), flush=True)


def app_child(folder: str) -> None:
    """The app's start, in this (fresh) process; prints marks, then "ready", then exits."""
    from assessor import cli  # what the `assessor` entry point (assessor.app) imports

    def open_window(args: Any) -> int:
        from PySide6.QtCore import QTimer

        from assessor.app import window as w

        _mark("imported")

        class NoUnlock(w.DeskApp):
            def _ask_unlock(self, opened: w.Opened) -> None:
                _mark("prepared")
                profile = next(p for p in opened.profiles if "assessor" in p.roles)
                self._show(profile, None)  # type: ignore[arg-type]  # locked: no signer

            def _show(self, profile: Any, signer: Any) -> None:
                super()._show(profile, signer)
                _mark("shown")
                window = self.window
                assert window is not None

                def check() -> None:
                    handle = window.windowHandle()
                    exposed = handle is not None and handle.isExposed()
                    if exposed and window.queue.loads > 0 and window.queue.model.rowCount():
                        _mark("ready")
                        os._exit(0)

                self.poll = QTimer()
                self.poll.setInterval(1)
                self.poll.timeout.connect(check)
                self.poll.start()

        w.DeskApp = NoUnlock  # type: ignore[misc]  # run() builds the DeskApp it names
        return w.run(args)

    cli.main(["--data-dir", folder], window=open_window)
    os._exit(1)  # the event loop ended without a ready queue


def one_run(cmd: list[str], env: dict[str, str]) -> tuple[float, dict[str, float]]:
    """Seconds from just before Popen to the "ready" line, and the child's marks."""
    marks: dict[str, float] = {}
    with tempfile.TemporaryFile("w+") as errors:
        env = {**env, "BENCH_T0": repr(time.time())}
        start = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errors, text=True, env=env)
        # A child stuck (say, behind a message box nobody can see offscreen) is ended.
        watchdog = threading.Timer(TIMEOUT_S, child.kill)
        watchdog.start()
        assert child.stdout is not None
        elapsed = None
        for line in child.stdout:
            name, _, value = line.partition(" ")
            if name == "ready" and elapsed is None:
                elapsed = time.perf_counter() - start
            marks[name] = float(value)
        child.wait()
        watchdog.cancel()
        if elapsed is None:
            errors.seek(0)
            raise RuntimeError(f"{cmd[1:3]} never got ready:\n{errors.read()[-3000:]}")
    return elapsed, marks


def main() -> None:
    from _queue_data import describe, queue_folder, verdict

    total = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 9
    folder = queue_folder(total)
    config = tempfile.mkdtemp(prefix="assessor-bench-config-")  # QSettings("last_profile")
    atexit.register(shutil.rmtree, config, ignore_errors=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": config}
    # Bytecode as an installed app has it: compiled once (by the discarded first runs, into a
    # cache of our own, so src/ stays clean), not recompiled at every start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = os.path.join(config, "pycache")
    floor_cmd = [sys.executable, "-c", FLOOR]
    app_cmd = [sys.executable, os.path.abspath(__file__), "--app", str(folder)]
    for cmd in (floor_cmd, app_cmd):
        one_run(cmd, env)  # discarded: fills the OS file cache and the .pyc files
    floors: list[float] = []
    apps: list[float] = []
    app_marks: list[dict[str, float]] = []
    for _ in range(runs):  # interleaved, so drift in machine load hits both
        floors.append(one_run(floor_cmd, env)[0])
        elapsed, marks = one_run(app_cmd, env)
        apps.append(elapsed)
        app_marks.append(marks)

    print(f"{total} submissions; {runs} cold starts each, interleaved; new process per run")
    print(f"floor (bare QMainWindow + QTableView shown): {describe(floors)}")
    print(f"assessor (window shown, first queue page in the model): {describe(apps)}")
    phases: Callable[[str], float] = lambda n: statistics.median(m[n] for m in app_marks)  # noqa: E731
    print(
        "assessor phases (median, from process start): "
        + ", ".join(f"{n} {phases(n) * 1000:.0f} ms" for n in app_marks[0])
    )
    ratio = statistics.median(apps) / statistics.median(floors)
    best = min(apps) / min(floors)
    print(f"ratio of medians {ratio:.2f}, of minima {best:.2f} (goal <= {GOAL})")
    print(f"{verdict(ratio <= GOAL)}: cold start to a usable queue")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--app"]:
        app_child(sys.argv[2])
    else:
        main()
