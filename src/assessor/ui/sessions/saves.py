"""The console's writes and the one promise about them: "Saving…" while one is in flight,
"Saved HH:MM:SS" once it committed, a red "Not saved — REASON" when it failed, with a retry
(Ctrl+S, or the status bar). It has a score sheet's save surface, so the window's one
indicator covers the console too."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

from assessor.domain.changes import Change
from assessor.domain.errors import DomainError
from assessor.ui.errors import details, in_words
from assessor.ui.saves import SaveState
from assessor.ui.tasks import TaskRunner


def _tr(text: str) -> str:
    return QCoreApplication.translate("ConsoleSaves", text)


class ConsoleSaves(QObject):
    save_state_changed = Signal()
    written = Signal(object)  # what the operation returned

    def __init__(
        self, runner: TaskRunner, changes: Iterable[Change], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.changes = tuple(changes)
        self.label = _tr("proctor console")
        self.saved_at: datetime | None = None
        self.error: str | None = None
        self.error_details: str | None = None
        self._in_flight = 0
        self._failed: list[tuple[Any, tuple[Any, ...], str]] = []  # in the order written

    @property
    def state(self) -> SaveState:
        if self.error is not None:
            return SaveState.FAILED
        return SaveState.SAVING if self._in_flight else SaveState.SAVED

    def words(self) -> tuple[str, str | None]:
        """The indicator's text and colour name."""
        if self.state is SaveState.FAILED:
            return _tr("Not saved — {0} (Ctrl+S retries)").format(self.error), "red"
        if self.state is SaveState.SAVING:
            return _tr("Saving…"), None
        if self.saved_at is None:
            return "", None
        return _tr("Saved {0}").format(self.saved_at.strftime("%H:%M:%S")), None

    def write(
        self, op: Any, *args: Any, what: str, refused: Callable[[str], None] | None = None
    ) -> None:
        """Queue `op(db, *args)`. A refusal (the service said no: nothing was to be saved)
        goes to `refused`; any other failure is a change not saved, kept for a retry."""
        self._in_flight += 1
        self.save_state_changed.emit()

        def done(result: object) -> None:
            self._in_flight -= 1
            self.saved_at = datetime.now()
            self.save_state_changed.emit()
            self.written.emit(result)

        def failed(exc: BaseException) -> None:
            self._in_flight -= 1
            words = in_words(exc, what=what)
            if isinstance(exc, DomainError) and refused is not None:
                refused(details(exc))
            else:
                self.error, self.error_details = words, details(exc)
                self._failed.append((op, args, what))
            self.save_state_changed.emit()

        self.runner.write(op, *args, changes=self.changes, on_done=done, on_error=failed)

    def retry(self) -> None:
        """Queue again every write that failed (a log entry each: none may be lost)."""
        failed, self._failed = self._failed, []
        if failed:
            self.error = self.error_details = None
        for op, args, what in failed:
            self.write(op, *args, what=what)
