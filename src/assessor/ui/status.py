"""The status bar: who is working, sync state, and the save indicator that never lies."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, Qt, QTime, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QStatusBar, QWidget

from assessor.ui import theme
from assessor.ui.desk import Desk
from assessor.ui.scoring.sheet import SaveState, SaveTracker


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
        self.identity = QLabel()
        self.sync = QLabel()
        self.save = QLabel()
        for label in (self.identity, self.sync, self.save):
            label.setTextFormat(Qt.TextFormat.PlainText)  # names and errors are not markup
        self.save.setAccessibleName(_tr("Save state"))
        self.retry_button = QPushButton(_tr("Retry save (Ctrl+S)"))
        self.retry_button.clicked.connect(self.retry)
        self.retry_button.hide()
        self.folder = QLabel(_tr("data: {0}").format(short_path(desk.db.data_dir)))
        self.folder.setToolTip(str(desk.db.data_dir))
        self.addWidget(self.identity)
        self.addWidget(self.sync)
        self.addPermanentWidget(self.save)
        self.addPermanentWidget(self.retry_button)
        self.addPermanentWidget(self.folder)
        self.show_outbox(0)
        self.show_identity()

    def show_identity(self) -> None:
        identity = self.desk.identity
        key = (
            _tr("key locked (Ctrl+L unlocks from File)") if identity.locked else _tr("key unlocked")
        )
        self.identity.setText(f"{identity.profile.name} ({identity.role}) · {key}")

    def show_outbox(self, waiting: int) -> None:
        online = bool(self.desk.settings.backend_url)
        state = _tr("Online") if online else _tr("Offline")
        records = (
            _tr("1 record waiting") if waiting == 1 else _tr("{0} records waiting").format(waiting)
        )
        self.sync.setText(f"  {state} · {records} · {_tr('never synced')}")

    def show_save(self, saves: SaveTracker) -> None:
        """'Saved HH:MM:SS' only when every write any sheet queued has committed."""
        failed = saves.state is SaveState.FAILED
        self.retry_button.setVisible(failed)
        self.save.setStyleSheet(f"color: {theme.RED.name()}; font-weight: bold;" if failed else "")
        self.save.setToolTip(
            _tr("Your scores stay on screen. Retry with Ctrl+S or the button.") if failed else ""
        )
        if failed:
            self.save.setText(_tr("Not saved — {0}").format(saves.error))
        elif saves.state is SaveState.SAVING:
            self.save.setText(_tr("Saving…"))
        elif saves.saved_at is not None:
            at = saves.saved_at
            stamp = QLocale().toString(QTime(at.hour, at.minute, at.second), "HH:mm:ss")
            self.save.setText(_tr("Saved {0}").format(stamp))
        else:
            self.save.clear()
