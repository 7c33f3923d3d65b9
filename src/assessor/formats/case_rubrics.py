"""CASE 1.1 packages (1EdTech CFPackage): the official schema (`case_schema`), then each
CFRubric mapped to a `Rubric` (docs/rubric-format.md, "CASE 1.1 import").

Both run on every file, so `rubric validate` prints every problem in one pass: the schema's
(a level without an identifier, a score that is not a number) and the mapping's (a negative
weight, two criteria with one identifier). Where the schema already found a value wrong, what
the mapping says about the same value (or anything inside it) is left out: one problem, said
once. Every location is a JSON pointer into the package itself (`/CFRubrics/0/
CFRubricCriteria/2`), never into the rubric document the mapping builds.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from itertools import pairwise
from typing import Any

from assessor.domain.errors import Problem, ValidationFailed
from assessor.domain.rubric import FORMAT, Rubric
from assessor.domain.rubric_format import (
    MAX_ID_LENGTH,
    join_pointer,
    parse_rubric_document,
    surrogate_problems,
)
from assessor.formats.case_schema import schema_findings

# CASE defines no pass mark; half the maximum is a neutral default an author can change.
CASE_PASS_PERCENTAGE = 50


# ---- CASE 1.1 → Rubric --------------------------------------------------------------------


def parse_case_package(doc: object) -> list[Rubric]:
    """One rubric per CFRubric of a CASE 1.1 package; `ValidationFailed` lists every problem:
    the schema's and the mapping's, found in one pass."""
    unreadable = surrogate_problems(doc)
    if unreadable:
        raise ValidationFailed(unreadable)
    problems, wrong = schema_findings(doc)
    rubrics, mapped = _map_package(doc)
    for problem in mapped:
        if problem not in problems and not _inside_any(problem.location, wrong):
            problems.append(problem)
    if problems:
        raise ValidationFailed(sorted(problems, key=lambda p: _pointer_key(p.location)))
    return rubrics


def _map_package(doc: object) -> tuple[list[Rubric], list[Problem]]:
    """The rubrics that map cleanly, and the mapping's problems. Runs on packages the schema
    refused too, reading every field defensively; parts it cannot read are skipped."""
    if not isinstance(doc, dict):
        return [], []
    if "CFRubrics" not in doc:
        return [], [Problem("", "this CASE package has no CFRubrics to import")]
    packaged = doc["CFRubrics"]
    if not isinstance(packaged, list):
        return [], []
    if not packaged:
        return [], [Problem("/CFRubrics", "lists no rubrics")]
    cf_document = doc.get("CFDocument")
    cf_document = cf_document if isinstance(cf_document, dict) else {}
    rubrics: list[Rubric] = []
    problems: list[Problem] = []
    for index, cf_rubric in enumerate(packaged):
        if not isinstance(cf_rubric, dict):
            continue
        try:
            rubrics.append(
                _map_case_rubric(cf_document, cf_rubric, join_pointer("/CFRubrics", index))
            )
        except ValidationFailed as exc:
            problems.extend(exc.problems)
    problems.extend(_duplicate_rubrics(packaged))
    return rubrics, problems


def _inside_any(location: str, places: Iterable[str]) -> bool:
    return any(location == place or location.startswith(place + "/") for place in places)


def _pointer_key(location: str) -> list[tuple[int, int, str]]:
    tokens = location.split("/")[1:] if location.startswith("/") else []
    # An index is a short run of ASCII digits; a key may be anything ('²', 5000 digits).
    return [
        (0, int(t), "") if t.isascii() and t.isdigit() and len(t) < 19 else (1, 0, t)
        for t in tokens
    ]


def case_rubric_id(identifier: str) -> str:
    """The Assessor id of a CFRubric: stable across re-imports of the same framework."""
    return "case-" + identifier.lower()


def _text(obj: Mapping[str, Any], key: str) -> str:
    """A string field, or "" when absent or not a string (the schema reports the latter)."""
    value = obj.get(key)
    return value if isinstance(value, str) else ""


def _duplicate_rubrics(packaged: Sequence[object]) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for index, cf_rubric in enumerate(packaged):
        if not isinstance(cf_rubric, dict) or not _text(cf_rubric, "identifier"):
            continue
        ident = _text(cf_rubric, "identifier").lower()
        if ident in seen:
            problems.append(
                Problem(
                    join_pointer("/CFRubrics", index, "identifier"),
                    f"duplicate CFRubric identifier (first at /CFRubrics/{seen[ident]})",
                )
            )
        seen.setdefault(ident, index)
    return problems


def _items(obj: Mapping[str, Any], key: str) -> list[tuple[int, Mapping[str, Any]]]:
    """(index in the package, item) of a list of objects; what is not an object is skipped."""
    value = obj.get(key)
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _number(value: object) -> Decimal | int | None:
    return value if isinstance(value, int | Decimal) and not isinstance(value, bool) else None


def _by_position(items: Sequence[tuple[int, Mapping[str, Any]]]) -> list[int]:
    """Positions into `items` ordered by `position`; those without one follow, in order."""

    def key(n: int) -> tuple[bool, Decimal | int, int]:
        position = _number(items[n][1].get("position"))
        return (position is None, position or 0, n)

    return sorted(range(len(items)), key=key)


class _Mapping:
    """Builds an own-format document from a CFRubric, remembering where each part came from,
    so the own-format parser's problems can be reported at their place in the package."""

    def __init__(self) -> None:
        self.origin: dict[str, str] = {}
        self.problems: list[Problem] = []
        self.covered: list[str] = []  # fields the mapping's own problems are about

    def note(self, own: str, case: str) -> None:
        self.origin[own] = case

    def fail(self, at: str, message: str, *, about: str) -> None:
        """A mapping problem at `at`; what the parser says about `about` is then not repeated."""
        self.problems.append(Problem(at, message))
        self.covered.append(about)

    def locate(self, own: str) -> str:
        """The package location of an own-format pointer: its nearest mapped ancestor."""
        probe = own
        while probe not in self.origin and probe:
            probe = probe.rsplit("/", 1)[0]
        return self.origin.get(probe, "")

    def translate(self, problem: Problem) -> Problem:
        """An own-format problem in the package's terms: its location, and any own-format
        pointer its message names ("first at /criteria/0")."""
        message = re.sub(
            r"(?<![\w/])/(?:criteria|levels|bands|passRule|extra)(?:/[^\s),;]*)?",
            lambda found: self.locate(found.group()),
            problem.message,
        )
        return Problem(self.locate(problem.location), message)


def _map_case_rubric(
    cf_document: Mapping[str, Any], cf_rubric: Mapping[str, Any], at: str
) -> Rubric:
    m = _Mapping()
    m.note("", at)
    m.note("/id", join_pointer(at, "identifier"))
    m.note("/criteria", join_pointer(at, "CFRubricCriteria"))
    m.note("/description", join_pointer(at, "description"))
    m.note("/extra/case/document", "/CFDocument/identifier")
    m.note("/extra/case/documentUri", "/CFDocument/uri")
    m.note("/extra/case/rubric", join_pointer(at, "identifier"))
    m.note("/extra/case/rubricUri", join_pointer(at, "uri"))
    m.note("/extra/case/lastChangeDateTime", join_pointer(at, "lastChangeDateTime"))
    if "title" in cf_rubric:
        m.note("/title", join_pointer(at, "title"))
    else:
        m.note("/title", "/CFDocument/title")
    cf_criteria = _items(cf_rubric, "CFRubricCriteria")
    if not cf_criteria:
        if cf_rubric.get("CFRubricCriteria") in (None, []):
            m.problems.append(Problem(at, "has no CFRubricCriteria; a rubric needs at least one"))
        raise ValidationFailed(m.problems)  # (else the schema has said what is wrong)
    criteria = []
    for own_index, n in enumerate(_by_position(cf_criteria)):
        case_index, cf = cf_criteria[n]
        criteria.append(
            _map_criterion(
                m, cf, f"/criteria/{own_index}", join_pointer(at, "CFRubricCriteria", case_index)
            )
        )
    identifier = _text(cf_rubric, "identifier") or "missing-identifier"
    own_doc: dict[str, Any] = {
        "format": FORMAT,
        "id": case_rubric_id(identifier),
        "title": cf_rubric.get("title") or cf_document.get("title") or "",
        "kind": "analytic",
        "criteria": criteria,
        "passRule": {"type": "percentage", "threshold": CASE_PASS_PERCENTAGE},
        "extra": {"case": _provenance(cf_document, cf_rubric)},
    }
    if cf_rubric.get("description"):
        own_doc["description"] = cf_rubric["description"]
    try:
        rubric = parse_rubric_document(own_doc)
    except ValidationFailed as exc:
        translated = [m.translate(p) for p in exc.problems]
        m.problems.extend(p for p in translated if not _inside_any(p.location, m.covered))
        raise ValidationFailed(m.problems or translated) from None
    if m.problems:
        raise ValidationFailed(m.problems)
    return rubric


def _provenance(cf_document: Mapping[str, Any], cf_rubric: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "document": cf_document.get("identifier"),
        "documentUri": cf_document.get("uri"),
        "rubric": cf_rubric.get("identifier"),
        "rubricUri": cf_rubric.get("uri"),
        "lastChangeDateTime": cf_rubric.get("lastChangeDateTime"),
    }


def _map_criterion(m: _Mapping, cf: Mapping[str, Any], own: str, at: str) -> dict[str, Any]:
    m.note(own, at)
    m.note(f"{own}/id", join_pointer(at, "identifier"))
    m.note(f"{own}/weight", join_pointer(at, "weight"))
    m.note(f"{own}/levels", join_pointer(at, "CFRubricCriterionLevels"))
    title, description, source = _criterion_text(cf)
    m.note(f"{own}/title", join_pointer(at, *source))
    m.note(f"{own}/description", join_pointer(at, "description"))
    if title is None:
        m.fail(
            at,
            "needs a 'category' or 'description' to show as its title",
            about=join_pointer(at, *source),
        )
    cf_levels = _items(cf, "CFRubricCriterionLevels")
    order = _level_order([level for _, level in cf_levels])
    levels = [
        _map_level(
            m,
            cf_levels[i][1],
            f"{own}/levels/{n}",
            join_pointer(at, "CFRubricCriterionLevels", cf_levels[i][0]),
        )
        for n, i in enumerate(order)
    ]
    _readable_level_ids(levels, [cf_levels[i][1] for i in order])
    criterion: dict[str, Any] = {
        "id": _text(cf, "identifier").lower() or f"missing-identifier-{own.rsplit('/', 1)[1]}",
        "title": title or "",
        "levels": levels,
    }
    if description:
        criterion["description"] = description
    if "weight" in cf:
        criterion["weight"] = cf["weight"]
    return criterion


def _criterion_text(cf: Mapping[str, Any]) -> tuple[str | None, str, tuple[str, ...]]:
    """(title, description, where the title came from): the category names a criterion;
    else its description does; else the linked item's title."""
    category, description = _text(cf, "category").strip(), _text(cf, "description")
    if category:
        return category, description, ("category",)
    if description.strip():
        return description, "", ("description",)
    linked = cf.get("CFItemURI")
    linked_title = _text(linked, "title").strip() if isinstance(linked, dict) else ""
    return (linked_title or None), "", ("CFItemURI", "title")


def _level_order(cf_levels: Sequence[Mapping[str, Any]]) -> list[int]:
    """Low → high: by `position` when every level has one, else by `score`.

    Tabular rubrics often list the best level first; when positions give strictly falling
    scores the order is read the other way round rather than refused.
    """
    items = list(enumerate(cf_levels))
    if not all(_number(level.get("position")) is not None for level in cf_levels):
        return sorted(
            range(len(cf_levels)), key=lambda i: (_number(cf_levels[i].get("score")) or 0, i)
        )
    order = _by_position(items)
    scores = [_number(cf_levels[i].get("score")) for i in order]
    known = [s for s in scores if s is not None]
    if len(known) == len(order) > 1 and all(a > b for a, b in pairwise(known)):
        order.reverse()
    return order


def _map_level(m: _Mapping, cf: Mapping[str, Any], own: str, at: str) -> dict[str, Any]:
    m.note(own, at)
    m.note(f"{own}/id", join_pointer(at, "identifier"))
    m.note(f"{own}/points", join_pointer(at, "score"))
    m.note(f"{own}/descriptor", join_pointer(at, "description"))
    if "score" not in cf:
        m.fail(
            at,
            "missing 'score': Assessor needs the points of each level",
            about=join_pointer(at, "score"),
        )
    quality = _text(cf, "quality").strip()
    description = _text(cf, "description")
    title_at = join_pointer(at, "quality" if quality else "description")
    m.note(f"{own}/title", title_at)
    if not quality and not description.strip():
        m.fail(at, "needs a 'quality' or 'description' to show as its title", about=title_at)
    level: dict[str, Any] = {
        # replaced by a readable one when possible
        "id": _text(cf, "identifier").lower() or f"missing-identifier-{own.rsplit('/', 1)[1]}",
        "title": quality or description,
        "points": cf.get("score"),
    }
    if quality and description:
        level["descriptor"] = description
    return level


def slugify(text: str) -> str:
    """'Highly Proficient' → 'highly-proficient'; '' when nothing usable is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:MAX_ID_LENGTH].strip("-")


def _readable_level_ids(
    levels: list[dict[str, Any]], cf_levels: Sequence[Mapping[str, Any]]
) -> None:
    """Name levels after their quality ('proficient'), as assessors type them, when every
    level of the criterion has one and the names are distinct; else keep the identifiers."""
    slugs = [slugify(_text(level, "quality")) for level in cf_levels]
    if all(slugs) and len(set(slugs)) == len(slugs):
        for level, slug in zip(levels, slugs, strict=True):
            level["id"] = slug
