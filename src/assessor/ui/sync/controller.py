"""Runs sync rounds for the person at the desk, off the GUI thread, and says how it went.

A round does network I/O and commits in steps (decision 0020). It runs on the runner's
parallel lane, never the serial one: a save queued behind a network wait would sit there for
as long as the backend takes to answer. The store serialises writers itself (each write is a
short BEGIN IMMEDIATE transaction, and waiting writers retry under SQLite's busy timeout), so
a save waits at most for one of the round's short commits, never for the network.

Automatic rounds: soon after a write of ours put something in the outbox (a finalize), and
on a timer: every few minutes while online, and with the service's backoff while offline
("paused offline, resumed by itself"). They pass `due_only`; "Sync now" sends everything.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from assessor.domain.changes import Change
from assessor.security.secrets import SecretStore
from assessor.sync.enrol import EnrolmentInfo
from assessor.sync.push import Backoff
from assessor.sync.service import SyncReport, SyncService
from assessor.ui.desk import Desk
from assessor.ui.errors import in_words

SOON_MS = 1500  # after a finalize: gather a few before sending
EVERY_MS = 5 * 60_000  # online: look for new work this often
STEP_WORDS = {
    "pull": "Receiving changes",
    "evidence": "Downloading evidence",
    "push": "Sending records",
    "credentials": "Reading credentials",
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("Sync", text)


class Stopped(Exception):
    """The window is closing: the round ends between two steps (each committed whole)."""


class _Hooks:
    """Handed to a round on its worker: stops it when the window closes, and reports its
    step (the runner's progress carries only numbers)."""

    def __init__(self) -> None:
        self.stop = threading.Event()
        self.step = ""

    def sleep(self, seconds: float) -> None:
        if self.stop.wait(seconds):
            raise Stopped

    def progress(self, report: Callable[[int, int], None]) -> Callable[[str, int, int], None]:
        def show(step: str, done: int, total: int) -> None:
            if self.stop.is_set():
                raise Stopped
            self.step = step
            report(done, total)

        return show


def sync_round(
    db: Any,
    secrets: SecretStore,
    profile_id: str,
    due_only: bool,
    hooks: _Hooks,
    options: dict[str, Any],
    progress: Callable[[int, int], None],
) -> SyncReport:
    service = SyncService(db, secrets, sleep=hooks.sleep, **options)
    return service.sync(profile_id, hooks.progress(progress), due_only=due_only)


def enrolment_of(db: Any, secrets: SecretStore | None, profile_id: str) -> EnrolmentInfo | None:
    if secrets is None:
        return None
    found = SyncService(db, secrets).status(profile_id)
    return found[0] if found else None


@dataclass
class Snapshot:
    """What the status bar and the Sync page show about the sync."""

    enrolment: EnrolmentInfo | None = None
    running: bool = False
    step: str = ""
    done: int = 0
    total: int = 0
    last: SyncReport | None = None
    last_at: datetime | None = None
    problem: str = ""  # why no round can run (no keyring, not enrolled, no token…)
    next_at: datetime | None = None


class SyncController(QObject):
    changed = Signal()  # the snapshot changed
    finished = Signal(object)  # a round's SyncReport

    def __init__(self, desk: Desk, parent: QObject | None = None, **options: Any) -> None:
        """`options` go to SyncService (a transport, timeout or backoff in tests)."""
        super().__init__(parent)
        self.desk = desk
        self.options = options
        self.backoff: Backoff = options.get("backoff") or Backoff()
        self.state = Snapshot()
        self.failures = 0
        self.every_ms = EVERY_MS
        self.soon_ms = SOON_MS
        self._hooks = _Hooks()
        self._again: bool | None = None  # a round asked for while one runs: due_only
        self._announcing = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self.sync(due_only=True))
        if desk.secrets is None:
            why = desk.secrets_problem or _tr("no safe keyring on this computer")
            self.state.problem = _tr(
                "Sync is off: {0}. The device token is kept only in the system keyring."
            ).format(why)
        desk.runner.changed.connect(self._data_changed)

    @property
    def profile_id(self) -> str:
        return self.desk.identity.profile.id

    # -- enrolment ----------------------------------------------------------------------

    def load(self) -> None:
        """Read the enrolment; an enrolled desk starts its first round by itself."""
        self.desk.runner.read(
            enrolment_of, self.desk.secrets, self.profile_id, on_done=self._loaded,
            on_error=self._failed, key=("sync-enrolment",),
        )  # fmt: skip

    def _loaded(self, enrolment: EnrolmentInfo | None) -> None:
        self.set_enrolment(enrolment)
        if enrolment is not None:
            self.state.last_at = enrolment.last_sync_at
            self._schedule(self.soon_ms)
        self.changed.emit()

    def set_enrolment(self, enrolment: EnrolmentInfo | None) -> None:
        self.state.enrolment = enrolment
        if enrolment is None:
            self._timer.stop()
            self.state.next_at = None
        elif self.desk.secrets is not None:
            self.state.problem = ""
        self.changed.emit()

    # -- rounds -------------------------------------------------------------------------

    def sync_now(self) -> None:
        """Send everything waiting (decision 0020), now."""
        self.sync(due_only=False)

    def sync(self, *, due_only: bool) -> None:
        secrets, state = self.desk.secrets, self.state
        if secrets is None or state.enrolment is None or self._hooks.stop.is_set():
            self.changed.emit()  # the page says why nothing happens
            return
        if state.running:
            self._again = due_only if self._again is None else self._again and due_only
            return
        self._timer.stop()
        state.running, state.step, state.done, state.total = True, "", 0, 0
        self.changed.emit()
        self.desk.runner.read(
            sync_round, secrets, self.profile_id, due_only, self._hooks, self.options,
            on_done=self._done, on_error=self._failed, on_progress=self._progress,
            key=("sync-round",),
        )  # fmt: skip

    def _progress(self, done: int, total: int) -> None:
        state = self.state
        state.step, state.done, state.total = self._hooks.step, done, total
        self.changed.emit()

    def _done(self, report: SyncReport) -> None:
        state = self.state
        state.running, state.last, state.last_at = False, report, now()
        state.problem = ""
        self.failures = 0 if report.ok else self.failures + 1
        if report.ok:
            self._schedule(self.every_ms)
        else:
            self._retry(report.next_attempt_at)
        # What the round brought: every screen that shows it looks again (without the
        # controller taking its own announcement for a new finalize).
        self._announcing = True
        try:
            self.desk.runner.announce(Change(c) for c in report.changed | {"outbox"})
        finally:
            self._announcing = False
        self.changed.emit()
        self.finished.emit(report)
        self._follow()

    def _failed(self, exc: BaseException) -> None:
        self.state.running = False
        if isinstance(exc, Stopped):
            return
        self.failures += 1
        self.state.problem = in_words(exc, what="the sync")
        self._retry(None)
        self.changed.emit()
        self._follow()

    def _follow(self) -> None:
        if self._again is not None:
            due_only, self._again = self._again, None
            self.sync(due_only=due_only)

    def _retry(self, after: datetime | None) -> None:
        wait_s = self.backoff.delay(max(0, self.failures - 1), random.Random())
        if after is not None:
            wait_s = max(wait_s, (after - now()).total_seconds())
        self._schedule(int(min(wait_s, self.backoff.cap) * 1000))

    def _schedule(self, ms: int) -> None:
        if self.state.enrolment is None or self._hooks.stop.is_set():
            return
        ms = max(0, ms)
        if self._timer.isActive() and self._timer.remainingTime() <= ms:
            return  # an earlier round is already planned
        self._timer.start(ms)
        self.state.next_at = now() + _ms(ms)

    def _data_changed(self, changes: frozenset[str]) -> None:
        if self._announcing or Change.OUTBOX not in changes:
            return
        self._schedule(self.soon_ms)  # a finalize put a record in the outbox

    # -- closing ------------------------------------------------------------------------

    def stop(self) -> None:
        """No more rounds; one running stops at its next step or wait."""
        self._hooks.stop.set()
        self._timer.stop()
        self.state.next_at = None


def _ms(ms: int) -> timedelta:
    return timedelta(milliseconds=ms)


def now() -> datetime:
    return datetime.now(UTC)
