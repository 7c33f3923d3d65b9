"""`record verify DIGEST --data-dir DIR`: the digest printed on a report finds the record in the
folder, and its exact stored bytes are checked (never the folder's word for them)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from assessor.demo.folder import FOR_SIGNOFF
from tests.cli.conftest import _score_all_and_finalize, run


def the_record(signed: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    code, out, err = run(capsys, "record", "list", "--json", "--data-dir", str(signed))
    assert code == 0, err
    *demo_own, record = json.loads(out)  # the demo's records for sign-off, then sub-003's
    assert len(demo_own) == FOR_SIGNOFF
    return dict(record)


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


def _rewrite_body(folder: Path, record_id: str, body: str) -> None:
    """Someone with the file rewrites a stored body (guards dropped) and keeps its digest."""
    con = sqlite3.connect(folder / "assessor.db")
    triggers = con.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'records'"
    ).fetchall()
    for name, _ in triggers:
        con.execute(f'DROP TRIGGER "{name}"')
    con.execute("UPDATE records SET body = ? WHERE id = ?", (body, record_id))
    for _, sql in triggers:
        con.execute(sql)
    con.commit()
    con.close()


def _body(folder: Path, record_id: str) -> str:
    con = sqlite3.connect(folder / "assessor.db")
    try:
        (body,) = con.execute("SELECT body FROM records WHERE id = ?", (record_id,)).fetchone()
    finally:
        con.close()
    return body if isinstance(body, str) else bytes(body).decode()


def test_stored_bytes_changed_behind_the_digest_are_rejected(
    signed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Looking the record up by its digest must not vouch for bytes rewritten behind it."""
    record = the_record(signed, capsys)
    document = json.loads(_body(signed, record["id"]))
    document["credentialSubject"]["overallComment"] = "Rewritten behind the digest."
    _rewrite_body(signed, record["id"], json.dumps(document, separators=(",", ":"), sort_keys=True))
    code, _, err = run(capsys, "record", "verify", record["digest"], "--data-dir", str(signed))
    assert code == 1 and "REJECTED" in err and "signature is not valid" in err


def test_another_signed_record_put_behind_the_digest_is_rejected(
    signed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The bytes behind a digest are a valid record, but another one: its signature holds, so
    only the digest of those bytes tells that they are not the record the report names."""
    _score_all_and_finalize(signed, "sub-004")
    code, out, err = run(capsys, "record", "list", "--json", "--data-dir", str(signed))
    assert code == 0, err
    *_demo_own, first, second = json.loads(out)
    _rewrite_body(signed, second["id"], _body(signed, first["id"]))
    code, _, err = run(capsys, "record", "verify", second["digest"], "--data-dir", str(signed))
    assert code == 1 and "REJECTED" in err
    assert f"the stored bytes have the digest {first['digest']}, not {second['digest']}" in err
