"""`assessor report signoff` and `assessor report session`: what they write, and what they
refuse (exit 2, a message naming the problem, nothing written)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assessor.store.db import Database
from tests.cli.conftest import run
from tests.reports.conftest import build_world
from tests.reports.record_worlds import session, signed_off


def _folder(data_dir: Path, make: object) -> str:
    db = Database.open(data_dir)
    try:
        found = make(db)  # type: ignore[operator]
    finally:
        db.close()
    return str(found)


def test_signoff_writes_the_pdf_and_says_what_it_holds(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _folder(data_dir, signed_off)
    out = tmp_path / "signoff.pdf"
    argv = ("report", "signoff", "sub-001", "--out", str(out), "--data-dir", str(data_dir))
    code, stdout, stderr = run(capsys, *argv)
    assert code == 0, stderr
    assert out.read_bytes().startswith(b"%PDF-")
    assert "Wrote the sign-off record of sub-001" in stdout
    assert "Returned to the assessor for rescoring" in stdout and "\x1b" not in stdout
    assert "\\u202e" in stdout  # the manager's right-to-left override, made visible
    code, stdout, _ = run(capsys, *argv, "--force", "--json")
    found = json.loads(stdout)
    assert code == 0 and found["verified"] is True and found["decision"] == "returned"
    assert found["digest"].startswith("uEi") and found["problems"] == []


def test_session_writes_the_pdf_sealed_or_open(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sealed = _folder(data_dir, lambda db: session(db, tmp_path).id)
    out = tmp_path / "session.pdf"
    code, stdout, stderr = run(
        capsys, "report", "session", sealed, "--out", str(out), "--json",
        "--data-dir", str(data_dir),
    )  # fmt: skip
    assert code == 0, stderr
    found = json.loads(stdout)
    assert found["state"] == "sealed" and found["verified"] is True and found["pages"] >= 2
    assert out.read_bytes().startswith(b"%PDF-")
    second = tmp_path / "second"
    still_open = _folder(second, lambda db: session(db, tmp_path, sealed=False).id)
    out = tmp_path / "open.pdf"
    code, stdout, stderr = run(
        capsys, "report", "session", still_open, "--out", str(out), "--data-dir", str(second)
    )
    assert code == 0, stderr
    assert "the session is open: not sealed, so not signed" in stdout and out.exists()


def test_unknown_ids_and_undecided_work_exit_2_writing_nothing(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _folder(data_dir, build_world)  # sub-001: finalized, no sign-off decision
    out = tmp_path / "x.pdf"
    cases = [
        (("report", "signoff", "sub-999"), "unknown submission 'sub-999'; valid: sub-001"),
        (("report", "signoff", "sub-001"), "sub-001 has no sign-off decision yet"),
        (("report", "session", "exam-nope"), "unknown exam session 'exam-nope'"),
    ]
    for argv, message in cases:
        code, _, stderr = run(capsys, *argv, "--out", str(out), "--data-dir", str(data_dir))
        assert code == 2 and message in stderr and "Traceback" not in stderr, stderr
        assert not out.exists()


def test_an_existing_file_or_one_inside_the_data_folder_is_refused(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sealed = _folder(data_dir, lambda db: session(db, tmp_path).id)
    kept = tmp_path / "kept.pdf"
    kept.write_bytes(b"mine")
    argv = ("report", "session", sealed, "--data-dir", str(data_dir))
    code, _, stderr = run(capsys, *argv, "--out", str(kept))
    assert code == 2 and "already exists; add --force" in stderr and kept.read_bytes() == b"mine"
    inside = data_dir / "session.pdf"
    code, _, stderr = run(capsys, *argv, "--out", str(inside))
    assert code == 2 and "inside the data folder" in stderr and not inside.exists()
