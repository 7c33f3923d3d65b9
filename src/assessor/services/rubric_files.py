"""Rubric files: read and validate the own JSON format and CASE 1.1 packages (CFRubric).

Every problem in a file is reported, each with its location, before anything is imported:
`assessor rubric validate` prints them as `FILE: LOCATION: MESSAGE`. A CASE package is first
checked against the official 1EdTech CASE 1.1 CFPackage schema (shipped unmodified in
resources/schemas), then mapped to rubrics; see docs/rubric-format.md for the mapping.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

from assessor.domain.errors import Problem, ValidationFailed
from assessor.domain.rubric import FORMAT, Rubric
from assessor.domain.rubric_format import MAX_ID_LENGTH, join_pointer, parse_rubric_document
from assessor.security.canonical import StrictJSONError, loads_strict

OWN_FORMAT = FORMAT
CASE_FORMAT = "case-1.1"
CASE_SCHEMA = "case-v1p1-cfpackage.json"
RUBRIC_SCHEMA = "rubric.schema.json"
# CASE defines no pass mark; half the maximum is a neutral default an author can change.
CASE_PASS_PERCENTAGE = 50
MAX_FILE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class RubricFile:
    """The rubrics read from one file, and the format they were written in."""

    path: Path
    format: str
    rubrics: tuple[Rubric, ...]


def read_rubric_file(path: Path) -> list[Rubric]:
    """Every rubric in an own-format file or a CASE 1.1 package.

    Raises `ValidationFailed` (with `source` = the path) listing all problems found.
    """
    return list(load_rubric_file(path).rubrics)


def load_rubric_file(path: Path) -> RubricFile:
    """Like `read_rubric_file`, also telling which format the file was in."""
    try:
        fmt, rubrics = parse_rubric_bytes(_read_bytes(path))
    except ValidationFailed as exc:
        raise ValidationFailed(exc.problems, source=str(path)) from None
    return RubricFile(path, fmt, tuple(rubrics))


def validate_rubric_files(paths: Iterable[Path]) -> list[str]:
    """`FILE: LOCATION: MESSAGE` for every problem in every file; empty when all are valid."""
    lines: list[str] = []
    for path in paths:
        try:
            load_rubric_file(path)
        except ValidationFailed as exc:
            lines.extend(exc.lines())
    return lines


def parse_rubric_bytes(data: bytes) -> tuple[str, list[Rubric]]:
    """(format, rubrics) from a file's bytes; `ValidationFailed` lists every problem."""
    try:
        doc = loads_strict(data)
    except StrictJSONError as exc:
        raise ValidationFailed([Problem(loc, msg) for loc, msg in exc.problems]) from None
    if isinstance(doc, dict) and ("CFDocument" in doc or "CFRubrics" in doc):
        return CASE_FORMAT, parse_case_package(doc)
    return OWN_FORMAT, [parse_rubric_document(doc)]


def _read_bytes(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ValidationFailed(
            [Problem("", f"cannot read the file: {exc.strerror or exc}")]
        ) from None
    if len(data) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        raise ValidationFailed([Problem("", f"larger than {limit} MB; not a rubric file")])
    return data


# ---- schemas ------------------------------------------------------------------------------


@cache
def load_schema(name: str) -> Mapping[str, Any]:
    """A JSON Schema shipped in assessor/resources/schemas."""
    text = (resources.files("assessor") / "resources" / "schemas" / name).read_bytes()
    schema: Mapping[str, Any] = json.loads(text)
    return schema


def _is_integer(checker: object, instance: object) -> bool:
    # JSON Schema counts 2.0 as an integer; loads_strict hands it over as Decimal("2.0").
    if isinstance(instance, Decimal):
        return instance.is_finite() and instance == instance.to_integral_value()
    return isinstance(instance, int) and not isinstance(instance, bool)


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})\Z")


def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True  # formats only constrain strings
    if not _DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_date_time(value: object) -> bool:
    """RFC 3339 date-time, as the schema's "format": "date-time" means."""
    if not isinstance(value, str):
        return True
    if not _DATE_TIME.match(value):
        return False
    try:
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _is_uuid(value: object) -> bool:
    return not isinstance(value, str) or bool(_UUID.match(value))


def _format_checker() -> Any:
    """uuid, date and date-time asserted with the stdlib, so no optional package changes
    what counts as valid (jsonschema checks date-time only if rfc3339-validator is there)."""
    import jsonschema.validators  # loaded when first needed: not on every start

    checker = jsonschema.FormatChecker(formats=())
    checker.checks("uuid")(_is_uuid)
    checker.checks("date")(_is_date)
    checker.checks("date-time")(_is_date_time)
    return checker


@cache
def _case_validator() -> Any:
    import jsonschema.validators  # loaded when first needed: not on every start

    base = jsonschema.Draft201909Validator
    validator_class = jsonschema.validators.extend(
        base, type_checker=base.TYPE_CHECKER.redefine("integer", _is_integer)
    )
    return validator_class(load_schema(CASE_SCHEMA), format_checker=_format_checker())


_TYPE_NAMES = {
    "object": "a JSON object",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
}


def _schema_problems(error: Any) -> list[Problem]:
    """Plain words for the common schema errors; jsonschema's own message for the rest."""
    at = join_pointer("", *error.absolute_path)
    keyword, instance = error.validator, error.instance
    if keyword == "required" and isinstance(instance, dict):
        missing = [key for key in error.validator_value if key not in instance]
        return [Problem(at, f"missing required field '{key}'") for key in missing]
    if keyword == "additionalProperties" and isinstance(instance, dict):
        known = error.schema.get("properties", {})
        return [
            Problem(join_pointer(at, key), f"unknown key '{key}'")
            for key in instance
            if key not in known
        ]
    if keyword == "type" and isinstance(error.validator_value, str):
        return [
            Problem(at, f"must be {_TYPE_NAMES.get(error.validator_value, error.validator_value)}")
        ]
    if keyword == "format":
        return [Problem(at, f"'{instance}' is not a valid {error.validator_value}")]
    if keyword == "enum":
        choices = ", ".join(f"'{choice}'" for choice in error.validator_value)
        return [Problem(at, f"must be one of: {choices}")]
    return [Problem(at, error.message)]


def _path_key(error: Any) -> list[tuple[int, int, str]]:
    # Document order: list indexes numerically, keys by name.
    return [(0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in error.absolute_path]


def check_case_schema(doc: object) -> list[Problem]:
    """Every violation of the official CASE 1.1 CFPackage schema, in document order."""
    problems: list[Problem] = []
    for error in sorted(_case_validator().iter_errors(doc), key=_path_key):
        for problem in _schema_problems(error):
            if problem not in problems:  # one problem can surface through several keywords
                problems.append(problem)
    return problems


# ---- CASE 1.1 → Rubric ----------------------------------------------------------------------


def parse_case_package(doc: object) -> list[Rubric]:
    """One rubric per CFRubric of a CASE 1.1 package; `ValidationFailed` lists every problem."""
    problems = check_case_schema(doc)
    if problems:
        raise ValidationFailed(problems)
    assert isinstance(doc, dict)  # the schema says the package is an object
    packaged = doc.get("CFRubrics")
    if packaged is None:
        raise ValidationFailed([Problem("", "this CASE package has no CFRubrics to import")])
    if not packaged:
        raise ValidationFailed([Problem("/CFRubrics", "lists no rubrics")])
    rubrics: list[Rubric] = []
    for index, cf_rubric in enumerate(packaged):
        at = join_pointer("/CFRubrics", index)
        try:
            rubrics.append(_map_case_rubric(doc["CFDocument"], cf_rubric, at))
        except ValidationFailed as exc:
            problems.extend(exc.problems)
    problems.extend(_duplicate_rubrics(packaged))
    if problems:
        raise ValidationFailed(problems)
    return rubrics


def case_rubric_id(identifier: str) -> str:
    """The Assessor id of a CFRubric: stable across re-imports of the same framework."""
    return "case-" + identifier.lower()


def _duplicate_rubrics(packaged: Sequence[Mapping[str, Any]]) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for index, cf_rubric in enumerate(packaged):
        ident = cf_rubric["identifier"].lower()
        if ident in seen:
            problems.append(
                Problem(
                    join_pointer("/CFRubrics", index, "identifier"),
                    f"duplicate CFRubric identifier (first at /CFRubrics/{seen[ident]})",
                )
            )
        seen.setdefault(ident, index)
    return problems


def _by_position(items: Sequence[Mapping[str, Any]]) -> list[int]:
    """Indexes ordered by `position`; items without one follow, in document order."""
    return sorted(
        range(len(items)),
        key=lambda i: ("position" not in items[i], items[i].get("position", 0), i),
    )


class _Mapping:
    """Builds an own-format document from a CFRubric, remembering where each part came from,
    so the own-format parser's problems can be reported at their place in the package."""

    def __init__(self) -> None:
        self.origin: dict[str, str] = {}
        self.problems: list[Problem] = []

    def note(self, own: str, case: str) -> None:
        self.origin[own] = case

    def locate(self, own: str) -> str:
        """The package location of an own-format pointer: its nearest mapped ancestor."""
        probe = own
        while probe not in self.origin and probe:
            probe = probe.rsplit("/", 1)[0]
        return self.origin.get(probe, "")


def _map_case_rubric(
    cf_document: Mapping[str, Any], cf_rubric: Mapping[str, Any], at: str
) -> Rubric:
    m = _Mapping()
    m.note("", at)
    m.note("/id", join_pointer(at, "identifier"))
    m.note("/criteria", join_pointer(at, "CFRubricCriteria"))
    cf_criteria = cf_rubric.get("CFRubricCriteria", [])
    if not cf_criteria:
        m.problems.append(Problem(at, "has no CFRubricCriteria; a rubric needs at least one"))
    criteria = []
    for own_index, case_index in enumerate(_by_position(cf_criteria)):
        criteria.append(
            _map_criterion(
                m,
                cf_criteria[case_index],
                f"/criteria/{own_index}",
                join_pointer(at, "CFRubricCriteria", case_index),
            )
        )
    own_doc = {
        "format": FORMAT,
        "id": case_rubric_id(cf_rubric["identifier"]),
        "title": cf_rubric.get("title") or cf_document["title"],
        "kind": "analytic",
        "criteria": criteria,
        "passRule": {"type": "percentage", "threshold": CASE_PASS_PERCENTAGE},
        "extra": {"case": _provenance(cf_document, cf_rubric)},
    }
    if cf_rubric.get("description"):
        own_doc["description"] = cf_rubric["description"]
    if m.problems:
        raise ValidationFailed(m.problems)
    try:
        return parse_rubric_document(own_doc)
    except ValidationFailed as exc:
        raise ValidationFailed(
            [Problem(m.locate(p.location), p.message) for p in exc.problems]
        ) from None


def _provenance(cf_document: Mapping[str, Any], cf_rubric: Mapping[str, Any]) -> dict[str, str]:
    return {
        "document": cf_document["identifier"],
        "documentUri": cf_document["uri"],
        "rubric": cf_rubric["identifier"],
        "rubricUri": cf_rubric["uri"],
        "lastChangeDateTime": cf_rubric["lastChangeDateTime"],
    }


def _map_criterion(m: _Mapping, cf: Mapping[str, Any], own: str, at: str) -> dict[str, Any]:
    m.note(own, at)
    m.note(f"{own}/id", join_pointer(at, "identifier"))
    m.note(f"{own}/weight", join_pointer(at, "weight"))
    m.note(f"{own}/levels", join_pointer(at, "CFRubricCriterionLevels"))
    m.note(f"{own}/title", join_pointer(at, "category" if "category" in cf else "description"))
    title, description = _criterion_text(cf)
    if title is None:
        m.problems.append(Problem(at, "needs a 'category' or 'description' to show as its title"))
    cf_levels = cf.get("CFRubricCriterionLevels", [])
    order = _level_order(cf_levels)
    levels = [
        _map_level(
            m, cf_levels[i], f"{own}/levels/{n}", join_pointer(at, "CFRubricCriterionLevels", i)
        )
        for n, i in enumerate(order)
    ]
    _readable_level_ids(levels, [cf_levels[i] for i in order])
    criterion: dict[str, Any] = {
        "id": cf["identifier"].lower(),
        "title": title or "",
        "levels": levels,
    }
    if description:
        criterion["description"] = description
    if "weight" in cf:
        criterion["weight"] = cf["weight"]
    return criterion


def _criterion_text(cf: Mapping[str, Any]) -> tuple[str | None, str]:
    """(title, description): the category names a criterion; else its description does."""
    category, description = cf.get("category", "").strip(), cf.get("description", "")
    if category:
        return category, description
    if description.strip():
        return description, ""
    linked = cf.get("CFItemURI", {}).get("title", "").strip()
    return (linked or None), ""


def _level_order(cf_levels: Sequence[Mapping[str, Any]]) -> list[int]:
    """Low → high: by `position` when every level has one, else by `score`.

    Tabular rubrics often list the best level first; when positions give strictly falling
    scores the order is read the other way round rather than refused.
    """
    if not all("position" in level for level in cf_levels):
        return sorted(range(len(cf_levels)), key=lambda i: (cf_levels[i].get("score", 0), i))
    order = _by_position(cf_levels)
    scores = [cf_levels[i]["score"] for i in order if "score" in cf_levels[i]]
    if len(scores) == len(order) > 1 and all(a > b for a, b in pairwise(scores)):
        order.reverse()
    return order


def _map_level(m: _Mapping, cf: Mapping[str, Any], own: str, at: str) -> dict[str, Any]:
    m.note(own, at)
    m.note(f"{own}/id", join_pointer(at, "identifier"))
    m.note(f"{own}/points", join_pointer(at, "score"))
    if "score" not in cf:
        m.problems.append(Problem(at, "missing 'score': Assessor needs the points of each level"))
    quality = cf.get("quality", "").strip()
    description = cf.get("description", "")
    if not quality and not description.strip():
        m.problems.append(Problem(at, "needs a 'quality' or 'description' to show as its title"))
    level: dict[str, Any] = {
        "id": cf["identifier"].lower(),  # replaced by a readable one when possible
        "title": quality or description,
        "points": cf.get("score", 0),
    }
    m.note(f"{own}/title", join_pointer(at, "quality" if quality else "description"))
    if quality and description:
        level["descriptor"] = description
    return level


def slugify(text: str) -> str:
    """'Highly Proficient' → 'highly-proficient'; '' when nothing usable is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:MAX_ID_LENGTH].strip("-")


def _readable_level_ids(levels: list[dict[str, Any]], cf_levels: Sequence[Any]) -> None:
    """Name levels after their quality ('proficient'), as assessors type them, when every
    level of the criterion has one and the names are distinct; else keep the identifiers."""
    slugs = [slugify(level.get("quality", "")) for level in cf_levels]
    if all(slugs) and len(set(slugs)) == len(slugs):
        for level, slug in zip(levels, slugs, strict=True):
            level["id"] = slug
