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

from PySide6.QtCore import QCoreApplication

from assessor.domain.changes import Change
from assessor.security.keys import UnlockThrottled
from assessor.security.secrets import (
    InsecureKeyring,
    KeyringBackend,
    KeyringUnavailable,
    SecretStore,
)
from assessor.services.profiles import ProfileInfo, Signer
from assessor.ui.tasks import TaskRunner

__all__ = [
    "RememberedUnlock",
    "Unlock",
    "keyring_words",
    "open_secret_store",
    "profile_label",
    "try_remembered",
    "wait_words",
]

# The unlock dialog's logger: its records keep the name they have always had.
log = logging.getLogger("assessor.ui.dialogs.unlock")

Unlock = Callable[[Any, str, str], Signer]  # op(db, profile id, passphrase) on the runner
# op(db, profile id, remembered secret, keyring) → the signer, or None when the secret was
# wrong (services.profiles.unlock_remembered), run by the task runner.
RememberedUnlock = Callable[[Any, str, str, SecretStore], Signer | None]


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
    unlock: RememberedUnlock,
    runner: TaskRunner,
    on_done: Callable[[Signer | None], None],
) -> None:
    """Unlock with the remembered secret, without showing anything. `on_done(signer)`
    on success; `on_done(None)` when nothing is remembered or it did not work (then
    show the dialog). `unlock` is `services.profiles.unlock_remembered`, run by the
    runner on its database: it forgets a remembered secret that no longer opens the profile."""
    if secrets is None:
        on_done(None)
        return

    def got_secret(secret: str | None) -> None:
        if not secret:
            on_done(None)
            return
        runner.write(
            unlock,
            profile_id,
            secret,
            secrets,
            changes={Change.PROFILES},
            on_done=on_done,
            on_error=failed,
        )

    def unreadable(exc: BaseException) -> None:
        log.warning("could not read the remembered unlock secret: %s", exc)
        on_done(None)

    def failed(exc: BaseException) -> None:
        if not isinstance(exc, UnlockThrottled):
            log.warning("unlocking with the remembered secret failed: %s", exc)
        on_done(None)

    runner.run_parallel(secrets.unlock_secret, profile_id, on_done=got_secret, on_error=unreadable)
