"""`assessor --demo`'s chain without the window: the demo issuer served in this process beside
the demo folder, the three demo people enrolled with it, and a score that becomes a
credential after one sync."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from assessor.demo import DEMO_PROFILES, write_demo
from assessor.demo import backend as backend_module
from assessor.demo.backend import issuer_folder, start_demo_backend
from assessor.demo.folder import FOR_SIGNOFF
from assessor.security.secrets import MemoryKeyring, SecretStore
from assessor.services.data_folder import open_data
from assessor.services.profiles import list_profiles
from assessor.store.db import Database
from assessor.sync.service import SyncService
from issuer.embedded import bind_loopback
from tests.conftest import CHEAP_KDF
from tests.sync.world import finalize_demo_submission


def test_a_demo_score_becomes_a_credential_after_one_sync(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    write_demo(folder, kdf_cost=CHEAP_KDF)  # Argon2's cost is not what this is about
    db = open_data(folder)
    secrets = SecretStore(MemoryKeyring())
    backend = start_demo_backend(db, secrets)
    try:
        assert backend.folder == issuer_folder(folder) and backend.folder.is_dir()
        assert backend.url.startswith("http://127.0.0.1:")
        assert not backend.problems
        assert sorted(backend.enrolled) == sorted(p.name for p in list_profiles(db))
        assert len(backend.enrolled) == len(DEMO_PROFILES)
        ada = next(p for p in list_profiles(db) if "assessor" in p.roles)
        service = SyncService(db, secrets)
        first = service.sync(ada.id)
        assert first.ok, first.error
        # the demo's work for sign-off, signed as the folder was written, is accepted
        assert first.pushed.accepted == FOR_SIGNOFF and not first.pushed.rejected
        record = finalize_demo_submission(db, ada.id)
        second = service.sync(ada.id)
        assert second.ok, second.error
        assert second.pushed.accepted == 1 and "credentials" in second.changed
        [credential] = [c for c in service.credentials() if record in c.records]
        assert credential.status == "active" and credential.url.startswith(backend.url)
        page = httpx.get(credential.url, headers={"Accept": "application/json"}, timeout=10)
        assert page.status_code == 200 and page.json()["id"] == credential.url
    finally:
        backend.stop()
        db.close()


def test_a_demo_issuer_that_fails_to_start_leaves_no_port_listening(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[socket.socket] = []

    def bind() -> socket.socket:
        opened.append(bind_loopback())
        return opened[-1]

    def no_seed(db_url: str) -> object:
        raise RuntimeError("seeding failed")

    monkeypatch.setattr(backend_module, "bind_loopback", bind)
    monkeypatch.setattr(backend_module, "seed", no_seed)
    with Database.open(tmp_path / "demo") as db, pytest.raises(RuntimeError, match="seeding"):
        start_demo_backend(db, None)
    [sock] = opened
    assert sock.fileno() == -1  # closed, not left to the garbage collector
