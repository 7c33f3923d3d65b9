"""The scoring engine, by example: totals, pass rules at their exact boundaries, critical
criteria, bands, incomplete sheets, ranges, unknown names, checklist and holistic rubrics."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from assessor.domain.errors import DomainError, UnknownChoice
from assessor.domain.rubric import (
    HOLISTIC_CRITERION,
    MET,
    NOT_MET,
    Criterion,
    GradeBand,
    Level,
    PassRule,
    PassRuleKind,
    Rubric,
    RubricKind,
)
from assessor.domain.scoring import (
    ENGINE_VERSION,
    CriterionScore,
    Outcome,
    ScoreResult,
    Selection,
    score,
)
from tests.conftest import sample_rubric

D = Decimal


def four_levels() -> tuple[Level, ...]:
    return (
        Level("not-yet", "Not yet", D(0)),
        Level("developing", "Developing", D(1)),
        Level("competent", "Competent", D(2)),
        Level("proficient", "Proficient", D(3)),
    )


def wiring(**changes: Any) -> Rubric:
    """Four criteria, weights 1, 2, 3 and 1.5, one critical, one with a range: max 22.5."""
    return dataclasses.replace(sample_rubric(), bands=(), **changes)


def sel(**levels: str | tuple[str, str]) -> dict[str, Selection]:
    """sel(plan="competent", record=("partial", "2")) — keyword names use _ for -."""
    out = {}
    for key, value in levels.items():
        if isinstance(value, tuple):
            out[key.replace("_", "-")] = Selection(value[0], D(value[1]))
        else:
            out[key.replace("_", "-")] = Selection(value)
    return out


def simple(
    weights: tuple[str, ...],
    rule: PassRule,
    *,
    levels: tuple[Level, ...] | None = None,
    bands: tuple[GradeBand, ...] = (),
) -> Rubric:
    """Criteria c0, c1, … with the given weights, all with the same levels."""
    return Rubric(
        id="simple",
        title="Simple",
        kind=RubricKind.ANALYTIC,
        criteria=tuple(
            Criterion(f"c{i}", f"Criterion {i}", levels or four_levels(), D(w))
            for i, w in enumerate(weights)
        ),
        pass_rule=rule,
        bands=bands,
    )


# --------------------------------------------------------------------------- analytic totals


def test_analytic_total_is_the_weighted_sum_of_the_chosen_levels() -> None:
    result = score(
        wiring(),
        sel(plan="competent", terminate="proficient", prove_dead="competent", record="full"),
    )
    assert result.criteria == (
        CriterionScore("plan", "competent", D(2), D(2)),
        CriterionScore("terminate", "proficient", D(3), D(6)),
        CriterionScore("prove-dead", "competent", D(2), D(6)),
        CriterionScore("record", "full", D(3), D("4.5")),
    )
    assert result.total == D("18.5")
    assert result.maximum == D("22.5")
    assert result.percentage == D("82.22")  # 82.222…
    assert result.outcome is Outcome.PASS
    assert result.complete
    assert result.reasons == ()
    assert result.band is None  # this rubric has no bands


def test_the_order_of_the_selections_does_not_matter() -> None:
    chosen = sel(plan="developing", terminate="competent", prove_dead="proficient", record="none")
    backwards = dict(reversed(list(chosen.items())))
    assert score(wiring(), chosen) == score(wiring(), backwards)


# --------------------------------------------------------------------------- range levels


@pytest.mark.parametrize(("points", "weighted"), [("1", "1.5"), ("1.75", "2.625"), ("2.5", "3.75")])
def test_range_level_takes_points_within_its_range(points: str, weighted: str) -> None:
    result = score(
        wiring(),
        sel(
            plan="proficient",
            terminate="proficient",
            prove_dead="proficient",
            record=("partial", points),
        ),
    )
    assert result.criteria[-1] == CriterionScore("record", "partial", D(points), D(weighted))
    assert result.total == D(18) + D(weighted)


def test_range_level_without_points_earns_its_lowest_points() -> None:
    result = score(
        wiring(),
        sel(plan="proficient", terminate="proficient", prove_dead="proficient", record="partial"),
    )
    assert result.criteria[-1].points == D(1)


@pytest.mark.parametrize("points", ["0.99", "2.51", "3", "-1"])
def test_points_outside_a_range_are_refused(points: str) -> None:
    with pytest.raises(DomainError) as caught:
        score(wiring(), sel(record=("partial", points)))
    message = caught.value.message
    assert f"points {points} are outside level 'partial'" in message
    assert "criterion 'record'" in message
    assert "(1–2.5)" in message


def test_points_for_a_fixed_level_must_be_its_points() -> None:
    assert score(wiring(), sel(record=("full", "3.00"))).criteria[0].points == D(3)
    with pytest.raises(DomainError, match=r"outside level 'full' of criterion 'record' \(3\)"):
        score(wiring(), sel(record=("full", "2.9")))


# --------------------------------------------------------------------------- critical criteria


def test_critical_criterion_below_its_minimum_is_not_yet_whatever_the_total() -> None:
    result = score(
        wiring(),
        sel(plan="proficient", terminate="proficient", prove_dead="developing", record="full"),
    )
    assert result.total == D("16.5")  # 73.33%: well above the pass mark of 60%
    assert result.outcome is Outcome.NOT_YET
    assert result.band is None
    assert result.reasons == (
        "critical criterion 'Prove dead' below its minimum level 'Competent'",
    )


def test_critical_criterion_at_its_minimum_passes() -> None:
    result = score(
        wiring(),
        sel(plan="proficient", terminate="proficient", prove_dead="competent", record="full"),
    )
    assert result.outcome is Outcome.PASS


def test_critical_failure_and_low_total_both_give_a_reason() -> None:
    result = score(
        wiring(),
        sel(plan="not-yet", terminate="developing", prove_dead="not-yet", record="none"),
    )
    assert result.outcome is Outcome.NOT_YET
    assert result.reasons == (
        "critical criterion 'Prove dead' below its minimum level 'Competent'",
        "total 8.88% is below the pass mark of 60%",
    )


# --------------------------------------------------------------------------- pass rule boundaries


def test_exactly_the_pass_percentage_passes_where_floats_would_not() -> None:
    # weights 0.1, 0.2, 0.7 and points 2, 1, 2: 1.8 of 3.0, exactly 60%
    rubric = simple(("0.1", "0.2", "0.7"), PassRule(PassRuleKind.PERCENTAGE, D(60)))
    assert not (0.1 * 2 + 0.2 * 1 + 0.7 * 2) * 100 >= 60 * (0.1 * 3 + 0.2 * 3 + 0.7 * 3)
    result = score(rubric, sel(c0="competent", c1="developing", c2="competent"))
    assert (result.total, result.maximum) == (D("1.8"), D("3.0"))
    assert result.percentage == D("60.00")
    assert result.outcome is Outcome.PASS


def test_a_hair_below_the_pass_percentage_is_not_yet_and_never_shown_as_reaching_it() -> None:
    # 1.79993 of 3.0 is 59.99766…%: a shown "60.00%" next to "not yet" would contradict itself
    levels = (
        Level("none", "None", D(0)),
        Level("part", "Part", D(1), max_points=D("2.9999")),
        Level("full", "Full", D(3)),
    )
    rubric = Rubric(
        "r",
        "R",
        RubricKind.ANALYTIC,
        (
            Criterion("a", "A", four_levels(), D("0.1")),
            Criterion("b", "B", four_levels(), D("0.2")),
            Criterion("c", "C", levels, D("0.7")),
        ),
        PassRule(PassRuleKind.PERCENTAGE, D(60)),
    )
    result = score(rubric, sel(a="competent", b="developing", c=("part", "1.9999")))
    assert result.total == D("1.79993")
    assert result.outcome is Outcome.NOT_YET
    assert result.percentage == D("59.99")
    assert result.reasons == ("total 59.99% is below the pass mark of 60%",)


@pytest.mark.parametrize(
    ("threshold", "outcome"), [("66.66", Outcome.PASS), ("66.67", Outcome.NOT_YET)]
)
def test_thirds_against_a_pass_mark_with_cents(threshold: str, outcome: Outcome) -> None:
    # 2 of 3 points is 66.666…%
    yes_no = (Level("no", "No", D(0)), Level("yes", "Yes", D(1)))
    rule = PassRule(PassRuleKind.PERCENTAGE, D(threshold))
    result = score(simple(("1", "1", "1"), rule, levels=yes_no), sel(c0="yes", c1="yes", c2="no"))
    assert result.total * 3 == result.maximum * 2
    assert result.percentage == D("66.66")
    assert result.outcome is outcome


def test_exactly_the_pass_points_passes_where_floats_would_not() -> None:
    yes_no = (Level("no", "No", D(0)), Level("yes", "Yes", D(1)))
    rubric = simple(("0.7", "0.1"), PassRule(PassRuleKind.POINTS, D("0.8")), levels=yes_no)
    assert 0.7 + 0.1 < 0.8
    result = score(rubric, sel(c0="yes", c1="yes"))
    assert result.total == D("0.8")
    assert result.outcome is Outcome.PASS


def test_a_hair_below_the_pass_points_is_not_yet() -> None:
    levels = (
        Level("no", "No", D(0)),
        Level("part", "Part", D("0.1"), max_points=D("0.9999")),
        Level("yes", "Yes", D(1)),
    )
    rubric = simple(("0.7", "0.1"), PassRule(PassRuleKind.POINTS, D("0.8")), levels=levels)
    result = score(rubric, sel(c0="yes", c1=("part", "0.9999")))
    assert result.total == D("0.79999")
    assert result.outcome is Outcome.NOT_YET
    assert result.reasons == ("total 0.79999 points is below the pass mark of 0.8 points",)


# --------------------------------------------------------------------------- bands


def banded(*bands: GradeBand) -> Rubric:
    return simple(("1", "1", "1", "1"), PassRule(PassRuleKind.PERCENTAGE, D(50)), bands=bands)


STANDARD_BANDS = (
    GradeBand("pass", "Pass"),
    GradeBand("merit", "Merit", min_percentage=D(70)),
    GradeBand(
        "distinction", "Distinction", min_percentage=D(85), every_criterion_at_least="proficient"
    ),
)


def test_the_highest_band_reached_wins() -> None:
    result = score(
        banded(*STANDARD_BANDS),
        sel(c0="proficient", c1="proficient", c2="proficient", c3="proficient"),
    )
    assert (result.outcome, result.band, result.reasons) == (Outcome.PASS, "distinction", ())


def test_every_criterion_at_least_holds_a_band_back_and_says_which_criterion() -> None:
    # 11 of 12 is 91.67%, enough for Distinction's percentage, but Criterion 3 is only competent
    result = score(
        banded(*STANDARD_BANDS),
        sel(c0="proficient", c1="proficient", c2="proficient", c3="competent"),
    )
    assert result.band == "merit"
    assert result.reasons == (
        "band 'Distinction' not reached: every criterion must be at level 'Proficient' or above "
        "(Criterion 3 below)",
    )


def test_each_band_not_reached_gives_its_reason() -> None:
    result = score(
        banded(*STANDARD_BANDS), sel(c0="competent", c1="competent", c2="competent", c3="competent")
    )
    assert result.band == "pass"
    assert result.reasons == (
        "band 'Merit' not reached: needs 70% of the maximum",
        "band 'Distinction' not reached: needs 85% of the maximum",
    )


def test_a_higher_band_is_reached_even_when_a_lower_one_is_not() -> None:
    bands = (
        GradeBand("steady", "Steady", every_criterion_at_least="competent"),
        GradeBand("high", "High", min_percentage=D(80)),
    )
    result = score(
        banded(*bands), sel(c0="proficient", c1="proficient", c2="proficient", c3="developing")
    )
    assert result.band == "high"  # 10 of 12
    assert result.reasons == (
        "band 'Steady' not reached: every criterion must be at level 'Competent' or above "
        "(Criterion 3 below)",
    )


def test_band_by_points_at_its_exact_boundary() -> None:
    bands = (GradeBand("ten", "Ten points", min_points=D(10)),)
    reached = score(
        banded(*bands), sel(c0="proficient", c1="proficient", c2="competent", c3="competent")
    )
    assert reached.band == "ten"
    missed = score(
        banded(*bands), sel(c0="proficient", c1="proficient", c2="competent", c3="developing")
    )
    assert missed.band is None
    assert missed.reasons == ("band 'Ten points' not reached: needs 10 points",)


def test_no_band_without_a_pass() -> None:
    result = score(
        banded(*STANDARD_BANDS),
        sel(c0="developing", c1="developing", c2="developing", c3="not-yet"),
    )
    assert result.outcome is Outcome.NOT_YET
    assert result.band is None
    assert result.reasons == ("total 25% is below the pass mark of 50%",)  # no band reasons


# --------------------------------------------------------------------------- incomplete


def test_unscored_criteria_make_the_result_incomplete_and_are_named() -> None:
    result = score(wiring(), sel(terminate="proficient", prove_dead="proficient"))
    assert result.outcome is Outcome.INCOMPLETE
    assert not result.complete
    assert result.band is None
    assert result.total == D(15)  # the partial total is still shown
    assert result.percentage == D("66.66")
    assert result.reasons == ("2 of 4 criteria not scored: 'Plan the route', 'Record results'",)


def test_an_empty_sheet_is_incomplete_with_every_criterion_named() -> None:
    result = score(wiring(), {})
    assert (result.outcome, result.total, result.percentage) == (Outcome.INCOMPLETE, D(0), D(0))
    assert result.reasons == (
        "4 of 4 criteria not scored: 'Plan the route', 'Terminate conductors', 'Prove dead', "
        "'Record results'",
    )


def test_incomplete_still_reports_a_critical_failure_already_made() -> None:
    result = score(wiring(), sel(prove_dead="not-yet"))
    assert result.outcome is Outcome.INCOMPLETE
    assert (
        result.reasons[0] == "critical criterion 'Prove dead' below its minimum level 'Competent'"
    )
    assert result.reasons[1].startswith("3 of 4 criteria not scored")


# --------------------------------------------------------------------------- unknown names


def test_unknown_criterion_names_the_valid_ones() -> None:
    with pytest.raises(UnknownChoice) as caught:
        score(wiring(), sel(plan="competent", earthing="competent"))
    error = caught.value
    assert (error.what, error.given) == ("criterion", "earthing")
    assert error.choices == ("plan", "prove-dead", "record", "terminate")
    assert (
        error.message == "unknown criterion 'earthing'; valid: plan, prove-dead, record, terminate"
    )
    assert error.code == "unknown-choice"


def test_unknown_level_names_the_valid_levels_of_that_criterion() -> None:
    with pytest.raises(UnknownChoice) as caught:
        score(wiring(), sel(record="excellent"))
    error = caught.value
    assert error.given == "excellent"
    assert error.what == "level of criterion 'record'"
    assert error.choices == ("full", "none", "partial")
    assert "valid: full, none, partial" in error.message


# --------------------------------------------------------------------------- checklist and holistic


def checklist() -> Rubric:
    def item(ident: str, title: str, points: int, *, critical: bool = False) -> Criterion:
        levels = (Level(NOT_MET, "Not met", D(0)), Level(MET, "Met", D(points)))
        return Criterion(ident, title, levels, D(1), minimum_level=MET if critical else None)

    return Rubric(
        "induction",
        "Site induction",
        RubricKind.CHECKLIST,
        (
            item("ppe", "Wears the PPE required", 1, critical=True),
            item("sign-in", "Signs in and out", 1),
            item("fire", "Knows the fire assembly point", 2),
        ),
        PassRule(PassRuleKind.PERCENTAGE, D(75)),
    )


def test_checklist_all_met_passes() -> None:
    result = score(checklist(), {c: Selection(MET) for c in ("ppe", "sign-in", "fire")})
    assert (result.total, result.maximum, result.percentage) == (D(4), D(4), D(100))
    assert result.outcome is Outcome.PASS


def test_checklist_critical_item_not_met_is_not_yet() -> None:
    chosen = {"ppe": Selection(NOT_MET), "sign-in": Selection(MET), "fire": Selection(MET)}
    result = score(checklist(), chosen)
    assert result.total == 3  # 75%: the total alone would pass
    assert result.outcome is Outcome.NOT_YET
    assert result.reasons == (
        "critical criterion 'Wears the PPE required' below its minimum level 'Met'",
    )


def test_checklist_below_the_pass_mark_is_not_yet() -> None:
    chosen = {"ppe": Selection(MET), "sign-in": Selection(MET), "fire": Selection(NOT_MET)}
    result = score(checklist(), chosen)
    assert result.outcome is Outcome.NOT_YET
    assert result.reasons == ("total 50% is below the pass mark of 75%",)


def holistic() -> Rubric:
    levels = (
        Level("emerging", "Emerging", D(1)),
        Level("secure", "Secure", D(2), max_points=D(3)),
        Level("mastery", "Mastery", D(4)),
    )
    return Rubric(
        "reflection",
        "Reflective journal",
        RubricKind.HOLISTIC,
        (Criterion(HOLISTIC_CRITERION, "Overall judgement", levels),),
        PassRule(PassRuleKind.POINTS, D(2)),
        bands=(GradeBand("pass", "Pass"), GradeBand("strong", "Strong", min_points=D(3))),
    )


@pytest.mark.parametrize(
    ("chosen", "outcome", "band"),
    [
        (Selection("emerging"), Outcome.NOT_YET, None),
        (Selection("secure"), Outcome.PASS, "pass"),
        (Selection("secure", D("2.5")), Outcome.PASS, "pass"),
        (Selection("secure", D(3)), Outcome.PASS, "strong"),
        (Selection("mastery"), Outcome.PASS, "strong"),
    ],
)
def test_holistic_is_one_judgement(chosen: Selection, outcome: Outcome, band: str | None) -> None:
    result = score(holistic(), {HOLISTIC_CRITERION: chosen})
    assert result.maximum == 4
    assert (result.outcome, result.band) == (outcome, band)
    assert [c.criterion_id for c in result.criteria] == [HOLISTIC_CRITERION]


# --------------------------------------------------------------------------- the result itself


def test_every_result_carries_the_engine_version() -> None:
    result = score(wiring(), {})
    assert result.engine_version == ENGINE_VERSION
    assert ENGINE_VERSION.startswith("assessor-scoring/")


def _numbers(value: object) -> list[object]:
    if isinstance(value, ScoreResult | CriterionScore):
        return [n for f in dataclasses.fields(value) for n in _numbers(getattr(value, f.name))]
    if isinstance(value, tuple):
        return [n for item in value for n in _numbers(item)]
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return [value]
    return []


@pytest.mark.parametrize(
    "chosen",
    [
        {},
        sel(
            plan="competent",
            terminate="proficient",
            prove_dead="competent",
            record=("partial", "1.25"),
        ),
        sel(plan="not-yet", terminate="not-yet", prove_dead="not-yet", record="none"),
    ],
)
def test_no_float_anywhere_in_a_result(chosen: dict[str, Selection]) -> None:
    numbers = _numbers(score(wiring(), chosen))
    assert len(numbers) >= 3
    assert all(type(n) is Decimal for n in numbers), numbers
    # and the percentage is always to the cent
    assert score(wiring(), chosen).percentage.as_tuple().exponent == -2
