"""The status bar: who is working, sync state, and the save indicator that never lies.

Nothing in it widens the window: every label is elided to the room it has, with the whole text
in its tooltip, and a failed save keeps its whole error for "Details…".
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, Qt, QTime, Signal
from PySide6.QtGui import QKeySequence, QPalette
from PySide6.QtWidgets import QMessageBox, QPushButton, QStatusBar, QWidget

from assessor.domain.changes import Change
from assessor.services.submissions import outbox_waiting
from assessor.ui import theme
from assessor.ui.desk import Desk
from assessor.ui.elided import ElidedLabel
from assessor.ui.saves import SaveLedger, SaveState


def _tr(text: str) -> str:
    return QCoreApplication.translate("StatusBar", text)


def short_path(path: Path) -> str:
    home = Path.home()
    try:
        return "~/" + str(path.relative_to(home))
    except ValueError:
        return str(path)


class StatusBar(QStatusBar):
    retry = Signal()

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.unlock_keys = QKeySequence()  # the window's unlock key, named in the hint
        # Who is working stays readable longest; a long error gives way first.
        self.identity = ElidedLabel(keep=36)
        self.sync = ElidedLabel(keep=16)
        self.save = ElidedLabel(keep=12)
        self.save.setAccessibleName(_tr("Save state"))
        self.retry_button = QPushButton(_tr("Retry save (Ctrl+S)"))
        self.retry_button.clicked.connect(self.retry)
        self.retry_button.hide()
        self.details_button = QPushButton(_tr("Details…"))
        self.details_button.setAccessibleName(_tr("Details of the failed save"))
        self.details_button.clicked.connect(self.show_details)
        self.details_button.hide()
        self.folder = ElidedLabel(
            _tr("data: {0}").format(short_path(desk.data_dir)),
            mode=Qt.TextElideMode.ElideMiddle,
            tip=str(desk.data_dir),
            keep=16,
        )
        self._message = ""
        self._details = ""
        self.waiting = 0
        # The sync's own words for the left part (ui/sync); None: no sync on this desk.
        self.sync_words: Callable[[int], str] | None = None
        # No stretch on the right: a passing message is drawn left of the first one there.
        self.addWidget(self.identity)
        self.addWidget(self.sync, 1)
        self.addPermanentWidget(self.save)
        self.addPermanentWidget(self.retry_button)
        self.addPermanentWidget(self.details_button)
        self.addPermanentWidget(self.folder)
        self.messageChanged.connect(self._message_changed)
        self.show_outbox(0)
        self.show_identity()
        desk.runner.changed.connect(self._data_changed)

    # -- who and where ----------------------------------------------------------------

    def show_identity(self) -> None:
        identity = self.desk.identity
        if not identity.locked:
            key = _tr("key unlocked")
        elif self.unlock_keys.isEmpty():
            key = _tr("key locked (File ▸ Unlock my key)")
        else:
            shortcut = self.unlock_keys.toString(QKeySequence.SequenceFormat.NativeText)
            key = _tr("key locked ({0} unlocks)").format(shortcut)
        self.identity.setText(f"{identity.profile.name} ({identity.role}) · {key}")

    def _data_changed(self, changes: frozenset[str]) -> None:
        if Change.OUTBOX in changes:
            self.refresh_outbox()

    def refresh_outbox(self) -> None:
        """Count the records waiting for the backend (a read on the parallel lane)."""
        self.desk.runner.read(outbox_waiting, on_done=self.show_outbox, key=("outbox",))

    def show_outbox(self, waiting: int) -> None:
        self.waiting = waiting
        if self.sync_words is not None:
            self.sync.setText(self.sync_words(waiting))
            return
        online = bool(self.desk.settings.backend_url)
        state = _tr("Online") if online else _tr("Offline")
        records = (
            _tr("1 record waiting") if waiting == 1 else _tr("{0} records waiting").format(waiting)
        )
        self.sync.setText(f"{state} · {records} · {_tr('never synced')}")

    # -- saving -----------------------------------------------------------------------

    def show_save(self, saves: SaveLedger) -> None:
        """'Saved HH:MM:SS' only when every write any sheet queued has committed."""
        failed = saves.state is SaveState.FAILED
        self.retry_button.setVisible(failed)
        self.details_button.setVisible(failed)
        palette = self.palette()
        if failed:
            palette.setColor(QPalette.ColorRole.WindowText, theme.text_colour("red", palette))
        self.save.setPalette(palette)
        font = self.save.font()
        font.setBold(failed)
        self.save.setFont(font)
        self.save.set_tip(
            _tr("Your scores stay on screen. Retry with Ctrl+S or the button.") if failed else ""
        )
        self._details = (saves.details or "") if failed else ""
        if failed:
            self.save.setText(_tr("Not saved — {0}").format(saves.error))
        elif saves.state is SaveState.SAVING:
            self.save.setText(_tr("Saving…"))
        elif saves.saved_at is not None:
            at = saves.saved_at
            stamp = QLocale().toString(QTime(at.hour, at.minute, at.second), "HH:mm:ss")
            self.save.setText(_tr("Saved {0}").format(stamp))
        else:
            self.save.setText("")

    def show_details(self) -> None:
        """The failed save's whole error, to read or copy."""
        box = QMessageBox(QMessageBox.Icon.Warning, _tr("Not saved"), "", parent=self.window())
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            _tr(
                "Some of your changes are not saved. They stay on screen; retry the save"
                " (Ctrl+S) once the cause is fixed."
            )
        )
        box.setDetailedText(self._details)
        box.setStandardButtons(QMessageBox.StandardButton.Close)
        box.open()
        self.details_box = box  # for tests

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:  # light ↔ dark: the red that reads
            self.show_save(self.desk.saves)
        super().changeEvent(event)

    # -- passing messages -------------------------------------------------------------

    def showMessage(self, text: str, timeout: int | None = 0) -> None:
        """A passing message, elided to the room it has; the whole text in the tooltip."""
        self._message = " ".join(text.split())
        shown = self.fontMetrics().elidedText(
            self._message, Qt.TextElideMode.ElideRight, self._message_room()
        )
        super().showMessage(shown, timeout or 0)
        self.setToolTip(self._message if shown != self._message else "")

    def message(self) -> str:
        """The whole passing message (`currentMessage()` is what fits)."""
        return self._message if self.currentMessage() else ""

    def _message_room(self) -> int:
        lefts = [w.x() for w in (self.save, self.retry_button, self.folder) if w.isVisible()]
        right = min(lefts) if lefts else self.width()
        return max(40, right - 16)

    def _message_changed(self, text: str) -> None:
        if not text:
            self._message = ""
            self.setToolTip("")
