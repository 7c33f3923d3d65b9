"""The issuer served on a thread of another process (the desktop demo's way): it names the
port it really serves on, answers on 127.0.0.1, and is gone once stopped."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from issuer.api.app import Keys
from issuer.embedded import bind_loopback, serve_in_thread
from issuer.services.setup import identity_for, initialise
from issuer.store.db import Database, sqlite_url
from tests.issuer.service.harness import PASSPHRASE


def test_an_embedded_issuer_serves_its_own_port_and_stops(tmp_path: Path) -> None:
    url, keys = sqlite_url(tmp_path / "issuer.db"), Keys(tmp_path / "keys", PASSPHRASE)
    before = {k: v for k, v in os.environ.items() if k.startswith("ISSUER_")}
    sock = bind_loopback()
    host, port = sock.getsockname()
    assert host == "127.0.0.1"
    origin = f"http://127.0.0.1:{port}"
    db = Database(url)
    identity = identity_for(f"127.0.0.1:{port}", "Demo", None, origin)
    initialise(db, identity, keys.folder, keys.passphrase)
    db.close()
    running = serve_in_thread(sock, url, keys)
    try:
        assert running.url == origin
        answer = httpx.get(f"{origin}/.well-known/did.json", timeout=10)
        assert answer.status_code == 200
        assert answer.json()["id"] == f"did:web:127.0.0.1%3A{port}"
        # Its settings were given: nothing was put in this process's environment.
        assert {k: v for k, v in os.environ.items() if k.startswith("ISSUER_")} == before
    finally:
        running.stop()
    assert not running.thread.is_alive() and not running.errors
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{origin}/.well-known/did.json", timeout=2)
