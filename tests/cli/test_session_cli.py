"""`assessor session ...` on a demo folder: the whole run from create to seal by script,
every refusal exits 2 saying exactly what is wrong, and writes nothing."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from assessor.demo import DEMO_PASSPHRASE
from tests.cli.conftest import folder_state, run

Capsys = pytest.CaptureFixture[str]


def session_json(capsys: Capsys, data: Path, *argv: str) -> object:
    code, out, err = run(capsys, "session", *argv, "--data-dir", str(data), "--json")
    assert code == 0, err
    return json.loads(out)


def with_passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(DEMO_PASSPHRASE + "\n"))


@pytest.fixture
def session(demo: Path, capsys: Capsys, tmp_path: Path) -> str:
    created = session_json(
        capsys,
        demo,
        "create",
        "--title",
        "Safe isolation — written paper",
        "--kind",
        "site",
        "--start",
        "2026-12-02T09:00:00Z",
        "--end",
        "2026-12-02T11:00+00:00",
    )
    assert isinstance(created, dict)
    roster = tmp_path / "roster.csv"
    roster.write_text("candidate,name,learner\nC1,Ann Able,l-1\nC2,Bob Baker,\n", encoding="utf-8")
    added = session_json(capsys, demo, "roster", "import", created["id"], str(roster))
    assert added == {"session": created["id"], "added": 2}
    return str(created["id"])


def test_a_session_run_end_to_end_by_script(
    demo: Path, capsys: Capsys, session: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed = session_json(capsys, demo, "list")
    assert isinstance(listed, list)
    # The demo folder has its own session in progress too; this one is ours.
    assert [
        {k: r[k] for k in ("id", "title", "state", "candidates")}
        for r in listed
        if r["id"] == session
    ] == [
        {"id": session, "title": "Safe isolation — written paper", "state": "open", "candidates": 2}
    ]
    checked = session_json(capsys, demo, "checkin", session, "C1", "--id-method", "passport")
    assert isinstance(checked, dict) and checked["seq"] == 1
    logged = session_json(
        capsys,
        demo,
        "incident",
        session,
        "--candidate",
        "C1",
        "--candidate",
        "C2",
        "--type",
        "communication",
        "--severity",
        "yellow",
        "--witness",
        "Priya",
        "--action",
        "Separated",
        "--notified",
        "Centre manager",
        "--text",
        "Passing a note",
    )
    assert isinstance(logged, dict) and logged["seq"] == 2
    session_json(capsys, demo, "outcome", session, "C1", "completed")
    session_json(capsys, demo, "outcome", session, "C2", "no-show")
    shown = session_json(capsys, demo, "show", session)
    assert isinstance(shown, dict)
    assert shown["state"] == "open" and shown["missing"] == []
    assert [(c["id"], c["name"], c["outcome"]) for c in shown["candidates"]] == [
        ("C1", "Ann Able", "completed"),
        ("C2", "Bob Baker", "no-show"),
    ]
    assert shown["candidates"][0]["checkin"]["method"] == "passport"
    assert shown["incidents"][0]["candidates"] == ["C1", "C2"]
    assert shown["incidents"][0]["severityMeans"] == "rule broken, cheating unlikely"
    with_passphrase(monkeypatch)
    sealed = session_json(capsys, demo, "seal", session, "--profile", "Priya Proctor")
    assert isinstance(sealed, dict)
    out_file = demo.parent / "session-record.json"
    code, _, err = run(
        capsys,
        "record",
        "export",
        sealed["record"],
        "--out",
        str(out_file),
        "--data-dir",
        str(demo),
    )
    assert code == 0, err
    code, out, err = run(capsys, "record", "verify", str(out_file), "--data-dir", str(demo))
    assert code == 0, err + out
    code, out, err = run(capsys, "verify", "--data-dir", str(demo))
    assert code == 0, err + out


def test_sealing_an_incomplete_session_exits_2_naming_what_is_missing(
    demo: Path, capsys: Capsys, session: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    session_json(capsys, demo, "checkin", session, "C1", "--id-method", "known")
    before = folder_state(demo)
    with_passphrase(monkeypatch)
    code, out, err = run(capsys, "session", "seal", session, "--data-dir", str(demo))
    assert code == 2 and out == ""
    assert err.strip() == (
        f"assessor: error: cannot seal {session}: 2 thing(s) missing: "
        "candidate C1 has no outcome; candidate C2 has no outcome"
    )
    assert folder_state(demo) == before


def test_a_change_after_sealing_exits_2(
    demo: Path, capsys: Capsys, session: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    session_json(capsys, demo, "outcome", session, "C1", "voided")
    session_json(capsys, demo, "outcome", session, "C2", "no-show")
    with_passphrase(monkeypatch)
    session_json(capsys, demo, "seal", session)
    before = folder_state(demo)
    for argv in (
        ["checkin", session, "C2", "--id-method", "known"],
        ["incident", session, "--candidate", "C1", "--type", "other", "--severity", "green",
         "--text", "Too late"],
        ["outcome", session, "C2", "voided"],
    ):  # fmt: skip
        code, out, err = run(capsys, "session", *argv, "--data-dir", str(demo))
        assert (code, out) == (2, "")
        assert err.strip() == "assessor: error: a sealed exam session cannot change"
    assert folder_state(demo) == before


def test_a_bad_roster_exits_2_with_every_line_and_imports_nothing(
    demo: Path, capsys: Capsys, session: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("candidate,name\nC3,Cat\nC1,Again\n,Nobody\nC4,\n", encoding="utf-8")
    before = folder_state(demo)
    code, out, err = run(
        capsys, "session", "roster", "import", session, str(bad), "--data-dir", str(demo)
    )
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f"{bad}: line 3: candidate C1 is already listed",
        f"{bad}: line 4: candidate '' is not an id (letters, digits and . _ : @ / + - "
        "(starting with a letter or digit), at most 200)",
        f"{bad}: line 5: the name is empty",
    ]
    assert folder_state(demo) == before


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["checkin", "{s}", "C1", "--id-method", "face"], "invalid choice: 'face'"),
        (["checkin", "{s}", "C9", "--id-method", "known"], "unknown candidate of session"),
        (["checkin", "nope", "C1", "--id-method", "known"], "unknown exam session 'nope'"),
        (["outcome", "{s}", "C1", "completed"], "'completed' needs a check-in first"),
        (
            ["create", "--title", "T", "--kind", "site", "--start", "2026-12-02T09:00",
             "--end", "2026-12-02T10:00Z"],
            "not a date and time with a time zone",
        ),
        (
            ["incident", "{s}", "--candidate", "C1", "--type", "other", "--severity", "red",
             "--text", " "],
            "an incident needs a text",
        ),
    ],
)  # fmt: skip
def test_bad_input_exits_2_and_writes_nothing(
    demo: Path, capsys: Capsys, session: str, argv: list[str], message: str
) -> None:
    before = folder_state(demo)
    given = [a.replace("{s}", session) for a in argv]
    try:
        code, out, err = run(capsys, "session", *given, "--data-dir", str(demo))
    except SystemExit as exc:  # argparse refuses a choice itself
        code, (out, err) = int(str(exc.code)), capsys.readouterr()
    assert (code, out) == (2, "")
    assert message in err
    assert folder_state(demo) == before


def test_an_assessor_cannot_run_a_session(demo: Path, capsys: Capsys, session: str) -> None:
    # The CLI acts as a proctor profile; naming an assessor is an unknown proctor.
    code, _, err = run(
        capsys,
        "session",
        "checkin",
        session,
        "C1",
        "--id-method",
        "known",
        "--profile",
        "Ada Assessor",
        "--data-dir",
        str(demo),
    )
    assert code == 2 and "unknown proctor profile 'Ada Assessor'" in err
