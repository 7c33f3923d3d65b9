"""`assessor package import/export` on a demo data folder."""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
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
        "newAssessments": [],
        "newRubrics": [],
        "notes": [],
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


# ---- handing work to another assessor (issue 10, item 3) ----------------------------------


def _folder_with_only_a_profile(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    other = tmp_path / "sam"
    stdin = io.StringIO("sam's own passphrase\n")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("sys.stdin", stdin)
        code, _, _ = run(
            capsys, "profile", "create", "--name", "Sam Second", "--role", "assessor",
            "--passphrase-stdin", "--data-dir", str(other),
        )  # fmt: skip
    assert code == 0
    return other


def _tables(folder: Path) -> dict[str, int]:
    con = sqlite3.connect(folder / "assessor.db")
    try:
        names = [
            "rubrics", "rubric_versions", "achievements", "assessments", "learners",
            "submissions", "artifacts", "audit_events",
        ]  # fmt: skip
        return {n: con.execute(f"SELECT count(*) FROM {n}").fetchone()[0] for n in names}
    finally:
        con.close()


def test_handover_to_a_folder_with_only_a_profile_then_score_finalize_and_verify(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "for-sam.zip"
    code, _, _ = run(
        capsys, "package", "export", "sub-001", "--out", str(package), "--data-dir", str(demo)
    )
    assert code == 0
    other = _folder_with_only_a_profile(tmp_path, capsys)
    code, text, err = run(capsys, "package", "import", str(package), "--data-dir", str(other))
    assert code == 0, err
    assert (
        "From the package's catalogue: assessment safe-isolation-l2, rubric safe-isolation@1"
        in text
    )
    shown = json.loads(
        run(capsys, "rubric", "show", "safe-isolation", "--json", "--data-dir", str(other))[1]
    )
    levels = [f"{c['id']}={len(c['levels'])}" for c in shown["criteria"]]
    argv = ["score", "sub-001", "--finalize", "--data-dir", str(other)]
    for level in levels:
        argv += ["--level", level]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("sys.stdin", io.StringIO("sam's own passphrase\n"))
        code, text, err = run(capsys, *argv)
    assert code == 0, err
    assert "Finalized and signed by Sam Second" in text
    code, text, err = run(capsys, "verify", "--data-dir", str(other))
    assert code == 0 and "OK" in text, (text, err)


def test_a_tampered_rubric_or_a_conflicting_version_exits_2_naming_it_and_writes_nothing(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "for-sam.zip"
    run(capsys, "package", "export", "sub-001", "--out", str(package), "--data-dir", str(demo))
    entry = "rubrics/safe-isolation@1.json"
    with zipfile.ZipFile(package) as zf:
        files = {name: zf.read(name) for name in zf.namelist()}
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(tampered, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            if name == entry:
                data = data.replace(b'"title":"Competent"', b'"title":"Good enough"', 1)
            zf.writestr(name, data)
    other = _folder_with_only_a_profile(tmp_path, capsys)
    before = _tables(other)
    code, _, err = run(capsys, "package", "import", str(tampered), "--data-dir", str(other))
    assert code == 2
    assert f"{tampered}: entry '{entry}': the rubric document's digest is uEi" in err
    assert _tables(other) == before
    # A version 1 of the rubric with other content in Sam's folder: the package's is refused.
    doc = json.loads(files[entry])
    doc["title"] = "Safe isolation, as Sam's folder has it"
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps(doc), encoding="utf-8")
    assert run(capsys, "rubric", "import", str(mine), "--data-dir", str(other))[0] == 0
    before = _tables(other)
    code, _, err = run(capsys, "package", "import", str(package), "--data-dir", str(other))
    assert code == 2
    assert (
        f"{package}: manifest.json/catalogue/rubrics/0: rubric version safe-isolation@1 exists "
        "in this data folder with other content"
    ) in err
    assert _tables(other) == before
