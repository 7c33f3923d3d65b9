"""`assessor package import/export` on a demo data folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import run
from tests.services.package_corpus import Raw, good_package, hostile


def test_export_then_import_into_the_same_folder_is_unchanged(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "handover.zip"
    code, text, _ = run(
        capsys,
        "package",
        "export",
        "sub-001",
        "sub-002",
        "--out",
        str(out),
        "--data-dir",
        str(demo),
    )
    assert code == 0 and "Wrote 2 submission(s)" in text and out.is_file()
    code, text, _ = run(capsys, "package", "import", str(out), "--data-dir", str(demo))
    assert code == 0 and "Already imported, unchanged: sub-001, sub-002" in text


def test_import_new_package_as_json(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "new.zip"
    package.write_bytes(good_package(assessment="safe-isolation-l2"))
    code, text, _ = run(
        capsys, "package", "import", str(package), "--json", "--data-dir", str(demo)
    )
    assert code == 0
    result = json.loads(text)
    # The package's "PDF" is a few bytes of text: it is imported, but cannot be previewed.
    assert result.pop("previews") == [
        {"artifact": "method.txt", "preview": "text (utf-8), 1 line"},
        {"artifact": "report.pdf", "preview": "cannot preview: malformed PDF: startxref not found"},
    ]
    assert result | {"bytes": 0} == {
        "file": str(package),
        "imported": ["pkg-001"],
        "unchanged": [],
        "artifacts": 2,
        "bytes": 0,
        "newLearners": 1,
    }
    code, text, _ = run(capsys, "submission", "list", "--json", "--data-dir", str(demo))
    assert "pkg-001" in {row["id"] for row in json.loads(text)}


def test_hostile_package_exits_2_naming_entry_and_reason(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "evil.zip"
    package.write_bytes(hostile([Raw("../evil.txt", b"x")]))
    code, _, err = run(capsys, "package", "import", str(package), "--data-dir", str(demo))
    assert code == 2
    assert f"{package}: entry '../evil.txt': the name climbs out of its folder (..)" in err


def test_limits_are_options(demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = tmp_path / "many.zip"
    package.write_bytes(good_package(assessment="safe-isolation-l2"))
    argv = ["package", "import", str(package), "--max-entries", "2", "--data-dir", str(demo)]
    code, _, err = run(capsys, *argv)
    assert code == 2 and "entries, over the limit of 2" in err


def test_export_of_unknown_submission_names_the_valid_ones(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.zip"
    argv = ["package", "export", "nope", "--out", str(out), "--data-dir", str(demo)]
    code, _, err = run(capsys, *argv)
    assert code == 2 and "unknown submission 'nope'; valid: sub-001" in err
    assert not out.exists() and not list(tmp_path.glob(".x.zip*"))
