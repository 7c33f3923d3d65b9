"""Quitting during a save and during a long load: no Qt abort, no change lost.

Each run is a real process (tests/e2e/quit_child.py) on the same data folder, closed at a
random moment. After each: exit status 0, nothing alarming on stderr, and the database holds,
for every field the child touched, the last value it showed — acknowledged or still queued.
`ASSESSOR_QUIT_RUNS` sets the number of runs: 16 by default (8 of each kind, about 3 s each),
a soak's count behind the variable (README: 500). The runs go in two lanes at once, each on
its own copy of the folder, each lane alternating saves and loads (seeds 0, 1, 4, 5... and
2, 3, 6, 7...): every run is still checked against everything its lane's earlier runs left.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from assessor.demo import DEMO_ASSESSOR
from assessor.services.profiles import list_profiles
from assessor.services.scoring import evaluation_for
from assessor.services.submissions import list_submissions
from assessor.store.db import Database

RUNS = int(os.environ.get("ASSESSOR_QUIT_RUNS", "16"))
ALARMS = ("Traceback", "QThread", "QObject::", "Fatal", "abort", "Segmentation", "Internal C++")
ROOT = Path(__file__).resolve().parents[2]


def _child(folder: Path, submission: str, mode: str, seed: int) -> list[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONFAULTHANDLER": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "tests.e2e.quit_child", str(folder), submission, mode, str(seed)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
    )
    where = f"run {seed} ({mode})"
    assert done.returncode == 0, f"{where}: exit {done.returncode}\n{done.stderr[-3000:]}"
    noise = [ln for ln in done.stderr.splitlines() if any(a in ln for a in ALARMS)]
    assert not noise, f"{where}: {noise}"
    lines = done.stdout.splitlines()
    assert lines[-1] == "EXIT 0", f"{where}: {lines[-3:]}"
    return lines


def _lane(folder: Path, seeds: list[int]) -> int:
    """Runs `seeds` one after another on `folder`; how many of them changed something."""
    with Database.open(folder) as db:
        me = next(p.id for p in list_profiles(db) if p.name == DEMO_ASSESSOR)
        target = next(r.id for r in list_submissions(db, limit=100) if r.status == "to_score")
    levels: dict[str, str] = {}
    comments: dict[str, str] = {}
    changed_runs = 0
    for seed in seeds:
        mode = "save" if seed % 2 == 0 else "load"
        lines = _child(folder, target, mode, seed)
        for line in lines:
            kind, _, rest = line.partition(" ")
            if kind == "SET":
                criterion, level = rest.split(" ", 1)
                levels[criterion] = level
            elif kind == "COMMENT":
                criterion, text = rest.split(" ", 1)
                comments[criterion] = text
        changed_runs += any(ln.startswith(("SET", "COMMENT")) for ln in lines)
        with Database.open(folder) as db:
            view = evaluation_for(db, target, me)
        stored = {c.id: c for c in view.criteria}
        for criterion, level in levels.items():
            assert stored[criterion].level_id == level, f"run {seed}: {criterion}"
        for criterion, text in comments.items():
            assert stored[criterion].comment == text, f"run {seed}: comment on {criterion}"
    return changed_runs


def test_quit_during_saves_and_loads_loses_nothing(demo_folder: Path) -> None:
    second = demo_folder.parent / "second"
    shutil.copytree(demo_folder, second)
    lanes = {
        demo_folder: [n for n in range(RUNS) if n % 4 < 2],
        second: [n for n in range(RUNS) if n % 4 >= 2],
    }
    with ThreadPoolExecutor(2) as pool:
        changed = [pool.submit(_lane, folder, seeds) for folder, seeds in lanes.items()]
        changed_runs = sum(f.result() for f in changed)
    assert changed_runs >= RUNS // 4  # the save runs really did change things before quitting
