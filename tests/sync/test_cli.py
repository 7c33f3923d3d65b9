"""`assessor enrol | unenrol | sync | credential list | outbox list` in this process, with the
in-memory keyring as the system keyring, against a real issuer process."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest

from assessor.cli import main
from assessor.security.secrets import MemoryKeyring
from tests.conftest import PASSPHRASE
from tests.issuer.service.harness import Issuer
from tests.sync.world import Desk, make_desk


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    store = MemoryKeyring()
    keyring.set_keyring(store)
    try:
        yield store
    finally:
        keyring.set_keyring(before)


@pytest.fixture
def d(issuer: Issuer, tmp_path: Path) -> Iterator[Desk]:
    made = make_desk(issuer, tmp_path / "desk")
    made.db.close()  # the command opens the folder itself
    yield made


def run(capsys: pytest.CaptureFixture[str], *args: str, stdin: str = "") -> tuple[int, str, str]:
    saved, sys.stdin = sys.stdin, io.StringIO(stdin)
    try:
        status = main(list(args))
    finally:
        sys.stdin = saved
    got = capsys.readouterr()
    return status, got.out, got.err


def test_enrol_sync_and_list(
    d: Desk, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = ["--data-dir", str(d.folder)]
    code = d.code()
    status, out, err = run(
        capsys, "enrol", d.issuer.base_url, code, *folder, "--json", stdin=PASSPHRASE + "\n"
    )
    assert status == 0, err
    enrolled = json.loads(out)
    assert enrolled["person"] == d.name and enrolled["backend"] == d.issuer.base_url
    # The token is in the keyring, and nowhere in the data folder.
    [(entry, token)] = list(memory_keyring._items.items())
    assert entry[1].startswith(f"token:{d.issuer.base_url}")
    for path in d.folder.rglob("*"):
        if path.is_file():
            assert token.encode() not in path.read_bytes(), path
    status, out, _ = run(capsys, "enrol", "--status", *folder, "--json")
    assert status == 0 and json.loads(out)[0]["person"] == d.name

    [submission] = d.assign()
    status, out, err = run(capsys, "sync", *folder, "--json")
    assert status == 0, err
    assert json.loads(out)["pulled"]["submissions"] == 1
    reopened = make_desk_reopen(d)
    try:
        record = reopened.score(submission)
    finally:
        reopened.db.close()
    status, out, err = run(capsys, "sync", *folder, "--json")
    assert status == 0, err
    report = json.loads(out)
    assert report["pushed"]["accepted"] == 1 and report["pushed"]["rejected"] == 0
    status, out, _ = run(capsys, "credential", "list", *folder, "--json")
    [credential] = json.loads(out)
    assert set(credential) == {"id", "url", "achievement", "learner", "status"}
    assert credential["achievement"] == "badge-a" and credential["status"] == "active"
    status, out, _ = run(capsys, "outbox", "list", *folder, "--json")
    [item] = json.loads(out)
    assert (item["record"], item["state"], item["answer"]) == (record, "acknowledged", "accepted")

    status, out, _ = run(capsys, "unenrol", *folder)
    assert status == 0 and memory_keyring._items == {}
    status, _, err = run(capsys, "sync", *folder)
    assert status == 2 and "no profile here is enrolled" in err
    # Enrolling again works with a new code; what was synced stays synced.
    status, _, err = run(
        capsys, "enrol", d.issuer.base_url, d.code(), *folder, stdin=PASSPHRASE + "\n"
    )
    assert status == 0, err
    status, out, err = run(capsys, "sync", *folder, "--json")
    assert status == 0, err
    assert json.loads(out)["pushed"]["accepted"] == 0


def make_desk_reopen(d: Desk) -> Desk:
    from assessor.store.db import Database

    return Desk(d.issuer, d.folder, d.name, Database.open(d.folder), d.profile_id)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["enrol", "ftp://example.org", "CODE"], "backend URL: 'ftp://example.org' is not an http"),
        (["enrol", "http://127.0.0.1:1?x=1", "CODE"], "must not carry a query"),
        (["enrol", "http://badges.example.org", "CODE"], "must use https://"),
        (["enrol", "--status", "http://127.0.0.1:1"], "--status takes no URL or CODE"),
        (["enrol", "http://127.0.0.1:1"], "give the backend URL and the enrolment code"),
        (["sync"], "enrolled"),
    ],
)
def test_bad_input_exits_2_naming_the_place(
    tmp_path: Path,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    words: str,
) -> None:
    folder = tmp_path / "data"
    status, _, err = run(capsys, *args, "--data-dir", str(folder), stdin=PASSPHRASE + "\n")
    assert status == 2, err
    assert words in err and "Traceback" not in err
    if args[1:2] == ["ftp://example.org"]:
        assert not folder.exists()  # nothing written


def test_a_wrong_code_is_refused_and_nothing_is_kept(
    d: Desk, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = ["--data-dir", str(d.folder)]
    status, _, err = run(
        capsys, "enrol", d.issuer.base_url, "not-a-code", *folder, stdin=PASSPHRASE + "\n"
    )
    assert status == 2 and "refused the enrolment" in err
    assert memory_keyring._items == {}
    status, out, _ = run(capsys, "enrol", "--status", *folder, "--json")
    assert json.loads(out) == []


def test_an_unreachable_backend_is_a_sync_that_stopped(
    d: Desk, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = ["--data-dir", str(d.folder)]
    status, _, err = run(
        capsys, "enrol", d.issuer.base_url, d.code(), *folder, stdin=PASSPHRASE + "\n"
    )
    assert status == 0, err
    from assessor.store.db import Database
    from assessor.store.models import SyncEnrolment

    with Database.open(d.folder) as db, db.write() as tx:
        row = tx.get(SyncEnrolment, d.profile_id)
        assert row is not None
        # The same backend moved to a port where nobody listens: the token goes with it.
        token = memory_keyring.get_password("assessor", f"token:{row.backend} {d.profile_id}")
        assert token is not None
        row.backend = "http://127.0.0.1:9"
        memory_keyring.set_password("assessor", f"token:http://127.0.0.1:9 {d.profile_id}", token)
    status, out, err = run(capsys, "sync", *folder, "--json")
    assert status == 1
    report = json.loads(out)
    assert report["offline"] is True and "could not be reached" in report["error"]
