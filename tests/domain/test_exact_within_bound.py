"""Within the entry bound (numbers.bounded_decimal: at most 4 decimal places and 12 significant
digits, below 10^9) every computation is exact (issue 11, item 5; decision 0002).

The rubrics here sit at the edges of the bound, where a 28-digit context would round: weights
and points of 12 significant digits, four decimal places, many criteria. An oracle in exact
fractions recomputes the total, the maximum and the percentage (rounded down to the cent, as
decision 0002 says); the engine must agree to the last digit, and so must the numbers written
for people and for signing (`to_json_number`, `fmt`), whatever the caller's decimal context.
"""

from __future__ import annotations

import math
from decimal import Decimal, localcontext
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessor.domain.numbers import bounded_decimal, fmt, to_json_number
from assessor.domain.rubric import Criterion, Level, PassRule, PassRuleKind, Rubric, RubricKind
from assessor.domain.scoring import Outcome, Selection, score

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LIMIT = 10**9


@st.composite
def bounded(draw: st.DrawFn, low: Decimal = Decimal(0), high: Decimal = Decimal(LIMIT)) -> Decimal:
    """A number the entry check accepts, in [low, high): often at the edges of the bound."""
    places = draw(st.integers(0, 4))
    digits = draw(st.sampled_from([12, 12, 11, 8, 3, 1]))
    top = min(10**digits, int(high * 10**places))
    bottom = math.ceil(low * 10**places)
    if bottom >= top:
        return low
    n = draw(st.one_of(st.integers(bottom, top - 1), st.sampled_from([bottom, top - 1])))
    value = Decimal(n).scaleb(-places)
    assert bounded_decimal(value) == value  # the strategy stays inside the bound
    return value


@st.composite
def criteria(draw: st.DrawFn, index: int) -> tuple[Criterion, Selection]:
    count = draw(st.integers(2, 4))
    points: list[Decimal] = []
    floor = Decimal(0)
    for _ in range(count):
        # room for the levels still to come, so the list stays strictly ascending below 10^9
        value = draw(bounded(floor, Decimal(LIMIT - (count - len(points)) * 10)))
        points.append(value)
        floor = value + Decimal("0.0001")
    levels = [Level(f"l{i}", f"Level {i}", p) for i, p in enumerate(points[:-1])]
    levels.append(Level(f"l{count - 1}", "Top", points[-2] + Decimal("0.0001"), "", points[-1]))
    criterion = Criterion(
        f"c{index}", f"Criterion {index}", tuple(levels), draw(bounded(Decimal("0.0001")))
    )
    chosen = draw(st.integers(0, count - 1))
    level = levels[chosen]
    if level.is_range:
        return criterion, Selection(level.id, draw(bounded(level.points, level.top)))
    return criterion, Selection(level.id)


@st.composite
def sheets(draw: st.DrawFn) -> tuple[Rubric, dict[str, Selection]]:
    pairs = [draw(criteria(i)) for i in range(draw(st.integers(1, 40)))]
    threshold = draw(bounded(Decimal("0.0001"), Decimal(100)))
    rubric = Rubric(
        "edge",
        "At the edge of the bound",
        RubricKind.ANALYTIC,
        tuple(c for c, _ in pairs),
        PassRule(PassRuleKind.PERCENTAGE, threshold),
    )
    return rubric, {c.id: s for c, s in pairs}


def exact_total(rubric: Rubric, chosen: dict[str, Selection]) -> tuple[Fraction, Fraction]:
    total = maximum = Fraction(0)
    for c in rubric.criteria:
        s = chosen[c.id]
        level = next(lv for lv in c.levels if lv.id == s.level_id)
        total += Fraction(level.points if s.points is None else s.points) * Fraction(c.weight)
        maximum += Fraction(c.levels[-1].top) * Fraction(c.weight)
    return total, maximum


@SETTINGS
@given(sheets(), st.integers(1, 28))
def test_totals_and_percentages_within_the_bound_equal_exact_fraction_arithmetic(
    sheet: tuple[Rubric, dict[str, Selection]], caller_precision: int
) -> None:
    rubric, chosen = sheet
    total, maximum = exact_total(rubric, chosen)
    with localcontext() as ctx:  # whatever the caller's thread has set
        ctx.prec = caller_precision
        rubric = Rubric.from_document(rubric.to_document())  # read as the app reads a version
        result = score(rubric, chosen)
        shown = (to_json_number(result.total), fmt(result.total), to_json_number(result.maximum))
    assert Fraction(result.total) == total
    assert Fraction(result.maximum) == maximum == Fraction(rubric.max_points)
    # decision 0002: the percentage shown is rounded down to the cent
    assert Fraction(result.percentage) == Fraction(math.floor(total * 100 * 100 / maximum), 100)
    passes = total * 100 >= Fraction(rubric.pass_rule.threshold) * maximum
    assert (result.outcome is Outcome.PASS) == passes
    # what is written for people and signed is the number itself, never a rounded one
    assert Fraction(Decimal(str(shown[0]))) == total == Fraction(Decimal(shown[1]))
    assert Fraction(Decimal(str(shown[2]))) == maximum


@SETTINGS
@given(sheets())
def test_a_rubric_within_the_bound_survives_its_normalised_document_exactly(
    sheet: tuple[Rubric, dict[str, Selection]],
) -> None:
    rubric, _ = sheet
    with localcontext() as ctx:
        ctx.prec = 6  # a caller's small context must not round what is written
        document = rubric.to_document()
    assert Rubric.from_document(document) == rubric


def test_to_json_number_is_exact_beyond_the_default_context() -> None:
    """A total of 30 significant digits (40 criteria of 10^8 × 10^8 with 8 decimals between
    them) is written whole: the default 28-digit context must not round it."""
    total = Decimal("123456789012345678901.23456789")
    assert to_json_number(total) == "123456789012345678901.23456789"
    assert fmt(Decimal("2.50")) == "2.5" and to_json_number(Decimal("2.000")) == 2
    assert to_json_number(Decimal("1E+3")) == 1000 and to_json_number(Decimal("-0.10")) == "-0.1"
