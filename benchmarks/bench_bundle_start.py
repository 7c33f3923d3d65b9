"""Cold start to a usable queue: the Linux bundle vs the source install vs a bare PySide6
window, in the same run.

Each run is a new process; the OS file cache is warm after a discarded first run of each. The
clock is this process's, from just before Popen to the child's "ready" line, for all three:

- floor: a bare QMainWindow holding a QTableView, shown, until the window is exposed;
- source: `assessor --data-dir DIR --start-probe` from this environment (bytecode cached, as
  an installed app has it), until the window is exposed and the queue's first page is in the
  model (app/start_probe.py: the start as a person gets it, minus the unlock dialog);
- bundle: the same command with dist/assessor/assessor (packaging/build-linux.sh).

For the app, two times: "painted", the first paint's window exposed with the queue's first
page read by plain sqlite3 (app/first_paint.py), and "ready", the main window's queue loaded
by the service (every action works).

Also printed: the CPU each start used (user + system; to "ready" from wait4, the child's and
the children it waited for; to "painted" the first paint's own process_time), which other
work on a shared machine moves far less than the wall clock (decision 0031).

Goal (decision 0010): the app / floor <= 1.5, for the first paint (what a person sees).

Run: python3 benchmarks/bench_bundle_start.py [SUBMISSIONS] [RUNS] [BUNDLE_DIR] [BEFORE ...]
(SUBMISSIONS beyond the demo's own; default 0, the demo data as it is. BEFORE: other
installs' `assessor` executables, say an older checkout's or an older bundle's, measured in
the same run; NAME=PATH names one, else they are "before", "before2"...)
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
from pathlib import Path

from _queue_data import describe, queue_folder, verdict
from bench_gui_start import FLOOR, TIMEOUT_S

GOAL = 1.5
ROOT = Path(__file__).resolve().parents[1]


def one_run(cmd: list[str], env: dict[str, str]) -> tuple[float, float, float, float | None]:
    """Seconds from just before Popen to the child's "ready" line, and to its "painted" line
    (the floor's and a start without a first paint: "ready"'s); and the CPU seconds the child
    (and the children it waited for) used in all, which other work on the machine moves less
    than the wall clock; and the CPU seconds to the paint, when the child says so
    (app/first_paint.py)."""
    with tempfile.TemporaryFile("w+") as errors:
        env = {**env, "BENCH_T0": repr(time.time())}  # the floor prints its own mark too
        start = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errors, text=True, env=env)
        watchdog = threading.Timer(TIMEOUT_S, child.kill)
        watchdog.start()
        assert child.stdout is not None
        elapsed = painted = painted_cpu = None
        for line in child.stdout:
            if line.startswith("painted") and painted is None:
                painted = time.perf_counter() - start
                words = line.split()
                painted_cpu = float(words[1]) if len(words) > 1 else None
            if line.startswith("ready") and elapsed is None:
                elapsed = time.perf_counter() - start
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        watchdog.cancel()
        if elapsed is None:
            errors.seek(0)
            raise RuntimeError(f"{cmd[:2]} never got ready:\n{errors.read()[-3000:]}")
    used = usage.ru_utime + usage.ru_stime
    return elapsed, elapsed if painted is None else painted, used, painted_cpu


def main() -> None:
    extra = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 9
    bundle_dir = Path(sys.argv[3]) if len(sys.argv) > 3 else ROOT / "dist" / "assessor"
    folder = queue_folder(extra)
    config = tempfile.mkdtemp(prefix="assessor-bench-config-")
    atexit.register(shutil.rmtree, config, ignore_errors=True)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": config}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = os.path.join(config, "pycache")
    source = Path(sys.executable).with_name("assessor")
    commands = {
        "floor": [sys.executable, "-c", FLOOR],
        "source": [str(source), "--data-dir", str(folder), "--start-probe"],
    }
    for n, spec in enumerate(sys.argv[4:], 1):
        name, _, path = spec.rpartition("=")
        name = name or ("before" if n == 1 else f"before{n}")
        commands[name] = [path, "--data-dir", str(folder), "--start-probe"]
    bundle = bundle_dir / "assessor"
    if bundle.is_file():
        commands["bundle"] = [str(bundle), "--data-dir", str(folder), "--start-probe"]
    else:
        print(f"no bundle at {bundle}: build it with packaging/build-linux.sh (measuring the rest)")
    load = os.getloadavg()  # the machine may be shared: the figures are read beside it
    for cmd in commands.values():
        one_run(cmd, env)  # discarded: fills the OS file cache and the .pyc files
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):  # interleaved, so drift in machine load hits all alike
        for name, cmd in commands.items():
            ready, painted, used, painted_cpu = one_run(cmd, env)
            times[name].append(ready)
            cpu[name].append(used)
            if painted_cpu is not None:
                cpu.setdefault(f"{name} painted", []).append(painted_cpu)
            if name != "floor":
                times.setdefault(f"{name} painted", []).append(painted)

    print(f"demo data + {extra} submissions; {runs} cold starts each, interleaved")
    print(f"load average before / after: {load} / {os.getloadavg()}")
    for name, values in times.items():
        print(f"{name:>14}: {describe(values)}")
    floor = statistics.median(times["floor"])
    for name in times:
        if name != "floor":
            ratio = statistics.median(times[name]) / floor
            best = min(times[name]) / min(times["floor"])
            print(f"{name} / floor: ratio of medians {ratio:.2f}, of minima {best:.2f}")
    print("CPU (user + system; to ready: the child's own and its children's; to painted: its own):")
    for name, values in cpu.items():
        ratio = statistics.median(values) / statistics.median(cpu["floor"])
        print(f"{name:>14}: {describe(values)}; / floor {ratio:.2f}")
    if "bundle" in times:
        ratio = statistics.median(times["bundle"]) / statistics.median(times["source"])
        print(f"bundle / source: ratio of medians {ratio:.2f}")
    app = "bundle" if "bundle" in times else "source"
    for what, key in (("painted", f"{app} painted"), ("usable", app)):
        ratio = statistics.median(times[key]) / floor
        print(f"{verdict(ratio <= GOAL)}: start to the queue {what} ({ratio:.2f}, goal <= {GOAL})")


if __name__ == "__main__":
    main()
