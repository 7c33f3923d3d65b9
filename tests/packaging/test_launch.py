"""packaging/launch.py, the bundle's entry point, runs multiprocessing's children itself
(decision 0034: PyInstaller's hook for them imported multiprocessing at every start). Here from
source; tests/packaging/test_bundle.py runs the bundle's issuer with its spawned workers."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

LAUNCH = Path(__file__).resolve().parents[2] / "packaging" / "launch.py"
TRACKER = "from multiprocessing.resource_tracker import main;main({})"


def _launch(*args: str, pass_fds: tuple[int, ...] = ()) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(LAUNCH), *args],
        capture_output=True,
        text=True,
        timeout=60,
        pass_fds=pass_fds,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


def test_the_resource_tracker_runs_and_ends_with_its_pipe() -> None:
    """The tracker reads its pipe until the parent closes it, then leaves: exit 0, nothing
    of Assessor's command line (which would refuse `-c`)."""
    read, write = os.pipe()
    os.close(write)  # the parent is gone: the tracker finds the end at once
    try:
        done = _launch("-B", "-S", "-I", "-c", TRACKER.format(read), pass_fds=(read,))
    finally:
        os.close(read)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_another_c_argument_is_the_command_lines() -> None:
    """Only the tracker's exact command is run: any other `-c` goes to the command line,
    which refuses it, and no Python is executed from the arguments."""
    marker = "print('ran')"
    done = _launch("-c", marker)
    assert done.returncode == 2
    assert "ran" not in done.stdout
    assert done.stderr.startswith("usage: assessor")
    done = _launch("-c", TRACKER.format(0) + ";print('ran')")
    assert done.returncode == 2 and "ran" not in done.stdout


def test_a_spawned_child_is_handed_to_multiprocessing_with_its_handles(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The frozen "spawn" command line (`spawn.get_command_line`) becomes spawn_main's
    arguments, "None" as None; a start with no such argument is not a child."""
    from multiprocessing import spawn

    launch = _load_launch()
    given: list[dict[str, int | None]] = []
    monkeypatch.setattr(spawn, "spawn_main", lambda **kw: given.append(kw))
    argv = ["assessor", "--multiprocessing-fork", "tracker_fd=5", "pipe_handle=7"]
    assert launch.multiprocessing_child(argv)
    assert launch.multiprocessing_child([*argv[:2], "tracker_fd=None", "pipe_handle=9"])
    assert given == [{"tracker_fd": 5, "pipe_handle": 7}, {"tracker_fd": None, "pipe_handle": 9}]
    assert not launch.multiprocessing_child(
        ["assessor", "--data-dir", "x", "--multiprocessing-fork"]
    )


def _load_launch() -> Any:
    spec = importlib.util.spec_from_file_location("launch_under_test", LAUNCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
