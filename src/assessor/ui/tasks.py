"""The task runner: the UI's one door into data.

A screen never holds the database. It hands the runner an operation, a function whose first
parameter is the database, and the arguments after it:

- `write(op, *args, changes=...)` runs `op(db, *args)` on the serial lane (one write at a
  time, in the order asked) and says what kinds of things it changes (`domain.changes`).
  Once it has succeeded, `changed(kinds)` tells every screen, which decides whether to
  reload (several writes in one batch are announced together).
- `read(op, *args)` runs `op(db, *args)` on the parallel lane; with `after_writes=True` on
  the serial lane instead, so it sees every write queued before it.

`run_serial` and `run_parallel` (from `Lanes`, `ui/lanes.py`) stay for work that is not the
data folder's: keyring, settings file, a learner's file handed to a viewer. A task with no
`on_error` fails out loud: `failed(task, exc)` for the window to tell the person, or the
error report when nobody listens.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any

from PySide6.QtCore import QObject

from assessor.domain.changes import Change
from assessor.ui.lanes import (
    BATCH_INTERVAL_MS,
    Lanes,
    OnDone,
    OnError,
    OnProgress,
    Task,
)

__all__ = ["BATCH_INTERVAL_MS", "NoDataFolder", "Op", "Task", "TaskRunner"]

# op(db, *args): the db is the store's `Database`, which the UI never names.
Op = Callable[..., Any]


class NoDataFolder(RuntimeError):
    """An operation was asked for before a data folder was open."""


class TaskRunner(Lanes):
    """Lanes, plus the database every operation is given. `attach(db)` once the data folder
    is open (the app opens it on this runner); `db=` for tests."""

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        db: Any = None,
        synchronous: bool = False,
        parallel_workers: int | None = None,
    ) -> None:
        super().__init__(parent, synchronous=synchronous, parallel_workers=parallel_workers)
        self._db: Any = db

    def attach(self, db: Any) -> None:
        """The data folder the operations work on, from now on."""
        self._db = db

    @property
    def attached(self) -> bool:
        return self._db is not None

    def write(
        self,
        op: Op,
        *args: Any,
        changes: Iterable[Change],
        on_done: OnDone | None = None,
        on_error: OnError | None = None,
        on_progress: OnProgress | None = None,
        key: Hashable | None = None,
    ) -> Task:
        """Queue `op(db, *args)` on the serial lane; `changes` is announced once it succeeded.
        A newer write with the same `key` cancels an older one not started yet."""
        kinds = frozenset(Change(c) for c in changes)
        return self._submit(
            "serial", op, (self._data(), *args), {}, on_done, on_error, on_progress, key, kinds
        )

    def read(
        self,
        op: Op,
        *args: Any,
        after_writes: bool = False,
        on_done: OnDone | None = None,
        on_error: OnError | None = None,
        on_progress: OnProgress | None = None,
        key: Hashable | None = None,
    ) -> Task:
        """Queue `op(db, *args)` on the parallel lane, or behind every queued write when
        `after_writes` (reopening what was just changed must show the change)."""
        lane = "serial" if after_writes else "parallel"
        return self._submit(
            lane, op, (self._data(), *args), {}, on_done, on_error, on_progress, key
        )

    def announce(self, changes: Iterable[Change]) -> None:
        """Tell every screen these kinds changed without a write of ours (F5: the person
        asks to see everything as stored now)."""
        self._announce(frozenset(Change(c) for c in changes))

    def _data(self) -> Any:
        if self._db is None:
            raise NoDataFolder("no data folder is open yet")
        return self._db
