"""`assessor demo` is all or nothing: killed, or failing to write, it leaves the folder absent
(or the empty folder it was), and running it again works.

The kills are real: `assessor demo` runs in a child process that is sent SIGKILL at several
points of its work, each seen from outside (the folder it builds in, the evidence files written,
the previews stored)."""

from __future__ import annotations

import errno
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from assessor.cli import main
from assessor.demo import folder as demo
from assessor.demo.build_aside import partial_folder
from assessor.domain.errors import DomainError
from assessor.store.blobs import BlobStore
from assessor.store.db import Database
from tests.conftest import CHEAP_KDF

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and rlimits are POSIX")

SUBMISSIONS = 40


def _blobs(staging: Path) -> int:
    try:
        return sum(1 for p in (staging / "blobs").rglob("*") if p.is_file())
    except OSError:
        return 0


def _count(staging: Path, sql: str) -> int:
    path = staging / "assessor.db"
    if not path.is_file():
        return 0
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=0.05)
        try:
            (n,) = con.execute(sql).fetchone()
        finally:
            con.close()
    except sqlite3.Error:  # not created yet, or busy
        return 0
    return int(n)


# Each point is seen from outside the child, in the folder it builds in.
KILL_POINTS: dict[str, Callable[[Path], bool]] = {
    "the build folder exists": lambda staging: staging.is_dir(),
    "ten evidence files written": lambda staging: _blobs(staging) >= 10,
    # the last step, previews of every file, runs after the seeding event
    "previews being made": lambda staging: (
        _count(staging, "SELECT count(*) FROM audit_events WHERE action = 'demo.write'") > 0
    ),
}


def _demo_child(target: Path, **extra: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "assessor", "demo", "--data-dir", str(target)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its preview children die with it (one process group)
        **extra,  # type: ignore[call-overload]
    )


def _kill_when(child: subprocess.Popen[bytes], seen: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 120
    while not seen():
        if child.poll() is not None:
            err = child.stderr.read().decode() if child.stderr else ""
            pytest.fail(f"the demo ended before the kill point (the test proves nothing): {err}")
        assert time.monotonic() < deadline, "kill point never reached"
        time.sleep(0.005)
    os.killpg(child.pid, signal.SIGKILL)
    assert child.wait(timeout=30) == -signal.SIGKILL


def _submissions(folder: Path) -> int:
    with Database.open(folder, create=False) as db, db.read() as tx:
        return int(tx.connection().exec_driver_sql("SELECT count(*) FROM submissions").scalar())


def _new_build(work: Path, before: set[Path]) -> Path | None:
    """The build folder the child made (not one a killed child left)."""
    try:
        return next((p for p in work.glob("data-*") if p not in before), None)
    except OSError:
        return None


def _being_written(target: Path, before: set[Path]) -> Path:
    """Where the child writes: its build folder, or the target itself if it writes in place
    (as before the demo was built aside: then this test must fail on what it finds there)."""
    build = _new_build(partial_folder(target.absolute()), before)
    return build if build is not None else target


def test_a_killed_demo_leaves_the_folder_as_it_was_and_a_rerun_works(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    work = partial_folder(target.absolute())
    for n, (point, seen) in enumerate(KILL_POINTS.items()):
        if n == 1:  # from now on an empty folder, as `assessor --demo` makes one (mkdtemp)
            target.mkdir()
        before = set(work.glob("data-*"))
        child = _demo_child(target)
        _kill_when(child, lambda s=seen, b=before: s(_being_written(target, b)))
        if n == 0:
            assert not target.exists(), point
        else:
            assert target.is_dir() and not any(target.iterdir()), point
    assert any(work.glob("data-*"))  # the kills left their builds behind
    child = _demo_child(target)
    _, err = child.communicate(timeout=300)
    assert child.returncode == 0, err.decode()
    assert not work.exists()  # the re-run removed the leftovers
    assert _submissions(target) == SUBMISSIONS
    assert main(["verify", "--data-dir", str(target)]) == 0


def test_a_write_that_fails_half_way_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "demo"
    put = BlobStore.put_bytes
    calls = 0

    def disk_full_at_the_twentieth(self: BlobStore, data: bytes) -> object:
        nonlocal calls
        calls += 1
        if calls == 20:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return put(self, data)

    monkeypatch.setattr(BlobStore, "put_bytes", disk_full_at_the_twentieth)
    with pytest.raises(OSError, match="No space left"):
        demo.write_demo(target, kdf_cost=CHEAP_KDF)
    assert calls == 20
    # nothing is left to get in the way of a re-run (which the kill test runs)
    assert not target.exists() and not partial_folder(target).exists()


def test_a_failure_after_the_last_row_still_moves_nothing_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "demo"
    target.mkdir()

    def previews_fail(db: Database) -> None:
        raise OSError(errno.EIO, "the previewer could not be started")

    monkeypatch.setattr(demo, "prepare_all_previews", previews_fail)
    with pytest.raises(OSError, match="previewer"):
        demo.write_demo(target, kdf_cost=CHEAP_KDF)
    assert target.is_dir() and not any(target.iterdir())
    assert not partial_folder(target).exists()


def _file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:  # in the child: writes past `limit` bytes fail (EFBIG), as a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def test_a_real_write_failure_in_the_child_leaves_nothing(tmp_path: Path) -> None:
    """No mock: the child's files may not grow past 120 kB, so the database fills up while
    submissions are being written, as on a full disk."""
    target = tmp_path / "demo"
    child = _demo_child(target, preexec_fn=_file_size_limit(120_000))
    _, err = child.communicate(timeout=300)
    assert child.returncode not in (0, -signal.SIGKILL), err.decode()
    assert b"full" in err or b"too large" in err.lower() or b"I/O" in err, err.decode()
    assert not target.exists() and not partial_folder(target).exists()


def test_a_folder_that_is_not_empty_is_refused_and_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    with pytest.raises(DomainError, match="not empty"):
        demo.write_demo(target, kdf_cost=CHEAP_KDF)
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert not partial_folder(target).exists()


def test_a_second_demo_of_the_same_folder_waits_its_turn(tmp_path: Path) -> None:
    """While one build runs, another of the same folder is refused: it never takes over (or
    removes) a build in progress."""
    target = tmp_path / "demo"
    first = _demo_child(target)
    try:
        work = partial_folder(target.absolute())
        deadline = time.monotonic() + 60
        while _new_build(work, set()) is None:
            assert first.poll() is None and time.monotonic() < deadline
            time.sleep(0.005)
        with pytest.raises(DomainError, match=rf"process {first.pid} is already writing"):
            demo.write_demo(target, kdf_cost=CHEAP_KDF)
        assert _new_build(work, set()) is not None  # the first build was left alone
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
