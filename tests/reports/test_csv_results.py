"""The results CSV: read back with the csv module it equals the signed evaluations; a text cell
never becomes a formula; number columns stay numbers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from assessor.domain.rubric import Criterion, Level, PassRule, PassRuleKind, Rubric, RubricKind
from assessor.reports.csv_results import number_cell, results_csv, text_cell
from assessor.services.finalize import finalize, start_correction
from assessor.services.profiles import add_profile
from assessor.services.report_results import results_data
from assessor.services.rubrics import import_rubric
from assessor.services.scoring import SetComment, SetLevel, SetOverallComment, save_draft
from assessor.store import models as m
from assessor.store.db import Database
from assessor.store.types import utcnow
from tests.conftest import Seed, sealed_key
from tests.reports.conftest import HOSTILE, World

FORMULAS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x", '  =HYPERLINK("x")', "＝1"]


def read(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the byte order mark, for Excel
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_csv_reads_back_as_the_signed_evaluations(db: Database, world: World) -> None:
    data = results_data(db, "hostile-l2")
    [row] = read(results_csv(data))
    [result] = data.rows
    assert row["submission"] == "sub-001" and row["status"] == "current"
    assert row["learner"] == world.learner  # control characters and all: it is data
    for c in world.rubric.criteria:
        assert row[f"{c.id}: level"] == "mid"
        assert row[f"{c.id}: points"] == "1"
        assert row[f"{c.id}: comment"] == world.comments[c.id]
    assert row["overall comment"] == world.overall
    assert (row["total"], row["maximum"], row["percentage"]) == ("4", "8", "50")
    assert row["outcome"] == "pass" and row["signature"] == "verified"
    assert row["record"] == result.record_id and row["record digest"] == result.record_digest
    assert row["assessor"] == "Ада Ассессор <b>"


def test_text_that_looks_like_a_formula_is_written_as_text() -> None:
    for text in FORMULAS:
        assert text_cell(text) == "'" + text
    for text in ["plain", "a=b", "1-2", HOSTILE["arabic"], ""]:
        assert text_cell(text) == text
    assert number_cell(Decimal("-2.5")) == "-2.5"  # a real negative number stays a number


def test_a_hostile_comment_in_the_file_is_neutralised(db: Database, seeded: Seed) -> None:
    sub = seeded.submission_ids[0]
    changes: list[object] = [
        SetLevel("plan", "competent"),
        SetLevel("terminate", "proficient"),
        SetLevel("prove-dead", "competent"),
        SetLevel("record", "full"),
        SetComment("plan", '=HYPERLINK("http://evil","click")'),
        SetComment("terminate", "+cmd|' /C calc'!A0"),
        SetComment("prove-dead", "-1+1"),
        SetOverallComment("@SUM(1,2)"),
    ]
    save_draft(db, sub, seeded.assessor_id, changes)  # type: ignore[arg-type]
    finalize(db, sub, seeded.signer(db))
    [row] = read(results_csv(results_data(db, "wiring-l2")))
    assert row["plan: comment"] == '\'=HYPERLINK("http://evil","click")'
    assert row["terminate: comment"] == "'+cmd|' /C calc'!A0"
    assert row["prove-dead: comment"] == "'-1+1"
    assert row["overall comment"] == "'@SUM(1,2)"


def test_negative_points_stay_numbers(db: Database) -> None:
    rubric = Rubric(
        id="penalty",
        title="Penalty",
        kind=RubricKind.ANALYTIC,
        criteria=(
            Criterion(
                "safety",
                "Safety",
                (Level("breach", "Breach", Decimal(-2)), Level("ok", "OK", Decimal(3))),
            ),
            Criterion(
                "work",
                "Work",
                (Level("poor", "Poor", Decimal(0)), Level("good", "Good", Decimal(5))),
            ),
        ),
        pass_rule=PassRule(PassRuleKind.POINTS, Decimal(1)),
    )
    with db.write() as tx:
        info = import_rubric(tx, rubric, source_format="test", actor="system")
        version = tx.query(m.RubricVersion).filter_by(digest=info.digest).one()
        assessor = add_profile(tx, "A", ["assessor"], sealed_key())
        tx.add(m.Achievement(id="b", title="B", kind="badge"))
        tx.add(
            m.Assessment(id="pen", title="Pen", achievement_id="b", rubric_version_id=version.id)
        )
        tx.add(m.Learner(id="l", name="L", anonymous_code="C-1"))
        tx.add(m.Submission(id="s1", learner_id="l", assessment_id="pen", submitted_at=utcnow()))
    save_draft(db, "s1", assessor.id, [SetLevel("safety", "breach"), SetLevel("work", "good")])
    from assessor.services.profiles import unlock
    from tests.conftest import PASSPHRASE

    finalize(db, "s1", unlock(db, assessor.id, PASSPHRASE))
    [row] = read(results_csv(results_data(db, "pen")))
    assert row["safety: points"] == "-2" and row["total"] == "3"


def test_drafts_are_left_out_and_superseded_results_kept_and_marked(
    db: Database, seeded: Seed
) -> None:
    first, second = seeded.submission_ids[:2]
    full = [
        SetLevel("plan", "competent"),
        SetLevel("terminate", "proficient"),
        SetLevel("prove-dead", "competent"),
        SetLevel("record", "full"),
    ]
    save_draft(db, first, seeded.assessor_id, full)  # type: ignore[arg-type]
    signer = seeded.signer(db)
    finalize(db, first, signer)
    start_correction(db, first, signer, "wrong level for plan")
    save_draft(db, first, seeded.assessor_id, [SetLevel("plan", "proficient")])
    finalize(db, first, signer)
    save_draft(db, second, seeded.assessor_id, full[:2])  # a draft: not a result
    data = results_data(db, "wiring-l2")
    rows = read(results_csv(data))
    assert [(r["submission"], r["status"], r["plan: level"]) for r in rows] == [
        (first, "superseded", "competent"),
        (first, "current", "proficient"),
    ]
    assert data.in_progress == 1


def test_an_unknown_assessment_names_the_known_ones(db: Database, world: World) -> None:
    import pytest

    from assessor.domain.errors import UnknownChoice

    with pytest.raises(UnknownChoice, match="hostile-l2"):
        results_data(db, "nope")
