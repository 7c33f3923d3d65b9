"""The OS keyring, and only a secure one: sync tokens per server, opt-in unlock secrets.

keyring picks a backend by priority and happily settles for a plaintext file (keyrings.alt)
or for nothing at all. `SecretStore` accepts only the platform's secret stores (Secret
Service, macOS Keychain, Windows Credential Locker) or the in-memory `MemoryKeyring`, and
refuses everything else with `InsecureKeyring`; nothing falls back to plaintext.

Unless keyring's choice is overridden (PYTHON_KEYRING_BACKEND, keyringrc.cfg, `set_keyring`),
`system_keyring` imports only the platform's secure backends: keyring's own detection imports
every installed backend (keyrings.alt's, and on Linux the macOS one, which runs ldconfig, gcc
and ld at import) to pick one this class would refuse anyway (decision 0031).
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from typing import TypeVar

import keyring
import keyring.backend
import keyring.core
import keyring.errors
import keyring.util.platform_
from keyring.backend import KeyringBackend as KeyringBackend  # re-exported: the type, for the UI

from assessor.domain.errors import DomainError

SERVICE = "assessor"

# Exact classes, by qualified name: a subclass or look-alike could store anywhere.
SECURE_BACKENDS = frozenset(
    {
        "keyring.backends.SecretService.Keyring",
        "keyring.backends.libsecret.Keyring",
        "keyring.backends.macOS.Keyring",
        "keyring.backends.Windows.WinVaultKeyring",
    }
)
CHAINER = "keyring.backends.chainer.ChainerBackend"
# This platform's secure backends, tried without keyring's detection (`system_keyring`).
if sys.platform == "darwin":
    PLATFORM_BACKENDS: tuple[str, ...] = ("keyring.backends.macOS.Keyring",)
elif sys.platform == "win32":
    PLATFORM_BACKENDS = ("keyring.backends.Windows.WinVaultKeyring",)
else:
    PLATFORM_BACKENDS = (
        "keyring.backends.SecretService.Keyring",
        "keyring.backends.libsecret.Keyring",
    )

T = TypeVar("T")


class InsecureKeyring(DomainError):
    """The keyring backend would store secrets in plaintext, nowhere, or somewhere unknown."""

    code = "insecure-keyring"


class KeyringUnavailable(DomainError):
    """A secure keyring was chosen but could not be reached or refused the operation."""

    code = "keyring-unavailable"


class MemoryKeyring(KeyringBackend):
    """Keeps secrets in this process only; nothing is written anywhere.

    For tests, and for a session that chooses not to remember anything."""

    # Below keyring's null (-1) and fail (0) backends, so automatic detection never picks it.
    priority = -10

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self._items[(service, username)]
        except KeyError:
            raise keyring.errors.PasswordDeleteError("no such password") from None


def qualified_name(backend: KeyringBackend) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _advice() -> str:
    if sys.platform == "darwin":
        system = "use the macOS Keychain"
    elif sys.platform == "win32":
        system = "use the Windows Credential Locker"
    else:
        system = (
            "install and unlock a Secret Service such as GNOME Keyring or KeePassXC "
            "(with its Secret Service integration on)"
        )
    return (
        f"{system}, and remove PYTHON_KEYRING_BACKEND (or default-keyring in keyringrc.cfg) "
        "and the keyrings.alt plaintext backend (pip uninstall keyrings.alt)"
    )


def _refusal(name: str) -> InsecureKeyring:
    if name == "keyring.backends.null.Keyring":
        why = f"the keyring backend {name} stores nothing"
    elif name == "keyring.backends.fail.Keyring":
        why = f"no secure keyring backend is available ({name})"
    elif name.startswith("keyrings.alt.file.") or name.startswith("keyrings.alt.Windows."):
        why = f"the keyring backend {name} keeps secrets in a file, not a system keyring"
    elif name == CHAINER:
        why = f"the keyring backend {name} has no backend to chain"
    else:
        why = f"the keyring backend {name} is not a system keyring Assessor trusts"
    return InsecureKeyring(f"{why}; {_advice()}")


def describe_backend() -> str:
    """The backend `SecretStore()` would judge (`system_keyring`), and whether Assessor
    accepts it, in words (for the diagnostics): nothing secret. May talk to D-Bus: not on
    the GUI thread. Not keyring's own detection: that would describe another backend than
    the store's, and leave keyring's choice set, so later stores would take it."""
    try:
        backend = system_keyring()
    except KeyringUnavailable:
        return "(none usable: no secure keyring answered)"
    except Exception as exc:  # keyring raises all sorts when a backend fails to load
        return f"(none could be loaded: {type(exc).__name__})"
    name = qualified_name(backend)
    try:
        chosen = choose_backend(backend)
    except InsecureKeyring:
        return f"{name} (refused: not a secure system keyring)"
    if chosen is not backend:
        return f"{name} → {qualified_name(chosen)}"
    return name


def _overridden() -> bool:
    """Whether keyring's choice is not its detection's: an environment variable, its
    configuration file, or a backend set in this process (`keyring.set_keyring`)."""
    return bool(
        os.environ.get("PYTHON_KEYRING_BACKEND")
        or (keyring.util.platform_.config_root() / "keyringrc.cfg").exists()
        or getattr(keyring.core, "_keyring_backend", None) is not None
    )


def system_keyring() -> KeyringBackend:
    """The backend to judge: keyring's own when overridden, else the highest-ranked usable
    one of this platform's secure backends (the one keyring's detection picks whenever it
    picks a secure one). KeyringUnavailable when none is usable, with the first one's reason."""
    if _overridden():
        return keyring.get_keyring()
    usable: list[tuple[float, type[KeyringBackend]]] = []
    reasons: list[str] = []
    for name in PLATFORM_BACKENDS:
        module, _, cls_name = name.rpartition(".")
        try:
            cls = getattr(importlib.import_module(module), cls_name)
            usable.append((float(cls.priority), cls))  # raises when not usable here
        except Exception as exc:  # keyring's own viability test says why in its exception
            reasons.append(f"the keyring {name} is not usable here ({exc})")
    if not usable:
        raise KeyringUnavailable(f"{reasons[0]}; {_advice()}")
    return max(usable, key=lambda found: found[0])[1]()


def choose_backend(backend: KeyringBackend) -> KeyringBackend:
    """The backend to store with: `backend` itself when it is secure; for a chainer, the
    backend it would store in first (when secure) — used directly, so that nothing can fall
    through to a plaintext backend further down the chain. InsecureKeyring otherwise."""
    name = qualified_name(backend)
    if name == CHAINER:
        chained: list[KeyringBackend] = list(getattr(backend, "backends", []))
        if not chained:
            raise _refusal(name)
        return choose_backend(chained[0])
    if type(backend) is MemoryKeyring or name in SECURE_BACKENDS:
        return backend
    raise _refusal(name)


class SecretStore:
    """Sync tokens (per server URL) and opt-in unlock secrets (per profile id) in a secure
    keyring. `backend` None means keyring's own choice, checked here."""

    def __init__(self, backend: KeyringBackend | None = None, *, service: str = SERVICE) -> None:
        if backend is None:
            try:
                backend = system_keyring()
            except KeyringUnavailable:
                raise
            except Exception as exc:  # keyring raises RuntimeError, ImportError, … when loading
                raise KeyringUnavailable(
                    f"the keyring backend could not be loaded ({type(exc).__name__}: {exc}); "
                    f"{_advice()}"
                ) from None
        chosen = choose_backend(backend)
        if type(chosen) is not MemoryKeyring:
            # keyring's viability test: e.g. is a Secret Service daemon running at all.
            try:
                type(chosen).priority  # noqa: B018
            except Exception as exc:
                raise KeyringUnavailable(
                    f"the keyring {qualified_name(chosen)} is not usable here ({exc}); {_advice()}"
                ) from None
        self._backend = chosen
        self._service = service

    @property
    def backend_name(self) -> str:
        """Qualified class name of the backend that stores, e.g. for a settings page."""
        return qualified_name(self._backend)

    # ---- sync tokens ------------------------------------------------------------------------

    # `account` tells apart several profiles of one machine enrolled with the same server.

    def set_token(self, server: str, token: str, *, account: str = "") -> None:
        self._set(_token_key(server, account), token, "save the sync token")

    def token(self, server: str, *, account: str = "") -> str | None:
        return self._get(_token_key(server, account), "read the sync token")

    def forget_token(self, server: str, *, account: str = "") -> None:
        self._delete(_token_key(server, account), "forget the sync token")

    # ---- remembered unlock secrets (opt-in) ---------------------------------------------------

    def remember_unlock(self, profile_id: str, secret: str) -> None:
        self._set(_unlock_key(profile_id), secret, "remember the unlock secret")

    def unlock_secret(self, profile_id: str) -> str | None:
        return self._get(_unlock_key(profile_id), "read the unlock secret")

    def forget_unlock(self, profile_id: str) -> None:
        self._delete(_unlock_key(profile_id), "forget the unlock secret")

    # ---- plumbing -----------------------------------------------------------------------------

    def _call(self, what: str, fn: Callable[[], T]) -> T:
        try:
            return fn()
        except keyring.errors.KeyringLocked:
            raise KeyringUnavailable(
                f"could not {what}: the keyring is locked; unlock it and try again"
            ) from None
        except Exception as exc:
            # Only the type: a backend's message might quote what it was given.
            raise KeyringUnavailable(
                f"could not {what}: the keyring {self.backend_name} failed ({type(exc).__name__})"
            ) from None

    def _set(self, username: str, secret: str, what: str) -> None:
        if not isinstance(secret, str) or not secret:
            raise ValueError("a secret to store must be non-empty text")
        self._call(what, lambda: self._backend.set_password(self._service, username, secret))

    def _get(self, username: str, what: str) -> str | None:
        return self._call(what, lambda: self._backend.get_password(self._service, username))

    def _delete(self, username: str, what: str) -> None:
        def delete() -> None:
            try:
                self._backend.delete_password(self._service, username)
            except keyring.errors.PasswordDeleteError:
                # Also raised for "not there": forgetting what is absent is fine.
                if self._backend.get_password(self._service, username) is not None:
                    raise

        self._call(what, delete)


def _token_key(server: str, account: str = "") -> str:
    if not isinstance(server, str) or not server.strip():
        raise ValueError("a server URL is required")
    # One server, one entry, whether or not its URL was typed with a trailing slash.
    key = "token:" + server.strip().rstrip("/")
    return f"{key} {account}" if account else key


def _unlock_key(profile_id: str) -> str:
    if not isinstance(profile_id, str) or not profile_id:
        raise ValueError("a profile id is required")
    return "unlock:" + profile_id
