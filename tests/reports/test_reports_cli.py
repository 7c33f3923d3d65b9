"""`assessor report score-sheet` and `assessor export results`: what they write, and what they
refuse (exit 2, a message naming the problem, nothing written)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from assessor.services.finalize import finalize
from assessor.services.profiles import list_profiles, unlock
from assessor.store.db import Database
from tests.cli.conftest import run
from tests.conftest import PASSPHRASE
from tests.reports.conftest import build_world


@pytest.fixture
def folder(data_dir: Path) -> Path:
    db = Database.open(data_dir)
    try:
        build_world(db)
    finally:
        db.close()
    return data_dir


def test_score_sheet_writes_a_pdf_and_says_what_it_holds(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sheet.pdf"
    code, stdout, stderr = run(
        capsys, "report", "score-sheet", "sub-001", "--out", str(out), "--data-dir", str(folder)
    )
    assert code == 0, stderr
    assert out.read_bytes().startswith(b"%PDF-")
    assert "Wrote the score sheet of sub-001" in stdout and "verified" in stdout
    code, stdout, _ = run(
        capsys,
        *("report", "score-sheet", "sub-001", "--out", str(out), "--force", "--json"),
        *("--data-dir", str(folder)),
    )
    report = json.loads(stdout)
    assert code == 0 and report["signature"] == "verified" and report["pages"] >= 2
    assert report["digest"].startswith("uEi") and report["problems"] == []


def test_the_terminal_gets_escaped_text(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A signer whose name holds a terminal escape (written into the file before signing):
    the command prints the name from the record with the escape made visible."""
    db = Database.open(data_dir)
    try:
        build_world(db, finalized=False)
        con = sqlite3.connect(db.path)
        con.execute("UPDATE profiles SET name = 'Ada \x1b[2J'")
        con.commit()
        con.close()
        [profile] = list_profiles(db)
        finalize(db, "sub-001", unlock(db, profile.id, PASSPHRASE))
    finally:
        db.close()
    out = tmp_path / "sheet.pdf"
    code, stdout, _ = run(
        capsys, "report", "score-sheet", "sub-001", "--out", str(out), "--data-dir", str(data_dir)
    )
    assert code == 0 and "\x1b" not in stdout and "signed by Ada \\x1b[2J" in stdout


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("report", "score-sheet", "sub-999"), "unknown submission 'sub-999'; valid: sub-001"),
        (("export", "results", "nope"), "unknown assessment 'nope'; valid: hostile-l2"),
    ],
)
def test_unknown_ids_exit_2_naming_the_valid_ones(
    folder: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
    message: str,
) -> None:
    out = tmp_path / "x.out"
    code, _stdout, stderr = run(capsys, *argv, "--out", str(out), "--data-dir", str(folder))
    assert code == 2 and message in stderr and "Traceback" not in stderr
    assert not out.exists()


def test_refusals_write_nothing(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    existing = tmp_path / "kept.pdf"
    existing.write_bytes(b"mine")
    code, _, stderr = run(
        capsys,
        "report",
        "score-sheet",
        "sub-001",
        "--out",
        str(existing),
        "--data-dir",
        str(folder),
    )
    assert code == 2 and "already exists; add --force" in stderr
    assert existing.read_bytes() == b"mine"
    inside = folder / "sheet.pdf"
    code, _, stderr = run(
        capsys, "report", "score-sheet", "sub-001", "--out", str(inside), "--data-dir", str(folder)
    )
    assert code == 2 and "inside the data folder" in stderr and not inside.exists()
    store = folder / "assessor.db"
    before = store.read_bytes()
    code, _, stderr = run(
        capsys, "export", "results", "hostile-l2", "--out", str(store), "--force",
        "--data-dir", str(folder),
    )  # fmt: skip
    assert code == 2 and "inside the data folder" in stderr and store.read_bytes() == before
    missing = tmp_path / "no" / "such" / "folder" / "x.csv"
    code, _, stderr = run(
        capsys, "export", "results", "hostile-l2", "--out", str(missing), "--data-dir", str(folder)
    )
    assert code == 2 and "no such folder" in stderr and "Traceback" not in stderr


def test_export_results_writes_the_csv(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "results.csv"
    code, stdout, stderr = run(
        capsys, "export", "results", "hostile-l2", "--out", str(out), "--data-dir", str(folder)
    )
    assert code == 0, stderr
    assert "Wrote 1 signed result(s) of hostile-l2" in stdout
    assert out.read_bytes().startswith(b"\xef\xbb\xbfsubmission,learner,status")


def test_a_submission_nobody_scored_has_no_sheet(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.conftest import seed

    db = Database.open(data_dir)
    try:
        seed(db)
    finally:
        db.close()
    out = tmp_path / "x.pdf"
    code, _, stderr = run(
        capsys, "report", "score-sheet", "sub-001", "--out", str(out), "--data-dir", str(data_dir)
    )
    assert code == 2 and "nobody has scored sub-001 yet" in stderr and not out.exists()
