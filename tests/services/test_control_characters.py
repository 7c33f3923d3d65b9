"""The services refuse control characters where people type text: profile names, comments (the
autosave path the window uses) and correction reasons. Newlines and tabs stay allowed in
comments and reasons; nothing of a refused call is written."""

from __future__ import annotations

import sqlite3

import pytest

from assessor.domain.errors import DomainError
from assessor.services.finalize import finalize, start_correction
from assessor.services.profiles import add_profile, create_profile
from assessor.services.scoring import SetComment, SetLevel, SetOverallComment, save_draft
from assessor.store.db import Database
from tests.conftest import CHEAP_KDF, Seed, sealed_key


def state(db: Database) -> tuple[object, ...]:
    con = sqlite3.connect(db.path)
    try:
        return tuple(
            con.execute(sql).fetchall()
            for sql in (
                "SELECT count(*) FROM audit_events",
                "SELECT id, status, overall_comment FROM evaluations ORDER BY id",
                "SELECT * FROM evaluation_scores ORDER BY evaluation_id, criterion_id",
                "SELECT id, status FROM submissions ORDER BY id",
                "SELECT name FROM profiles ORDER BY name",
            )
        )
    finally:
        con.close()


@pytest.mark.parametrize("bad", ["\x1b[2J", "\x9b31m", "\x00", "\x7f", "\r"])
def test_a_comment_with_a_control_character_is_refused_before_anything_is_written(
    db: Database, seeded: Seed, bad: str
) -> None:
    sub = seeded.submission_ids[0]
    before = state(db)
    title = seeded.rubric.criterion("plan").title
    changes = [SetLevel("plan", "competent"), SetComment("plan", f"Neat{bad} route")]
    with pytest.raises(DomainError, match=f"the comment on “{title}” contains a control"):
        save_draft(db, sub, seeded.assessor_id, changes)
    with pytest.raises(DomainError, match="the overall comment contains a control character"):
        save_draft(db, sub, seeded.assessor_id, [SetOverallComment(f"ok{bad}")])
    assert state(db) == before  # no draft started, no level, no event


def test_newlines_and_tabs_are_kept_in_comments(db: Database, seeded: Seed) -> None:
    text = "Route:\n\tneat, clipped every 300 mm"
    view = save_draft(
        db,
        seeded.submission_ids[0],
        seeded.assessor_id,
        [SetComment("plan", text), SetOverallComment(text)],
    )
    assert view.overall_comment == text
    assert {c.id: c.comment for c in view.criteria}["plan"] == text


def test_the_error_says_where_the_character_is_and_never_holds_it(
    db: Database, seeded: Seed
) -> None:
    with pytest.raises(DomainError) as caught:
        save_draft(db, seeded.submission_ids[0], seeded.assessor_id, [SetOverallComment("ab\x1b")])
    assert "(U+001B" in caught.value.message and "at character 3" in caught.value.message
    assert "\x1b" not in caught.value.message


@pytest.mark.parametrize(
    "name", ["Ada\x1b[2J", "Ada\tLovelace", "Ada\nLovelace", "Ada\x85Lovelace", "\x00"]
)
def test_a_profile_name_with_a_control_character_is_refused(db: Database, name: str) -> None:
    before = state(db)
    with pytest.raises(DomainError, match="profile name contains a control character"):
        create_profile(db, name, ["assessor"], "a passphrase", cost=CHEAP_KDF)
    with (
        pytest.raises(DomainError, match="profile name contains a control character"),
        db.write() as tx,
    ):
        add_profile(tx, name, ["assessor"], sealed_key())
    assert state(db) == before


def test_spaces_in_a_profile_name_are_still_made_one(db: Database) -> None:
    with db.write() as tx:
        assert add_profile(tx, "  Ada   Lovelace ", ["assessor"]).name == "Ada Lovelace"


def test_a_correction_reason_with_a_control_character_is_refused(
    db: Database, seeded: Seed
) -> None:
    sub = seeded.submission_ids[0]
    signer = seeded.signer(db)
    levels = [SetLevel(c.id, c.levels[-1].id) for c in seeded.rubric.criteria]
    save_draft(db, sub, seeded.assessor_id, levels)
    finalize(db, sub, signer)
    before = state(db)
    with pytest.raises(DomainError, match="correction reason contains a control character"):
        start_correction(db, sub, signer, "Misread\x1b[2J the sheet")
    assert state(db) == before
    start_correction(db, sub, signer, "Misread the sheet:\n\tplan was competent")
    assert state(db) != before
