"""Cold start to a usable queue: the Linux bundle vs the source install vs a bare PySide6
window, in the same run.

Each run is a new process; the OS file cache is warm after a discarded first run of each. The
clock is this process's, from just before Popen to the child's "ready" line, for all three:

- floor: a bare QMainWindow holding a QTableView, shown, until the window is exposed;
- source: `assessor --data-dir DIR --start-probe` from this environment (bytecode cached, as
  an installed app has it), until the window is exposed and the queue's first page is in the
  model (app/start_probe.py: the start as a person gets it, minus the unlock dialog);
- bundle: the same command with dist/assessor/assessor (packaging/build-linux.sh).

Goal (decision 0010): the app / floor <= 1.5.

Run: python3 benchmarks/bench_bundle_start.py [SUBMISSIONS] [RUNS] [BUNDLE_DIR]
(SUBMISSIONS beyond the demo's own; default 0, the demo data as it is.)
"""

from __future__ import annotations

import os
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


def one_run(cmd: list[str], env: dict[str, str]) -> float:
    """Seconds from just before Popen to the child's first line that starts with "ready"."""
    with tempfile.TemporaryFile("w+") as errors:
        env = {**env, "BENCH_T0": repr(time.time())}  # the floor prints its own mark too
        start = time.perf_counter()
        child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=errors, text=True, env=env)
        watchdog = threading.Timer(TIMEOUT_S, child.kill)
        watchdog.start()
        assert child.stdout is not None
        elapsed = None
        for line in child.stdout:
            if line.startswith("ready") and elapsed is None:
                elapsed = time.perf_counter() - start
        child.wait()
        watchdog.cancel()
        if elapsed is None:
            errors.seek(0)
            raise RuntimeError(f"{cmd[:2]} never got ready:\n{errors.read()[-3000:]}")
    return elapsed


def main() -> None:
    extra = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 9
    bundle_dir = Path(sys.argv[3]) if len(sys.argv) > 3 else ROOT / "dist" / "assessor"
    folder = queue_folder(extra)
    config = tempfile.mkdtemp(prefix="assessor-bench-config-")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": config}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = os.path.join(config, "pycache")
    source = Path(sys.executable).with_name("assessor")
    commands = {
        "floor": [sys.executable, "-c", FLOOR],
        "source": [str(source), "--data-dir", str(folder), "--start-probe"],
    }
    bundle = bundle_dir / "assessor"
    if bundle.is_file():
        commands["bundle"] = [str(bundle), "--data-dir", str(folder), "--start-probe"]
    else:
        print(f"no bundle at {bundle}: build it with packaging/build-linux.sh (measuring the rest)")
    for cmd in commands.values():
        one_run(cmd, env)  # discarded: fills the OS file cache and the .pyc files
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):  # interleaved, so drift in machine load hits all alike
        for name, cmd in commands.items():
            times[name].append(one_run(cmd, env))

    print(f"demo data + {extra} submissions; {runs} cold starts each, interleaved")
    for name, values in times.items():
        print(f"{name:>6}: {describe(values)}")
    floor = times["floor"]
    for name in ("source", "bundle"):
        if name in times:
            ratio = statistics.median(times[name]) / statistics.median(floor)
            best = min(times[name]) / min(floor)
            print(f"{name} / floor: ratio of medians {ratio:.2f}, of minima {best:.2f}")
    if "bundle" in times:
        ratio = statistics.median(times["bundle"]) / statistics.median(times["source"])
        print(f"bundle / source: ratio of medians {ratio:.2f}")
    app = times.get("bundle", times["source"])
    ratio = statistics.median(app) / statistics.median(floor)
    print(f"{verdict(ratio <= GOAL)}: cold start to a usable queue ({ratio:.2f}, goal <= {GOAL})")


if __name__ == "__main__":
    main()
