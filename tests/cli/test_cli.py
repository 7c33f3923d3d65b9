"""The command line contract of DESIGN.md, run in-process through `main` (and once as the
installed console script)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from assessor.demo.folder import FOR_SIGNOFF
from tests.cli.conftest import run

DEMO_RUBRICS = Path(str(resources.files("assessor") / "resources" / "demo" / "rubrics"))


def audit_count(data: Path) -> int:
    con = sqlite3.connect(data / "assessor.db")
    try:
        return int(con.execute("SELECT count(*) FROM audit_events").fetchone()[0])
    finally:
        con.close()


def test_demo_lists_forty_submissions_with_rubric_versions(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "submission", "list", "--data-dir", str(demo), "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 40
    # the demo's work for the manager is finalized and signed
    assert {r["status"] for r in rows} == {"to_score", "in_progress", "finalized"}
    assert sum(r["status"] == "finalized" for r in rows) == FOR_SIGNOFF
    assert all(r["rubric"]["digest"].startswith("uEi") for r in rows)
    assert set(rows[0]) == {"id", "learner", "assessment", "status", "rubric", "submittedAt"}
    code, out, _ = run(capsys, "rubric", "list", "--data-dir", str(demo), "--json")
    kinds = {
        json.loads(run(capsys, "rubric", "show", r["id"], "--data-dir", str(demo), "--json")[1])[
            "kind"
        ]
        for r in json.loads(out)
    }
    assert kinds == {"analytic", "checklist", "holistic"}


def test_demo_refuses_a_folder_with_a_database(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "demo", "--data-dir", str(demo))
    assert code == 2 and "already holds an Assessor database" in err


def _first_criterion(
    demo: Path, capsys: pytest.CaptureFixture[str], sub: str
) -> tuple[str, dict[str, object]]:
    view = json.loads(run(capsys, "evaluation", "show", sub, "--data-dir", str(demo), "--json")[1])
    rubric = json.loads(
        run(
            capsys,
            "rubric",
            "show",
            f"{view['rubric']['id']}@{view['rubric']['version']}",
            "--data-dir",
            str(demo),
            "--json",
        )[1]
    )
    return view["status"], rubric


def test_score_saves_a_draft_and_show_reflects_it(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sub = json.loads(
        run(
            capsys, "submission", "list", "--status", "to_score", "--data-dir", str(demo), "--json"
        )[1]
    )[0]["id"]
    status, rubric = _first_criterion(demo, capsys, sub)
    assert status == "to_score"
    criterion = rubric["criteria"][0]
    top = criterion["levels"][-1]
    code, out, _ = run(
        capsys,
        "score",
        sub,
        "--level",
        f"{criterion['id']}={top['id']}",
        "--comment",
        f"{criterion['id']}=Well evidenced",
        "--data-dir",
        str(demo),
        "--json",
    )
    assert code == 0
    saved = json.loads(out)
    shown = json.loads(run(capsys, "evaluation", "show", sub, "--data-dir", str(demo), "--json")[1])
    assert shown == saved
    assert shown["criteria"][criterion["id"]]["level"] == top["id"]
    assert shown["criteria"][criterion["id"]]["comment"] == "Well evidenced"
    assert shown["status"] == "draft" and shown["outcome"] == "incomplete"
    # Level by number, as on the keyboard: 1 = lowest.
    assert (
        run(capsys, "score", sub, "--level", f"{criterion['id']}=1", "--data-dir", str(demo))[0]
        == 0
    )
    shown = json.loads(run(capsys, "evaluation", "show", sub, "--data-dir", str(demo), "--json")[1])
    assert shown["criteria"][criterion["id"]]["level"] == criterion["levels"][0]["id"]


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--level", "no-such-criterion=1"], "unknown criterion 'no-such-criterion'; valid:"),
        (["--level", "{c}=no-such-level"], "unknown level of criterion"),
        (["--level", "{c}=99"], "unknown level of criterion"),
        (["--level", "{c}"], "expected CRITERION=VALUE"),
        ([], "nothing to do"),
    ],
)
def test_bad_score_input_exits_2_and_writes_nothing(
    demo: Path, capsys: pytest.CaptureFixture[str], args: list[str], fragment: str
) -> None:
    _, rubric = _first_criterion(demo, capsys, "sub-001")
    criterion = rubric["criteria"][0]["id"]
    before = audit_count(demo)
    code, _, err = run(
        capsys, "score", "sub-001", *[a.format(c=criterion) for a in args], "--data-dir", str(demo)
    )
    assert code == 2 and fragment in err
    assert audit_count(demo) == before


def test_unknown_submission_names_valid_choices(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "evaluation", "show", "sub-999", "--data-dir", str(demo))
    assert code == 2 and "unknown submission 'sub-999'; valid: sub-001, sub-002" in err


def test_rubric_import_versions_and_diff(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rubric = json.loads(
        run(capsys, "rubric", "show", "safe-isolation", "--data-dir", str(demo), "--json")[1]
    )
    from assessor.demo import demo_rubric_files

    source = next(p for p in demo_rubric_files() if p.name == "safe-isolation.json")
    doc = json.loads(source.read_text(encoding="utf-8"))
    code, out, _ = run(capsys, "rubric", "import", str(source), "--data-dir", str(demo), "--json")
    assert code == 0 and json.loads(out)[0]["created"] is False
    assert json.loads(out)[0]["digest"] == rubric["digest"]
    doc["criteria"][0]["weight"] = 5
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(doc), encoding="utf-8")
    code, out, _ = run(capsys, "rubric", "import", str(changed), "--data-dir", str(demo), "--json")
    imported = json.loads(out)[0]
    assert code == 0 and imported["version"] == rubric["version"] + 1
    assert imported["digest"] != rubric["digest"]
    code, out, _ = run(
        capsys,
        "rubric",
        "diff",
        f"safe-isolation@{rubric['version']}",
        f"safe-isolation@{imported['version']}",
        "--data-dir",
        str(demo),
        "--json",
    )
    changes = json.loads(out)
    assert code == 0 and len(changes) == 1 and changes[0]["kind"] == "changed"
    assert "weight" in changes[0]["path"]


def test_invalid_rubric_file_reports_every_problem_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            {
                "format": "assessor-rubric/1",
                "id": "bad",
                "title": "Bad",
                "kind": "analytic",
                "passRule": {"type": "percentage", "threshold": 50},
                "criteria": [
                    {
                        "id": "a",
                        "title": "A",
                        "weight": 0,
                        "levels": [
                            {"id": "x", "title": "X", "points": 2},
                            {"id": "y", "title": "Y", "points": 1},
                        ],
                    },
                    {"id": "a", "title": "A again", "levels": []},
                ],
            }
        ),
        encoding="utf-8",
    )
    data = tmp_path / "data"
    code, _, err = run(capsys, "rubric", "import", str(bad), "--data-dir", str(data))
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) >= 4
    assert all(line.startswith(f"{bad}: /criteria/") for line in lines)
    assert not data.exists()
    code, _, err2 = run(capsys, "rubric", "validate", str(bad))
    assert code == 2 and err2 == err


def test_console_script_runs_with_help_examples() -> None:
    # The console script of the environment running the tests (which need not be activated).
    exe = shutil.which("assessor", path=str(Path(sys.executable).parent))
    assert exe is not None, "the package's console script is installed"
    out = subprocess.run([exe, "score", "--help"], capture_output=True, text=True, check=True)
    assert "example:" in out.stdout and "--level" in out.stdout


def test_rubric_import_of_a_draft_says_it_publishes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 11, item 12: never "unchanged, already published" for a version this very
    command has just published."""
    data = tmp_path / "data"
    source = str(DEMO_RUBRICS / "safe-isolation.json")
    code, text, _ = run(capsys, "rubric", "import", source, "--draft", "--data-dir", str(data))
    assert code == 0 and text.rstrip().endswith("imported, as a draft")
    code, text, _ = run(capsys, "rubric", "import", source, "--data-dir", str(data))
    assert code == 0 and text.rstrip().endswith("published (it was a draft with the same content)")
    code, text, _ = run(capsys, "rubric", "import", source, "--json", "--data-dir", str(data))
    (shown,) = json.loads(text)
    assert (shown["created"], shown["published"], shown["publishedNow"]) == (False, True, False)
    with pytest.raises(SystemExit):
        run(capsys, "rubric", "import", "--help")
    assert "irreversibly" in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize(
    ("points", "fragment"),
    [
        ("1.0000000000000000000000000001", "has more than 4 decimal places"),
        ("3e999999999", "has more than 12 significant digits"),
        ("1.25.0", "'1.25.0' is not a decimal number"),
    ],
)
def test_score_refuses_points_beyond_the_precision_bound(
    demo: Path, capsys: pytest.CaptureFixture[str], points: str, fragment: str
) -> None:
    """Issue 11, item 5: stored exactly but signed and shown rounded is never possible, because
    such points never get in; exit 2 naming the argument, and nothing written."""
    listed = run(
        capsys, "submission", "list", "--assessment", "safe-isolation-l2", "--status", "to_score",
        "--json", "--data-dir", str(demo),
    )[1]  # fmt: skip
    sub = json.loads(listed)[0]["id"]
    db = sqlite3.connect(demo / "assessor.db")
    before = db.execute("SELECT count(*) FROM audit_events").fetchone()
    argument = f"record-and-inform=2:{points}"
    code, _, err = run(capsys, "score", sub, "--level", argument, "--data-dir", str(demo))
    assert code == 2
    assert f"--level '{argument}': points {fragment}" in err
    assert db.execute("SELECT count(*) FROM audit_events").fetchone() == before
    db.close()
    code, _, _ = run(
        capsys, "score", sub, "--level", "record-and-inform=2:1.4999", "--data-dir", str(demo)
    )
    shown = json.loads(run(capsys, "evaluation", "show", sub, "--json", "--data-dir", str(demo))[1])
    assert code == 0 and shown["criteria"]["record-and-inform"]["points"] == "1.4999"


def test_rubric_import_refuses_a_seventy_digit_level_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 11, item 5: it used to import and publish, and then `rubric show` failed forever."""
    text = (DEMO_RUBRICS / "safe-isolation.json").read_text(encoding="utf-8")
    big = tmp_path / "big.json"
    big.write_text(text.replace('"points": 3', '"points": 2.' + "0" * 67 + "1", 1), "utf-8")
    data = tmp_path / "data"
    code, _, err = run(capsys, "rubric", "import", str(big), "--data-dir", str(data))
    assert code == 2 and not data.exists()
    assert err.startswith(f"{big}: /criteria/0/levels/3/points: numbers have at most 4 decimal")


def test_rubric_validate_prints_all_four_defects_of_a_case_package_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 10, item 4: two problems used to be printed, and fixing them revealed two more."""
    doc = json.loads((DEMO_RUBRICS / "case-code-review.json").read_text(encoding="utf-8"))
    criteria = doc["CFRubrics"][0]["CFRubricCriteria"]
    criteria[0]["weight"] = -1
    del criteria[1]["CFRubricCriterionLevels"][0]["identifier"]
    criteria[1]["CFRubricCriterionLevels"][2]["score"] = "high"
    criteria[2]["identifier"] = criteria[0]["identifier"]
    path = tmp_path / "four.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    code, _, err = run(capsys, "rubric", "validate", str(path))
    lines = err.splitlines()
    assert code == 2 and len(lines) == 4
    assert [line.split(": ")[1] for line in lines] == [
        "/CFRubrics/0/CFRubricCriteria/0/weight",
        "/CFRubrics/0/CFRubricCriteria/1/CFRubricCriterionLevels/0",
        "/CFRubrics/0/CFRubricCriteria/1/CFRubricCriterionLevels/2/score",
        "/CFRubrics/0/CFRubricCriteria/2/identifier",
    ]
    assert "/criteria" not in err
