"""The rubric model: criteria with ordered levels, weights, critical minimums, pass rule, bands.

A rubric is immutable. `to_document` gives its normalised JSON form, which is what a rubric
version's digest is computed over and what `rubric show --json` prints; `from_document` reads
it back. File formats (own JSON, CASE 1.1) are parsed elsewhere into this model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from enum import StrEnum
from functools import cached_property
from typing import Any

from assessor.domain.errors import DomainError, UnknownChoice
from assessor.domain.numbers import EXACT, fmt, parse_decimal, to_json_number

FORMAT = "assessor-rubric/1"


class RubricKind(StrEnum):
    ANALYTIC = "analytic"
    CHECKLIST = "checklist"
    HOLISTIC = "holistic"


class PassRuleKind(StrEnum):
    PERCENTAGE = "percentage"
    POINTS = "points"


# Checklist items are criteria with these two levels.
NOT_MET = "not-met"
MET = "met"
# A holistic rubric is one criterion with this id.
HOLISTIC_CRITERION = "overall"


@dataclass(frozen=True)
class Level:
    """One level of a criterion; with `max_points` the assessor picks within that range."""

    id: str
    title: str
    points: Decimal
    descriptor: str = ""
    max_points: Decimal | None = None

    @property
    def top(self) -> Decimal:
        return self.points if self.max_points is None else self.max_points

    @property
    def is_range(self) -> bool:
        return self.max_points is not None

    def accepts(self, points: Decimal) -> bool:
        return self.points <= points <= self.top

    def span_text(self) -> str:
        """The level's points as written: "2", or a range "1–2.5"."""
        if self.max_points is None:
            return fmt(self.points)
        return f"{fmt(self.points)}–{fmt(self.max_points)}"


@dataclass(frozen=True)
class Criterion:
    """Levels are ordered low → high. `minimum_level` set means the criterion is critical."""

    id: str
    title: str
    levels: tuple[Level, ...]
    weight: Decimal = Decimal(1)
    description: str = ""
    minimum_level: str | None = None

    @property
    def critical(self) -> bool:
        return self.minimum_level is not None

    @property
    def max_points(self) -> Decimal:
        return self.levels[-1].top

    @cached_property
    def _ranks(self) -> dict[str, int]:
        return {level.id: n for n, level in enumerate(self.levels)}

    def level(self, level_id: str) -> Level:
        rank = self._ranks.get(level_id)
        if rank is None:
            raise UnknownChoice(f"level of criterion '{self.id}'", level_id, self.level_ids())
        return self.levels[rank]

    def level_ids(self) -> list[str]:
        return [level.id for level in self.levels]

    def rank(self, level_id: str) -> int:
        """Position of a level, 0 = lowest."""
        self.level(level_id)
        return self._ranks[level_id]


@dataclass(frozen=True)
class PassRule:
    kind: PassRuleKind
    threshold: Decimal


@dataclass(frozen=True)
class GradeBand:
    """A band is reached when the result passes and every stated condition holds."""

    id: str
    title: str
    min_percentage: Decimal | None = None
    min_points: Decimal | None = None
    every_criterion_at_least: str | None = None


@dataclass(frozen=True)
class Rubric:
    id: str
    title: str
    kind: RubricKind
    criteria: tuple[Criterion, ...]
    pass_rule: PassRule
    bands: tuple[GradeBand, ...] = ()
    description: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.criteria:
            raise DomainError("a rubric needs at least one criterion", location="/criteria")
        ids = [c.id for c in self.criteria]
        if len(set(ids)) != len(ids):
            raise DomainError("criterion ids must be unique", location="/criteria")
        for c in self.criteria:
            _check_criterion(c)
        if self.max_points <= 0:
            raise DomainError("the rubric's maximum must be above 0 points", location="/criteria")
        if len({b.id for b in self.bands}) != len(self.bands):
            raise DomainError("band ids must be unique", location="/bands")
        for band in self.bands:
            if band.every_criterion_at_least is not None:
                for c in self.criteria:
                    c.level(band.every_criterion_at_least)

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {c.id: n for n, c in enumerate(self.criteria)}

    def criterion(self, criterion_id: str) -> Criterion:
        position = self._positions.get(criterion_id)
        if position is None:
            raise UnknownChoice("criterion", criterion_id, self.criterion_ids())
        return self.criteria[position]

    def position(self, criterion_id: str) -> int:
        """Position of a criterion, 0 = first."""
        self.criterion(criterion_id)
        return self._positions[criterion_id]

    def criterion_ids(self) -> list[str]:
        return [c.id for c in self.criteria]

    @cached_property
    def max_points(self) -> Decimal:
        with localcontext(EXACT):  # not the caller's context, which may round
            return sum((c.weight * c.max_points for c in self.criteria), Decimal(0))

    def to_document(self) -> dict[str, Any]:
        """The normalised JSON form; decimals become ints or decimal strings."""
        doc: dict[str, Any] = {
            "format": FORMAT,
            "id": self.id,
            "title": self.title,
            "kind": self.kind.value,
            "criteria": [_criterion_doc(c) for c in self.criteria],
            "passRule": {
                "type": self.pass_rule.kind.value,
                "threshold": to_json_number(self.pass_rule.threshold),
            },
        }
        if self.description:
            doc["description"] = self.description
        if self.bands:
            doc["bands"] = [_band_doc(b) for b in self.bands]
        if self.extra:
            doc["extra"] = dict(self.extra)
        return doc

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Rubric:
        """Inverse of `to_document` for documents this program wrote (trusted input)."""
        rule = doc["passRule"]
        return cls(
            id=doc["id"],
            title=doc["title"],
            kind=RubricKind(doc["kind"]),
            description=doc.get("description", ""),
            criteria=tuple(_criterion_from(c) for c in doc["criteria"]),
            pass_rule=PassRule(PassRuleKind(rule["type"]), parse_decimal(rule["threshold"])),
            bands=tuple(_band_from(b) for b in doc.get("bands", ())),
            extra=doc.get("extra", {}),
        )


def _check_criterion(c: Criterion) -> None:
    where = f"criterion '{c.id}'"
    if not c.levels:
        raise DomainError(f"{where} has no levels")
    if c.weight <= 0:
        raise DomainError(f"{where} weight must be greater than 0")
    if len({lv.id for lv in c.levels}) != len(c.levels):
        raise DomainError(f"{where} has duplicate level ids")
    for level in c.levels:
        if level.max_points is not None and level.max_points < level.points:
            raise DomainError(f"{where} level '{level.id}' has a range whose max is below its min")
    for low, high in zip(c.levels, c.levels[1:], strict=False):
        if not low.top < high.points:  # strict: a boundary value must name one level
            raise DomainError(
                f"{where} levels must ascend in points, low → high, with ranges that do not touch"
            )
    if c.minimum_level is not None:
        c.level(c.minimum_level)


def _level_doc(level: Level) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": level.id, "title": level.title}
    if level.max_points is None:
        doc["points"] = to_json_number(level.points)
    else:
        doc["points"] = {
            "min": to_json_number(level.points),
            "max": to_json_number(level.max_points),
        }
    if level.descriptor:
        doc["descriptor"] = level.descriptor
    return doc


def _criterion_doc(c: Criterion) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": c.id, "title": c.title, "weight": to_json_number(c.weight)}
    if c.description:
        doc["description"] = c.description
    if c.minimum_level is not None:
        doc["critical"] = True
        doc["minimumLevel"] = c.minimum_level
    doc["levels"] = [_level_doc(level) for level in c.levels]
    return doc


def _band_doc(b: GradeBand) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": b.id, "title": b.title}
    if b.min_percentage is not None:
        doc["minPercentage"] = to_json_number(b.min_percentage)
    if b.min_points is not None:
        doc["minPoints"] = to_json_number(b.min_points)
    if b.every_criterion_at_least is not None:
        doc["everyCriterionAtLeast"] = b.every_criterion_at_least
    return doc


def _level_from(doc: Mapping[str, Any]) -> Level:
    points = doc["points"]
    if isinstance(points, Mapping):
        low, high = parse_decimal(points["min"]), parse_decimal(points["max"])
        return Level(doc["id"], doc["title"], low, doc.get("descriptor", ""), high)
    return Level(doc["id"], doc["title"], parse_decimal(points), doc.get("descriptor", ""))


def _criterion_from(doc: Mapping[str, Any]) -> Criterion:
    return Criterion(
        id=doc["id"],
        title=doc["title"],
        levels=tuple(_level_from(lv) for lv in doc["levels"]),
        weight=parse_decimal(doc.get("weight", 1)),
        description=doc.get("description", ""),
        minimum_level=doc.get("minimumLevel"),
    )


def _band_from(doc: Mapping[str, Any]) -> GradeBand:
    def opt(key: str) -> Decimal | None:
        return parse_decimal(doc[key]) if key in doc else None

    return GradeBand(
        id=doc["id"],
        title=doc["title"],
        min_percentage=opt("minPercentage"),
        min_points=opt("minPoints"),
        every_criterion_at_least=doc.get("everyCriterionAtLeast"),
    )
