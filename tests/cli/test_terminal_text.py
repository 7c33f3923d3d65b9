"""Control characters: refused where people type text (profile names, comments, correction
reasons) with exit 2 and nothing written; escaped wherever the CLI prints text that came from
people, files or the database, so `ESC [2J` never reaches the terminal as a command."""

from __future__ import annotations

import io
import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from assessor.demo import DEMO_PASSPHRASE
from assessor.domain.text import is_control
from assessor.security.did import did_key, verification_method
from assessor.security.records import sign
from tests.cli.conftest import run

ESC = "\x1b[2J"  # clears the screen
CSI = "\x9b31m"  # the same kind of command, as one C1 character
BIDI = "\u202e"  # right-to-left override: turns what follows around
BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def raw_controls(text: str) -> list[str]:
    """Every character that would act on a terminal rather than print (line ends excepted)."""
    return [c for c in text if (is_control(c) and c != "\n") or c in BIDI_CONTROLS]


def run_in(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, stdin: str, *argv: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return run(capsys, *argv)


def snapshot(data: Path) -> tuple[object, ...]:
    """What a refused command must leave as it was."""
    con = sqlite3.connect(data / "assessor.db")
    try:
        return tuple(
            con.execute(sql).fetchall()
            for sql in (
                "SELECT count(*) FROM audit_events",
                "SELECT id, name FROM profiles ORDER BY id",
                "SELECT id, status, overall_comment, supersede_reason FROM evaluations ORDER BY id",
                "SELECT evaluation_id, criterion_id, level_id, comment FROM evaluation_scores"
                " ORDER BY evaluation_id, criterion_id",
                "SELECT id, status FROM submissions ORDER BY id",
            )
        )
    finally:
        con.close()


def sql(data: Path, *statements: tuple[str, tuple[Any, ...]]) -> None:
    """Change the database as someone with the file would, under the app's back."""
    con = sqlite3.connect(data / "assessor.db")
    try:
        with con:
            for statement, params in statements:
                con.execute(statement, params)
    finally:
        con.close()


def to_score(data: Path, capsys: pytest.CaptureFixture[str], assessment: str) -> str:
    args = ["--assessment", assessment, "--status", "to_score", "--json"]
    _, out, _ = run(capsys, "submission", "list", *args, "--data-dir", str(data))
    return str(json.loads(out)[0]["id"])


# ---- refused at entry ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", [f"Ada{ESC}", f"Ada{CSI} Assessor", "Ada\tAssessor", "Ada\nAssessor", "Ada\x7f"]
)
def test_a_profile_name_with_a_control_character_is_refused_and_nothing_written(
    demo: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
) -> None:
    before = snapshot(demo)
    new = tmp_path / "new-folder"
    for folder in (demo, new):
        args = ["profile", "create", "--name", name, "--role", "assessor", "--passphrase-stdin"]
        code, out, err = run_in(
            capsys, monkeypatch, "a long enough passphrase\n", *args, "--data-dir", str(folder)
        )
        assert code == 2 and out == ""
        assert "profile name contains a control character (U+00" in err
        assert raw_controls(err) == []
    assert snapshot(demo) == before
    assert not new.exists()  # not even an empty database


@pytest.mark.parametrize(
    ("option", "value", "what"),
    [
        ("--comment", f"CRITERION=Tested on a known source{ESC}", "the comment on “"),
        ("--comment", f"CRITERION=ok{CSI}", "the comment on “"),
        ("--overall", "Good work\x07", "the overall comment"),
    ],
)
def test_a_comment_with_a_control_character_is_refused_and_nothing_written(
    demo: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, what: str
) -> None:
    sub = to_score(demo, capsys, "safe-isolation-l2")
    before = snapshot(demo)
    value = value.replace("CRITERION", "prove-dead")
    # a valid level in the same command is not saved either: the command writes nothing
    args = ["score", sub, "--level", "prove-dead=competent", option, value]
    code, out, err = run(capsys, *args, "--data-dir", str(demo))
    assert code == 2 and out == ""
    assert what in err and "contains a control character (U+" in err
    assert raw_controls(err) == []
    assert snapshot(demo) == before


def test_newlines_and_tabs_are_kept_in_comments_and_printed_on_one_line(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sub = to_score(demo, capsys, "safe-isolation-l2")
    comment = "Proved dead:\n\tL–N, L–E, N–E"
    args = ["score", sub, "--comment", f"prove-dead={comment}", "--data-dir", str(demo)]
    code, out, _ = run(capsys, *args)
    assert code == 0
    assert "«Proved dead:\\n\\tL–N, L–E, N–E»" in out  # the line stays one line
    _, out, _ = run(capsys, "evaluation", "show", sub, "--json", "--data-dir", str(demo))
    assert json.loads(out)["criteria"]["prove-dead"]["comment"] == comment


def _finalize(
    demo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> str:
    sub = to_score(demo, capsys, "site-induction")
    _, out, _ = run(
        capsys, "rubric", "show", "site-induction-checklist", "--json", "--data-dir", str(demo)
    )
    levels = [a for c in json.loads(out)["criteria"] for a in ("--level", f"{c['id']}=met")]
    args = ["score", sub, *levels, "--finalize", "--data-dir", str(demo)]
    code, _, err = run_in(capsys, monkeypatch, DEMO_PASSPHRASE + "\n", *args)
    assert code == 0, err
    return sub


@pytest.mark.parametrize("reason", [f"Wrong level{ESC}", "Wrong\x00 level"])
def test_a_correction_reason_with_a_control_character_is_refused_and_nothing_written(
    demo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, reason: str
) -> None:
    sub = _finalize(demo, capsys, monkeypatch)
    before = snapshot(demo)
    args = ["score", sub, "--correct", reason, "--data-dir", str(demo)]
    code, out, err = run_in(capsys, monkeypatch, DEMO_PASSPHRASE + "\n", *args)
    assert code == 2 and out == ""
    assert "correction reason contains a control character (U+00" in err
    assert raw_controls(err) == []
    assert snapshot(demo) == before
    # a reason of several lines is fine
    args = ["score", sub, "--correct", "Wrong level:\n\tsee the photo", "--data-dir", str(demo)]
    code, out, err = run_in(capsys, monkeypatch, DEMO_PASSPHRASE + "\n", *args)
    assert code == 0, err
    assert "Started a correction of " + sub + ": Wrong level:\\n\\tsee the photo" in out


# ---- escaped on the way out -----------------------------------------------------------------

HOSTILE_NAME = f"Eve{ESC}{CSI} {BIDI}evil\nsub-999  Fake Learner  Forged"
HOSTILE_TITLE = "Safe\x1b]0;pwned\x07 isolation"
HOSTILE_PROFILE = f"Ada{ESC} Assessor"
HOSTILE_COMMENT = f"ok{ESC}{CSI}"


def hostile_store(demo: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Names, titles and comments with control characters written straight into the file (the
    entry checks never saw them), as someone with the database file could."""
    sub = to_score(demo, capsys, "safe-isolation-l2")
    code, _, _ = run(capsys, "score", sub, "--comment", "prove-dead=fine", "--data-dir", str(demo))
    assert code == 0
    con = sqlite3.connect(demo / "assessor.db")
    try:
        triggers = con.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            " AND tbl_name = 'rubric_versions'"
        ).fetchall()
        with con:
            for name, _ in triggers:
                con.execute(f'DROP TRIGGER "{name}"')
            con.execute(
                "UPDATE learners SET name = ? WHERE id = (SELECT learner_id FROM submissions"
                " WHERE id = ?)",
                (HOSTILE_NAME, sub),
            )
            con.execute(
                "UPDATE assessments SET title = ? WHERE id = 'safe-isolation-l2'", (HOSTILE_TITLE,)
            )
            con.execute(
                "UPDATE profiles SET name = ? WHERE name = 'Ada Assessor'", (HOSTILE_PROFILE,)
            )
            con.execute(
                "UPDATE evaluation_scores SET comment = ? WHERE comment = 'fine'",
                (HOSTILE_COMMENT,),
            )
            con.execute(
                "UPDATE rubric_versions SET title = ? WHERE rubric_id = 'safe-isolation'",
                (HOSTILE_TITLE,),
            )
            for _, trigger in triggers:
                con.execute(trigger)
    finally:
        con.close()
    return sub


def test_text_from_the_database_is_printed_escaped(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sub = hostile_store(demo, capsys)
    at = ["--data-dir", str(demo)]
    shown: dict[str, tuple[int, str, str]] = {
        "queue": run(capsys, "submission", "list", "--search", "Eve", *at),
        "profiles": run(capsys, "profile", "list", *at),
        "evaluation": run(capsys, "evaluation", "show", sub, *at),
        "rubrics": run(capsys, "rubric", "list", *at),
        "rubric": run(capsys, "rubric", "show", "safe-isolation", *at),
        "score": run(
            capsys, "score", sub, "--level", "prove-dead=1", "--profile", HOSTILE_PROFILE, *at
        ),
    }
    for what, (code, out, err) in shown.items():
        assert code == 0, (what, err)
        assert raw_controls(out + err) == [], what
    code, out, _ = shown["queue"]
    assert "Eve\\x1b[2J\\x9b31m \\u202eevil\\nsub-999  Fake Learner  Forged" in out
    assert "Safe\\x1b]0;pwned\\x07 isolation" in out
    _, listed, _ = run(capsys, "submission", "list", "--search", "Eve", *at, "--json")
    rows = len(json.loads(listed))  # this learner's submissions
    assert rows >= 1 and len(out.splitlines()) == 2 + rows  # header, rule, a row each: no more
    assert "Ada\\x1b[2J Assessor" in shown["profiles"][1]
    assert "«ok\\x1b[2J\\x9b31m»" in shown["evaluation"][1]
    assert "Safe\\x1b]0;pwned\\x07 isolation" in shown["rubrics"][1]
    assert shown["rubric"][1].startswith("Safe\\x1b]0;pwned\\x07 isolation\n")
    assert "as Ada\\x1b[2J Assessor" in shown["score"][1]


def test_json_output_is_safe_for_a_terminal_and_gives_back_the_exact_text(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sub = hostile_store(demo, capsys)
    at = ["--data-dir", str(demo), "--json"]
    code, out, _ = run(capsys, "submission", "list", "--search", "Eve", *at)
    assert code == 0 and raw_controls(out) == []
    [row] = [r for r in json.loads(out) if r["id"] == sub]
    assert row["learner"] == HOSTILE_NAME
    code, out, _ = run(capsys, "evaluation", "show", sub, *at)
    assert code == 0 and raw_controls(out) == []
    assert json.loads(out)["criteria"]["prove-dead"]["comment"] == HOSTILE_COMMENT


@pytest.mark.parametrize(
    "argv",
    [
        ("evaluation", "show", f"sub{ESC}-001"),
        ("rubric", "show", f"safe{CSI}-isolation"),
        ("score", "sub-001", "--comment", f"prove{ESC}-dead=fine"),
        ("score", "sub-001", "--level", f"prove-dead{BIDI}=1"),
        ("score", "sub-001", "--level", "prove-dead=9\x1b[2J"),
    ],
)
def test_errors_that_quote_what_was_given_quote_it_escaped(
    demo: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]
) -> None:
    code, out, err = run(capsys, *argv, "--data-dir", str(demo))
    assert code == 2 and out == ""
    assert raw_controls(err) == [] and ("\\x1b" in err or "\\x9b" in err or "\\u202e" in err)
    assert len(err.splitlines()) == 1


def test_a_hostile_record_file_is_reported_escaped(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone signs a record with their own key, calling themselves by a name that clears the
    screen: `record verify` says who the record claims to be, escaped."""
    sub = _finalize(demo, capsys, monkeypatch)
    _, out, _ = run(capsys, "evaluation", "show", sub, "--json", "--data-dir", str(demo))
    record = json.loads(out)["record"]["id"]
    exported = tmp_path / "exported.json"
    args = ["record", "export", record, "--out", str(exported), "--data-dir", str(demo)]
    assert run(capsys, *args)[0] == 0
    document = json.loads(exported.read_bytes())
    del document["proof"]
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes_raw()
    document["issuer"] = {"id": did_key(public), "name": f"Mallory{ESC}{BIDI}", "role": "assessor"}
    document["credentialSubject"]["overallComment"] = f"forged{ESC}"
    forged = tmp_path / "forged.json"
    signed = sign(document, key, verification_method(public), created=document["validFrom"])
    forged.write_text(json.dumps(signed), encoding="utf-8")
    code, out, err = run(capsys, "record", "verify", str(forged))
    assert code in (0, 1), err  # checked, whatever it concludes
    assert raw_controls(out + err) == []
    assert "Mallory\\x1b[2J\\u202e" in out + err
    _, out, err = run(capsys, "record", "verify", str(forged), "--json")
    assert raw_controls(out + err) == []
