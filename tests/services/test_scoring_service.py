from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest

from assessor.domain.errors import DomainError, UnknownChoice
from assessor.domain.scoring import Outcome
from assessor.services.scoring import (
    ClearLevel,
    SetComment,
    SetLevel,
    SetOverallComment,
    save_draft,
    show_evaluation,
)
from assessor.services.submissions import QueueFilter, list_submissions, status_counts
from assessor.store.db import Database
from tests.conftest import Seed


def _audit_count(db: Database) -> int:
    con = sqlite3.connect(db.path)
    try:
        return int(con.execute("SELECT count(*) FROM audit_events").fetchone()[0])
    finally:
        con.close()


def test_unscored_submission_shows_an_empty_sheet(db: Database, seeded: Seed) -> None:
    view = show_evaluation(db, seeded.submission_ids[0])
    assert view.evaluation_id is None and view.status == "to_score"
    assert [c.level_id for c in view.criteria] == [None] * 4
    assert view.result.outcome is Outcome.INCOMPLETE


def test_each_save_is_committed_with_one_audit_event_per_change(db: Database, seeded: Seed) -> None:
    sub = seeded.submission_ids[0]
    before = _audit_count(db)
    save_draft(db, sub, seeded.assessor_id, [SetLevel("plan", "competent")])
    assert _audit_count(db) == before + 2  # evaluation.start + one change
    save_draft(
        db,
        sub,
        seeded.assessor_id,
        [SetLevel("terminate", "proficient"), SetComment("plan", "Neat route")],
    )
    assert _audit_count(db) == before + 4
    # Read back through a separate connection: the data is committed, not cached.
    con = sqlite3.connect(db.path)
    rows = dict(con.execute("SELECT criterion_id, level_id FROM evaluation_scores").fetchall())
    status = con.execute("SELECT status FROM submissions WHERE id = ?", (sub,)).fetchone()[0]
    con.close()
    assert rows == {"plan": "competent", "terminate": "proficient"}
    assert status == "in_progress"


def test_full_score_computes_total_outcome_and_band(db: Database, seeded: Seed) -> None:
    view = save_draft(
        db,
        seeded.submission_ids[0],
        seeded.assessor_id,
        [
            SetLevel("plan", "proficient"),
            SetLevel("terminate", "proficient"),
            SetLevel("prove-dead", "competent"),
            SetLevel("record", "partial", Decimal("2.5")),
            SetOverallComment("Solid work."),
        ],
    )
    # 3*1 + 3*2 + 2*3 + 2.5*1.5 = 18.75 of 3+6+9+4.5 = 22.5 → 83.33 %
    assert view.result.total == Decimal("18.75")
    assert view.result.maximum == Decimal("22.5")
    assert view.result.outcome is Outcome.PASS and view.result.band == "merit"
    again = show_evaluation(db, seeded.submission_ids[0])
    assert again.result == view.result and again.overall_comment == "Solid work."
    assert again.to_json()["criteria"]["record"] == {
        "level": "partial",
        "points": "2.5",
        "comment": "",
    }


def test_critical_below_minimum_fails_with_reason(db: Database, seeded: Seed) -> None:
    view = save_draft(
        db,
        seeded.submission_ids[0],
        seeded.assessor_id,
        [
            SetLevel("plan", "proficient"),
            SetLevel("terminate", "proficient"),
            SetLevel("prove-dead", "developing"),
            SetLevel("record", "full"),
        ],
    )
    assert view.result.outcome is Outcome.NOT_YET
    assert "critical criterion 'Prove dead' below its minimum level 'Competent'" in (
        view.result.reasons
    )


def test_clear_level_returns_to_incomplete(db: Database, seeded: Seed) -> None:
    sub = seeded.submission_ids[0]
    save_draft(db, sub, seeded.assessor_id, [SetLevel("plan", "competent")])
    view = save_draft(db, sub, seeded.assessor_id, [ClearLevel("plan")])
    assert view.criteria[0].level_id is None


@pytest.mark.parametrize(
    ("change", "error", "fragment"),
    [
        (SetLevel("nope", "competent"), UnknownChoice, "plan, prove-dead, record, terminate"),
        (SetLevel("plan", "nope"), UnknownChoice, "competent, developing"),
        (SetLevel("record", "partial", Decimal(3)), DomainError, "outside level 'partial'"),
        (SetLevel("plan", "competent", Decimal(1)), DomainError, "outside level"),
        # Issue 11, item 5: within the level's range, but beyond the precision bound.
        (
            SetLevel("record", "partial", Decimal("1.0000000000000000000000000001")),
            DomainError,
            "points for criterion 'record' have more than 4 decimal places",
        ),
        (
            SetLevel("record", "partial", Decimal("2.00001")),
            DomainError,
            "at most 4 decimal places and 12 significant digits",
        ),
        (SetLevel("record", "partial", Decimal("NaN")), DomainError, "finite"),
    ],
)
def test_invalid_change_rolls_back_the_whole_save(
    db: Database, seeded: Seed, change: SetLevel, error: type[Exception], fragment: str
) -> None:
    before = _audit_count(db)
    with pytest.raises(error, match=fragment):
        save_draft(
            db,
            seeded.submission_ids[0],
            seeded.assessor_id,
            [SetLevel("terminate", "competent"), change],
        )
    assert _audit_count(db) == before
    assert show_evaluation(db, seeded.submission_ids[0]).evaluation_id is None


def test_unknown_submission_names_the_choices(db: Database, seeded: Seed) -> None:
    with pytest.raises(UnknownChoice, match="sub-001, sub-002, sub-003"):
        save_draft(db, "sub-999", seeded.assessor_id, [])


def test_queue_filters_and_counts(db: Database, seeded: Seed) -> None:
    save_draft(db, "sub-002", seeded.assessor_id, [SetLevel("plan", "competent")])
    assert [r.id for r in list_submissions(db, QueueFilter(status="in_progress"))] == ["sub-002"]
    assert status_counts(db) == {"to_score": 2, "in_progress": 1}
    assert [r.id for r in list_submissions(db, QueueFilter(text="Learner 2"))] == ["sub-003"]
    assert [r.id for r in list_submissions(db, QueueFilter(text="C-0001"))] == ["sub-002"]
    assert list_submissions(db, QueueFilter(text="%")) == []  # LIKE wildcards are literal
    rows = list_submissions(db)
    assert [r.id for r in rows] == ["sub-003", "sub-002", "sub-001"]  # oldest first
    assert rows[0].rubric_digest.startswith("uEi") and rows[0].rubric_version == 1


def test_blind_marked_learners_appear_only_by_code(db: Database, seeded: Seed) -> None:
    from assessor.store import models as m

    with db.write() as tx:
        tx.get_one(m.Assessment, "wiring-l2").blind_marking = True
    rows = list_submissions(db)
    assert {r.learner for r in rows} == {"C-0000", "C-0001", "C-0002"}
    assert list_submissions(db, QueueFilter(text="Learner 1")) == []
    assert [r.id for r in list_submissions(db, QueueFilter(text="C-0001"))] == ["sub-002"]


def test_queue_shows_my_progress_on_each_submission(db: Database, seeded: Seed) -> None:
    sub = "sub-002"
    save_draft(
        db,
        sub,
        seeded.assessor_id,
        [
            SetLevel("plan", "competent"),
            SetLevel("terminate", "proficient"),
            SetComment(seeded.rubric.criteria[2].id, "a comment is not a score"),
        ],
    )
    save_draft(db, sub, seeded.assessor_id, [ClearLevel("terminate")])
    mine = {r.id: r for r in list_submissions(db, assessor_id=seeded.assessor_id)}
    assert (mine[sub].criteria_scored, mine[sub].criteria_total) == (1, 4)
    assert (mine["sub-001"].criteria_scored, mine["sub-001"].criteria_total) == (0, 4)
    others = {r.id: r for r in list_submissions(db, assessor_id="someone-else")}
    assert (others[sub].criteria_scored, others[sub].criteria_total) == (0, 4)
    assert not any(r.blind for r in others.values())
