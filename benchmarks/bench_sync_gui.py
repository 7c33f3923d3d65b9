"""The GUI thread while the window syncs many records: the longest stall.

A desktop data folder with BENCH_RECORDS (default 2,000) signed records waiting, enrolled
with a real `issuer serve` on 127.0.0.1 (the same preparation as bench_sync_push.py); the
real main window (build_window over `prepare`d data, real TaskRunner, offscreen) presses
Sync now, and the round runs as in the app: on the runner's parallel lane, progress and the
pages' reloads coming back to the GUI thread. The probe is the queue benchmark's
(bench_queue_filter_gui.StallMeter): a 2 ms precise timer on the GUI thread; the largest gap
between two ticks beyond the interval is the longest time the window could not react. The
same timer runs 3 s over the idle window first, as a control.

Goal: longest stall during the round < 50 ms.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_sync_gui.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication
from tests.issuer.service.conftest import publish_catalogue
from tests.issuer.service.harness import Issuer

from assessor.app.window import prepare
from assessor.app.wiring import build_window
from assessor.security.secrets import MemoryKeyring, SecretStore
from assessor.ui.tasks import TaskRunner
from bench_queue_filter_gui import StallMeter, idle, spin
from bench_sync_push import desk

STALL_GOAL_MS = 50.0


def main() -> None:
    count = int(os.environ.get("BENCH_RECORDS", "2000"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        issuer = Issuer(folder / "issuer", f"sqlite:///{folder / 'issuer' / 'issuer.db'}")
        issuer.data_dir.mkdir()
        issuer.requests_per_minute = 1_000_000
        issuer.init()
        publish_catalogue(issuer, folder / "catalogue")
        issuer.start()
        runner = TaskRunner()
        try:
            secrets = SecretStore(MemoryKeyring())
            desk(issuer, folder / "desk", count, secrets)
            opened = prepare(str(folder / "desk"), demo=False)
            opened.secrets = secrets
            profile = next(p for p in opened.profiles if "assessor" in p.roles)
            window = build_window(opened, profile, None, runner)
            window.resize(1366, 768)
            window.show()
            window.start()
            controller = window.sync.controller
            spin(lambda: controller.state.enrolment is not None)
            controller._timer.stop()  # only the round this benchmark starts
            window.show_page(window.sync.page)

            control = StallMeter()
            control.label = "idle"
            control.start()
            idle(3000)
            control.timer.stop()

            meter = StallMeter()
            meter.label = "sync"
            reports: list[object] = []
            controller.finished.connect(reports.append)
            meter.start()
            began = time.perf_counter()
            controller.sync_now()
            spin(lambda: bool(reports), timeout=600)
            seconds = time.perf_counter() - began
            idle(500)  # the pages' reloads after the round
            meter.timer.stop()
            report = reports[0]
            assert report.ok and report.pushed.accepted == count, report.to_json()
            window.close()
        finally:
            runner.shutdown()
            issuer.stop()
    worst = max(s[0] for s in meter.stalls) * 1000
    worst_idle = max(s[0] for s in control.stalls) * 1000
    for late, cpu, _label in sorted(meter.stalls, reverse=True)[:3]:
        # little CPU of its own: the GUI thread was waiting (the GIL, or a core)
        print(f"  stall {late * 1000:.1f} ms, GUI thread's own CPU in it {cpu * 1000:.1f} ms")
    ticks = len(meter.stalls)
    print(
        f"sync of {count} records from the window: {seconds:.1f} s, {ticks} ticks of the GUI "
        f"probe; longest GUI stall {worst:.1f} ms (idle control {worst_idle:.1f} ms; goal "
        f"< {STALL_GOAL_MS:.0f} ms) — {'OK' if worst < STALL_GOAL_MS else 'OVER'}"
    )
    del app


if __name__ == "__main__":
    main()
