"""SecretStore against a real Secret Service: gnome-keyring-daemon on a private D-Bus session.

Each test runs `dbus-run-session -- sh -c …`: the shell starts gnome-keyring-daemon with a
fresh login keyring under tmp_path, unlocked with a password on stdin, then a Python child that
uses SecretStore() as the app would and prints what it saw as JSON. The daemon is stopped by
its pid (asked of the bus) before the session ends. Install the tools: .ci/system-packages.sh.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

DBUS_RUN_SESSION = shutil.which("dbus-run-session")
KEYRING_DAEMON = shutil.which("gnome-keyring-daemon")

pytestmark = pytest.mark.skipif(
    DBUS_RUN_SESSION is None or KEYRING_DAEMON is None,
    reason="needs dbus-run-session and gnome-keyring-daemon "
    "(Debian packages dbus and gnome-keyring; run .ci/system-packages.sh)",
)

TOKEN = "tok-8f3a61c2-secret-service"
KEPT = "tok-kept-0e7d4b19-until-the-end"
UNLOCK = "unlock-4c2d9e77-remembered"

SHELL = """
printf %s "$TEST_KEYRING_PASSWORD" \\
  | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null || exit 90
"$TEST_PYTHON" -c "$TEST_CHILD"
rc=$?
if [ -s "$TEST_PIDFILE" ]; then kill "$(cat "$TEST_PIDFILE")" 2>/dev/null; fi
exit $rc
"""

CHILD = textwrap.dedent(
    f"""
    import json, os, pathlib
    import keyring, secretstorage
    from jeepney.bus_messages import message_bus
    from assessor.security.secrets import SecretStore

    bus = secretstorage.dbus_init()
    reply = bus.send_and_get_reply(
        message_bus.GetConnectionUnixProcessID("org.freedesktop.secrets")
    )
    pathlib.Path(os.environ["TEST_PIDFILE"]).write_text(str(reply.body[0]))

    store = SecretStore()
    chosen = type(keyring.get_keyring())
    report = {{"backend": store.backend_name, "keyring": chosen.__module__ + "." + chosen.__name__}}
    store.set_token("https://sync.example", {TOKEN!r})
    store.set_token("https://kept.example", {KEPT!r})
    store.remember_unlock("profile-1", {UNLOCK!r})
    report["token"] = store.token("https://sync.example/")
    report["unlock"] = store.unlock_secret("profile-1")
    # Seen independently, through the Secret Service API itself.
    items = secretstorage.get_default_collection(bus).search_items({{"service": "assessor"}})
    report["items"] = sorted(
        (i.get_attributes()["username"], i.get_secret().decode()) for i in items
    )
    store.forget_token("https://sync.example")
    store.forget_unlock("profile-1")
    store.forget_unlock("profile-1")
    report["after_forget"] = [store.token("https://sync.example"), store.unlock_secret("profile-1")]
    report["kept"] = store.token("https://kept.example")
    print(json.dumps(report))
    """
)


def run_session(tmp_path: Path, backend: str | None) -> dict[str, Any]:
    home, runtime = tmp_path / "home", tmp_path / "run"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("XDG_", "KEYRING_", "DBUS_", "GNOME_KEYRING"))
        and k != "PYTHON_KEYRING_BACKEND"
    }
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_RUNTIME_DIR=str(runtime),
        TEST_KEYRING_PASSWORD="login password for the test keyring",
        TEST_PYTHON=sys.executable,
        TEST_CHILD=CHILD,
        TEST_PIDFILE=str(tmp_path / "daemon.pid"),
    )
    if backend is not None:
        env["PYTHON_KEYRING_BACKEND"] = backend
    assert DBUS_RUN_SESSION is not None
    result = subprocess.run(
        [DBUS_RUN_SESSION, "--", "sh", "-c", SHELL],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    report["daemon_pid"] = int((tmp_path / "daemon.pid").read_text())
    return report


def gone(pid: int, wait: float = 10.0) -> bool:
    """True once `pid` has exited (a zombie waiting for init to reap it counts as exited)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
            stat = Path(f"/proc/{pid}/stat").read_text()
        except (ProcessLookupError, FileNotFoundError):
            return True
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return True
        time.sleep(0.05)  # it was sent SIGTERM; give it a moment to exit
    return False


def files_holding(root: Path, secret: str) -> list[Path]:
    forms = (secret.encode(), base64.b64encode(secret.encode()).rstrip(b"="))
    files = [p for p in root.rglob("*") if p.is_file()]
    return [p for p in files if any(form in p.read_bytes() for form in forms)]


@pytest.mark.parametrize(
    "backend",
    [
        "keyring.backends.SecretService.Keyring",
        # keyring chains SecretService with keyrings.alt's plaintext file; only the first stores.
        "keyring.backends.chainer.ChainerBackend",
        None,  # keyring's own detection
    ],
)
def test_secret_store_on_a_real_secret_service(tmp_path: Path, backend: str | None) -> None:
    report = run_session(tmp_path, backend)
    secret_service, chainer = (
        "keyring.backends.SecretService.Keyring",
        "keyring.backends.chainer.ChainerBackend",
    )
    assert report["keyring"] == backend or (
        backend is None and report["keyring"] in {secret_service, chainer}
    )
    assert report["backend"] == secret_service
    assert report["token"] == TOKEN
    assert report["unlock"] == UNLOCK
    assert report["items"] == [
        ["token:https://kept.example", KEPT],
        ["token:https://sync.example", TOKEN],
        ["unlock:profile-1", UNLOCK],
    ]
    assert report["after_forget"] == [None, None]
    assert report["kept"] == KEPT
    # The daemon saved its keyring under our HOME, encrypted; no file holds a secret readably
    # (keyrings.alt would have written data/python_keyring/keyring_pass.cfg).
    assert (tmp_path / "home" / "data" / "keyrings" / "login.keyring").is_file()
    assert not (tmp_path / "home" / "data" / "python_keyring").exists()
    assert files_holding(tmp_path, KEPT) == []
    assert gone(report["daemon_pid"]), "gnome-keyring-daemon outlived its session"
