"""The outcome line: the outcome and why in one line, by band title; the rest in a tooltip."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from assessor.domain.rubric import GradeBand
from assessor.domain.scoring import Selection, score
from assessor.ui.scoring.outcome import describe
from tests.conftest import sample_rubric

# Band ids that are not their titles: the line must name the titles.
BANDS = (
    GradeBand("b-pass", "Pass"),
    GradeBand("b-merit", "Merit", min_percentage=Decimal(80)),
    GradeBand("b-distinction", "Distinction", min_percentage=Decimal(95)),
)


def _rubric():  # type: ignore[no-untyped-def]
    return dataclasses.replace(sample_rubric(), bands=BANDS)


def _all(level: str, record: str) -> dict[str, Selection]:
    picks = {c.id: Selection(level) for c in _rubric().criteria if c.id != "record"}
    return picks | {"record": Selection(record)}


def test_a_pass_says_which_band_was_reached_by_its_title() -> None:
    rubric = _rubric()
    result = score(rubric, _all("proficient", "partial"))  # 88 %: Merit, not Distinction
    assert result.band == "b-merit"
    words = describe(result, rubric)
    assert "\n" not in words.line
    assert "PASS" in words.line and "Merit (≥ 80 %) reached" in words.line
    assert "b-merit" not in words.line and "not reached" not in words.line
    assert "Distinction" not in words.line
    rest = words.details.splitlines()
    assert "Band reached: Merit (≥ 80 %)." in rest
    assert "Pass mark 60 % reached." in rest
    assert any("'Distinction' not reached" in line for line in rest)


def test_a_pass_with_no_band_says_the_pass_mark_was_reached() -> None:
    rubric = dataclasses.replace(_rubric(), bands=())
    words = describe(score(rubric, _all("competent", "full")), rubric)
    assert words.line.endswith("· PASS · pass mark 60 % reached")


def test_not_yet_says_the_first_reason_and_lists_them_all() -> None:
    rubric = _rubric()
    picks = _all("not-yet", "none")
    words = describe(score(rubric, picks), rubric)
    assert "NOT YET — critical criterion 'Prove dead' below its minimum level" in words.line
    assert "\n" not in words.line
    assert len(words.details.splitlines()) == 2  # the critical criterion and the pass mark


def test_incomplete_counts_what_is_left() -> None:
    rubric = _rubric()
    words = describe(score(rubric, {"plan": Selection("competent")}), rubric)
    assert words.line.endswith("INCOMPLETE — 3 of 4 criteria still to score")
    assert "'Terminate conductors'" in words.details
