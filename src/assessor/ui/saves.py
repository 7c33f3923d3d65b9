"""The desk's save ledger: every change a person was shown is either saved or said not to be.

Any screen whose changes are written in the background registers each thing it writes for (a
score sheet today; an incident log or a sign-off reason tomorrow) with the desk's one
`SaveLedger`. The status bar shows "Saved" only when nothing registered has a write queued,
text being typed, or a failure; Retry (Ctrl+S) reaches every failed one, even one the
person has moved away from; quitting asks first while one has failed.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QObject, Signal, SignalInstance

__all__ = ["SaveLedger", "SaveState", "Saving"]


def _tr(text: str) -> str:
    return QCoreApplication.translate("ScoreSheet", text)


class SaveState(StrEnum):
    SAVED = "saved"  # every change the screen shows is committed
    SAVING = "saving"
    FAILED = "failed"


class Saving(Protocol):
    """What the ledger needs of a thing that saves in the background."""

    @property
    def save_state_changed(self) -> SignalInstance: ...

    @property
    def state(self) -> SaveState: ...

    @property
    def label(self) -> str: ...  # whose changes, for messages about them

    @property
    def error(self) -> str | None: ...  # why the last write failed, in one line

    @property
    def error_details(self) -> str | None: ...

    @property
    def saved_at(self) -> datetime | None: ...

    def retry(self) -> None: ...


class SaveLedger(QObject):
    """Every registered writer's state, for the one indicator in the status bar. One left
    behind (the person moved on) stays while a write of it is queued or has failed: its
    failure must stay visible, and Retry must still reach it."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sources: list[Saving] = []
        self.saved_at: datetime | None = None

    def register(self, source: Saving) -> None:
        self._sources.append(source)
        source.save_state_changed.connect(self._update)
        self._update()

    @property
    def state(self) -> SaveState:
        states = {s.state for s in self._sources}
        if SaveState.FAILED in states:
            return SaveState.FAILED
        return SaveState.SAVING if SaveState.SAVING in states else SaveState.SAVED

    def _failed(self) -> list[Saving]:
        return [s for s in self._sources if s.state is SaveState.FAILED]

    @property
    def error(self) -> str | None:
        """Whose changes were not saved, and why: the person may have moved on from them."""
        failed = self._failed()
        if not failed:
            return None
        first = failed[0]
        text = f"{first.label}: {first.error}" if first.label else str(first.error)
        more = len(failed) - 1
        if more:
            text += (
                _tr(" (and changes to one other submission)")
                if more == 1
                else _tr(" (and changes to {0} other submissions)").format(more)
            )
        return text

    @property
    def details(self) -> str | None:
        """Every failed one's whole error, one paragraph each: the error's details."""
        failed = self._failed()
        if not failed:
            return None
        return "\n\n".join(
            f"{s.label}: {s.error_details or s.error}" if s.label else str(s.error_details)
            for s in failed
        )

    def retry(self) -> None:
        for source in self._failed():
            source.retry()

    def _update(self) -> None:
        times = [s.saved_at for s in self._sources if s.saved_at is not None]
        if times:
            self.saved_at = max([*times, self.saved_at] if self.saved_at else times)
        # Keep the newest and any with work outstanding.
        self._sources = [
            s
            for n, s in enumerate(self._sources)
            if n == len(self._sources) - 1 or s.state is not SaveState.SAVED
        ]
        self.changed.emit()
