"""Builds the main window for an opened data folder and connects its dialogs."""

from __future__ import annotations

import gc
import logging
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from assessor.services.data_folder import schema_revision
from assessor.services.profiles import ProfileInfo, Signer
from assessor.services.profiles import unlock as unlock_profile
from assessor.settings import Settings
from assessor.settings import save as save_settings
from assessor.store.db import Database
from assessor.ui import desks, theme
from assessor.ui.desk import Desk, Identity
from assessor.ui.dialogs.diagnostics import DiagnosticsDialog, collect
from assessor.ui.dialogs.settings_dialog import SettingsDialog
from assessor.ui.dialogs.shortcuts import ALL_KEYS, ShortcutsDialog
from assessor.ui.dialogs.unlock import UnlockDialog
from assessor.ui.dialogs.unlock_keyring import Unlock
from assessor.ui.main_window import MainWindow
from assessor.ui.reports import REPORT_KEYS
from assessor.ui.reports import install as install_reports
from assessor.ui.sync.install import SYNC_KEYS
from assessor.ui.sync.install import install as install_sync
from assessor.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from assessor.app.window import Opened

log = logging.getLogger(__name__)

# Keys of screens this desk does not have are not offered.
SHOWN_KEYS = tuple(row for row in ALL_KEYS if row[0] != "Ctrl+I") + SYNC_KEYS + REPORT_KEYS


def build_window(
    opened: Opened,
    profile: ProfileInfo,
    signer: Signer | None,
    runner: TaskRunner,
    unlock: Unlock = unlock_profile,
) -> MainWindow:
    identity = Identity(profile, signer, opened.settings.lock_after_minutes)
    if not runner.attached:  # the app attaches it as the folder opens (unlocking needs it)
        runner.attach(opened.db)
    desk = Desk(
        runner=runner,
        data_dir=opened.db.data_dir,
        identity=identity,
        settings=opened.settings,
        settings_path=opened.settings_path,
        secrets=opened.secrets,
        secrets_problem=opened.secrets_problem,
    )
    window = MainWindow(desk)
    identity.setParent(window)
    window.sync = install_sync(window)
    install_reports(window)  # File ▸ Report of this page, Ctrl+P (kept by the window)
    # Ctrl+I is offered only on a desk that has the proctor console.
    keys = ALL_KEYS + SYNC_KEYS + REPORT_KEYS if desks.SESSIONS in window.pages else SHOWN_KEYS
    window.on_shortcuts = lambda: ShortcutsDialog(keys, window).open()
    window.on_diagnostics = lambda: _diagnostics(window)
    window.on_settings = lambda: _settings(window)
    window.on_unlock = lambda: _unlock(window, unlock)
    return window


def settle_heap() -> None:
    """Keep what start-up made out of the garbage collector's full passes, once the window
    is open (decision 0028). A full pass walks every tracked object holding the GIL: over
    100 ms with the window open, and one started on a sync's worker stopped the GUI thread
    as long. Objects made later are collected as before. The start ran without collections
    (`assessor.app._paint_first`, decision 0031): they start again here."""
    gc.freeze()
    gc.enable()


def _diagnostics(window: MainWindow) -> None:
    desk = window.desk

    def gather(db: Database) -> object:
        return collect(db.data_dir, schema_revision=schema_revision(db))

    desk.runner.read(
        gather, on_done=lambda info: DiagnosticsDialog(info, window).open(), key=("diagnostics",)
    )


def _settings(window: MainWindow) -> None:
    desk = window.desk
    dialog = SettingsDialog(desk.settings, window)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    chosen: Settings = dialog.result_settings()

    def saved(_none: object) -> None:
        desk.settings = chosen
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply(app, chosen.theme, chosen.font_scale)
        window.status.showMessage("Settings saved.", 5000)

    def failed(exc: BaseException) -> None:
        QMessageBox.warning(window, "Settings", f"The settings were not saved: {exc}")

    desk.runner.run_serial(
        save_settings, desk.settings_path, chosen, on_done=saved, on_error=failed
    )


def _unlock(window: MainWindow, unlock: Unlock) -> None:
    desk = window.desk
    dialog = UnlockDialog(
        [desk.identity.profile],
        unlock,
        desk.runner,
        desk.secrets,
        window,
        keyring_problem=desk.secrets_problem or None,
        current=desk.identity.profile.id,
    )
    dialog.unlocked.connect(desk.identity.unlocked)
    dialog.accepted.connect(window.workspace.unlocked)
    dialog.rejected.connect(window.workspace.unlock_cancelled)
    dialog.finished.connect(dialog.deleteLater)  # it must not keep the key after it closed
    dialog.open()
