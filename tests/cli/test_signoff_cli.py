"""`assessor signoff list|decide` on a demo folder with one signed evaluation (sub-003, Ada
Assessor, an assessment that requires sign-off): JSON shapes, exit codes, nothing written on
bad input, and records that `verify` and `record verify` accept."""

from __future__ import annotations

import io
import json
import sqlite3
import sys
from pathlib import Path

import pytest

from assessor.demo import DEMO_PASSPHRASE
from assessor.demo.folder import FOR_SIGNOFF
from tests.cli.conftest import folder_state, run

MANAGER = "Malik Manager"


def decide(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    data: Path,
    *args: str,
    passphrase: str = DEMO_PASSPHRASE,
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(passphrase + "\n"))
    return run(capsys, "signoff", "decide", *args, "--data-dir", str(data))


# What the demo itself leaves waiting for the manager (its last four unstarted submissions on
# an assessment that needs sign-off); these tests are about sub-003, finalized on top.
DEMO_WORK = {"sub-011", "sub-012", "sub-013", "sub-014"}


def every_row(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> list[dict[str, str]]:
    code, out, err = run(capsys, "signoff", "list", *args, "--data-dir", str(data), "--json")
    assert code == 0, err
    found: list[dict[str, str]] = json.loads(out)
    return found


def queue(capsys: pytest.CaptureFixture[str], data: Path, *args: str) -> list[dict[str, str]]:
    """The rows but the demo's own waiting work."""
    return [r for r in every_row(capsys, data, *args) if r["submission"] not in DEMO_WORK]


def test_list_shows_signed_work_awaiting_sign_off(
    signed: Path, demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert {r["submission"] for r in every_row(capsys, demo)} == DEMO_WORK  # the demo's own
    assert len(DEMO_WORK) == FOR_SIGNOFF
    [row] = queue(capsys, signed)
    assert set(row) == {"submission", "learner", "assessment", "assessor", "record"}
    assert (row["submission"], row["assessment"], row["assessor"]) == (
        "sub-003",
        "safe-isolation-l2",
        "Ada Assessor",
    )
    assert row["record"].startswith("urn:uuid:") and row["learner"]
    assert queue(capsys, signed, "--search", "nobody at all") == []
    assert queue(capsys, signed, "--state", "approved") == []
    code, out, _ = run(capsys, "signoff", "list", "--data-dir", str(signed))
    assert code == 0 and "sub-003" in out and "pending" in out


def test_approve_makes_a_record_verify_and_record_verify_accept(
    signed: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    code, out, err = decide(capsys, monkeypatch, signed, "sub-003", "--approve", "--json")
    assert code == 0, err
    done = json.loads(out)
    assert (done["submission"], done["decision"], done["returnTo"]) == ("sub-003", "approved", None)
    assert queue(capsys, signed) == []
    assert [r["submission"] for r in queue(capsys, signed, "--state", "approved")] == ["sub-003"]
    code, out, err = run(capsys, "verify", "--data-dir", str(signed), "--json")
    assert code == 0 and json.loads(out)["records"] == FOR_SIGNOFF + 2, err
    path = tmp_path / "signoff.json"
    code, _, err = run(
        capsys, "record", "export", done["record"], "--out", str(path), "--data-dir", str(signed)
    )
    assert code == 0, err
    code, out, err = run(capsys, "record", "verify", str(path), "--data-dir", str(signed))
    assert code == 0, err
    assert "valid ProjectSignOffRecord" in out and f"{MANAGER} (manager)" in out
    code, out, _ = run(capsys, "submission", "list", "--data-dir", str(signed))
    assert "Signed off" in out


def test_return_to_the_assessor_shows_the_reason_on_the_work(
    signed: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = decide(
        capsys,
        monkeypatch,
        signed,
        "sub-003",
        "--return-to",
        "assessor",
        "--reason",
        "Recheck the proving-unit step",
        "--profile",
        MANAGER,
    )
    assert code == 0, err
    assert "Returned to the assessor: sub-003" in out
    code, out, _ = run(
        capsys,
        "submission",
        "list",
        "--status",
        "returned",
        "--data-dir",
        str(signed),
        "--json",
    )
    assert [r["id"] for r in json.loads(out)] == ["sub-003"]
    code, out, _ = run(capsys, "evaluation", "show", "sub-003", "--data-dir", str(signed))
    assert code == 0
    assert f"Returned to the assessor by {MANAGER}: Recheck the proving-unit step" in out
    code, _, err = run(capsys, "verify", "--data-dir", str(signed))
    assert code == 0, err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--return-to", "assessor"], "returning work needs a reason"),
        (["--return-to", "learner", "--reason", "  "], "returning work needs a reason"),
        ([], "give --approve or --return-to"),
        (["--approve", "--return-to", "learner", "--reason", "x"], "give --approve or --return-to"),
        (["--approve", "--reason", "bad\x1b[31m"], "control character"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    signed: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    before = folder_state(signed)
    code, _, err = decide(capsys, monkeypatch, signed, "sub-003", *args)
    assert code == 2 and message in err, err
    assert "Traceback" not in err
    assert folder_state(signed) == before


def test_an_unknown_return_to_is_a_usage_error(
    signed: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = folder_state(signed)
    with pytest.raises(SystemExit) as exit_:
        decide(capsys, monkeypatch, signed, "sub-003", "--return-to", "manager", "--reason", "x")
    assert exit_.value.code == 2 and "invalid choice: 'manager'" in capsys.readouterr().err
    assert folder_state(signed) == before


def test_refusals_exit_2_with_the_reason_and_write_nothing(
    signed: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    con = sqlite3.connect(signed / "assessor.db")
    [drafted] = con.execute("SELECT submission_id FROM evaluations WHERE status = 'draft' LIMIT 1")
    [unscored] = con.execute(
        "SELECT id FROM submissions WHERE id NOT IN (SELECT submission_id FROM evaluations) "
        "ORDER BY id LIMIT 1"
    )
    con.close()
    before = folder_state(signed)
    code, _, err = decide(capsys, monkeypatch, signed, drafted[0], "--approve")
    assert code == 2 and "a draft evaluation cannot be signed off" in err
    code, _, err = decide(capsys, monkeypatch, signed, unscored[0], "--approve")
    assert code == 2 and "has not been scored yet: nothing to sign off" in err
    code, _, err = decide(capsys, monkeypatch, signed, "sub-999", "--approve")
    assert code == 2 and "sub-999" in err
    code, _, err = decide(
        capsys, monkeypatch, signed, "sub-003", "--approve", "--profile", "Ada Assessor"
    )
    assert code == 2 and "Ada Assessor" in err  # not a manager profile
    assert folder_state(signed) == before


def test_a_wrong_passphrase_signs_nothing(
    signed: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = decide(capsys, monkeypatch, signed, "sub-003", "--approve", passphrase="nope")
    assert code == 2 and "passphrase" in err
    assert len(queue(capsys, signed)) == 1


def test_a_tampered_evidence_file_blocks_sign_off_and_is_named(
    signed: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    con = sqlite3.connect(signed / "assessor.db")
    name, sha = con.execute(
        "SELECT name, sha256 FROM artifacts WHERE submission_id = 'sub-003' ORDER BY position"
    ).fetchone()
    con.close()
    blob = signed / "blobs" / "sha256" / sha[:2] / sha[2:4] / sha
    blob.chmod(0o644)
    data = bytearray(blob.read_bytes())
    data[-1] ^= 1  # one bit, same size
    blob.write_bytes(bytes(data))
    code, _, err = decide(capsys, monkeypatch, signed, "sub-003", "--approve")
    assert code == 2, err
    assert f"evidence file '{name}' no longer matches" in err and sha in err
    assert len(queue(capsys, signed)) == 1
