"""The issuer served on a thread of another process (the desktop demo's way): it names the
port it really serves on, answers on 127.0.0.1, and is gone once stopped."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from issuer.embedded import bind_loopback, environment, serve_in_thread
from issuer.services.setup import identity_for, initialise
from issuer.store.db import Database, sqlite_url
from tests.issuer.service.harness import PASSPHRASE


def test_an_embedded_issuer_serves_its_own_port_and_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = environment(str(tmp_path), sqlite_url(tmp_path / "issuer.db"), PASSPHRASE)
    for name, value in settings.items():
        monkeypatch.setenv(name, value)  # restored after the test
    sock = bind_loopback()
    host, port = sock.getsockname()
    assert host == "127.0.0.1"
    origin = f"http://127.0.0.1:{port}"
    db = Database(settings["ISSUER_DB"])
    initialise(db, identity_for(f"127.0.0.1:{port}", "Demo", None, origin), tmp_path / "keys")
    db.close()
    running = serve_in_thread(sock, settings["ISSUER_DB"])
    try:
        assert running.url == origin
        answer = httpx.get(f"{origin}/.well-known/did.json", timeout=10)
        assert answer.status_code == 200
        assert answer.json()["id"] == f"did:web:127.0.0.1%3A{port}"
    finally:
        running.stop()
    assert not running.thread.is_alive() and not running.errors
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{origin}/.well-known/did.json", timeout=2)
