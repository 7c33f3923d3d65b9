"""The scoring engine: exact decimal totals, outcome, grade band and the reasons for them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import (
    ROUND_DOWN,
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from enum import StrEnum

from assessor.domain.errors import DomainError
from assessor.domain.numbers import fmt
from assessor.domain.rubric import Criterion, GradeBand, Level, PassRuleKind, Rubric

# Stored with every result; bump when any rule below changes what a result would be.
ENGINE_VERSION = "assessor-scoring/1"

_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")


class Outcome(StrEnum):
    PASS = "pass"  # noqa: S105 (an outcome, not a password)
    NOT_YET = "not_yet"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True)
class Selection:
    """A chosen level; `points` only for a level with a range (else the level's points)."""

    level_id: str
    points: Decimal | None = None


@dataclass(frozen=True)
class CriterionScore:
    criterion_id: str
    level_id: str
    points: Decimal
    weighted: Decimal


@dataclass(frozen=True)
class ScoreResult:
    total: Decimal
    maximum: Decimal
    percentage: Decimal
    outcome: Outcome
    band: str | None
    reasons: tuple[str, ...]
    criteria: tuple[CriterionScore, ...]
    engine_version: str = ENGINE_VERSION

    @property
    def complete(self) -> bool:
        return self.outcome is not Outcome.INCOMPLETE


def selected_points(level: Level, selection: Selection) -> Decimal:
    """The points a selection of `level` stands for: its own, else the level's."""
    return level.points if selection.points is None else selection.points


def resolve_points(criterion: Criterion, selection: Selection) -> Decimal:
    """The points a selection earns before weighting; raises when they are out of range."""
    level = criterion.level(selection.level_id)
    if selection.points is not None and not level.accepts(selection.points):
        raise DomainError(
            f"points {fmt(selection.points)} are outside level '{level.id}' of criterion "
            f"'{criterion.id}' ({level.span_text()})"
        )
    return selected_points(level, selection)


# Fixed arithmetic, whatever the calling thread's decimal context: 60 significant digits keep
# every sum and product of rubric numbers (< 10^9, few decimals) exact.
_ENGINE_CONTEXT = Context(
    prec=60, rounding=ROUND_HALF_EVEN, traps=[InvalidOperation, DivisionByZero, Overflow]
)


def score(rubric: Rubric, selections: Mapping[str, Selection]) -> ScoreResult:
    """Score a (possibly partial) set of selections. Same input, same output."""
    with localcontext(_ENGINE_CONTEXT):
        return _score(rubric, selections)


def _score(rubric: Rubric, selections: Mapping[str, Selection]) -> ScoreResult:
    for criterion_id in selections:
        rubric.criterion(criterion_id)
    scored: list[CriterionScore] = []
    missing: list[Criterion] = []
    for c in rubric.criteria:
        sel = selections.get(c.id)
        if sel is None:
            missing.append(c)
            continue
        points = resolve_points(c, sel)
        scored.append(CriterionScore(c.id, sel.level_id, points, points * c.weight))
    total = sum((s.weighted for s in scored), Decimal(0))
    maximum = rubric.max_points
    percentage = _percent(total, maximum)
    reasons: list[str] = []

    failing = [c for c in rubric.criteria if _below_minimum(c, selections)]
    for c in failing:
        level = c.level(c.minimum_level or "")
        reasons.append(f"critical criterion '{c.title}' below its minimum level '{level.title}'")
    if missing:
        titles = ", ".join(f"'{c.title}'" for c in missing)
        reasons.append(f"{len(missing)} of {len(rubric.criteria)} criteria not scored: {titles}")
        return ScoreResult(
            total, maximum, percentage, Outcome.INCOMPLETE, None, tuple(reasons), tuple(scored)
        )

    meets_rule = _meets(rubric, total, maximum)
    if not meets_rule:
        reasons.append(f"total {_describe_rule(rubric, total, maximum)}")
    if failing or not meets_rule:
        return ScoreResult(
            total, maximum, percentage, Outcome.NOT_YET, None, tuple(reasons), tuple(scored)
        )

    band = None
    for b in rubric.bands:  # ordered low → high; the highest band reached wins
        why_not = _band_shortfall(rubric, b, total, maximum, selections)
        if why_not is None:
            band = b.id
        else:
            reasons.append(f"band '{b.title}' not reached: {why_not}")
    return ScoreResult(
        total, maximum, percentage, Outcome.PASS, band, tuple(reasons), tuple(scored)
    )


def _below_minimum(c: Criterion, selections: Mapping[str, Selection]) -> bool:
    sel = selections.get(c.id)
    if c.minimum_level is None or sel is None:
        return False
    return c.rank(sel.level_id) < c.rank(c.minimum_level)


def _percent(total: Decimal, maximum: Decimal) -> Decimal:
    """The percentage shown, to the cent, rounded down: rounding to nearest could show
    60.00% for 59.997% against a pass mark of 60 and print "60% is below the pass mark of 60%".
    Rounded down, a shown percentage at or above the pass mark is always a pass."""
    return (total * _HUNDRED / maximum).quantize(_CENT, ROUND_DOWN)


def _meets(rubric: Rubric, total: Decimal, maximum: Decimal) -> bool:
    rule = rubric.pass_rule
    if rule.kind is PassRuleKind.PERCENTAGE:
        return total * _HUNDRED >= rule.threshold * maximum  # exact: no division
    return total >= rule.threshold


def _describe_rule(rubric: Rubric, total: Decimal, maximum: Decimal) -> str:
    rule = rubric.pass_rule
    if rule.kind is PassRuleKind.PERCENTAGE:
        return f"{fmt(_percent(total, maximum))}% is below the pass mark of {fmt(rule.threshold)}%"
    return f"{fmt(total)} points is below the pass mark of {fmt(rule.threshold)} points"


def _band_shortfall(
    rubric: Rubric,
    band: GradeBand,
    total: Decimal,
    maximum: Decimal,
    selections: Mapping[str, Selection],
) -> str | None:
    if band.min_percentage is not None and total * _HUNDRED < band.min_percentage * maximum:
        return f"needs {fmt(band.min_percentage)}% of the maximum"
    if band.min_points is not None and total < band.min_points:
        return f"needs {fmt(band.min_points)} points"
    if band.every_criterion_at_least is not None:
        floor = band.every_criterion_at_least
        low = [
            c.title for c in rubric.criteria if c.rank(selections[c.id].level_id) < c.rank(floor)
        ]
        if low:
            title = rubric.criteria[0].level(floor).title
            return f"every criterion must be at level '{title}' or above ({', '.join(low)} below)"
    return None
