"""The task runner: two lanes, batched delivery on the GUI thread, cancel, shutdown."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from assessor.ui.tasks import TaskRunner

WAIT_MS = 10_000


@pytest.fixture
def runner(qapp: QApplication) -> Iterator[TaskRunner]:
    tasks = TaskRunner(parallel_workers=4)
    try:
        yield tasks
    finally:
        assert tasks.shutdown(timeout=10)


def _runner_threads(runner: TaskRunner) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t in runner.threads()]


def test_serial_lane_keeps_submission_order_under_load(qtbot: Any, runner: TaskRunner) -> None:
    written: list[int] = []
    done: list[int] = []
    for i in range(1000):
        runner.run_serial(written.append, i, on_done=lambda _v, i=i: done.append(i))
    qtbot.waitUntil(lambda: len(done) == 1000, timeout=WAIT_MS)
    assert written == list(range(1000))
    assert done == list(range(1000))


def test_serial_tasks_never_overlap(qtbot: Any, runner: TaskRunner) -> None:
    lock = threading.Lock()
    active = 0
    most = 0
    finished: list[int] = []

    def write() -> None:
        nonlocal active, most
        with lock:
            active += 1
            most = max(most, active)
        time.sleep(0.0005)  # simulated work widens any overlap window; not synchronization
        with lock:
            active -= 1

    for i in range(200):
        runner.run_serial(write, on_done=lambda _v, i=i: finished.append(i))
    qtbot.waitUntil(lambda: len(finished) == 200, timeout=WAIT_MS)
    assert most == 1


def test_parallel_tasks_run_at_the_same_time(qtbot: Any, runner: TaskRunner) -> None:
    first, second = threading.Event(), threading.Event()
    results: list[bool] = []

    def meet(mine: threading.Event, theirs: threading.Event) -> bool:
        mine.set()
        return theirs.wait(5)

    runner.run_parallel(meet, first, second, on_done=results.append)
    runner.run_parallel(meet, second, first, on_done=results.append)
    qtbot.waitUntil(lambda: len(results) == 2, timeout=WAIT_MS)
    assert results == [True, True]


def test_callbacks_run_on_the_gui_thread(
    qtbot: Any, qapp: QApplication, runner: TaskRunner
) -> None:
    seen: list[tuple[str, bool]] = []

    def note(lane: str) -> Callable[[Any], None]:
        return lambda _value: seen.append((lane, QThread.currentThread() is qapp.thread()))

    worker_threads: list[str] = []
    runner.run_serial(
        lambda: worker_threads.append(threading.current_thread().name), on_done=note("serial")
    )
    runner.run_parallel(
        lambda: worker_threads.append(threading.current_thread().name), on_done=note("parallel")
    )
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=WAIT_MS)
    assert sorted(seen) == [("parallel", True), ("serial", True)]
    assert threading.main_thread().name not in worker_threads


def test_errors_reach_on_error_on_the_gui_thread(
    qtbot: Any, qapp: QApplication, runner: TaskRunner
) -> None:
    boom = ValueError("bad rubric")
    got: list[tuple[BaseException, bool]] = []
    done: list[Any] = []

    def fail() -> None:
        raise boom

    runner.run_parallel(
        fail,
        on_done=done.append,
        on_error=lambda exc: got.append((exc, QThread.currentThread() is qapp.thread())),
    )
    qtbot.waitUntil(lambda: len(got) == 1, timeout=WAIT_MS)
    assert got[0][0] is boom
    assert got[0][1]
    assert done == []


def test_errors_without_handler_are_emitted_as_failed(qtbot: Any, runner: TaskRunner) -> None:
    boom = OSError("disk gone")

    def fail() -> None:
        raise boom

    with qtbot.waitSignal(runner.failed, timeout=WAIT_MS) as blocker:
        task = runner.run_serial(fail)
    assert blocker.args == [task, boom]


def test_cancelled_tasks_never_call_back(qtbot: Any, runner: TaskRunner) -> None:
    gate, started = threading.Event(), threading.Event()
    ran: list[str] = []
    called: list[str] = []

    def running() -> None:
        started.set()
        gate.wait(5)
        ran.append("running")

    busy = runner.run_serial(running, on_done=lambda _v: called.append("running"))
    queued = runner.run_serial(ran.append, "queued", on_done=lambda _v: called.append("queued"))
    queued.cancel()
    qtbot.waitUntil(started.is_set, timeout=WAIT_MS)
    busy.cancel()  # already running: it finishes, but its callback is not called
    gate.set()
    runner.run_serial(ran.append, "after", on_done=lambda _v: called.append("after"))
    qtbot.waitUntil(lambda: called == ["after"], timeout=WAIT_MS)
    assert ran == ["running", "after"]
    assert busy.cancelled and queued.cancelled


def test_newer_task_with_same_key_supersedes_older(qtbot: Any, runner: TaskRunner) -> None:
    gate, started = threading.Event(), threading.Event()
    answers: list[str] = []

    def search(text: str, wait: bool) -> str:
        if wait:
            started.set()
            gate.wait(5)
        return text

    older = runner.run_parallel(search, "wir", True, on_done=answers.append, key="search")
    qtbot.waitUntil(started.is_set, timeout=WAIT_MS)
    newer = runner.run_parallel(search, "wiring", False, on_done=answers.append, key="search")
    assert older.cancelled and not newer.cancelled
    qtbot.waitUntil(lambda: answers == ["wiring"], timeout=WAIT_MS)
    gate.set()
    qtbot.waitUntil(lambda: older.finished, timeout=WAIT_MS)
    # One more round trip through the lane: the older result had every chance to arrive.
    runner.run_parallel(search, "ring", False, on_done=answers.append, key="other")
    qtbot.waitUntil(lambda: answers[-1] == "ring", timeout=WAIT_MS)
    assert answers == ["wiring", "ring"]


def test_results_are_delivered_in_batches(qtbot: Any, runner: TaskRunner) -> None:
    results: list[int] = []
    count = 500
    start = runner.batches_delivered
    for i in range(count):
        runner.run_parallel(int, i, on_done=results.append)
    qtbot.waitUntil(lambda: len(results) == count, timeout=WAIT_MS)
    assert sorted(results) == list(range(count))
    assert runner.batches_delivered - start <= count // 10


def test_progress_is_coalesced_and_ends_with_the_last_value(qtbot: Any, runner: TaskRunner) -> None:
    seen: list[tuple[int, int]] = []
    signalled: list[tuple[int, int]] = []
    done: list[str] = []
    runner.progress.connect(lambda _task, d, t: signalled.append((d, t)))

    def upload(name: str, *, progress: Callable[[int, int], None]) -> str:
        for i in range(1001):
            progress(i, 1000)
        return name

    runner.run_parallel(
        upload, "evidence.pdf", on_done=done.append, on_progress=lambda d, t: seen.append((d, t))
    )
    qtbot.waitUntil(lambda: done == ["evidence.pdf"], timeout=WAIT_MS)
    assert 1 <= len(seen) < 1001
    assert seen[-1] == (1000, 1000)
    assert signalled == seen


def test_shutdown_lets_the_running_write_finish_and_joins_every_thread(
    qtbot: Any, qapp: QApplication
) -> None:
    runner = TaskRunner(parallel_workers=1)
    started, io_started, io_release = threading.Event(), threading.Event(), threading.Event()
    written: list[str] = []

    def slow_io() -> None:
        io_started.set()
        io_release.wait(5)

    def write() -> None:
        started.set()
        while not runner.closed:  # hold the write open until shutdown has begun
            time.sleep(0.001)
        io_release.set()
        time.sleep(0.05)  # the rest of the write
        written.append("committed")

    runner.run_parallel(slow_io)
    qtbot.waitUntil(io_started.is_set, timeout=WAIT_MS)
    dropped = runner.run_parallel(written.append, "queued io")
    runner.run_serial(write)
    qtbot.waitUntil(started.is_set, timeout=WAIT_MS)

    assert runner.shutdown(timeout=10)
    assert written == ["committed"]
    assert dropped.cancelled
    assert runner.threads() and not any(t.is_alive() for t in runner.threads())
    assert _runner_threads(runner) == []

    assert runner.shutdown(timeout=10)  # twice is fine
    late = runner.run_serial(written.append, "late")
    assert late.cancelled
    assert written == ["committed"]


def test_synchronous_mode_runs_and_calls_back_at_once(qapp: QApplication) -> None:
    runner = TaskRunner(synchronous=True)
    assert runner.threads() == []
    out: list[Any] = []
    errors: list[BaseException] = []
    ticks: list[tuple[int, int]] = []

    def count(n: int, *, progress: Callable[[int, int], None]) -> int:
        for i in range(n + 1):
            progress(i, n)
        return n

    def fail() -> None:
        raise KeyError("missing")

    runner.run_serial(count, 3, on_done=out.append, on_progress=lambda d, t: ticks.append((d, t)))
    assert out == [3]
    assert ticks == [(0, 3), (1, 3), (2, 3), (3, 3)]
    runner.run_parallel(lambda: QThread.currentThread() is qapp.thread(), on_done=out.append)
    assert out == [3, True]
    runner.run_parallel(fail, on_error=errors.append)
    assert isinstance(errors[0], KeyError)
    assert runner.shutdown() and runner.shutdown()


def test_exit_without_shutdown_finishes_queued_writes_and_does_not_hang(tmp_path: Path) -> None:
    marker = tmp_path / "written"
    script = (
        "import time\n"
        "from assessor.ui.tasks import TaskRunner\n"
        "runner = TaskRunner()\n"
        "def write(path):\n"
        "    time.sleep(0.2)\n"
        "    open(path, 'w').write('ok')\n"
        f"runner.run_serial(write, {str(marker)!r})\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60, env=env)
    assert marker.read_text() == "ok"
