"""`record verify DIGEST --data-dir DIR`: the digest printed on a report finds the record in the
folder, and its exact stored bytes are checked (never the folder's word for them)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.cli.conftest import run


def the_record(signed: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    code, out, err = run(capsys, "record", "list", "--json", "--data-dir", str(signed))
    assert code == 0, err
    (record,) = json.loads(out)
    return record


def test_the_digest_on_a_report_finds_and_checks_the_record(
    signed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = the_record(signed, capsys)
    code, out, err = run(capsys, "record", "verify", record["digest"], "--data-dir", str(signed))
    assert code == 0, err
    assert f"valid ArtifactAssessmentRecord {record['id']}" in out
    assert "signed by Ada Assessor (assessor)" in out
    assert f"roster: the data folder {signed}" in out
    code, out, _ = run(
        capsys, "record", "verify", record["id"], "--data-dir", str(signed), "--json"
    )
    answer = json.loads(out)
    assert code == 0 and answer["valid"] and answer["digest"] == record["digest"]


def test_a_digest_needs_the_data_folder_to_look_in(
    signed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    digest = the_record(signed, capsys)["digest"]
    code, _, err = run(capsys, "record", "verify", digest)
    assert code == 2 and "give --data-dir DIR" in err and digest in err


def test_a_digest_the_folder_does_not_hold_is_named(
    signed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    digest = the_record(signed, capsys)["digest"]
    other = digest[:-4] + ("AAAA" if not digest.endswith("AAAA") else "BBBB")
    code, _, err = run(capsys, "record", "verify", other, "--data-dir", str(signed))
    assert code == 2 and f"no record '{other}'" in err and "Traceback" not in err


def test_stored_bytes_changed_behind_the_digest_are_rejected(
    signed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Someone with the file rewrites the stored body (guards dropped) and keeps the digest
    column: looking the record up by that digest must not vouch for the new bytes."""
    record = the_record(signed, capsys)
    con = sqlite3.connect(signed / "assessor.db")
    triggers = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'records'"
    ).fetchall()
    for name, _ in triggers:
        con.execute(f'DROP TRIGGER "{name}"')
    (body,) = con.execute("SELECT body FROM records WHERE id = ?", (record["id"],)).fetchone()
    document = json.loads(body)
    document["credentialSubject"]["overallComment"] = "Rewritten behind the digest."
    con.execute(
        "UPDATE records SET body = ? WHERE id = ?",
        (json.dumps(document, separators=(",", ":"), sort_keys=True), record["id"]),
    )
    for _, sql in triggers:
        con.execute(sql)
    con.commit()
    con.close()
    code, _, err = run(capsys, "record", "verify", record["digest"], "--data-dir", str(signed))
    assert code == 1 and "REJECTED" in err and "signature is not valid" in err
