"""`record verify` checks who signed against the roster it is given, and only that one.

Bob, a second assessor on the machine, re-signs Ada's record with his own key, keeps
`issuer.name` "Ada Assessor" and raises the total: with a roster that is a forgery of a name,
rejected naming both. Without options no roster is used, whatever folder the machine has."""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from assessor.demo import DEMO_PASSPHRASE
from assessor.security.did import did_key
from tests.cli.conftest import run
from tests.cli.test_identity_cli import export, finalize_cli, resign, unseal_profile, write

BOB = "Bob Builder"
BOB_PASSPHRASE = "bob's own passphrase"


@pytest.fixture
def ada_record(
    demo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> tuple[Path, bytes]:
    """The demo folder with Bob's profile added, and Ada's signed record of sub-003."""
    view = finalize_cli(demo, capsys, monkeypatch)
    monkeypatch.setattr(sys, "stdin", io.StringIO(BOB_PASSPHRASE + "\n"))
    code, _, err = run(
        capsys, "profile", "create", "--name", BOB, "--role", "assessor", "--passphrase-stdin",
        "--data-dir", str(demo),
    )  # fmt: skip
    assert code == 0, err
    return demo, export(demo, capsys, view["record"]["id"], tmp_path / "ada.json")


def bobs_forgery(demo: Path, data: bytes) -> dict[str, Any]:
    """Ada's record, total raised, signed by Bob's key under Ada's name."""
    bob = unseal_profile(demo, BOB, BOB_PASSPHRASE)
    document = json.loads(data)
    document["issuer"]["id"] = did_key(bob.public_key().public_bytes_raw())
    assert document["issuer"]["name"] == "Ada Assessor"
    document["credentialSubject"]["total"] = document["credentialSubject"]["maximum"]
    return resign(document, bob)


def roster_file(demo: Path, capsys: pytest.CaptureFixture[str], path: Path) -> Path:
    code, out, err = run(capsys, "profile", "list", "--data-dir", str(demo), "--json")
    assert code == 0, err
    path.write_text(out)
    return path


def test_a_name_the_key_does_not_hold_is_rejected_naming_both(
    ada_record: tuple[Path, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo, data = ada_record
    forged = write(tmp_path / "bob.json", bobs_forgery(demo, data))
    code, _, err = run(capsys, "record", "verify", forged, "--data-dir", str(demo))
    assert code == 1
    assert "signed by 'Ada Assessor' (assessor)" in err and f"as '{BOB}' (assessor)" in err
    assert f"roster: the data folder {demo}" in err
    code, out, _ = run(capsys, "record", "verify", forged, "--data-dir", str(demo), "--json")
    answer = json.loads(out)
    assert code == 1 and answer["valid"] is False and answer["signerChecked"] is False
    assert answer["roster"] == {"source": "data-folder", "path": str(demo)}
    # The same with a roster file in which the key is listed under Bob's name.
    roster = roster_file(demo, capsys, tmp_path / "roster.json")
    code, _, err = run(capsys, "record", "verify", forged, "--roster", str(roster))
    assert code == 1 and "'Ada Assessor'" in err and f"'{BOB}'" in err
    assert f"roster: the file {roster}" in err
    # Without a roster the signature is all there is; the output says the name is a claim.
    code, out, _ = run(capsys, "record", "verify", forged)
    assert code == 0 and "which says it is Ada Assessor" in out and "roster: none" in out


def test_with_a_roster_the_name_and_role_shown_are_the_rosters(
    ada_record: tuple[Path, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo, _ = ada_record
    path = tmp_path / "ada.json"
    code, out, _ = run(capsys, "record", "verify", str(path), "--data-dir", str(demo), "--json")
    answer = json.loads(out)
    assert code == 0 and answer["valid"] and answer["signerChecked"] is True
    assert (answer["issuerName"], answer["role"]) == ("Ada Assessor", "assessor")
    code, out, _ = run(capsys, "record", "verify", str(path), "--data-dir", str(demo))
    assert code == 0 and "signed by Ada Assessor (assessor) did:key:" in out
    # A roster that knows Ada's key under another name: the record's claim is refused.
    roster = roster_file(demo, capsys, tmp_path / "roster.json")
    entries = json.loads(roster.read_text())
    for entry in entries:
        if entry["name"] == "Ada Assessor":
            entry["name"], entry["roles"] = "A. Assessor", ["assessor", "manager"]
    roster.write_text(json.dumps(entries))
    code, _, err = run(capsys, "record", "verify", str(path), "--roster", str(roster))
    assert code == 1 and "'A. Assessor' (assessor, manager)" in err


def test_a_record_id_held_with_another_digest_is_reported(
    ada_record: tuple[Path, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ada herself re-signs her record with another total under the same id."""
    demo, data = ada_record
    ada = unseal_profile(demo, "Ada Assessor", DEMO_PASSPHRASE)
    document = json.loads(data)
    document["credentialSubject"]["overallComment"] = "Rewritten after signing."
    path = write(tmp_path / "again.json", resign(document, ada))
    code, _, err = run(capsys, "record", "verify", path, "--data-dir", str(demo))
    assert code == 1
    assert f"a record with the id {document['id']} is already in the data folder" in err
    assert "with another digest" in err
    # The record as stored is fine, of course.
    stored = str(tmp_path / "ada.json")
    assert run(capsys, "record", "verify", stored, "--data-dir", str(demo))[0] == 0


def test_no_options_means_no_roster_whatever_folder_the_machine_has(
    ada_record: tuple[Path, bytes],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An intruder's record, valid on its own: the same answer whether or not the default
    data folder exists (before, it became the roster and the answer flipped)."""
    demo, data = ada_record
    intruder = Ed25519PrivateKey.generate()
    document = json.loads(data)
    document["issuer"]["id"] = did_key(intruder.public_key().public_bytes_raw())
    path = write(tmp_path / "own.json", resign(document, intruder))
    answers = []
    for default in (tmp_path / "nowhere", demo):
        monkeypatch.setenv("ASSESSOR_DATA_DIR", str(default))
        code, out, _ = run(capsys, "record", "verify", path, "--json")
        answer = json.loads(out)
        answers.append((code, answer["valid"], answer["signerChecked"], answer["roster"]))
        code, out, _ = run(capsys, "record", "verify", path)
        assert code == 0 and "roster: none" in out
    assert answers == [(0, True, False, {"source": "none", "path": None})] * 2
    # Given the folder, the intruder is not a known profile.
    code, _, err = run(capsys, "record", "verify", path, "--data-dir", str(demo))
    assert code == 1 and "is not a known profile in the data folder" in err


def test_one_roster_at_a_time(
    ada_record: tuple[Path, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo, _ = ada_record
    roster = roster_file(demo, capsys, tmp_path / "roster.json")
    code, _, err = run(
        capsys, "record", "verify", str(tmp_path / "ada.json"), "--roster", str(roster),
        "--data-dir", str(demo),
    )  # fmt: skip
    assert code == 2 and "give one roster" in err


@pytest.mark.timeout(30)
def test_a_record_or_roster_that_is_no_regular_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """/dev/zero would be read until memory runs out, a named pipe would block forever."""
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    for path in ("/dev/zero", str(pipe)):
        code, _, err = run(capsys, "record", "verify", path)
        assert code == 2 and f"{path}: is not a regular file" in err
        code, _, err = run(capsys, "record", "verify", path, "--roster", path)
        assert code == 2 and "not a regular file" in err
    big = tmp_path / "big.json"
    with big.open("wb") as f:
        f.truncate(17 << 20)
    code, _, err = run(capsys, "record", "verify", str(big))
    assert code == 2 and f"{big}: is larger than" in err
