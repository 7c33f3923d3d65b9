"""Properties of the scoring engine over random valid rubrics and complete score sheets.

An independent oracle in exact fractions (not Decimals) recomputes total, outcome and band.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessor.domain.rubric import (
    Criterion,
    GradeBand,
    Level,
    PassRule,
    PassRuleKind,
    Rubric,
    RubricKind,
)
from assessor.domain.scoring import Outcome, ScoreResult, Selection, score

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# Strategies are made once and reused: hypothesis validates every new strategy object, which
# would cost more than the drawing itself.
@functools.cache
def ints(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low, high)


@functools.cache
def cents(low: int, high: int) -> st.SearchStrategy[Decimal]:
    """Decimals from low/100 to high/100 with at most two decimal places."""
    return ints(low, high).map(lambda n: Decimal(n) / 100)


# One integer per level, read as (gap above the level before, is a range, width of the range)
# in hundredths of a point: one choice instead of three keeps generation fast (a rubric can have
# 48 levels), and it still shrinks towards small, fixed-point levels.
LEVEL_STEPS = st.integers(0, 300 * 2 * 300 - 1).map(
    lambda n: (n % 300 + 1, (n // 300) % 2 == 1, n // 600 + 1)
)


@st.composite
def level_lists(draw: st.DrawFn) -> tuple[Level, ...]:
    """2–6 levels, strictly ascending, some with non-overlapping ranges."""
    at = draw(ints(0, 300))
    levels = []
    for i, (gap, ranged, width) in enumerate(draw(STEP_LISTS)):
        at += gap if i else 0
        low = Decimal(at) / 100
        if ranged:
            at += width
            levels.append(Level(f"l{i}", f"Level {i}", low, "", Decimal(at) / 100))
        else:
            levels.append(Level(f"l{i}", f"Level {i}", low))
    return tuple(levels)


STEP_LISTS = st.lists(LEVEL_STEPS, min_size=2, max_size=6)
LEVELS = level_lists()


@functools.cache
def criteria_at(index: int) -> st.SearchStrategy[Criterion]:
    return criteria(index)


@st.composite
def criteria(draw: st.DrawFn, index: int) -> Criterion:
    levels = draw(LEVELS)
    minimum = draw(ints(-len(levels), len(levels) - 1))  # negative: not critical
    return Criterion(
        f"c{index}",
        f"Criterion {index}",
        levels,
        weight=draw(cents(1, 1000)),
        minimum_level=levels[minimum].id if minimum >= 0 else None,
    )


@st.composite
def rubrics(draw: st.DrawFn) -> Rubric:
    crit = tuple(draw(criteria_at(i)) for i in range(draw(ints(1, 8))))
    maximum = sum((c.weight * c.max_points for c in crit), Decimal(0))

    def points(share: int) -> Decimal:
        """`share` ten-thousandths of the maximum, to the cent."""
        return Decimal(int(maximum * share / 100)) / 100

    if draw(st.booleans()):
        rule = PassRule(PassRuleKind.PERCENTAGE, draw(cents(1, 10000)))
    else:
        rule = PassRule(PassRuleKind.POINTS, points(draw(ints(0, 10000))))
    bands = tuple(
        GradeBand(
            f"b{i}",
            f"Band {i}",
            min_percentage=Decimal(pct) / 100 if pct >= 0 else None,
            min_points=points(pts) if pts >= 0 else None,
            every_criterion_at_least=f"l{floor}" if floor >= 0 else None,  # all have l0, l1
        )
        for i, (pct, pts, floor) in enumerate(draw(BAND_LISTS))
    )
    return Rubric("prop", "Property rubric", RubricKind.ANALYTIC, crit, rule, bands)


# (min percentage, min points as a share of the maximum, every criterion at least l0 or l1),
# -1 for "no such condition"
BAND_LISTS = st.lists(st.tuples(ints(-1, 10000), ints(-1, 10000), ints(-1, 1)), max_size=3)


def selection_for(draw: Callable[..., Any], c: Criterion, *, above: int = -1) -> Selection:
    """A level above rank `above`; for a range, points drawn within it (or left to default)."""
    level = c.levels[draw(ints(above + 1, len(c.levels) - 1))]
    if level.max_points is None:
        return Selection(level.id)
    low, high = int(level.points * 100), int(level.max_points * 100)
    offset = draw(ints(-1, high - low))  # -1: no points given, the level's lowest applies
    return Selection(level.id, Decimal(low + offset) / 100 if offset >= 0 else None)


@st.composite
def scored_sheets(draw: st.DrawFn) -> tuple[Rubric, dict[str, Selection]]:
    rubric = draw(rubrics())
    return rubric, {c.id: selection_for(draw, c) for c in rubric.criteria}


# --------------------------------------------------------------------------- the oracle


def rank(c: Criterion, level_id: str) -> int:
    return [lv.id for lv in c.levels].index(level_id)


def oracle(rubric: Rubric, chosen: dict[str, Selection]) -> tuple[Fraction, Outcome, str | None]:
    """Total, outcome and band, recomputed from the rules in exact fractions."""
    total = Fraction(0)
    maximum = Fraction(0)
    critical_fail = False
    for c in rubric.criteria:
        s = chosen[c.id]
        level = c.levels[rank(c, s.level_id)]
        points = level.points if s.points is None else s.points
        total += Fraction(points) * Fraction(c.weight)
        maximum += Fraction(c.levels[-1].top) * Fraction(c.weight)
        if c.minimum_level is not None and rank(c, s.level_id) < rank(c, c.minimum_level):
            critical_fail = True
    rule = rubric.pass_rule
    if rule.kind is PassRuleKind.PERCENTAGE:
        meets = total * 100 >= Fraction(rule.threshold) * maximum
    else:
        meets = total >= Fraction(rule.threshold)
    if critical_fail or not meets:
        return total, Outcome.NOT_YET, None
    band = None
    for b in rubric.bands:
        if b.min_percentage is not None and total * 100 < Fraction(b.min_percentage) * maximum:
            continue
        if b.min_points is not None and total < Fraction(b.min_points):
            continue
        floor = b.every_criterion_at_least
        if floor is not None and any(
            rank(c, chosen[c.id].level_id) < rank(c, floor) for c in rubric.criteria
        ):
            continue
        band = b.id
    return total, Outcome.PASS, band


# --------------------------------------------------------------------------- properties


@SETTINGS
@given(scored_sheets())
def test_result_matches_an_exact_fraction_oracle(
    sheet: tuple[Rubric, dict[str, Selection]],
) -> None:
    rubric, chosen = sheet
    result = score(rubric, chosen)
    total, outcome, band = oracle(rubric, chosen)
    assert Fraction(result.total) == total
    assert (result.outcome, result.band) == (outcome, band)
    assert sum(s.weighted for s in result.criteria) == result.total


@SETTINGS
@given(scored_sheets())
def test_total_within_the_maximum_and_percentage_is_their_ratio_rounded_down(
    sheet: tuple[Rubric, dict[str, Selection]],
) -> None:
    rubric, chosen = sheet
    result = score(rubric, chosen)
    assert 0 <= result.total <= result.maximum
    assert result.maximum == rubric.max_points > 0
    assert 0 <= result.percentage <= 100
    exact = Fraction(result.total) * 100 / Fraction(result.maximum)
    assert Fraction(result.percentage) == Fraction(math.floor(exact * 100), 100)
    assert result.percentage.as_tuple().exponent == -2
    # so a shown percentage at or above a percentage pass mark is never "not yet" for the total
    rule = rubric.pass_rule
    if rule.kind is PassRuleKind.PERCENTAGE and result.percentage >= rule.threshold:
        assert not any(r.startswith("total ") for r in result.reasons)


@SETTINGS
@given(st.data())
def test_raising_one_criterion_never_lowers_the_total(data: st.DataObject) -> None:
    rubric, chosen = data.draw(scored_sheets())
    c = data.draw(st.sampled_from(rubric.criteria))
    current = rank(c, chosen[c.id].level_id)
    if current == len(c.levels) - 1:
        return  # already at the top
    raised = {**chosen, c.id: selection_for(data.draw, c, above=current)}
    before, after = score(rubric, chosen), score(rubric, raised)
    assert after.total >= before.total
    if before.outcome is Outcome.PASS:
        assert after.outcome is Outcome.PASS


@SETTINGS
@given(st.data())
def test_a_critical_criterion_below_its_minimum_is_always_not_yet(data: st.DataObject) -> None:
    rubric, chosen = data.draw(scored_sheets())
    index = data.draw(ints(0, len(rubric.criteria) - 1))
    c = rubric.criteria[index]
    minimum = data.draw(ints(1, len(c.levels) - 1))
    below = c.levels[data.draw(ints(0, minimum - 1))]
    critical = dataclasses.replace(c, minimum_level=c.levels[minimum].id)
    rubric = replace_criterion(rubric, index, critical)
    result = score(rubric, {**chosen, c.id: Selection(below.id)})
    assert result.outcome is Outcome.NOT_YET
    assert result.band is None
    assert (
        f"critical criterion '{c.title}' below its minimum level '{c.levels[minimum].title}'"
        in result.reasons
    )


def replace_criterion(rubric: Rubric, index: int, c: Criterion) -> Rubric:
    criteria = list(rubric.criteria)
    criteria[index] = c
    return dataclasses.replace(rubric, criteria=tuple(criteria))


def with_weight(rubric: Rubric, index: int, weight: Decimal) -> Rubric:
    return replace_criterion(
        rubric, index, dataclasses.replace(rubric.criteria[index], weight=weight)
    )


@SETTINGS
@given(st.data())
def test_scaling_one_weight_scales_its_contribution(data: st.DataObject) -> None:
    rubric, chosen = data.draw(scored_sheets())
    index = data.draw(ints(0, len(rubric.criteria) - 1))
    k = data.draw(cents(1, 500))
    before = score(rubric, chosen)
    after = score(with_weight(rubric, index, rubric.criteria[index].weight * k), chosen)
    contribution = before.criteria[index].weighted
    assert after.criteria[index].weighted == contribution * k
    assert after.total - before.total == (k - 1) * contribution
    others = [s for i, s in enumerate(after.criteria) if i != index]
    assert others == [s for i, s in enumerate(before.criteria) if i != index]


@SETTINGS
@given(st.data())
def test_scaling_every_weight_scales_total_and_maximum_only(data: st.DataObject) -> None:
    rubric, chosen = data.draw(scored_sheets())
    k = data.draw(cents(1, 500))
    scaled = rubric
    for i, c in enumerate(rubric.criteria):
        scaled = with_weight(scaled, i, c.weight * k)
    # points in a pass mark or a band are in the units the weights scale; percentages are not
    rule = rubric.pass_rule
    if rule.kind is PassRuleKind.POINTS:
        rule = PassRule(PassRuleKind.POINTS, rule.threshold * k)
    bands = tuple(
        dataclasses.replace(b, min_points=None if b.min_points is None else b.min_points * k)
        for b in rubric.bands
    )
    scaled = dataclasses.replace(scaled, pass_rule=rule, bands=bands)
    before, after = score(rubric, chosen), score(scaled, chosen)
    assert after.total == before.total * k
    assert after.maximum == before.maximum * k
    assert after.percentage == before.percentage
    assert (after.outcome, after.band) == (before.outcome, before.band)


@SETTINGS
@given(scored_sheets())
def test_same_input_same_output(sheet: tuple[Rubric, dict[str, Selection]]) -> None:
    rubric, chosen = sheet
    first = score(rubric, chosen)
    assert score(rubric, chosen) == first
    rebuilt = Rubric.from_document(rubric.to_document())
    assert rebuilt == rubric
    again = score(rebuilt, dict(reversed(list(chosen.items()))))
    assert again == first
    assert _shape(again) == _shape(first)


def _shape(result: ScoreResult) -> tuple[object, ...]:
    """Everything in a result as text, so that 2.50 and 2.5 would count as different."""
    return (
        str(result.total),
        str(result.maximum),
        str(result.percentage),
        result.outcome,
        result.band,
        result.reasons,
        result.engine_version,
    )


@SETTINGS
@given(st.data())
def test_any_missing_criterion_makes_the_result_incomplete(data: st.DataObject) -> None:
    rubric, chosen = data.draw(scored_sheets())
    dropped = data.draw(
        st.sets(st.sampled_from(rubric.criterion_ids()), min_size=1, max_size=len(chosen))
    )
    partial = {k: v for k, v in chosen.items() if k not in dropped}
    result = score(rubric, partial)
    assert result.outcome is Outcome.INCOMPLETE
    assert result.band is None
    assert not result.complete
    missing = [c.title for c in rubric.criteria if c.id in dropped]
    assert result.reasons[-1] == (
        f"{len(dropped)} of {len(rubric.criteria)} criteria not scored: "
        + ", ".join(f"'{t}'" for t in missing)
    )
    assert result.total == sum(
        (s.weighted for s in score(rubric, chosen).criteria if s.criterion_id not in dropped),
        Decimal(0),
    )
