"""What changed between two rubrics (two versions, or a version and a file about to be imported).

Each change has a path of ids, like `criteria/prove-dead/levels/competent/points`, so the same
change reads the same whatever the positions. Order is deterministic: rubric fields, then the
criteria as they stand in the newer rubric (each followed by its removed levels), then the
removed criteria, then the pass rule, the bands and the extra metadata the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, Protocol, TypeVar

from assessor.domain.numbers import fmt
from assessor.domain.rubric import Criterion, GradeBand, Level, Rubric

ChangeKind = Literal["added", "removed", "changed"]

_COLLECTIONS = {"criteria": "criterion", "levels": "level", "bands": "band", "extra": "extra"}
_FIELDS = {
    "minimumLevel": "minimum level",
    "minPercentage": "minimum percentage",
    "minPoints": "minimum points",
    "everyCriterionAtLeast": "level every criterion must reach",
    "passRule/type": "pass rule type",
    "passRule/threshold": "pass mark",
}
_RUBRIC_FIELDS = ("id", "kind", "title", "description")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?(–[0-9]+(\.[0-9]+)?)?\Z")
_SHOWN = 60  # characters of a long value shown in a one-line description


@dataclass(frozen=True)
class Change:
    """One difference. `before`/`after` are display strings; None where a side lacks it."""

    kind: ChangeKind
    path: str
    before: str | None
    after: str | None

    def describe(self) -> str:
        """One sentence for people, e.g. "Criterion 'prove-dead': weight changed from 2 to 3"."""
        subject, rest = _subject(self.path.split("/"))
        if not rest:  # a whole criterion, level, band or extra entry
            if self.kind == "added":
                return f"Added {subject} ({_short(self.after)})"
            if self.kind == "removed":
                return f"Removed {subject} ({_short(self.before)})"
            return f"Changed {subject} from {_short(self.before)} to {_short(self.after)}"
        if rest[-1] in _COLLECTIONS:
            text = f"order of {rest[-1]} changed from {self.before} to {self.after}"
        else:
            text = self._field_sentence("/".join(rest), subject)
        return _capitalise(f"{subject}: {text}" if subject else text)

    def _field_sentence(self, field: str, subject: str) -> str:
        name = _FIELDS.get(field, field)
        if not subject and field in _RUBRIC_FIELDS:
            name = f"rubric {name}"
        critical = field == "minimumLevel"
        if self.kind == "added":
            return f"{name} set to {_short(self.after)}" + (" (now critical)" if critical else "")
        if self.kind == "removed":
            note = " (no longer critical)" if critical else ""
            return f"{name} removed (was {_short(self.before)}){note}"
        return f"{name} changed from {_short(self.before)} to {_short(self.after)}"


def diff_rubrics(a: Rubric, b: Rubric) -> list[Change]:
    """Every difference from `a` (older) to `b` (newer); empty when their content is equal."""
    out: list[Change] = []
    _fields(
        out,
        "",
        [
            ("id", a.id, b.id),
            ("kind", a.kind.value, b.kind.value),
            ("title", a.title, b.title),
            ("description", a.description, b.description),
        ],
    )
    _collection(out, "criteria", a.criteria, b.criteria, _criterion_changes)
    _fields(
        out,
        "passRule",
        [
            ("type", a.pass_rule.kind.value, b.pass_rule.kind.value),
            ("threshold", fmt(a.pass_rule.threshold), fmt(b.pass_rule.threshold)),
        ],
    )
    _collection(out, "bands", a.bands, b.bands, _band_changes)
    _extra_changes(out, a.extra, b.extra)
    return out


def _fields(
    out: list[Change], base: str, pairs: Sequence[tuple[str, str | None, str | None]]
) -> None:
    """Compare scalar fields; "" counts as absent, so a field set or cleared is added/removed."""
    for name, before, after in pairs:
        before, after = before or None, after or None
        if before == after:
            continue
        kind: ChangeKind = "added" if before is None else "removed" if after is None else "changed"
        out.append(Change(kind, f"{base}/{name}" if base else name, before, after))


class _Identified(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def title(self) -> str: ...


T = TypeVar("T", bound=_Identified)


def _collection(
    out: list[Change],
    base: str,
    old: Sequence[T],
    new: Sequence[T],
    compare: Callable[[list[Change], str, T, T], None],
) -> None:
    old_by_id = {item.id: item for item in old}
    new_ids = {item.id for item in new}
    for item in new:
        path = f"{base}/{item.id}"
        if item.id in old_by_id:
            compare(out, path, old_by_id[item.id], item)
        else:
            out.append(Change("added", path, None, item.title))
    for item in old:
        if item.id not in new_ids:
            out.append(Change("removed", f"{base}/{item.id}", item.title, None))
    kept_before = [item.id for item in old if item.id in new_ids]
    kept_after = [item.id for item in new if item.id in old_by_id]
    if kept_before != kept_after:
        out.append(Change("changed", base, ", ".join(kept_before), ", ".join(kept_after)))


def _points(level: Level) -> str:
    return fmt(level.points) if not level.is_range else f"{fmt(level.points)}–{fmt(level.top)}"


def _level_changes(out: list[Change], path: str, a: Level, b: Level) -> None:
    _fields(
        out,
        path,
        [
            ("title", a.title, b.title),
            ("descriptor", a.descriptor, b.descriptor),
            ("points", _points(a), _points(b)),
        ],
    )


def _criterion_changes(out: list[Change], path: str, a: Criterion, b: Criterion) -> None:
    _fields(
        out,
        path,
        [
            ("title", a.title, b.title),
            ("description", a.description, b.description),
            ("weight", fmt(a.weight), fmt(b.weight)),
            ("minimumLevel", a.minimum_level, b.minimum_level),
        ],
    )
    _collection(out, f"{path}/levels", a.levels, b.levels, _level_changes)


def _optional(value: Decimal | None) -> str | None:
    return None if value is None else fmt(value)


def _band_changes(out: list[Change], path: str, a: GradeBand, b: GradeBand) -> None:
    _fields(
        out,
        path,
        [
            ("title", a.title, b.title),
            ("minPercentage", _optional(a.min_percentage), _optional(b.min_percentage)),
            ("minPoints", _optional(a.min_points), _optional(b.min_points)),
            ("everyCriterionAtLeast", a.every_criterion_at_least, b.every_criterion_at_least),
        ],
    )


def _json(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _extra_changes(out: list[Change], a: Mapping[str, Any], b: Mapping[str, Any]) -> None:
    """Free metadata is hashed too, so a change there must not go unmentioned."""
    for key, value in b.items():
        path = "extra/" + key.replace("~", "~0").replace("/", "~1")
        if key not in a:
            out.append(Change("added", path, None, _json(value)))
        elif a[key] != value:
            out.append(Change("changed", path, _json(a[key]), _json(value)))
    for key, value in a.items():
        if key not in b:
            path = "extra/" + key.replace("~", "~0").replace("/", "~1")
            out.append(Change("removed", path, _json(value), None))


def _subject(parts: list[str]) -> tuple[str, list[str]]:
    """("criterion 'x', level 'y'", remaining parts) from a change path."""
    names: list[str] = []
    index = 0
    while index + 1 < len(parts) and parts[index] in _COLLECTIONS:
        key = parts[index + 1].replace("~1", "/").replace("~0", "~")
        names.append(f"{_COLLECTIONS[parts[index]]} '{key}'")
        index += 2
    return ", ".join(names), parts[index:]


def _short(value: str | None) -> str:
    if value is None:
        return "nothing"
    text = " ".join(value.split())
    if _NUMBER.match(text):
        return text
    if len(text) > _SHOWN:
        text = text[: _SHOWN - 1] + "…"
    return f"'{text}'"


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
