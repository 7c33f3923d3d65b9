"""The console shows a sealed session's amendments as their signed records say them: a copy
changed in the amendments table is not believed, and a record that no longer verifies, or
that names another sealed record, is shown as not to be trusted."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from assessor.services.exam_amendments import session_amendments
from assessor.store.db import Database
from tests.services.exam_world import people, sealed_and_amended, session_with_roster


def _sql(db: Database, statement: str, *args: object) -> None:
    """As an attacker with the file would: the triggers that keep rows unchanged dropped."""
    con = sqlite3.connect(db.path)
    with con:
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
            con.execute(f'DROP TRIGGER "{name}"')
        con.execute(statement, args)
    con.close()


def test_an_amendment_is_shown_as_signed(db: Database, tmp_path: Path) -> None:
    session = sealed_and_amended(db, tmp_path, people(db).manager)
    [shown] = session_amendments(db, session)
    assert (shown.by, shown.text, shown.problem) == ("Mo Manager", "C2 was excused.", "")
    assert shown.record_id.startswith("urn:uuid:") and shown.at.endswith("Z")


def test_the_tables_copy_of_the_text_is_not_what_is_shown(db: Database, tmp_path: Path) -> None:
    session = sealed_and_amended(db, tmp_path, people(db).manager)
    _sql(db, "UPDATE exam_amendments SET text = 'C2 cheated.'")
    [shown] = session_amendments(db, session)
    assert shown.text == "C2 was excused." and not shown.problem


def test_a_rewritten_amendment_record_cannot_be_trusted(db: Database, tmp_path: Path) -> None:
    session = sealed_and_amended(db, tmp_path, people(db).manager)
    _sql(
        db,
        "UPDATE records SET body = replace(body, 'C2 was excused.', 'C2 cheated.') "
        "WHERE kind = 'ExamSessionAmendmentRecord'",
    )
    [shown] = session_amendments(db, session)
    assert "signature does not verify" in shown.problem


def test_an_amendment_of_another_record_cannot_be_trusted(db: Database, tmp_path: Path) -> None:
    session = sealed_and_amended(db, tmp_path, people(db).manager)
    _sql(db, "UPDATE exam_runs SET record_id = 'urn:uuid:00000000-0000-7000-8000-000000000000'")
    [shown] = session_amendments(db, session)
    assert shown.problem, shown


def test_a_session_without_amendments_shows_none(db: Database, tmp_path: Path) -> None:
    who = people(db)
    assert session_amendments(db, session_with_roster(db, who, tmp_path)) == []
