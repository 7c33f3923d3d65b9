"""A full disk is told as a full disk, and that the data is intact: never "assessor.db is not
an Assessor database (disk I/O error)", which invites deleting a good database.

The disk is real: a small tmpfs mounted in a private user and mount namespace (`unshare`,
util-linux), filled with a filler file. Skipped where unprivileged namespaces are not allowed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assessor.cli import main

ROOT = Path(__file__).resolve().parents[2]
FULL = "is full"
INTACT = "the data already saved there is intact"


def namespaces_work() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt 2>/dev/null || "
         "mount -t tmpfs -o size=1m tmpfs \"$0\"", "/tmp"],
        capture_output=True,
        check=False,
    )  # fmt: skip
    return probe.returncode == 0


@pytest.fixture(scope="module")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("demo") / "data"
    assert main(["demo", "--data-dir", str(target)]) == 0
    return target


def test_a_full_disk_says_so_and_loses_nothing(demo_master: Path, tmp_path: Path) -> None:
    if not namespaces_work():
        pytest.skip("needs unprivileged user and mount namespaces (unshare -rm, util-linux)")
    mount = tmp_path / "small-disk"
    mount.mkdir()
    script = 'mount -t tmpfs -o size=8m tmpfs "$1" && shift && exec "$@"'
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, "sh", str(mount), sys.executable,
         "-m", "tests.store.disk_full_child", str(mount), str(demo_master)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=240,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    answers = json.loads(done.stdout)
    full_verify, full_list, full_score, low_verify, low_score, blob, after, shown = answers
    assert blob["out"] == "[]", blob  # the partial blob was removed
    for answer in (full_verify, full_list, full_score, low_score, blob):
        assert answer["code"] == 2, answer
        assert FULL in answer["err"] and INTACT in answer["err"], answer
        assert "not an Assessor database" not in answer["err"]
        assert "Traceback" not in answer["err"]
    assert low_verify["code"] == 0, low_verify  # a little room is enough to read
    assert after["code"] == 0 and after["out"].startswith("OK:"), after
    # The refused save left nothing half-written: sub-001 is as the demo left it.
    assert "x" * 1000 not in shown["out"] and "y" * 1000 not in shown["out"]
