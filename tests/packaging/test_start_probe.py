"""`assessor --start-probe`, which the start-time benchmark runs in the bundle and the source
install: the real start on a data folder, "ready" once the first queue page is shown."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from assessor.demo import write_demo
from tests.conftest import CHEAP_KDF


def test_the_probe_opens_the_queue_prints_ready_and_leaves(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    write_demo(folder, kdf_cost=CHEAP_KDF)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "assessor", "--data-dir", str(folder), "--start-probe"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    # The first paint (with the CPU seconds it took, for the benchmark), then the real queue.
    painted, ready = done.stdout.splitlines()
    word, cpu = painted.split(" ")
    assert (word, ready) == ("painted", "ready") and 0 < float(cpu) < 60


def test_the_probe_is_not_in_the_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "assessor", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and "--self-test" in done.stdout
    assert "--start-probe" not in done.stdout
