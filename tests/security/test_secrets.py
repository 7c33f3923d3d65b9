from __future__ import annotations

import base64
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import keyring.backends.chainer
import keyring.backends.fail
import keyring.backends.null
import keyring.backends.SecretService
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyrings.alt.file import EncryptedKeyring, PlaintextKeyring

from assessor.domain.errors import DomainError
from assessor.security.secrets import (
    InsecureKeyring,
    KeyringUnavailable,
    MemoryKeyring,
    SecretStore,
)

TOKEN = "tok-5b1e0d8c-never-on-disk"
ADVICE = "install and unlock a Secret Service such as GNOME Keyring or KeePassXC"

# Tries to store a token through SecretStore with keyring's own choice of backend.
CHILD = textwrap.dedent(
    f"""
    from assessor.security.secrets import SecretStore
    store = SecretStore()
    store.set_token("https://sync.example", {TOKEN!r})
    print("stored in", store.backend_name)
    """
)


def isolated_env(home: Path, backend: str | None) -> dict[str, str]:
    """Environment for a child whose keyring can only write under `home`, with no D-Bus."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KEYRING_", "XDG_"))}
    env.pop("PYTHON_KEYRING_BACKEND", None)
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        DBUS_SESSION_BUS_ADDRESS="unix:path=" + str(home / "no-bus"),
    )
    if backend is not None:
        env["PYTHON_KEYRING_BACKEND"] = backend
    return env


def run_child(code: str, home: Path, backend: str | None) -> subprocess.CompletedProcess[str]:
    home.mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, "-c", code],
        env=isolated_env(home, backend),
        capture_output=True,
        text=True,
        timeout=60,
    )


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def holding(root: Path, secret: str) -> list[Path]:
    """Files holding `secret` as is or base64-encoded (keyrings.alt's "plaintext" form)."""
    forms = (secret.encode(), base64.b64encode(secret.encode()).rstrip(b"="))
    return [p for p in files_under(root) if any(f in p.read_bytes() for f in forms)]


# ---- MemoryKeyring and the SecretStore API --------------------------------------------------


@pytest.fixture
def store() -> SecretStore:
    return SecretStore(MemoryKeyring())


def test_memory_store_tokens(store: SecretStore) -> None:
    assert store.backend_name == "assessor.security.secrets.MemoryKeyring"
    assert store.token("https://a.example") is None
    store.set_token("https://a.example", "token-a")
    store.set_token("https://b.example", "token-b")
    assert store.token("https://a.example") == "token-a"
    assert store.token("https://a.example/") == "token-a"  # same server, trailing slash
    assert store.token("https://b.example") == "token-b"
    store.set_token("https://a.example", "token-a2")  # replaces
    assert store.token("https://a.example") == "token-a2"
    store.forget_token("https://a.example")
    assert store.token("https://a.example") is None
    assert store.token("https://b.example") == "token-b"
    store.forget_token("https://a.example")  # forgetting twice is fine


def test_profiles_enrolled_with_one_server_keep_their_own_tokens(store: SecretStore) -> None:
    store.set_token("https://a.example", "token-p1", account="p-1")
    store.set_token("https://a.example/", "token-p2", account="p-2")
    assert store.token("https://a.example", account="p-1") == "token-p1"
    assert store.token("https://a.example", account="p-2") == "token-p2"
    assert store.token("https://a.example") is None  # no account: another entry
    store.forget_token("https://a.example", account="p-1")
    assert store.token("https://a.example", account="p-1") is None
    assert store.token("https://a.example", account="p-2") == "token-p2"


def test_memory_store_unlock_secrets(store: SecretStore) -> None:
    assert store.unlock_secret("p-1") is None
    store.remember_unlock("p-1", "secret-1")
    store.remember_unlock("p-2", "secret-2")
    assert store.unlock_secret("p-1") == "secret-1"
    assert store.unlock_secret("p-2") == "secret-2"
    store.forget_unlock("p-1")
    assert store.unlock_secret("p-1") is None
    assert store.unlock_secret("p-2") == "secret-2"
    store.forget_unlock("p-1")


def test_tokens_and_unlock_secrets_do_not_collide(store: SecretStore) -> None:
    store.set_token("x", "a token")
    store.remember_unlock("x", "an unlock secret")
    assert store.token("x") == "a token"
    assert store.unlock_secret("x") == "an unlock secret"


def test_service_name_separates_stores() -> None:
    backend = MemoryKeyring()
    SecretStore(backend).set_token("https://a.example", "t")
    assert SecretStore(backend, service="other").token("https://a.example") is None
    assert backend.get_password("assessor", "token:https://a.example") == "t"


def test_memory_keyrings_are_separate() -> None:
    SecretStore(MemoryKeyring()).set_token("s", "t")
    assert SecretStore(MemoryKeyring()).token("s") is None


@pytest.mark.parametrize("bad", ["", "   "])
def test_empty_names_and_secrets_refused(store: SecretStore, bad: str) -> None:
    with pytest.raises(ValueError):
        store.set_token(bad, "t")
    with pytest.raises(ValueError):
        store.set_token("https://a.example", "")
    with pytest.raises(ValueError):
        store.remember_unlock("", "s")


def test_memory_keyring_never_chosen_by_keyring() -> None:
    assert MemoryKeyring.priority < keyring.backends.null.Keyring.priority
    assert MemoryKeyring.priority < keyring.backends.fail.Keyring.priority
    # The chainer only chains positive priorities.
    assert MemoryKeyring.priority <= 0


def test_keyring_errors_become_plain_domain_errors(
    store: SecretStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    backend = store._backend

    def leaky(service: str, username: str, password: str) -> None:
        raise RuntimeError(f"could not store {password!r}")

    monkeypatch.setattr(backend, "set_password", leaky)
    with pytest.raises(KeyringUnavailable) as caught:
        store.set_token("https://a.example", TOKEN)
    assert isinstance(caught.value, DomainError)
    assert caught.value.code == "keyring-unavailable"
    assert TOKEN not in str(caught.value)
    assert "could not save the sync token" in caught.value.message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__

    def locked(service: str, username: str) -> str:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    monkeypatch.setattr(backend, "get_password", locked)
    with pytest.raises(KeyringUnavailable, match="the keyring is locked; unlock it"):
        store.unlock_secret("p-1")


def test_forget_reports_a_real_failure(store: SecretStore, monkeypatch: pytest.MonkeyPatch) -> None:
    store.remember_unlock("p-1", "s")

    def refuse(service: str, username: str) -> None:
        raise keyring.errors.PasswordDeleteError("refused")

    monkeypatch.setattr(store._backend, "delete_password", refuse)
    with pytest.raises(KeyringUnavailable, match="could not forget the unlock secret"):
        store.forget_unlock("p-1")
    store.forget_unlock("p-2")  # absent: the same error means "not there", which is fine


# ---- refusing insecure backends (in process, backend given) ---------------------------------


class LookAlike(keyring.backends.SecretService.Keyring):
    """Claims to be the Secret Service; could store anywhere."""


class Custom(KeyringBackend):
    priority = 1

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        pass


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (PlaintextKeyring, "keyrings.alt.file.PlaintextKeyring keeps secrets in a file"),
        # Its constructor needs pycryptodome; the refusal goes by class alone.
        (
            lambda: EncryptedKeyring.__new__(EncryptedKeyring),
            "keyrings.alt.file.EncryptedKeyring keeps secrets in a file",
        ),
        (keyring.backends.null.Keyring, "keyring.backends.null.Keyring stores nothing"),
        (keyring.backends.fail.Keyring, "no secure keyring backend is available"),
        (LookAlike, "test_secrets.LookAlike is not a system keyring Assessor trusts"),
        (Custom, "test_secrets.Custom is not a system keyring Assessor trusts"),
    ],
)
def test_insecure_backends_refused(make: Callable[[], KeyringBackend], words: str) -> None:
    with pytest.raises(InsecureKeyring) as caught:
        SecretStore(make())
    assert caught.value.code == "insecure-keyring"
    assert words in caught.value.message
    assert ADVICE in caught.value.message
    assert "PYTHON_KEYRING_BACKEND" in caught.value.message


def test_secret_service_without_a_bus_is_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + str(tmp_path / "no-bus"))
    with pytest.raises(KeyringUnavailable) as caught:
        SecretStore(keyring.backends.SecretService.Keyring())
    assert "keyring.backends.SecretService.Keyring is not usable here" in caught.value.message


# ---- ChainerBackend: judged by the backend that would store -----------------------------------


def test_chainer_with_plaintext_first_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = PlaintextKeyring()
    plain.file_path = str(tmp_path / "keyring_pass.cfg")
    monkeypatch.setattr(keyring.backends.chainer.ChainerBackend, "backends", [plain])
    with pytest.raises(InsecureKeyring, match="PlaintextKeyring keeps secrets in a file"):
        SecretStore(keyring.backends.chainer.ChainerBackend())
    assert files_under(tmp_path) == []


def test_chainer_uses_its_secure_first_backend_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory = MemoryKeyring()
    plain = PlaintextKeyring()
    plain.file_path = str(tmp_path / "keyring_pass.cfg")
    plain.set_password("assessor", "token:https://a.example", "stale plaintext token")
    monkeypatch.setattr(keyring.backends.chainer.ChainerBackend, "backends", [memory, plain])
    store = SecretStore(keyring.backends.chainer.ChainerBackend())
    assert store.backend_name == "assessor.security.secrets.MemoryKeyring"
    # keyring's chainer would read through to the plaintext file; ours never does.
    assert store.token("https://a.example") is None
    store.set_token("https://b.example", TOKEN)
    assert memory.get_password("assessor", "token:https://b.example") == TOKEN
    assert holding(tmp_path, TOKEN) == []


def test_empty_chainer_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyring.backends.chainer.ChainerBackend, "backends", [])
    with pytest.raises(InsecureKeyring, match="has no backend to chain"):
        SecretStore(keyring.backends.chainer.ChainerBackend())


# ---- refusing insecure backends chosen through keyring's own configuration -----------------


@pytest.mark.parametrize(
    ("backend", "words"),
    [
        ("keyring.backends.null.Keyring", "keyring.backends.null.Keyring stores nothing"),
        (
            "keyring.backends.fail.Keyring",
            "no secure keyring backend is available (keyring.backends.fail.Keyring)",
        ),
        (
            "keyrings.alt.file.PlaintextKeyring",
            "keyrings.alt.file.PlaintextKeyring keeps secrets in a file",
        ),
        (
            # With no Secret Service reachable the chain is keyrings.alt's file backends.
            "keyring.backends.chainer.ChainerBackend",
            "keyrings.alt.file.PlaintextKeyring keeps secrets in a file",
        ),
    ],
)
def test_environment_backend_refused_in_child(tmp_path: Path, backend: str, words: str) -> None:
    result = run_child(CHILD, tmp_path / "home", backend)
    assert result.returncode != 0, result.stdout
    assert "stored in" not in result.stdout
    assert "assessor.security.secrets.InsecureKeyring: " in result.stderr
    assert words in result.stderr
    assert ADVICE in result.stderr
    assert TOKEN not in result.stderr
    assert files_under(tmp_path) == []


@pytest.mark.skipif(sys.platform != "linux", reason="keyring's detection differs per platform")
def test_default_detection_refused_in_child(tmp_path: Path) -> None:
    # No PYTHON_KEYRING_BACKEND and no D-Bus: keyring's detection would settle for keyrings.alt's
    # plaintext file (installed with the test extra). Assessor looks only at the Secret Service
    # backends, says why they are not usable, and never loads a plaintext backend (0031).
    code = textwrap.dedent(
        """
        import sys
        from assessor.security.secrets import SecretStore
        try:
            SecretStore()
        finally:
            print(sorted(m for m in sys.modules if m.startswith(("keyrings", "keyring.backends"))))
        """
    )
    result = run_child(code, tmp_path / "home", None)
    assert result.returncode != 0, result.stdout
    assert "assessor.security.secrets.KeyringUnavailable: " in result.stderr
    assert "keyring.backends.SecretService.Keyring is not usable here" in result.stderr
    assert ADVICE in result.stderr
    assert "keyrings" not in result.stdout
    assert "keyring.backends.macOS" not in result.stdout
    assert "keyring.backends.SecretService" in result.stdout
    assert files_under(tmp_path) == []


@pytest.mark.skipif(sys.platform != "linux", reason="keyring's detection differs per platform")
def test_the_diagnostics_describe_the_store_s_backend_and_leave_keyring_s_choice_unset(
    tmp_path: Path,
) -> None:
    # The diagnostics name the backend SecretStore() judges, found the same way: keyring's own
    # detection would name another (the plaintext file here) and stay set, so every store made
    # after the diagnostics had run would take keyring's choice instead (0031).
    code = textwrap.dedent(
        """
        import sys, keyring.core
        from assessor.security.secrets import describe_backend
        print(describe_backend())
        print(keyring.core._keyring_backend)
        print(sorted(m for m in sys.modules if m.startswith("keyrings")))
        """
    )
    result = run_child(code, tmp_path / "home", None)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "(none usable: no secure keyring answered)",
        "None",
        "[]",
    ]


@pytest.mark.parametrize(
    ("backend", "words"),
    [
        ("keyrings.alt.file.PlaintextKeyring", "PlaintextKeyring keeps secrets in a file"),
        ("keyring.backends.null.Keyring", "keyring.backends.null.Keyring stores nothing"),
    ],
)
def test_configured_backend_refused_in_child(tmp_path: Path, backend: str, words: str) -> None:
    # keyring's configuration file is keyring's choice too: judged, not bypassed.
    config = tmp_path / "home" / "config" / "python_keyring" / "keyringrc.cfg"
    config.parent.mkdir(parents=True)
    config.write_text(f"[backend]\ndefault-keyring = {backend}\n", encoding="utf-8")
    result = run_child(CHILD, tmp_path / "home", None)
    assert result.returncode != 0, result.stdout
    assert "assessor.security.secrets.InsecureKeyring: " in result.stderr
    assert words in result.stderr
    assert files_under(tmp_path) == [config]


def test_control_plaintext_backend_does_write_where_we_look(tmp_path: Path) -> None:
    # Without the wrapper the same backend puts the token in a file under tmp_path, so the
    # empty-directory checks above can fail.
    code = f"import keyring; keyring.set_password('assessor', 'token:x', {TOKEN!r})"
    result = run_child(code, tmp_path / "home", "keyrings.alt.file.PlaintextKeyring")
    assert result.returncode == 0, result.stderr
    assert [p.name for p in holding(tmp_path, TOKEN)] == ["keyring_pass.cfg"]
