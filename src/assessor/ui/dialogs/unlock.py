"""Unlock a profile: choose who you are, type your passphrase, get a `Signer`.

Unlocking derives a key with Argon2id (~0.4 s) and writes the failure count, so it runs on
the task runner's serial lane; the dialog says "Unlocking…" meanwhile. Keyring reads and
writes (the opt-in "Remember on this computer") run on the parallel lane: a Secret Service
may stop to ask the person to unlock their keyring, and database writes must not wait for
that. The passphrase is never logged and never kept on the dialog: it lives in the field,
then in the one call that uses it, and the field is cleared once it has been used.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assessor.domain.changes import Change
from assessor.domain.errors import DomainError
from assessor.security.keys import UnlockThrottled, WrongPassphrase
from assessor.security.secrets import SecretStore
from assessor.services.profiles import ProfileInfo, Signer
from assessor.ui import theme
from assessor.ui.dialogs.unlock_keyring import (
    Unlock,
    keyring_words,
    open_secret_store,
    profile_label,
    wait_words,
)
from assessor.ui.tasks import Task, TaskRunner

__all__ = ["UnlockDialog", "keyring_words", "open_secret_store", "profile_label", "wait_words"]

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("UnlockDialog", text)


class UnlockDialog(QDialog):
    """Choose a profile, type its passphrase, Unlock. `signer()` after it was accepted."""

    unlocked = Signal(object)  # the Signer, just before the dialog accepts

    def __init__(
        self,
        profiles: Sequence[ProfileInfo],
        unlock: Unlock,
        runner: TaskRunner,
        secrets: SecretStore | None,
        parent: QWidget | None = None,
        *,
        keyring_problem: str | None = None,
        current: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("UnlockDialog")
        self.setWindowTitle(_tr("Unlock your profile"))
        self._profiles = list(profiles)
        self._unlock = unlock
        self._runner = runner
        self._secrets = secrets
        self._signer: Signer | None = None
        self._task: Task | None = None
        # Counts down to the end of an unlock wait. Precise: a coarse timer may fire early,
        # and an Unlock offered before the wait is over is refused again.
        self._countdown = QTimer(self)
        self._countdown.setSingleShot(True)
        self._countdown.setTimerType(Qt.TimerType.PreciseTimer)
        self._countdown.timeout.connect(self._tick)
        self._retry_at: float | None = None  # time.monotonic() when the wait is over

        intro = QLabel(
            _tr(
                "Your passphrase opens your signing key. Assessor signs every score you "
                "finalize with it, so nobody else can score as you."
            )
        )
        intro.setWordWrap(True)

        self.profile_box = QComboBox()
        self.profile_box.setAccessibleName(_tr("Profile"))
        for p in self._profiles:
            self.profile_box.addItem(profile_label(p), p.id)
        if current is not None:
            index = self.profile_box.findData(current)
            if index >= 0:
                self.profile_box.setCurrentIndex(index)

        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(_tr("Passphrase"))
        self.passphrase.setMinimumWidth(280)

        self.remember = QCheckBox(_tr("&Remember on this computer"))
        self.remember_note = QLabel()
        self.remember_note.setWordWrap(True)
        if secrets is not None:
            self.remember.setToolTip(
                _tr(
                    "Keeps your passphrase in {keyring} so Assessor unlocks without asking. "
                    "Anyone who can sign in to this computer account could then sign scores "
                    "as you."
                ).format(keyring=keyring_words(secrets.backend_name))
            )
            self.remember_note.hide()
        else:
            reason = keyring_problem or _tr("no system keyring was found")
            self.remember.setEnabled(False)
            self.remember.setToolTip(
                _tr("Assessor cannot remember your passphrase here: {reason}").format(reason=reason)
            )
            self.remember_note.setText(
                _tr("Not available: this computer has no secure keyring for Assessor to use.")
            )
            self.remember_note.setToolTip(self.remember.toolTip())

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAccessibleName(_tr("Unlock status"))
        self.message.setMinimumHeight(self.message.fontMetrics().height() * 2)
        self.message.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        form = QFormLayout()
        profile_label_widget = QLabel(_tr("&Profile:"))
        profile_label_widget.setBuddy(self.profile_box)
        passphrase_label = QLabel(_tr("Pass&phrase:"))
        passphrase_label.setBuddy(self.passphrase)
        form.addRow(profile_label_widget, self.profile_box)
        form.addRow(passphrase_label, self.passphrase)
        form.addRow("", self.remember)
        form.addRow("", self.remember_note)

        self.buttons = QDialogButtonBox()
        self.unlock_button = QPushButton(_tr("&Unlock"))
        self.unlock_button.setDefault(True)
        self.buttons.addButton(self.unlock_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

        self.profile_box.currentIndexChanged.connect(self._clear_message)
        self.passphrase.textEdited.connect(self._clear_message)
        if not self._profiles:
            self.profile_box.setEnabled(False)
            self.passphrase.setEnabled(False)
            self.remember.setEnabled(False)
            self.unlock_button.setEnabled(False)
            self._say(
                _tr(
                    "There is no profile on this computer yet. Create one with "
                    "“assessor profile create”, then start Assessor again."
                )
            )
        self.passphrase.setFocus()

    # -- public -------------------------------------------------------------------------

    def signer(self) -> Signer | None:
        """The unlocked profile once the dialog was accepted; None before or if cancelled."""
        return self._signer

    def profile(self) -> ProfileInfo | None:
        index = self.profile_box.currentIndex()
        return self._profiles[index] if 0 <= index < len(self._profiles) else None

    @property
    def busy(self) -> bool:
        return self._task is not None

    # -- flow ---------------------------------------------------------------------------

    def accept(self) -> None:
        # Enter in the passphrase field and the Unlock button both come here; the dialog
        # closes only once a Signer is in hand.
        if self._signer is None:
            self._submit()
        else:
            super().accept()

    def done(self, result: int) -> None:
        if self._task is not None:  # cancelled while unlocking: ignore the late answer
            self._task.cancel()
            self._task = None
        self._countdown.stop()
        self.passphrase.clear()
        super().done(result)

    def _submit(self) -> None:
        if self._signer is not None:  # unlocked; the keyring could not remember: go on
            self._finish()
            return
        profile = self.profile()
        if self.busy or profile is None or self._throttled:
            return
        passphrase = self.passphrase.text()
        if not passphrase:
            self._say(_tr("Type your passphrase, then press Unlock."), error=True)
            self.passphrase.setFocus()
            return
        remember = self.remember.isChecked() and self._secrets is not None
        self._set_busy(True)
        self._say(_tr("Unlocking…"))
        self._track(
            self._runner.write(
                self._unlock,  # it writes the failure count
                profile.id,
                passphrase,
                changes={Change.PROFILES},
                on_done=lambda signer: self._unlocked(signer, passphrase if remember else None),
                on_error=self._failed,
            )
        )

    def _track(self, task: Task) -> None:
        # A synchronous runner (tests) has called back already: nothing to wait for. A
        # threaded one calls back only once control is back in the event loop.
        self._task = None if self._runner.synchronous else task

    def _unlocked(self, signer: Signer, secret: str | None) -> None:
        self._task = None
        self._signer = signer
        self.passphrase.clear()
        if secret is None or self._secrets is None:
            self._finish()
            return
        self._say(_tr("Unlocked. Remembering your passphrase on this computer…"))
        self._track(
            self._runner.run_parallel(
                self._secrets.remember_unlock,
                signer.profile.id,
                secret,
                on_done=lambda _none: self._remembered(),
                on_error=self._not_remembered,
            )
        )

    def _remembered(self) -> None:
        self._task = None
        self._finish()

    def _not_remembered(self, exc: BaseException) -> None:
        # Unlocked all the same: say so, and let the person go on.
        self._task = None
        reason = exc.message if isinstance(exc, DomainError) else type(exc).__name__
        log.warning("could not remember the unlock secret: %s", reason)
        self._set_busy(False)
        self.profile_box.setEnabled(False)
        self.passphrase.setEnabled(False)
        self.remember.setChecked(False)
        self.remember.setEnabled(False)
        self.unlock_button.setText(_tr("&Continue"))
        self._say(
            _tr(
                "Unlocked, but Assessor could not remember your passphrase on this computer "
                "({reason}). You will be asked for it next time. Press Continue."
            ).format(reason=reason),
            error=True,
        )

    def _finish(self) -> None:
        assert self._signer is not None
        self.unlocked.emit(self._signer)
        super().accept()

    def _failed(self, exc: BaseException) -> None:
        self._task = None
        self._set_busy(False)
        if isinstance(exc, WrongPassphrase):
            self._say(_tr("Wrong passphrase. Try again."), error=True)
            self.passphrase.setFocus()
            self.passphrase.selectAll()
        elif isinstance(exc, UnlockThrottled):
            self._throttle(exc.retry_after)
        elif isinstance(exc, DomainError):
            self._say(_tr("This profile cannot be unlocked: {why}.").format(why=exc.message))
        else:
            log.error("unlocking failed", exc_info=exc)
            self._say(
                _tr(
                    "Unlocking failed because of an unexpected problem ({what}). Nothing was "
                    "changed. Try again; if it keeps failing, see Help ▸ Diagnostics."
                ).format(what=type(exc).__name__),
                error=True,
            )

    @property
    def _throttled(self) -> bool:
        return self._retry_at is not None

    def _throttle(self, seconds: float) -> None:
        # Counted from now, when the answer arrived: never earlier than the database's end.
        self._retry_at = time.monotonic() + max(0.0, seconds)
        self.unlock_button.setEnabled(False)
        self.passphrase.setFocus()
        self.passphrase.selectAll()
        self._tick()

    def _tick(self) -> None:
        if self._retry_at is None:
            return
        left = self._retry_at - time.monotonic()
        if left <= 0:
            self._retry_at = None
            self.unlock_button.setEnabled(True)
            self._say(_tr("You can try again now."))
            return
        self._say(
            _tr("Too many wrong passphrases: try again in {wait}").format(wait=wait_words(left)),
            error=True,
        )
        # Wake when the shown whole second changes, or when the wait is over.
        fraction = left - math.floor(left)
        self._countdown.start(math.ceil((fraction or 1.0) * 1000))

    # -- look ---------------------------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        # Read-only rather than disabled: the field keeps focus and its selection.
        self.passphrase.setReadOnly(busy)
        self.profile_box.setEnabled(not busy)
        self.remember.setEnabled(not busy and self._secrets is not None)
        self.unlock_button.setEnabled(not busy and not self._throttled)

    def _clear_message(self) -> None:
        if not self.busy and not self._throttled:
            self._say("")

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        font = QFont(self.message.font())
        font.setBold(error)
        self.message.setFont(font)
        palette = self.message.palette()
        role = self.message.foregroundRole()
        red = theme.text_colour("red", self.palette())
        colour = red if error else self.palette().color(role)
        palette.setColor(role, colour)
        self.message.setPalette(palette)
