"""Puts the sync into a main window: the Sync and Credentials pages with their keys, "Sync
now" (F9) and "Enrol with a backend…" in the File menu, the status bar's sync words (kept
current as rounds run and time passes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QTimer

from assessor.ui.sync.controller import SyncController, now
from assessor.ui.sync.credentials import CredentialsPage
from assessor.ui.sync.enrol_dialog import EnrolDialog
from assessor.ui.sync.page import SyncPage
from assessor.ui.sync.words import status_line

SYNC_KEYS = (
    ("F9", "Sync now: send every record waiting"),
    ("Ctrl+5", "Sync page: outbox, flags, enrolment"),
    ("Ctrl+6", "Credentials issued from your work"),
)


def _tr(text: str) -> str:
    return QCoreApplication.translate("Sync", text)


@dataclass
class SyncParts:
    controller: SyncController
    page: SyncPage
    credentials: CredentialsPage
    dialog: EnrolDialog | None = None

    def open_enrol(self) -> EnrolDialog:
        if self.dialog is None:
            self.dialog = EnrolDialog(self.controller, self.page.window())
        self.dialog.show_state()
        self.dialog.open()
        self.dialog.activateWindow()
        field = self.dialog.url if self.dialog.url.isEnabled() else self.dialog.buttons
        field.setFocus()
        self.dialog.url.selectAll()  # typing replaces the backend shown
        return self.dialog


def install(window: Any, **options: Any) -> SyncParts:
    """`options` go to every SyncService the window makes (tests: a timeout, a backoff)."""
    desk = window.desk
    controller = SyncController(desk, window, **options)
    parts = SyncParts(controller, SyncPage(desk, controller), CredentialsPage(desk))
    window.add_page("sync", _tr("S&ync"), parts.page, ["Ctrl+5"])
    window.add_page("credentials", _tr("&Credentials"), parts.credentials, ["Ctrl+6"])
    menu = window.menus["file"]
    first = menu.actions()[0] if menu.actions() else None
    sync_now = window._add("file", _tr("S&ync now"), ["F9"], controller.sync_now)
    enrol = window._add("file", _tr("&Enrol with a backend…"), [], parts.open_enrol)
    if first is not None:
        menu.insertActions(first, [sync_now, enrol])
        menu.insertSeparator(first)
    parts.page.enrol_requested.connect(parts.open_enrol)

    status = window.status
    status.sync_words = lambda waiting: status_line(controller.state, waiting, now())
    controller.changed.connect(lambda: status.show_outbox(status.waiting))
    ticker = QTimer(window)  # "last sync 3 min ago" stays true
    ticker.timeout.connect(lambda: status.show_outbox(status.waiting))
    ticker.start(30_000)
    # A close that really happens stops rounds before the runner joins; a cancelled one not.
    window.closed.connect(controller.stop)
    controller.load()
    parts.page.reload()
    parts.credentials.reload()
    return parts
