"""The official 1EdTech CASE 1.1 CFPackage JSON Schema (2019-09, shipped unmodified in
resources/schemas), its formats asserted with the standard library, and its errors in plain
words at their JSON pointer. `case_rubrics` maps what it accepts (and what it does not) to
rubrics."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from assessor.domain.errors import Problem
from assessor.domain.rubric_format import join_pointer, visible
from assessor.formats.schemas import load_schema

CASE_SCHEMA = "case-v1p1-cfpackage.json"


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
# Keywords that say something is missing or extra around a value, not that the value itself
# is wrong: what the mapping finds inside such a value is still worth saying.
_NOT_ABOUT_THE_VALUE = frozenset(
    (
        "required",
        "additionalProperties",
        "unevaluatedProperties",
        "dependentRequired",
        "minItems",
        "maxItems",
        "minProperties",
        "maxProperties",
        "uniqueItems",
    )
)


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
            Problem(join_pointer(at, key), f"unknown key '{visible(key)}'")
            for key in instance
            if key not in known
        ]
    if keyword == "type" and isinstance(error.validator_value, str):
        return [
            Problem(at, f"must be {_TYPE_NAMES.get(error.validator_value, error.validator_value)}")
        ]
    if keyword == "format":
        return [Problem(at, f"'{visible(str(instance))}' is not a valid {error.validator_value}")]
    if keyword == "enum":
        choices = ", ".join(f"'{choice}'" for choice in error.validator_value)
        return [Problem(at, f"must be one of: {choices}")]
    return [Problem(at, visible(error.message))]


def _path_key(error: Any) -> list[tuple[int, int, str]]:
    # Document order: list indexes numerically, keys by name.
    return [(0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in error.absolute_path]


def schema_findings(doc: object) -> tuple[list[Problem], list[str]]:
    """The schema's problems in document order, and the locations of values it found wrong."""
    problems: list[Problem] = []
    wrong: list[str] = []
    for error in sorted(_case_validator().iter_errors(doc), key=_path_key):
        for problem in _schema_problems(error):
            if problem not in problems:  # one problem can surface through several keywords
                problems.append(problem)
        if error.validator not in _NOT_ABOUT_THE_VALUE:
            wrong.append(join_pointer("", *error.absolute_path))
    return problems, wrong


def check_case_schema(doc: object) -> list[Problem]:
    """Every violation of the official CASE 1.1 CFPackage schema, in document order."""
    return schema_findings(doc)[0]
