"""Opening the desktop window: data folder, profile and key, then the main window.

Every step that touches the disk, the database or the key runs on the task runner; the GUI
thread only shows what came back. `--demo` and `--self-test` first write a fresh demo folder.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QProgressDialog

from assessor import log as file_log
from assessor import paths, resources
from assessor.app import first_paint
from assessor.app.wiring import build_window, settle_heap
from assessor.domain.changes import Change
from assessor.domain.text import for_terminal
from assessor.security.secrets import SecretStore
from assessor.services.data_folder import open_data
from assessor.services.profiles import (
    ProfileInfo,
    Signer,
    create_profile,
    list_profiles,
    unlock,
    unlock_remembered,
)
from assessor.settings import Settings
from assessor.settings import load as load_settings
from assessor.store.db import Database
from assessor.store.errors import DataFolderLocked
from assessor.ui import theme
from assessor.ui.dialogs.error_report import install_excepthook
from assessor.ui.dialogs.new_profile import NewProfileDialog
from assessor.ui.dialogs.unlock import UnlockDialog, open_secret_store
from assessor.ui.dialogs.unlock_keyring import try_remembered
from assessor.ui.main_window import MainWindow
from assessor.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

SETTINGS_FILE = "settings.json"
EXIT_USAGE = 2


@dataclass
class Opened:
    db: Database
    profiles: list[ProfileInfo]
    settings: Settings
    settings_path: Path
    secrets: SecretStore | None
    secrets_problem: str


def prepare(data_dir: str | None, *, demo: bool) -> Opened:
    """Runs on a worker thread: the demo (if asked), the database, profiles, settings. The
    keyring is found by a task of its own, alongside (`DeskApp.run`)."""

    folder = Path(data_dir) if data_dir else None
    if demo:
        from assessor.demo import write_demo  # reportlab and friends: only for a demo

        folder = folder or Path(tempfile.mkdtemp(prefix="assessor-demo-"))
        write_demo(folder)
    db = open_data(folder)
    file_log.setup(paths.log_file(db.data_dir))  # the window's start-up, like the CLI's open_db
    try:
        settings_path = db.data_dir / SETTINGS_FILE
        settings = load_settings(settings_path)
        return Opened(db, list_profiles(db), settings, settings_path, None, "")
    except BaseException:
        db.close()
        raise


def run(args: argparse.Namespace) -> int:
    if args.self_test:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app = theme.application()
    app.setApplicationName("Assessor")
    app.setOrganizationName("Assessor")
    app.setWindowIcon(app_icon())
    app.setDesktopFileName(resources.APP_ID)  # Wayland matches the window to its menu entry
    # Until the main window shows, closing the "please wait" or unlock window must not quit.
    app.setQuitOnLastWindowClosed(False)
    theme.apply(app)
    desk_app = DeskApp(app, args)
    return desk_app.run()


def app_icon() -> QIcon:
    """The application icon at every size shipped (files are read when a size is drawn)."""
    icon = QIcon()
    for size in resources.APP_ICON_SIZES:
        icon.addFile(str(resources.app_icon_png(size)), QSize(size, size))
    return icon


class DeskApp:
    """The window's life: open → unlock → main window → quit (runner stopped, store closed)."""

    def __init__(self, app: QApplication, args: argparse.Namespace) -> None:
        self.app = app
        self.args = args
        self.runner = TaskRunner()
        self.opened: Opened | None = None
        self.keyring: tuple[SecretStore | None, str | None] | None = None
        self.window: MainWindow | None = None
        self.demo_backend: Any = None  # the demo's issuer, once started
        self.status = 0
        self.hook = install_excepthook(lambda: self.window)
        self.tell: Callable[[str], object] = lambda text: QMessageBox.critical(
            None, "Assessor", text
        )

    def run(self) -> int:

        demo = bool(self.args.demo or self.args.self_test)
        data_dir = self.args.data_dir
        throwaway = None
        if self.args.self_test and not data_dir:
            data_dir = throwaway = tempfile.mkdtemp(prefix="assessor-self-test-")
        self.wait: QProgressDialog | None = _busy(
            "Preparing demo data…" if demo else "Opening your data…"
        )
        self.runner.run_parallel(
            prepare,
            data_dir,
            demo=demo,
            on_done=self._opened,
            on_error=self._not_opened,
        )
        # Finding the keyring loads every keyring backend: alongside, not after, the store.
        self.runner.run_parallel(
            open_secret_store,
            on_done=self._keyring_found,
            # A keyring that breaks in an unforeseen way costs "remember", not the start.
            on_error=lambda exc: self._keyring_found((None, f"the keyring failed: {exc}")),
        )
        status = QApplication.exec()
        self.wind_up()
        status = self.status or status
        if throwaway is not None:
            _drop_throwaway(Path(throwaway), kept=status != 0)
        return status

    def wind_up(self) -> None:
        """After the event loop: tasks finish (no callback runs any more), then the demo
        issuer stops, even one that was still starting, and the store closes."""
        self.runner.shutdown()
        if self.demo_backend is not None:
            self.demo_backend.stop()
        if self.window is not None and self.window.desk.opened_files is not None:
            # Copies of learners' files handed to system viewers do not outlive the session.
            shutil.rmtree(self.window.desk.opened_files, ignore_errors=True)
        if self.opened is not None:
            self.opened.db.close()

    def _close_wait(self) -> None:
        if self.wait is not None:
            self.wait.close()
            self.wait = None

    def _not_opened(self, exc: BaseException) -> None:

        self._close_wait()
        folder = paths.data_dir(self.args.data_dir)
        if isinstance(exc, DataFolderLocked):
            text = (
                f"Another Assessor window is already using the data folder\n{folder}\n\n"
                "Only one window may use a data folder at a time, so that no score is ever"
                " written twice. Switch to that window, or close it and try again."
            )
        else:
            # Anything else too (a file where the folder should be, no permission...): say
            # so and end, rather than leave a process with no window.
            text = f"Assessor could not open its data folder {folder}:\n\n{exc}"
        # before the log file is set up this goes to the terminal: the folder is escaped
        log.error(
            "could not open %s: %s", for_terminal(str(folder)), for_terminal(str(exc)), exc_info=exc
        )
        if self.args.self_test:
            print(f"self-test: {for_terminal(text)}", file=sys.stderr)  # it may quote a path
        else:
            self.tell(text)
        self.status = EXIT_USAGE
        QApplication.exit(EXIT_USAGE)

    def _keyring_found(self, found: tuple[SecretStore | None, str | None]) -> None:
        self.keyring = found
        if self.opened is not None:
            self._opened(self.opened)

    def _opened(self, opened: Opened) -> None:
        self.opened = opened
        self.runner.attach(opened.db)  # from here on, every screen's data goes through it
        if self.keyring is None:
            return  # _keyring_found carries on
        opened.secrets, problem = self.keyring
        opened.secrets_problem = problem or ""
        self._close_wait()
        theme.apply(self.app, opened.settings.theme, opened.settings.font_scale)
        if not opened.profiles:
            self._first_profile(opened)
            return
        if getattr(self.args, "start_probe", False):
            from assessor.app.start_probe import watch

            self._show(_assessor_profile(opened.profiles), None)
            assert self.window is not None
            self.probe = watch(self.window)
            return
        if self.args.self_test:
            from assessor.demo import DEMO_PASSPHRASE

            profile = _assessor_profile(opened.profiles)
            self.runner.write(
                unlock,
                profile.id,
                DEMO_PASSPHRASE,
                changes={Change.PROFILES},
                on_done=lambda signer: self._show(profile, signer),
                on_error=self._fail_self_test,
            )
            return
        self._ask_unlock(opened)

    def _first_profile(self, opened: Opened) -> None:
        """An empty data folder: the person makes their profile, then works."""

        def create(db: Database, name: str, roles: list[str], passphrase: str) -> Signer:
            info = create_profile(db, name, roles, passphrase)
            return unlock(db, info.id, passphrase)

        dialog = NewProfileDialog(create, self.runner)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            QApplication.exit(0)  # nobody to work as: nothing to show
            return
        signer = dialog.signer()
        dialog.deleteLater()
        assert signer is not None
        opened.profiles = [signer.profile]
        self._show(signer.profile, signer)

    def _ask_unlock(self, opened: Opened) -> None:

        last = QSettings().value("last_profile", "")
        profile = next((p for p in opened.profiles if p.id == last), None)

        def remembered(signer: Signer | None) -> None:
            if signer is not None and profile is not None:
                self._show(profile, signer)
            else:
                self._unlock_dialog(opened, str(last) or None)

        if profile is None:
            remembered(None)
            return
        try_remembered(profile.id, opened.secrets, unlock_remembered, self.runner, remembered)

    def _unlock_dialog(self, opened: Opened, current: str | None) -> None:

        dialog = UnlockDialog(
            opened.profiles,
            unlock,
            self.runner,
            opened.secrets,
            keyring_problem=opened.secrets_problem or None,
            current=current,
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            QApplication.exit(0)  # no one unlocked: nothing to show
            return
        signer, profile = dialog.signer(), dialog.profile()
        dialog.deleteLater()
        assert signer is not None and profile is not None
        self._show(profile, signer)

    def _show(self, profile: ProfileInfo, signer: Signer | None) -> None:

        assert self.opened is not None
        QSettings().setValue("last_profile", profile.id)
        window = build_window(self.opened, profile, signer, self.runner)
        self.window = window
        first_paint.hand_over(window)  # shows it in the first paint's place
        self.app.setQuitOnLastWindowClosed(True)
        window.start()
        settle_heap()
        if self.args.demo:
            self._start_demo_issuer(window)
        if self.args.self_test:
            from assessor.app.self_test import SelfTest

            self.self_test = SelfTest(window, self.args.screenshots)
            self.self_test.finished.connect(self._self_test_done)
            self.self_test.start()

    def _start_demo_issuer(self, window: MainWindow) -> None:
        """The demo's reference issuer, in this process on 127.0.0.1, on a background lane
        (seeding and enrolling take a few seconds); stopped when the program ends."""
        from assessor.demo.backend import start_demo_backend

        say = window.status.showMessage
        say("Starting the demo issuer…")

        def start(db: Database, secrets: SecretStore | None) -> Any:
            backend = start_demo_backend(db, secrets)
            # Kept from the worker: a quit before `started` runs (it never will once the
            # runner shut down) still stops it in wind_up.
            self.demo_backend = backend
            return backend

        def started(backend: Any) -> None:
            enrolled = ", ".join(backend.enrolled) or "nobody"
            problems = "; ".join(backend.problems)
            say(
                f"Demo issuer running at {backend.url}; enrolled: {enrolled}."
                + (f" {problems}." if problems else " Score a submission, then Sync now (F9).")
            )
            window.sync.controller.load()
            window.sync.page.reload()

        def failed(exc: BaseException) -> None:
            say(f"The demo issuer did not start: {exc}. Your demo data is unaffected.")

        self.runner.read(
            start, self.opened.secrets if self.opened else None, on_done=started, on_error=failed
        )

    def _self_test_done(self, ok: bool, message: str) -> None:

        print(f"self-test: {for_terminal(message)}", file=sys.stderr if not ok else sys.stdout)
        self.status = 0 if ok else 1
        if self.window is not None:
            self.window.close()
        QApplication.exit(self.status)

    def _fail_self_test(self, exc: BaseException) -> None:
        self._self_test_done(False, f"could not unlock the demo profile: {exc}")


def _drop_throwaway(folder: Path, *, kept: bool) -> None:
    """The self-test's own demo folder goes when the test passed; after a failure it stays,
    with its log, and the terminal says where."""
    if kept:
        print(f"self-test: its demo folder is kept: {for_terminal(str(folder))}", file=sys.stderr)
    else:
        shutil.rmtree(folder, ignore_errors=True)


def _assessor_profile(profiles: list[ProfileInfo]) -> ProfileInfo:
    return next((p for p in profiles if "assessor" in p.roles), profiles[0])


def _busy(text: str) -> QProgressDialog:
    """A small "please wait" window with a moving bar, for the seconds before the window."""
    wait = QProgressDialog(text, "", 0, 0)
    wait.setWindowTitle("Assessor")
    wait.setCancelButton(None)
    wait.setWindowModality(Qt.WindowModality.ApplicationModal)
    wait.setMinimumDuration(0)
    wait.show()
    return wait
