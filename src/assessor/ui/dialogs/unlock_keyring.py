"""The unlock dialog's helpers: its wording (profiles, waits, keyrings), opening the secure
keyring, and unlocking silently with a remembered secret.

Keyring reads and writes run on the task runner's parallel lane (a Secret Service may stop to
ask the person to unlock their keyring); unlocking runs on the serial lane.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import Any

from keyring.backend import KeyringBackend
from PySide6.QtCore import QCoreApplication

from assessor.domain.changes import Change
from assessor.security.keys import UnlockThrottled, WrongPassphrase
from assessor.security.secrets import InsecureKeyring, KeyringUnavailable, SecretStore
from assessor.services.profiles import ProfileInfo, Signer
from assessor.ui.tasks import TaskRunner

__all__ = [
    "Unlock",
    "keyring_words",
    "open_secret_store",
    "profile_label",
    "try_remembered",
    "wait_words",
]

# The unlock dialog's logger: its records keep the name they have always had.
log = logging.getLogger("assessor.ui.dialogs.unlock")

# op(db, profile_id, passphrase), run by the task runner (services.profiles.unlock)
Unlock = Callable[[Any, str, str], Signer]


def _tr(text: str) -> str:
    return QCoreApplication.translate("UnlockDialog", text)


def profile_label(profile: ProfileInfo) -> str:
    """The profile as the chooser shows it, e.g. "Ada Assessor — assessor, manager"."""
    return f"{profile.name} — {', '.join(profile.roles)}"


def wait_words(seconds: float) -> str:
    whole = max(1, math.ceil(seconds))
    if whole < 120:
        return _tr("{n} s").format(n=whole)
    return _tr("{n} min").format(n=math.ceil(whole / 60))


_KEYRINGS = {
    "keyring.backends.SecretService.Keyring": "the Secret Service keyring",
    "keyring.backends.libsecret.Keyring": "the Secret Service keyring",
    "keyring.backends.macOS.Keyring": "the macOS Keychain",
    "keyring.backends.Windows.WinVaultKeyring": "the Windows Credential Locker",
    "assessor.security.secrets.MemoryKeyring": "memory until Assessor quits",
}


def keyring_words(backend_name: str) -> str:
    return _tr(_KEYRINGS.get(backend_name, "this computer's keyring"))


def open_secret_store(
    backend: KeyringBackend | None = None,
) -> tuple[SecretStore | None, str | None]:
    """The secure keyring, or None and the reason in words. Loading keyring may talk to
    D-Bus: run this on the parallel lane."""
    try:
        return SecretStore(backend), None
    except (InsecureKeyring, KeyringUnavailable) as exc:
        return None, exc.message


def try_remembered(
    profile_id: str,
    secrets: SecretStore | None,
    unlock: Unlock,
    runner: TaskRunner,
    on_done: Callable[[Signer | None], None],
) -> None:
    """Unlock with the remembered secret, without showing anything. `on_done(signer)`
    on success; `on_done(None)` when nothing is remembered or it did not work (then
    show the dialog). A remembered secret that is wrong (the passphrase was changed)
    is forgotten."""
    if secrets is None:
        on_done(None)
        return

    def got_secret(secret: str | None) -> None:
        if not secret:
            on_done(None)
            return
        runner.write(
            unlock, profile_id, secret, changes={Change.PROFILES}, on_done=on_done, on_error=failed
        )

    def unreadable(exc: BaseException) -> None:
        log.warning("could not read the remembered unlock secret: %s", exc)
        on_done(None)

    def failed(exc: BaseException) -> None:
        if isinstance(exc, WrongPassphrase):
            log.info("the remembered unlock secret no longer opens the profile; forgot it")
            runner.run_parallel(
                secrets.forget_unlock,
                profile_id,
                on_error=lambda e: log.warning("could not forget the unlock secret: %s", e),
            )
        elif not isinstance(exc, UnlockThrottled):
            log.warning("unlocking with the remembered secret failed: %s", exc)
        on_done(None)

    runner.run_parallel(secrets.unlock_secret, profile_id, on_done=got_secret, on_error=unreadable)
