"""The shell's dialogs: settings, diagnostics, error report, unlock, shortcuts."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from keyrings.alt.file import PlaintextKeyring
from PySide6.QtCore import Qt, QThread, QUrl
from PySide6.QtWidgets import QApplication, QDialog, QLabel

import assessor
from assessor.security.keys import UnlockThrottled, WrongPassphrase
from assessor.security.secrets import KeyringUnavailable, MemoryKeyring, SecretStore
from assessor.services import profiles as profile_service
from assessor.services.profiles import ProfileInfo, Signer, add_profile, list_profiles
from assessor.settings import Settings
from assessor.store import models as m
from assessor.store.db import Database
from assessor.ui.dialogs import error_report
from assessor.ui.dialogs.diagnostics import DiagnosticsDialog, collect
from assessor.ui.dialogs.error_report import ErrorDialog, ExceptHook, install_excepthook
from assessor.ui.dialogs.settings_dialog import SettingsDialog
from assessor.ui.dialogs.shortcuts import ALL_KEYS, SCORING_KEYS, ShortcutsDialog
from assessor.ui.dialogs.unlock import UnlockDialog, open_secret_store
from assessor.ui.dialogs.unlock_keyring import RememberedUnlock, Unlock, try_remembered
from assessor.ui.tasks import TaskRunner
from tests.conftest import PASSPHRASE, sealed_key

pytestmark = pytest.mark.usefixtures("qapp")

WAIT_MS = 10_000
WRONG = "not my passphrase at all"
LEFT = Qt.MouseButton.LeftButton


def buddies_are_set(dialog: QDialog) -> None:
    for label in dialog.findChildren(QLabel):
        if "&" in label.text():
            assert label.buddy() is not None, label.text()


# ---- settings ---------------------------------------------------------------------------------


def test_settings_dialog_round_trip(qtbot: Any) -> None:
    chosen = Settings(
        theme="dark",
        font_scale=1.25,
        search_delay_ms=400,
        confirm_open_external=False,
        lock_after_minutes=0,
        queue_page_size=500,
        backend_url="https://badges.example.org",
    )
    dialog = SettingsDialog(chosen)
    qtbot.addWidget(dialog)
    assert dialog.result_settings() == chosen
    assert dialog.lock_after.text() == "Never"
    assert dialog.ok_button.isEnabled()
    buddies_are_set(dialog)

    dialog.theme.setCurrentIndex(dialog.theme.findData("light"))
    dialog.font_scale.setValue(140)
    dialog.search_delay.setValue(0)
    dialog.page_size.setValue(1000)
    dialog.confirm_external.setChecked(True)
    dialog.lock_after.setValue(30)
    dialog.backend_url.setText("  http://127.0.0.1:8765/  ")
    assert dialog.result_settings() == Settings(
        theme="light",
        font_scale=1.4,
        search_delay_ms=0,
        confirm_open_external=True,
        lock_after_minutes=30,
        queue_page_size=1000,
        backend_url="http://127.0.0.1:8765/",
    )


def test_settings_dialog_offers_exactly_the_allowed_ranges(qtbot: Any) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    assert (dialog.font_scale.minimum(), dialog.font_scale.maximum()) == (80, 160)
    assert (dialog.search_delay.minimum(), dialog.search_delay.maximum()) == (0, 2000)
    assert (dialog.page_size.minimum(), dialog.page_size.maximum()) == (50, 1000)
    assert (dialog.lock_after.minimum(), dialog.lock_after.maximum()) == (0, 1440)
    assert [dialog.theme.itemData(i) for i in range(dialog.theme.count())] == [
        "system",
        "light",
        "dark",
    ]
    assert dialog.result_settings() == Settings()


def test_settings_dialog_disables_ok_and_says_why(qtbot: Any) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.problem.isVisible()

    dialog.backend_url.clear()
    qtbot.keyClicks(dialog.backend_url, "ftp://badges.example.org")
    assert not dialog.ok_button.isEnabled()
    assert dialog.problem.isVisible()
    assert dialog.problem.text() == (
        "Backend address: the address must start with https:// (or http://)."
    )
    dialog.accept()  # Enter while OK is disabled does nothing
    assert dialog.isVisible()

    dialog.backend_url.setText("https://user:secret@badges.example.org")
    assert "leave the user name and password out" in dialog.problem.text()
    assert not dialog.ok_button.isEnabled()

    dialog.backend_url.setText("")  # empty: offline, allowed
    assert dialog.ok_button.isEnabled()
    assert not dialog.problem.isVisible()

    dialog.page_size.lineEdit().setText("")
    assert not dialog.ok_button.isEnabled()
    assert "Rows loaded at a time: type a number from 50 to 1000." in dialog.problem.text()
    dialog.page_size.setValue(300)
    assert dialog.ok_button.isEnabled()

    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        dialog.ok_button.click()
    assert dialog.result_settings().queue_page_size == 300


def test_settings_dialog_keeps_an_unchanged_font_scale_exact(qtbot: Any) -> None:
    dialog = SettingsDialog(Settings(font_scale=1.234))
    qtbot.addWidget(dialog)
    assert dialog.result_settings().font_scale == 1.234


# ---- diagnostics ------------------------------------------------------------------------------


def test_diagnostics_collects_the_last_log_lines(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "assessor.log").write_text(
        "".join(f"2026-01-01 10:00:00 INFO assessor.test: line {n}\n" for n in range(250)),
        encoding="utf-8",
    )
    info = collect(tmp_path, keyring_backend="keyring.backends.SecretService.Keyring")
    assert len(info.log_lines) == 200
    assert info.log_lines[0].endswith("line 50")
    assert info.log_lines[-1].endswith("line 249")
    report = info.report()
    assert f"Assessor: {assessor.__version__}" in " ".join(report.split())
    assert "PySide6" in report and "Python" in report and "Qt" in report
    assert str(tmp_path) in report
    assert "keyring.backends.SecretService.Keyring" in report
    assert "line 249" in report


def test_diagnostics_without_a_log_says_so(tmp_path: Path) -> None:
    info = collect(tmp_path, keyring_backend="x", schema_revision="0003")
    assert info.log_lines == ()
    assert "No log lines yet" in info.report()
    assert "0003" in info.report()


def test_diagnostics_names_a_refused_keyring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As `keyring.set_keyring(PlaintextKeyring())` would, undone after the test.
    monkeypatch.setattr("keyring.core._keyring_backend", PlaintextKeyring())
    info = collect(tmp_path)
    assert info.keyring_backend == (
        "keyrings.alt.file.PlaintextKeyring (refused: not a secure system keyring)"
    )


def test_diagnostics_dialog_copies_the_report_and_opens_the_folder(
    qtbot: Any, tmp_path: Path
) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "assessor.log").write_text("first\nsecond\n", encoding="utf-8")
    opened: list[QUrl] = []
    runner = TaskRunner(synchronous=True)
    infos: list[Any] = []
    runner.run_parallel(collect, tmp_path, keyring_backend="test", on_done=infos.append)
    dialog = DiagnosticsDialog(infos[0], open_url=lambda url: opened.append(url) or True)
    qtbot.addWidget(dialog)
    assert dialog.text.isReadOnly()
    assert dialog.text.toPlainText().endswith("first\nsecond\n")

    QApplication.clipboard().clear()
    qtbot.mouseClick(dialog.copy_button, LEFT)
    assert QApplication.clipboard().text() == dialog.report_text()
    assert "second" in QApplication.clipboard().text()
    assert dialog.status.text().startswith("Copied.")

    qtbot.mouseClick(dialog.open_button, LEFT)
    assert opened == [QUrl.fromLocalFile(str(tmp_path))]


# ---- error report -----------------------------------------------------------------------------


@pytest.fixture
def hook(qtbot: Any) -> Iterator[ExceptHook]:
    installed = install_excepthook(lambda: None)
    try:
        yield installed
    finally:
        installed.uninstall()
        if installed.dialog is not None:
            installed.dialog.close()


def raise_and_report(exc: BaseException) -> None:
    try:
        raise exc
    except BaseException:
        sys.excepthook(*sys.exc_info())


def error_dialogs() -> list[ErrorDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog)]


def test_two_exceptions_make_one_dialog(
    qtbot: Any, hook: ExceptHook, caplog: pytest.LogCaptureFixture
) -> None:
    raise_and_report(ValueError("first problem"))
    raise_and_report(RuntimeError("second problem"))
    dialog = hook.dialog
    assert dialog is not None
    assert dialog.isVisible()
    assert [d for d in error_dialogs() if d.isVisible()] == [dialog]
    assert dialog.count == 2
    assert dialog.headline.text() == "Something went wrong in Assessor (2 times)."
    assert "Your saved scores are safe" in dialog.explanation.text()

    report = dialog.report_text()
    assert "ValueError: first problem" in report
    assert "RuntimeError: second problem" in report
    assert "Traceback (most recent call last)" in report
    assert f"Assessor: {assessor.__version__}" in report
    assert "PySide6: " in report

    logged = [r for r in caplog.records if r.name == "assessor.ui.dialogs.error_report"]
    assert len(logged) == 2
    assert logged[0].exc_info is not None and logged[0].exc_info[0] is ValueError
    assert "ValueError: first problem" in caplog.text

    QApplication.clipboard().clear()
    dialog.copy_button.click()
    assert QApplication.clipboard().text() == report

    with qtbot.waitSignal(dialog.finished, timeout=WAIT_MS):
        dialog.reject()
    assert hook.dialog is None
    raise_and_report(KeyError("third"))
    assert hook.dialog is not None and hook.dialog is not dialog
    assert hook.dialog.count == 1


def test_exception_in_a_worker_thread_reaches_the_gui_thread(
    qtbot: Any, hook: ExceptHook, caplog: pytest.LogCaptureFixture
) -> None:
    def work() -> None:
        raise OSError("disk went away")

    thread = threading.Thread(target=work, name="evidence-copy")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: hook.dialog is not None, timeout=WAIT_MS)
    dialog = hook.dialog
    assert dialog is not None
    assert dialog.thread() is QApplication.instance().thread()
    assert QThread.currentThread() is dialog.thread()
    assert "in thread evidence-copy" in dialog.report_text()
    assert "OSError: disk went away" in dialog.report_text()
    assert "in thread evidence-copy" in caplog.text


def test_exception_in_a_qt_callback_reaches_the_hook(qtbot: Any, hook: ExceptHook) -> None:
    runner = TaskRunner(synchronous=True)

    def broken_callback(_value: object) -> None:
        raise ZeroDivisionError("callback bug")

    runner.run_parallel(lambda: 1, on_done=broken_callback)
    qtbot.waitUntil(lambda: hook.dialog is not None, timeout=WAIT_MS)
    assert "ZeroDivisionError: callback bug" in hook.dialog.report_text()


def test_the_report_holds_no_local_variables(
    qtbot: Any, hook: ExceptHook, caplog: pytest.LogCaptureFixture
) -> None:
    def unlock_badly(passphrase: str) -> None:
        secret = passphrase.upper()
        raise ValueError(f"bad state of length {len(secret)}")

    typed = "".join(["hun", "ter2 is my passphrase"])  # so no source line shows it
    try:
        unlock_badly(typed)
    except ValueError:
        sys.excepthook(*sys.exc_info())
    assert hook.dialog is not None
    assert "hunter2" not in hook.dialog.report_text().lower()
    assert "hunter2" not in caplog.text.lower()


def test_uninstall_restores_the_previous_hooks(qtbot: Any) -> None:
    before_sys, before_threading = sys.excepthook, threading.excepthook
    installed = install_excepthook(lambda: None)
    assert sys.excepthook == installed._sys_hook
    assert threading.excepthook == installed._threading_hook
    error_report.uninstall()
    assert sys.excepthook is before_sys
    assert threading.excepthook is before_threading


# ---- unlock -----------------------------------------------------------------------------------


@pytest.fixture
def people(db: Database) -> list[ProfileInfo]:
    with db.write() as tx:
        add_profile(tx, "Ada Assessor", ["assessor"], sealed_key())
        add_profile(tx, "Ben Manager", ["manager", "assessor"], sealed_key())
    return list_profiles(db)


@pytest.fixture
def threaded(qapp: QApplication, db: Database) -> Iterator[TaskRunner]:
    tasks = TaskRunner(parallel_workers=2, db=db)
    try:
        yield tasks
    finally:
        assert tasks.shutdown(timeout=10)


def failures(db: Database, profile_id: str) -> int:
    with db.read() as tx:
        row = tx.get(m.Profile, profile_id)
        assert row is not None
        return row.failed_unlocks


def unlocker(db: Database) -> Unlock:
    """The real operation; the runner gives it `db`."""
    return profile_service.unlock


def remembered(db: Database) -> RememberedUnlock:
    """The real operation; the runner gives it `db`."""
    return profile_service.unlock_remembered


def make_dialog(
    qtbot: Any,
    people: list[ProfileInfo],
    unlock: Unlock,
    runner: TaskRunner,
    secrets: SecretStore | None = None,
    **kwargs: Any,
) -> UnlockDialog:
    dialog = UnlockDialog(people, unlock, runner, secrets, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_unlock_wrong_then_right_passphrase_on_the_serial_lane(
    qtbot: Any, db: Database, people: list[ProfileInfo], threaded: TaskRunner
) -> None:
    lanes: list[str] = []

    def unlock(given: Database, ref: str, passphrase: str) -> Signer:
        lanes.append(threading.current_thread().name)
        assert given is db
        return profile_service.unlock(given, ref, passphrase)

    dialog = make_dialog(qtbot, people, unlock, threaded)
    ada = people[0]
    assert [dialog.profile_box.itemText(i) for i in range(dialog.profile_box.count())] == [
        "Ada Assessor — assessor",
        "Ben Manager — assessor, manager",
    ]
    assert dialog.passphrase.echoMode() == dialog.passphrase.EchoMode.Password
    assert dialog.passphrase.accessibleName() == "Passphrase"
    buddies_are_set(dialog)

    qtbot.keyClicks(dialog.passphrase, WRONG)
    qtbot.mouseClick(dialog.unlock_button, LEFT)
    assert dialog.message.text() == "Unlocking…"
    assert not dialog.unlock_button.isEnabled()
    assert dialog.busy
    qtbot.waitUntil(lambda: not dialog.busy, timeout=WAIT_MS)
    assert dialog.message.text() == "Wrong passphrase. Try again."
    assert dialog.passphrase.selectedText() == WRONG
    assert dialog.unlock_button.isEnabled()
    assert dialog.isVisible() and dialog.signer() is None
    assert failures(db, ada.id) == 1
    assert lanes == [f"{threaded._name}-serial"]

    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)  # replaces the selected text
    assert dialog.passphrase.text() == PASSPHRASE
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.unlock_button, LEFT)
    signer = dialog.signer()
    assert signer is not None
    assert signer.did == ada.did
    assert signer.profile.id == ada.id
    assert dialog.passphrase.text() == ""
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert failures(db, ada.id) == 0


def test_unlock_another_profile_and_empty_passphrase(
    qtbot: Any, db: Database, people: list[ProfileInfo]
) -> None:
    calls: list[str] = []

    def unlock(given: Database, ref: str, passphrase: str) -> Signer:
        calls.append(ref)
        return profile_service.unlock(given, ref, passphrase)

    ben = people[1]
    dialog = make_dialog(qtbot, people, unlock, TaskRunner(synchronous=True, db=db), current=ben.id)
    assert dialog.profile() == ben
    dialog.unlock_button.click()
    assert calls == []
    assert dialog.message.text() == "Type your passphrase, then press Unlock."
    dialog.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(dialog.unlocked, timeout=WAIT_MS) as unlocked:
        dialog.unlock_button.click()
    assert unlocked.args[0].did == ben.did
    assert calls == [ben.id]


def test_too_many_wrong_passphrases_wait_then_allow_again(
    qtbot: Any, db: Database, people: list[ProfileInfo]
) -> None:
    dialog = make_dialog(qtbot, people, unlocker(db), TaskRunner(synchronous=True, db=db))
    ada = people[0]
    for _ in range(5):  # the fifth wrong passphrase starts a 1 s wait
        dialog.passphrase.setText(WRONG)
        dialog.unlock_button.click()
        assert dialog.message.text() == "Wrong passphrase. Try again."
    assert failures(db, ada.id) == 5
    dialog.passphrase.setText(PASSPHRASE)
    dialog.unlock_button.click()
    assert dialog.message.text() == "Too many wrong passphrases: try again in 1 s"
    assert not dialog.unlock_button.isEnabled()
    assert dialog.signer() is None
    qtbot.waitUntil(dialog.unlock_button.isEnabled, timeout=WAIT_MS)
    assert dialog.message.text() == "You can try again now."
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        dialog.unlock_button.click()
    assert dialog.signer() is not None


def test_the_wait_is_read_from_the_exception(
    qtbot: Any, db: Database, people: list[ProfileInfo]
) -> None:
    def throttled(_db: Database, ref: str, passphrase: str) -> Signer:
        raise UnlockThrottled(299.5)

    dialog = make_dialog(qtbot, people, throttled, TaskRunner(synchronous=True, db=db))
    dialog.passphrase.setText(WRONG)
    dialog.unlock_button.click()
    assert dialog.message.text() == "Too many wrong passphrases: try again in 5 min"
    dialog.reject()


def test_remember_then_unlock_without_the_dialog(
    qtbot: Any, db: Database, people: list[ProfileInfo], threaded: TaskRunner
) -> None:
    secrets = SecretStore(MemoryKeyring())
    ada = people[0]
    dialog = make_dialog(qtbot, people, unlocker(db), threaded, secrets)
    assert dialog.remember.isEnabled()
    assert "memory until Assessor quits" in dialog.remember.toolTip()
    dialog.remember.setChecked(True)
    dialog.passphrase.setText(PASSPHRASE)
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        dialog.unlock_button.click()
    assert secrets.unlock_secret(ada.id) == PASSPHRASE
    assert secrets.unlock_secret(people[1].id) is None

    results: list[Signer | None] = []
    try_remembered(ada.id, secrets, remembered(db), threaded, results.append)
    qtbot.waitUntil(lambda: len(results) == 1, timeout=WAIT_MS)
    signer = results[0]
    assert signer is not None and signer.did == ada.did
    assert not any(
        isinstance(w, UnlockDialog) and w.isVisible() for w in QApplication.topLevelWidgets()
    )


def test_try_remembered_forgets_a_secret_that_no_longer_opens(
    db: Database, people: list[ProfileInfo]
) -> None:
    secrets = SecretStore(MemoryKeyring())
    ada = people[0]
    secrets.remember_unlock(ada.id, "the passphrase before it changed")
    results: list[Signer | None] = []
    runner = TaskRunner(synchronous=True, db=db)
    try_remembered(ada.id, secrets, remembered(db), runner, results.append)
    assert results == [None]
    assert secrets.unlock_secret(ada.id) is None
    assert failures(db, ada.id) == 1


def test_try_remembered_with_nothing_remembered(db: Database, people: list[ProfileInfo]) -> None:
    calls: list[str] = []

    def unlock(_db: Database, ref: str, passphrase: str, secrets: SecretStore) -> Signer | None:
        calls.append(ref)
        raise WrongPassphrase()

    runner = TaskRunner(synchronous=True, db=db)
    results: list[Signer | None] = []
    try_remembered(people[0].id, None, unlock, runner, results.append)
    try_remembered(people[0].id, SecretStore(MemoryKeyring()), unlock, runner, results.append)
    assert results == [None, None]
    assert calls == []


def test_an_insecure_keyring_disables_remember_and_says_why(
    qtbot: Any, db: Database, people: list[ProfileInfo]
) -> None:
    secrets, reason = open_secret_store(PlaintextKeyring())
    assert secrets is None
    assert reason is not None and "keeps secrets in a file" in reason
    dialog = make_dialog(
        qtbot,
        people,
        unlocker(db),
        TaskRunner(synchronous=True, db=db),
        None,
        keyring_problem=reason,
    )
    assert not dialog.remember.isEnabled()
    assert reason in dialog.remember.toolTip()
    assert dialog.remember.toolTip().startswith("Assessor cannot remember your passphrase here:")
    assert dialog.remember_note.isVisible()
    assert "no secure keyring" in dialog.remember_note.text()
    dialog.passphrase.setText(WRONG)
    dialog.unlock_button.click()  # a failed attempt must not enable it again
    assert not dialog.remember.isEnabled()


def test_a_keyring_that_refuses_to_remember_is_shown_not_fatal(
    qtbot: Any, db: Database, people: list[ProfileInfo], monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets = SecretStore(MemoryKeyring())

    def locked(profile_id: str, secret: str) -> None:
        raise KeyringUnavailable(
            "could not remember the unlock secret: the keyring is locked; unlock it and try again"
        )

    monkeypatch.setattr(secrets, "remember_unlock", locked)
    dialog = make_dialog(qtbot, people, unlocker(db), TaskRunner(synchronous=True, db=db), secrets)
    dialog.remember.setChecked(True)
    dialog.passphrase.setText(PASSPHRASE)
    dialog.unlock_button.click()
    assert dialog.isVisible()
    assert dialog.message.text().startswith(
        "Unlocked, but Assessor could not remember your passphrase on this computer "
        "(could not remember the unlock secret: the keyring is locked"
    )
    assert dialog.unlock_button.text() == "&Continue"
    assert dialog.passphrase.text() == ""
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        dialog.unlock_button.click()
    assert dialog.signer() is not None and dialog.signer().did == people[0].did


def test_no_profiles_says_what_to_do(qtbot: Any) -> None:
    def unlock(_db: Database, ref: str, passphrase: str) -> Signer:
        raise AssertionError("nothing to unlock")

    dialog = make_dialog(qtbot, [], unlock, TaskRunner(synchronous=True))
    assert not dialog.unlock_button.isEnabled()
    assert "assessor profile create" in dialog.message.text()
    dialog.reject()


# ---- shortcuts --------------------------------------------------------------------------------


def test_shortcuts_lists_the_keys_of_ui_md(qtbot: Any) -> None:
    assert [key for key, _ in SCORING_KEYS] == [
        "1–9",
        "↑ ↓, Tab Shift+Tab",
        "C",
        "O",
        "PgUp PgDn, + -, 0",
        "[ ]",
        "Ctrl+Enter",
        "Ctrl+→ Ctrl+←",
        "Ctrl+Z Ctrl+Y",
        "Ctrl+F",
        "Ctrl+I",
        "?",
    ]
    assert dict(SCORING_KEYS)["Ctrl+Enter"] == "Finalize and sign"
    assert {"Enter", "Esc", "Ctrl+,", "F1"} <= {key for key, _ in ALL_KEYS}
    dialog = ShortcutsDialog(ALL_KEYS)
    qtbot.addWidget(dialog)
    assert dialog.rows() == list(ALL_KEYS)
    assert dialog.table.columnCount() == 2
    assert dialog.table.editTriggers() == dialog.table.EditTrigger.NoEditTriggers


def test_settings_round_trip_through_the_dialog_and_file(qtbot: Any, tmp_path: Path) -> None:
    from assessor import settings

    path = tmp_path / "settings.json"
    dialog = SettingsDialog(settings.load(path))
    qtbot.addWidget(dialog)
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    settings.save(path, dialog.result_settings())
    assert settings.load(path) == replace(Settings(), theme="dark")
