"""Read a rubric written in Assessor's own JSON format ("assessor-rubric/1") into a `Rubric`.

The input is an already-parsed JSON value (`security.canonical.loads_strict`: non-integer
numbers arrive as Decimals). Every problem is collected, each with the JSON pointer of the
offending value, before giving up: a person fixing a file sees all of them at once.

Short forms are accepted besides the normalised form that `Rubric.to_document` writes:
a checklist item may give `points` instead of `levels`, and a holistic rubric may give
top-level `levels` instead of `criteria`. Both normalise to the same `Rubric`, so the same
content has the same digest whichever form it was written in. docs/rubric-format.md has it all.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, localcontext
from typing import Any

from assessor.domain.errors import DomainError, Problem, ValidationFailed
from assessor.domain.numbers import (
    EXACT,
    MAX_DECIMAL_PLACES,
    MAX_SIGNIFICANT_DIGITS,
    bounded_decimal,
    fmt,
)
from assessor.domain.rubric import (
    FORMAT,
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
from assessor.domain.text import control_problem, for_terminal

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")
MAX_ID_LENGTH = 64
# Far beyond any real rubric; keeps totals and canonical JSON integers in a safe range.
MAX_NUMBER = Decimal(10**9)
_DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?\Z")
_MAX_SAFE_INTEGER = 2**53 - 1

_TOP_KEYS = (
    "format",
    "id",
    "title",
    "description",
    "kind",
    "criteria",
    "levels",
    "passRule",
    "bands",
    "extra",
)
_TOP_REQUIRED = ("format", "id", "title", "kind", "passRule")
_CRITERION_REQUIRED = ("id", "title", "levels")
_CRITERION_OPTIONAL = ("description", "weight", "critical", "minimumLevel")
_ITEM_REQUIRED = ("id", "title", "points")
_ITEM_OPTIONAL = ("description", "weight", "critical")
_LEVEL_REQUIRED = ("id", "title", "points")
_BAND_REQUIRED = ("id", "title")
_BAND_OPTIONAL = ("minPercentage", "minPoints", "everyCriterionAtLeast")
_HUNDRED = Decimal(100)
_PRECISION = (
    f"numbers have at most {MAX_DECIMAL_PLACES} decimal places and "
    f"{MAX_SIGNIFICANT_DIGITS} significant digits"
)


def parse_rubric_document(doc: object) -> Rubric:
    """A `Rubric` from an own-format document, or `ValidationFailed` listing every problem."""
    unreadable = surrogate_problems(doc)
    if unreadable:
        raise ValidationFailed(unreadable)
    reader = _Reader()
    rubric = _read_rubric(reader, doc)
    if reader.problems:
        raise ValidationFailed(reader.problems)
    assert rubric is not None  # no problems means every part was read
    return rubric


def join_pointer(base: str, *tokens: str | int) -> str:
    """Extend a JSON pointer (RFC 6901), escaping '~' and '/' in keys; control characters and
    lone surrogates in a key are shown as escapes, since a location is printed."""
    for token in tokens:
        base += "/" + visible(str(token).replace("~", "~0").replace("/", "~1"))
    return base


def visible(text: str) -> str:
    """`text` safe to print: control characters, bidi overrides and lone surrogates (which no
    terminal encoding can carry) become escapes such as `\\x1b` or `\\ud800`."""
    shown = for_terminal(text)
    if not any("\ud800" <= ch <= "\udfff" for ch in shown):
        return shown
    return "".join(f"\\u{ord(ch):04x}" if "\ud800" <= ch <= "\udfff" else ch for ch in shown)


def surrogate_problems(value: object, at: str = "") -> list[Problem]:
    """Every string (key or value) holding a lone surrogate: JSON can spell one (`"\\ud800"`),
    but it is not Unicode text, cannot be stored as UTF-8 nor hashed as RFC 8785 JSON."""
    found: list[Problem] = []
    stack: list[tuple[object, str]] = [(value, at)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if _has_surrogate(item):
                found.append(
                    Problem(where, "holds a lone surrogate (\\ud800–\\udfff): not Unicode text")
                )
        elif isinstance(item, dict):
            for key, child in reversed(list(item.items())):
                here = join_pointer(where, key)
                if _has_surrogate(key):
                    found.append(
                        Problem(
                            here,
                            "the key holds a lone surrogate (\\ud800–\\udfff): not Unicode text",
                        )
                    )
                stack.append((child, here))
        elif isinstance(item, list):
            stack.extend(
                (child, join_pointer(where, i)) for i, child in reversed(list(enumerate(item)))
            )
    return found


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class _Reader:
    """Collects problems; each read returns its value, or None when the value has a problem."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, at: str, message: str) -> None:
        self.problems.append(Problem(at, message))

    def mapping(
        self,
        value: object,
        at: str,
        what: str,
        required: Sequence[str],
        optional: Sequence[str] = (),
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.fail(at, f"{what} must be a JSON object")
            return None
        allowed = [*required, *optional]
        for key in value:
            if key not in allowed:
                self.fail(join_pointer(at, key), _unknown_key(key, allowed))
        for key in required:
            if key not in value:
                self.fail(at, f"missing required field '{key}'")
        return value

    def text(
        self, obj: Mapping[str, Any], key: str, at: str, *, multiline: bool = True
    ) -> str | None:
        """A string field; None when it is absent or not a string (the latter reported).
        Control characters are refused (a multi-line text may keep newlines and tabs): they
        would drive the terminal that shows the text and be signed into records."""
        if key not in obj:
            return None
        value = obj[key]
        if not isinstance(value, str):
            self.fail(join_pointer(at, key), "must be a string")
            return None
        problem = control_problem(value, multiline=multiline)
        if problem is not None:
            self.fail(join_pointer(at, key), problem)
            return None
        return value

    def title(self, obj: Mapping[str, Any], key: str, at: str) -> str | None:
        """A string shown to people as a name: one line, not blank."""
        value = self.text(obj, key, at, multiline=False)
        if value is not None and not value.strip():
            self.fail(join_pointer(at, key), "must not be empty")
            return None
        return value

    def ident(self, obj: Mapping[str, Any], key: str, at: str) -> str | None:
        value = self.text(obj, key, at, multiline=False)
        if value is None:
            return None
        if not ID_PATTERN.match(value) or len(value) > MAX_ID_LENGTH:
            self.fail(
                join_pointer(at, key),
                f"'{for_terminal(value[:80])}' is not a valid id: use up to "
                f"{MAX_ID_LENGTH} lowercase letters, digits, '-', '_' and '.', "
                "starting with a letter or digit",
            )
            return None
        return value

    def number(self, obj: Mapping[str, Any], key: str, at: str) -> Decimal | None:
        if key not in obj:
            return None
        return self.decimal(obj[key], join_pointer(at, key))

    def decimal(self, value: object, at: str) -> Decimal | None:
        if isinstance(value, str):
            if not _DECIMAL_TEXT.match(value):
                shown = for_terminal(value[:40]) + ("…" if len(value) > 40 else "")
                self.fail(at, f"'{shown}' is not a decimal number (write it like \"2.5\")")
                return None
        elif isinstance(value, bool) or not isinstance(value, int | Decimal):
            self.fail(at, 'must be a number: an integer, a decimal, or a decimal string like "2.5"')
            return None
        number = Decimal(value)
        if not number.is_finite():
            self.fail(at, "must be a finite number")
            return None
        if abs(number) >= MAX_NUMBER:
            self.fail(at, f"must be less than {fmt(MAX_NUMBER)} in size")
            return None
        try:
            bounded_decimal(number)
        except ValueError as exc:
            self.fail(at, f"{_PRECISION}: this number {exc}")
            return None
        return number

    def non_negative(self, obj: Mapping[str, Any], key: str, at: str) -> Decimal | None:
        value = self.number(obj, key, at)
        if value is not None and value < 0:
            self.fail(join_pointer(at, key), "must not be negative")
            return None
        return value

    def positive(self, obj: Mapping[str, Any], key: str, at: str) -> Decimal | None:
        value = self.number(obj, key, at)
        if value is not None and value <= 0:
            self.fail(join_pointer(at, key), "must be greater than 0")
            return None
        return value

    def flag(self, obj: Mapping[str, Any], key: str, at: str) -> bool | None:
        if key not in obj:
            return None
        value = obj[key]
        if not isinstance(value, bool):
            self.fail(join_pointer(at, key), "must be true or false")
            return None
        return value

    def array(self, value: object, at: str, what: str) -> list[Any] | None:
        if not isinstance(value, list):
            self.fail(at, f"must be a list of {what}")
            return None
        return value

    def unique_ids(self, items: Sequence[object], at: str, what: str) -> None:
        """Report every repeated id (by the raw values, so unreadable items still count)."""
        first: dict[str, int] = {}
        for index, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                continue
            ident = item["id"]
            if ident in first:
                earlier = join_pointer(at, first[ident])
                self.fail(
                    join_pointer(at, index, "id"),
                    f"duplicate {what} id '{ident}' (first at {earlier})",
                )
            else:
                first[ident] = index


def _unknown_key(key: str, allowed: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    if close:
        return f"unknown key '{visible(key)}' (did you mean '{close[0]}'?)"
    return f"unknown key '{visible(key)}'; expected one of: {', '.join(sorted(allowed))}"


# ---- levels and criteria ------------------------------------------------------------------


def _span(level: Level) -> str:
    return fmt(level.points) if not level.is_range else f"{fmt(level.points)}–{fmt(level.top)}"


def _read_points(
    r: _Reader, obj: Mapping[str, Any], at: str
) -> tuple[Decimal, Decimal | None] | None:
    """A level's points: a number, or {"min", "max"} for a range the assessor picks within."""
    value = obj["points"]
    if not isinstance(value, dict):
        points = r.non_negative(obj, "points", at)
        return None if points is None else (points, None)
    where = join_pointer(at, "points")
    rng = r.mapping(value, where, "a points range", ("min", "max"))
    if rng is None:
        return None
    low, high = r.non_negative(rng, "min", where), r.non_negative(rng, "max", where)
    if low is None or high is None:
        return None
    if high < low:
        r.fail(join_pointer(where, "max"), f"must not be below min ({fmt(low)})")
        return None
    return low, high


def _read_level(r: _Reader, value: object, at: str) -> Level | None:
    obj = r.mapping(value, at, "a level", _LEVEL_REQUIRED, ("descriptor",))
    if obj is None:
        return None
    ident, title = r.ident(obj, "id", at), r.title(obj, "title", at)
    descriptor = r.text(obj, "descriptor", at) or ""
    points = _read_points(r, obj, at) if "points" in obj else None
    if ident is None or title is None or points is None:
        return None
    return Level(ident, title, points[0], descriptor, points[1])


def _read_levels(r: _Reader, value: object, at: str) -> tuple[Level, ...] | None:
    items = r.array(value, at, "levels, low → high")
    if items is None:
        return None
    if len(items) < 2:
        r.fail(at, "must list at least two levels, low → high")
    levels = [_read_level(r, item, join_pointer(at, i)) for i, item in enumerate(items)]
    r.unique_ids(items, at, "level")
    _check_ascending(r, levels, at)
    if len(items) < 2 or any(level is None for level in levels):
        return None
    return tuple(level for level in levels if level is not None)


def _check_ascending(r: _Reader, levels: Sequence[Level | None], at: str) -> None:
    """Strictly ascending points, ranges included: no two levels share a possible score."""
    for index in range(1, len(levels)):
        low, high = levels[index - 1], levels[index]
        if low is None or high is None or low.top < high.points:
            continue
        r.fail(
            join_pointer(at, index, "points"),
            f"must be above the points of the level before it ('{low.id}': {_span(low)}); "
            "levels go low → high",
        )


def _read_critical(r: _Reader, obj: Mapping[str, Any], at: str) -> str | None:
    """The minimum level of a critical criterion; None when not critical (or on a problem)."""
    critical = r.flag(obj, "critical", at)
    has_minimum = "minimumLevel" in obj
    if critical and not has_minimum:
        r.fail(
            join_pointer(at, "critical"),
            "a critical criterion needs 'minimumLevel': the level it must reach",
        )
    if has_minimum and critical is not True:
        r.fail(
            join_pointer(at, "minimumLevel"),
            "'minimumLevel' is only for a critical criterion: add \"critical\": true",
        )
    minimum = r.ident(obj, "minimumLevel", at)
    ids = _raw_ids(obj.get("levels"))
    if minimum is None or ids is None:
        return None
    if minimum not in ids:
        r.fail(
            join_pointer(at, "minimumLevel"),
            f"'{minimum}' is not a level of this criterion; its levels are: {', '.join(ids)}",
        )
        return None
    return minimum if critical else None


def _raw_ids(items: object) -> list[str] | None:
    """The ids in a list as written, read even when other parts of the list have problems,
    so that a check depending on them still runs. None when the value is not a list."""
    if not isinstance(items, list):
        return None
    return [i["id"] for i in items if isinstance(i, dict) and isinstance(i.get("id"), str)]


def _raw_level_ids(doc: Mapping[str, Any], kind: RubricKind | None) -> list[tuple[str, list[str]]]:
    """(criterion id, its level ids) as written, for the bands' everyCriterionAtLeast check."""
    if kind is RubricKind.HOLISTIC and "levels" in doc:
        return [(HOLISTIC_CRITERION, _raw_ids(doc["levels"]) or [])]
    found = []
    items = doc.get("criteria")
    for index, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict):
            continue
        label = item["id"] if isinstance(item.get("id"), str) else f"#{index}"
        if kind is RubricKind.CHECKLIST and "levels" not in item:
            found.append((label, [NOT_MET, MET]))
        else:
            found.append((label, _raw_ids(item.get("levels")) or []))
    return found


def _read_weight(r: _Reader, obj: Mapping[str, Any], at: str) -> Decimal | None:
    if "weight" not in obj:
        return Decimal(1)
    return r.positive(obj, "weight", at)


def _read_criterion(r: _Reader, value: object, at: str) -> Criterion | None:
    """A criterion with levels: the analytic form, and the normalised form of every kind."""
    obj = r.mapping(value, at, "a criterion", _CRITERION_REQUIRED, _CRITERION_OPTIONAL)
    if obj is None:
        return None
    ident, title = r.ident(obj, "id", at), r.title(obj, "title", at)
    description = r.text(obj, "description", at) or ""
    weight = _read_weight(r, obj, at)
    levels = _read_levels(r, obj["levels"], join_pointer(at, "levels")) if "levels" in obj else None
    minimum = _read_critical(r, obj, at)
    if ident is None or title is None or weight is None or levels is None:
        return None
    return Criterion(ident, title, levels, weight, description, minimum)


def _read_checklist_item(r: _Reader, value: object, at: str) -> Criterion | None:
    """A checklist item: short form `points`, or the normalised not-met / met levels."""
    if isinstance(value, dict) and "levels" in value:
        criterion = _read_criterion(r, value, at)
        if criterion is not None:
            _check_checklist_levels(r, criterion, at)
        return criterion
    obj = r.mapping(value, at, "a checklist item", _ITEM_REQUIRED, _ITEM_OPTIONAL)
    if obj is None:
        return None
    ident, title = r.ident(obj, "id", at), r.title(obj, "title", at)
    description = r.text(obj, "description", at) or ""
    weight = _read_weight(r, obj, at)
    points = r.positive(obj, "points", at)
    critical = r.flag(obj, "critical", at)
    if ident is None or title is None or weight is None or points is None:
        return None
    levels = (Level(NOT_MET, "Not met", Decimal(0)), Level(MET, "Met", points))
    return Criterion(ident, title, levels, weight, description, MET if critical else None)


def _check_checklist_levels(r: _Reader, c: Criterion, at: str) -> None:
    not_met, met = c.levels[0], c.levels[-1]
    if (
        len(c.levels) != 2
        or (not_met.id, met.id) != (NOT_MET, MET)
        or not_met.points != 0
        or not_met.is_range
        or met.is_range
    ):
        r.fail(
            join_pointer(at, "levels"),
            f"a checklist item's levels are exactly '{NOT_MET}' "
            f"(0 points) and '{MET}' (its points), in that order",
        )
    if c.minimum_level not in (None, MET):
        r.fail(
            join_pointer(at, "minimumLevel"),
            f"a critical checklist item's minimum level is '{MET}'",
        )


def _read_criteria(
    r: _Reader, value: object, at: str, read_one: Callable[[_Reader, object, str], Criterion | None]
) -> tuple[Criterion, ...] | None:
    items = r.array(value, at, "criteria")
    if items is None:
        return None
    if not items:
        r.fail(at, "must list at least one criterion")
        return None
    criteria = [read_one(r, item, join_pointer(at, i)) for i, item in enumerate(items)]
    r.unique_ids(items, at, "criterion")
    if any(c is None for c in criteria):
        return None
    return tuple(c for c in criteria if c is not None)


def _read_holistic(
    r: _Reader, doc: Mapping[str, Any], title: str | None
) -> tuple[Criterion, ...] | None:
    """Short form: top-level `levels`. Normalised form: one criterion with id 'overall'."""
    if "levels" in doc and "criteria" in doc:
        r.fail("/levels", "a holistic rubric gives 'levels' or (normalised) 'criteria', not both")
        return None
    if "levels" in doc:
        levels = _read_levels(r, doc["levels"], "/levels")
        if levels is None or title is None:
            return None
        return (Criterion(HOLISTIC_CRITERION, title, levels),)
    if "criteria" not in doc:
        r.fail("", "missing required field 'levels'")
        return None
    criteria = _read_criteria(r, doc["criteria"], "/criteria", _read_criterion)
    if criteria is not None and (len(criteria) != 1 or criteria[0].id != HOLISTIC_CRITERION):
        r.fail(
            "/criteria",
            "a holistic rubric in normalised form has exactly one criterion, "
            f"with id '{HOLISTIC_CRITERION}'",
        )
        return None
    return criteria


def _read_body(
    r: _Reader, doc: Mapping[str, Any], kind: RubricKind | None, title: str | None
) -> tuple[Criterion, ...] | None:
    if kind is None:
        return None  # an unknown kind says nothing about how to read the criteria
    if kind is RubricKind.HOLISTIC:
        return _read_holistic(r, doc, title)
    if "levels" in doc:
        r.fail(
            "/levels",
            "top-level 'levels' is only for holistic rubrics; give each criterion its own levels",
        )
    if "criteria" not in doc:
        r.fail("", "missing required field 'criteria'")
        return None
    read_one = _read_checklist_item if kind is RubricKind.CHECKLIST else _read_criterion
    return _read_criteria(r, doc["criteria"], "/criteria", read_one)


# ---- rubric -------------------------------------------------------------------------------


def _maximum(criteria: tuple[Criterion, ...] | None) -> Decimal | None:
    if criteria is None:
        return None
    with localcontext(EXACT):
        return sum((c.weight * c.max_points for c in criteria), Decimal(0))


def _read_kind(r: _Reader, doc: Mapping[str, Any]) -> RubricKind | None:
    value = doc.get("kind")
    if "kind" in doc and value not in tuple(RubricKind):
        choices = ", ".join(k.value for k in RubricKind)
        r.fail("/kind", f"must be one of: {choices}")
        return None
    return RubricKind(value) if value is not None else None


def _read_pass_rule(r: _Reader, value: object, maximum: Decimal | None) -> PassRule | None:
    at = "/passRule"
    obj = r.mapping(value, at, "the pass rule", ("type", "threshold"))
    if obj is None:
        return None
    kind: PassRuleKind | None = None
    if "type" in obj:
        if obj["type"] in tuple(PassRuleKind):
            kind = PassRuleKind(obj["type"])
        else:
            r.fail(f"{at}/type", "must be 'percentage' or 'points'")
    threshold = r.number(obj, "threshold", at)
    if kind is None or threshold is None:
        return None
    if kind is PassRuleKind.PERCENTAGE and not 0 < threshold <= _HUNDRED:
        r.fail(f"{at}/threshold", "a percentage pass mark must be greater than 0 and at most 100")
        return None
    if kind is PassRuleKind.POINTS and threshold <= 0:
        r.fail(f"{at}/threshold", "a points pass mark must be greater than 0")
        return None
    if kind is PassRuleKind.POINTS and maximum is not None and threshold > maximum:
        r.fail(
            f"{at}/threshold",
            f"a points pass mark must be at most the rubric's maximum ({fmt(maximum)} points)",
        )
        return None
    return PassRule(kind, threshold)


def _read_band(
    r: _Reader,
    value: object,
    at: str,
    level_ids: Sequence[tuple[str, list[str]]] | None,
    maximum: Decimal | None,
) -> GradeBand | None:
    obj = r.mapping(value, at, "a band", _BAND_REQUIRED, _BAND_OPTIONAL)
    if obj is None:
        return None
    ident, title = r.ident(obj, "id", at), r.title(obj, "title", at)
    percentage = r.non_negative(obj, "minPercentage", at)
    if percentage is not None and percentage > _HUNDRED:
        r.fail(join_pointer(at, "minPercentage"), "must be at most 100")
    points = r.non_negative(obj, "minPoints", at)
    if points is not None and maximum is not None and points > maximum:
        r.fail(
            join_pointer(at, "minPoints"),
            f"must be at most the rubric's maximum ({fmt(maximum)} points)",
        )
    floor = r.ident(obj, "everyCriterionAtLeast", at)
    if floor is not None and level_ids is not None:
        lacking = [criterion for criterion, ids in level_ids if floor not in ids]
        if lacking:
            r.fail(
                join_pointer(at, "everyCriterionAtLeast"),
                f"'{floor}' must be a level of every criterion; "
                f"not a level of: {', '.join(lacking)}",
            )
    if ident is None or title is None:
        return None
    return GradeBand(ident, title, percentage, points, floor)


def _read_bands(
    r: _Reader,
    value: object,
    level_ids: Sequence[tuple[str, list[str]]] | None,
    maximum: Decimal | None,
) -> tuple[GradeBand, ...] | None:
    items = r.array(value, "/bands", "bands, low → high")
    if items is None:
        return None
    bands = [
        _read_band(r, item, join_pointer("/bands", i), level_ids, maximum)
        for i, item in enumerate(items)
    ]
    r.unique_ids(items, "/bands", "band")
    _check_band_order(r, bands)
    if any(b is None for b in bands):
        return None
    return tuple(b for b in bands if b is not None)


def _check_band_order(r: _Reader, bands: Sequence[GradeBand | None]) -> None:
    """The scorer takes the highest band reached, so a higher band must not ask for less."""
    for key, attribute in (("minPercentage", "min_percentage"), ("minPoints", "min_points")):
        previous: GradeBand | None = None
        for index, band in enumerate(bands):
            value = getattr(band, attribute, None)
            if band is None or value is None:
                continue
            before = getattr(previous, attribute, None)
            if previous is not None and before is not None and value < before:
                r.fail(
                    join_pointer("/bands", index, key),
                    f"bands go low → high, but {fmt(value)} is below the {fmt(before)} "
                    f"of band '{previous.id}' before it",
                )
            previous = band


def _check_extra(r: _Reader, value: object, at: str) -> None:
    """Free metadata, but it is hashed as RFC 8785 JSON: no fractions, no unsafe integers;
    and it is shown, so no control characters (but newline and tab) either."""
    if isinstance(value, dict):
        for key, item in value.items():
            problem = control_problem(key)
            if problem is not None:
                r.fail(join_pointer(at, key), f"the key {problem}")
            _check_extra(r, item, join_pointer(at, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_extra(r, item, join_pointer(at, index))
    elif isinstance(value, str):
        problem = control_problem(value, multiline=True)
        if problem is not None:
            r.fail(at, problem)
    elif isinstance(value, Decimal | float):
        r.fail(at, 'a fractional number here must be written as a string, like "2.5"')
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > _MAX_SAFE_INTEGER:
        r.fail(at, "integer is outside ±(2^53-1); write it as a string")
    elif not (value is None or isinstance(value, str | int)):
        r.fail(at, "must be a JSON value")


def _read_extra(r: _Reader, doc: Mapping[str, Any]) -> dict[str, Any]:
    if "extra" not in doc:
        return {}
    value = doc["extra"]
    if not isinstance(value, dict):
        r.fail("/extra", "must be a JSON object")
        return {}
    _check_extra(r, value, "/extra")
    return dict(value)


def _read_rubric(r: _Reader, doc: object) -> Rubric | None:
    optional = [key for key in _TOP_KEYS if key not in _TOP_REQUIRED]
    obj = r.mapping(doc, "", "a rubric document", _TOP_REQUIRED, optional)
    if obj is None:
        return None
    if "format" in obj and obj["format"] != FORMAT:
        r.fail("/format", f"must be '{FORMAT}'")
    ident, title = r.ident(obj, "id", ""), r.title(obj, "title", "")
    description = r.text(obj, "description", "") or ""
    kind = _read_kind(r, obj)
    criteria = _read_body(r, obj, kind, title)
    maximum = _maximum(criteria)
    rule = _read_pass_rule(r, obj["passRule"], maximum) if "passRule" in obj else None
    level_ids = None if kind is None else _raw_level_ids(obj, kind)
    bands = _read_bands(r, obj["bands"], level_ids, maximum) if "bands" in obj else ()
    extra = _read_extra(r, obj)
    if r.problems:
        return None
    assert ident is not None and title is not None and kind is not None
    assert criteria is not None and rule is not None and bands is not None
    try:
        return Rubric(ident, title, kind, criteria, rule, bands, description, extra)
    except DomainError as exc:  # the model's own invariants, should the checks above miss one
        r.fail(exc.location, exc.message)
        return None
