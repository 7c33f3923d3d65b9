from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from assessor.store.errors import DataFolderLocked
from assessor.store.lock import DataFolderLock

HOLD = """
import sys, time
from pathlib import Path
from assessor.store.lock import DataFolderLock
DataFolderLock(Path(sys.argv[1])).acquire()
print("held", flush=True)
time.sleep(120)
"""

TRY = """
import sys
from pathlib import Path
from assessor.store.errors import DataFolderLocked
from assessor.store.lock import DataFolderLock
try:
    DataFolderLock(Path(sys.argv[1])).acquire()
except DataFolderLocked as exc:
    print(exc.pid, exc.message, sep="\\n")
    sys.exit(3)
"""


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "held\n"
        yield proc
    finally:
        proc.kill()
        proc.wait(timeout=10)


def test_another_process_is_refused_with_the_holders_pid(tmp_path: Path) -> None:
    with DataFolderLock(tmp_path):
        result = subprocess.run(
            [sys.executable, "-c", TRY, str(tmp_path)], capture_output=True, text=True, timeout=30
        )
    assert result.returncode == 3, result.stderr
    pid, message = result.stdout.splitlines()
    assert int(pid) == os.getpid()
    assert message == (
        f"Another Assessor (process {os.getpid()}) is using the data folder {tmp_path}; "
        "close it first"
    )


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_lock_of_a_killed_holder_clears(tmp_path: Path, holder: subprocess.Popen[str]) -> None:
    with pytest.raises(DataFolderLocked) as refused:
        DataFolderLock(tmp_path).acquire()
    assert refused.value.pid == holder.pid

    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=10)

    lock = DataFolderLock(tmp_path)
    lock.acquire()
    assert lock.held
    assert (tmp_path / "assessor.lock").read_text() == f"{os.getpid()}\n"
    lock.release()


def test_second_lock_in_the_same_process_is_refused_until_released(tmp_path: Path) -> None:
    first = DataFolderLock(tmp_path)
    first.acquire()
    with pytest.raises(DataFolderLocked):
        DataFolderLock(tmp_path).acquire()
    first.release()
    with DataFolderLock(tmp_path) as second:
        assert second.held
    assert not second.held


def test_release_is_idempotent(tmp_path: Path) -> None:
    lock = DataFolderLock(tmp_path)
    lock.release()
    lock.acquire()
    lock.release()
    lock.release()
    assert not lock.held
