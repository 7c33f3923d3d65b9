"""Two lanes of worker threads under the task runner (`ui/tasks.py`): they keep database,
crypto, file and network work off the GUI thread.

- The serial lane is one worker thread, so database writes happen one at a time, in
  submission order.
- The parallel lane is a few worker threads for file and network I/O.
- Results, errors and progress come back to the GUI thread in batches, at most one batch per
  `BATCH_INTERVAL_MS`: delivering each result as its own event floods the event loop when
  many small tasks finish together (the lesson of Picard PR #3188).
- `synchronous=True` runs everything at once on the caller's thread, for tests.

Quitting: `shutdown()` (connected to `QCoreApplication.aboutToQuit`) stops accepting work,
drops queued parallel tasks, lets the serial lane finish what it was given (a database write
is never interrupted, and a queued write holds the user's last change) and joins every thread.
"""

from __future__ import annotations

import contextlib
import inspect
import itertools
import logging
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

from PySide6.QtCore import QCoreApplication, QMetaMethod, QObject, Qt, QTimer, Signal

log = logging.getLogger(__name__)

BATCH_INTERVAL_MS = 16

OnDone = Callable[[Any], None]
OnError = Callable[[BaseException], None]
OnProgress = Callable[[int, int], None]

_runner_ids = itertools.count(1)


class Task:
    """A handle on submitted work. `cancel()` skips it if it has not started and, in any
    case, guarantees none of its callbacks is called afterwards (work already running is
    not interrupted)."""

    def __init__(
        self,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        *,
        lane: str,
        key: Hashable | None,
        on_done: OnDone | None,
        on_error: OnError | None,
        on_progress: OnProgress | None,
        changes: frozenset[str] = frozenset(),
    ) -> None:
        self.fn = fn
        self.changes = changes  # what a successful run changed, for `Lanes.changed`
        self.args = args
        self.kwargs = kwargs
        self.lane = lane
        self.key = key
        self.on_done = on_done
        self.on_error = on_error
        self.on_progress = on_progress
        self._cancelled = threading.Event()
        self._finished = threading.Event()

    def cancel(self) -> None:
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    @property
    def finished(self) -> bool:
        """True once the work itself has returned or raised (callbacks may still be due)."""
        return self._finished.is_set()

    @property
    def name(self) -> str:
        """The work's name, in the words of its code ("list_versions")."""
        return str(getattr(self.fn, "__name__", None) or type(self.fn).__name__)

    def __repr__(self) -> str:
        name = getattr(self.fn, "__qualname__", repr(self.fn))
        return f"<Task {name} lane={self.lane} key={self.key!r}>"


def _accepts_progress(fn: Callable[..., Any]) -> bool:
    try:
        parameters = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return "progress" in parameters


_STOP = object()  # tells a worker thread to exit
_IDLE_POLL_S = 0.5  # how often an idle worker checks whether the interpreter is exiting


class Lanes(QObject):
    """Runs callables on worker threads and calls back on the thread that owns the runner
    (the GUI thread).

    `failed(task, exc)` is emitted for a failed task that has no `on_error` (with nobody
    connected, the failure goes to `sys.excepthook`: the error report); `changed(kinds)`
    once per batch with what the successful tasks in it changed; `progress(task, done,
    total)` for every progress value delivered (coalesced: only the latest value per task
    per batch).

    Submit, cancel and shut down from the thread that owns the runner (the GUI thread).
    """

    failed = Signal(object, object)
    changed = Signal(frozenset)
    progress = Signal(object, int, int)
    _wake = Signal()

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        synchronous: bool = False,
        parallel_workers: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.synchronous = synchronous
        self._name = f"assessor-tasks-{next(_runner_ids)}"
        self._closed = False
        self._by_key: dict[tuple[str, Hashable], Task] = {}
        self._batches = 0

        # Filled by workers, drained on the GUI thread; guarded by _lock.
        self._lock = threading.Lock()
        self._results: list[tuple[Task, bool, Any]] = []
        self._progress: dict[Task, tuple[int, int]] = {}
        self._wake_pending = False
        self._last_drain = 0.0

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._drain)
        self._wake.connect(self._schedule, Qt.ConnectionType.QueuedConnection)

        self._serial_queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._parallel_queue: queue.Queue[Any] = queue.Queue()
        self._threads: list[threading.Thread] = []
        if not synchronous:
            # The serial thread is not a daemon: the interpreter waits for a write in
            # progress. Parallel threads are: a hung network call must not block exit.
            self._start(self._serial_queue, f"{self._name}-serial", daemon=False)
            count = parallel_workers or max(2, min(8, os.cpu_count() or 2))
            for i in range(count):
                self._start(self._parallel_queue, f"{self._name}-io-{i}", daemon=True)

        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # -- submitting -------------------------------------------------------------------

    def run_serial(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: OnDone | None = None,
        on_error: OnError | None = None,
        on_progress: OnProgress | None = None,
        key: Hashable | None = None,
        **kwargs: Any,
    ) -> Task:
        """Queue `fn(*args, **kwargs)` on the serial lane (database writes). A newer task with
        the same `key` cancels an older one: fine for "save the latest draft", where each
        task carries the whole state."""
        return self._submit("serial", fn, args, kwargs, on_done, on_error, on_progress, key)

    def run_parallel(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: OnDone | None = None,
        on_error: OnError | None = None,
        on_progress: OnProgress | None = None,
        key: Hashable | None = None,
        **kwargs: Any,
    ) -> Task:
        """Queue `fn(*args, **kwargs)` on the parallel lane (file and network I/O, reads).
        A newer task with the same `key` cancels an older one (debounced search)."""
        return self._submit("parallel", fn, args, kwargs, on_done, on_error, on_progress, key)

    def _submit(
        self,
        lane: str,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        on_done: OnDone | None,
        on_error: OnError | None,
        on_progress: OnProgress | None,
        key: Hashable | None,
        changes: frozenset[str] = frozenset(),
    ) -> Task:
        task = Task(
            fn,
            args,
            kwargs,
            lane=lane,
            key=key,
            on_done=on_done,
            on_error=on_error,
            on_progress=on_progress,
            changes=changes,
        )
        if key is not None:
            older = self._by_key.get((lane, key))
            if older is not None:
                older.cancel()
            self._by_key[(lane, key)] = task
        if self._closed:
            # Nothing should write after quit began; say so if something tries.
            (log.warning if lane == "serial" else log.debug)("shut down; dropped %r", task)
            task.cancel()
            return task
        if self.synchronous:
            self._run_now(task)
        elif lane == "serial":
            self._serial_queue.put(task)
        else:
            self._parallel_queue.put(task)
        return task

    # -- quitting ---------------------------------------------------------------------

    def shutdown(self, timeout: float = 30.0) -> bool:
        """Stop accepting work, drop queued parallel tasks, let the serial lane finish and
        join every worker thread. Returns True when all of them ended within `timeout`
        seconds. Safe to call more than once; no callback is called afterwards."""
        if not self._closed:
            self._closed = True
            self._timer.stop()
            while True:
                try:
                    item = self._parallel_queue.get_nowait()
                except queue.Empty:
                    break
                if isinstance(item, Task):
                    item.cancel()
            self._serial_queue.put(_STOP)
            for thread in self._threads:
                if thread.name.startswith(f"{self._name}-io-"):
                    self._parallel_queue.put(_STOP)
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        alive = [t.name for t in self._threads if t.is_alive()]
        if alive:
            log.warning("task runner threads still running after %.1f s: %s", timeout, alive)
        with self._lock:
            self._results.clear()
            self._progress.clear()
        return not alive

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def batches_delivered(self) -> int:
        """How many batches of results have been delivered (for tests and diagnostics)."""
        return self._batches

    def threads(self) -> list[threading.Thread]:
        return list(self._threads)

    # -- worker side ------------------------------------------------------------------

    def _start(self, source: Any, name: str, *, daemon: bool) -> None:
        thread = threading.Thread(target=self._work, args=(source,), name=name, daemon=daemon)
        self._threads.append(thread)
        thread.start()

    def _work(self, source: Any) -> None:
        while True:
            try:
                task = source.get(timeout=_IDLE_POLL_S)
            except queue.Empty:
                # Nobody called shutdown() and the interpreter is exiting: with the queue
                # empty, let it go rather than hold the (non-daemon) serial thread forever.
                if not threading.main_thread().is_alive():
                    return
                continue
            if task is _STOP:
                return
            # After shutdown began, a parallel task still queued is dropped, never started.
            if task.cancelled or (self._closed and task.lane == "parallel"):
                continue
            self._execute(task, self._progress_reporter(task))

    def _execute(self, task: Task, reporter: OnProgress) -> tuple[bool, Any]:
        kwargs = task.kwargs
        if _accepts_progress(task.fn) and "progress" not in kwargs:
            kwargs = {**kwargs, "progress": reporter}
        try:
            value = task.fn(*task.args, **kwargs)
            outcome = (True, value)
        except Exception as exc:
            outcome = (False, exc)
        finally:
            task._finished.set()
        if not self.synchronous:
            self._post(task, *outcome)
        return outcome

    def _progress_reporter(self, task: Task) -> OnProgress:
        def report(done: int, total: int) -> None:
            if task.finished or task.cancelled:
                return
            with self._lock:
                self._progress[task] = (done, total)
                wake = not self._wake_pending
                self._wake_pending = True
            if wake:
                self._emit_wake()

        return report

    def _post(self, task: Task, ok: bool, value: Any) -> None:
        if self._closed:
            if not ok and not task.cancelled:
                log.error("%r failed during shutdown", task, exc_info=value)
            return
        with self._lock:
            self._results.append((task, ok, value))
            wake = not self._wake_pending
            self._wake_pending = True
        if wake:
            self._emit_wake()

    def _emit_wake(self) -> None:
        # RuntimeError: the runner's Qt object is already gone, so there is nobody to tell.
        with contextlib.suppress(RuntimeError):
            self._wake.emit()

    # -- GUI side ---------------------------------------------------------------------

    def _schedule(self) -> None:
        if self._closed or self._timer.isActive():
            return
        since_ms = (time.monotonic() - self._last_drain) * 1000
        self._timer.start(max(0, int(BATCH_INTERVAL_MS - since_ms)))

    def _drain(self) -> None:
        with self._lock:
            results, self._results = self._results, []
            progress, self._progress = self._progress, {}
            self._wake_pending = False
        self._last_drain = time.monotonic()
        if self._closed or not (results or progress):
            return
        self._batches += 1
        # Progress first: a task's last progress value comes before its result.
        for task, (done, total) in progress.items():
            if not task.cancelled:
                self._deliver_progress(task, done, total)
        for task, ok, value in results:
            if not task.cancelled:
                self._deliver(task, ok, value)
        # A write that ran has changed the data even if nobody waits for its answer.
        self._announce(frozenset().union(*(t.changes for t, ok, _v in results if ok)))

    def _announce(self, changes: frozenset[str]) -> None:
        if not changes:
            return
        try:
            self.changed.emit(changes)
        except Exception:
            sys.excepthook(*sys.exc_info())

    def _deliver_progress(self, task: Task, done: int, total: int) -> None:
        try:
            if task.on_progress is not None:
                task.on_progress(done, total)
            self.progress.emit(task, done, total)
        except Exception:
            sys.excepthook(*sys.exc_info())

    def _deliver(self, task: Task, ok: bool, value: Any) -> None:
        if task.key is not None and self._by_key.get((task.lane, task.key)) is task:
            del self._by_key[(task.lane, task.key)]
        # A failing callback must not swallow the rest of the batch; the global excepthook
        # logs it and shows the report.
        try:
            if ok:
                if task.on_done is not None:
                    task.on_done(value)
            elif task.on_error is not None:
                task.on_error(value)
            else:
                self._unhandled(task, value)
        except Exception:
            sys.excepthook(*sys.exc_info())

    def _unhandled(self, task: Task, exc: BaseException) -> None:
        """A failure nobody asked to hear about is never silent: whoever listens to
        `failed` tells the person; with no listener, the error report does."""
        log.error("%r failed", task, exc_info=exc)
        if self.isSignalConnected(QMetaMethod.fromSignal(self.failed)):
            self.failed.emit(task, exc)
        else:
            sys.excepthook(type(exc), exc, exc.__traceback__)

    # -- synchronous mode -------------------------------------------------------------

    def _run_now(self, task: Task) -> None:
        def report(done: int, total: int) -> None:
            if not task.finished and not task.cancelled:
                self._deliver_progress(task, done, total)

        ok, value = self._execute(task, report)
        if not task.cancelled:
            self._deliver(task, ok, value)
        if ok:
            self._announce(task.changes)
