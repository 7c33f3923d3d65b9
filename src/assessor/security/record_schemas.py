"""Record shapes: one JSON Schema (2020-12) per kind, plus the few rules a schema cannot say.

The schemas live in `resources/schemas/records/`; a schema's `description` on a field is what
an error message says the field must be.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from assessor.domain.errors import Problem

RECORD_SCHEMAS = {
    "ArtifactAssessmentRecord": "artifact-assessment-record.json",
    "ProjectSignOffRecord": "project-signoff-record.json",
    "ExamSessionRecord": "exam-session-record.json",
    "ExamSessionAmendmentRecord": "exam-session-amendment-record.json",
}

# XML Schema dateTimeStamp: a date-time that always carries its time zone.
_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})\Z"
)


def is_date_time_stamp(value: object) -> bool:
    if not isinstance(value, str) or not _DATE_TIME.match(value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def record_kind(document: Mapping[str, Any]) -> str | None:
    """'ArtifactAssessmentRecord' and so on, from `type`; None when it names no known kind."""
    kinds = document.get("type")
    if isinstance(kinds, list) and len(kinds) == 2 and kinds[0] == "VerifiableCredential":
        kind = kinds[1]
        return kind if isinstance(kind, str) and kind in RECORD_SCHEMAS else None
    return None


# ---- the validator ------------------------------------------------------------------------


def _is_integer(checker: object, instance: object) -> bool:
    # jsonschema counts 2.0 as an integer; a score written as a float is exactly what we refuse.
    return isinstance(instance, int) and not isinstance(instance, bool)


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    # ECMA-262 '$' is the end of the text; Python's also matches before a final newline,
    # which would let "uEi…\n" through.
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


def _pattern(validator: Any, pattern: str, instance: object, schema: Any) -> Iterator[Any]:
    from jsonschema.exceptions import ValidationError

    if isinstance(instance, str) and not _regex(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _check_date_time(value: object) -> bool:
    return not isinstance(value, str) or is_date_time_stamp(value)


@cache
def record_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of a kind, parsed once and shared: read it, never change it."""
    folder = resources.files("assessor") / "resources" / "schemas" / "records"
    schema: dict[str, Any] = json.loads(folder.joinpath(RECORD_SCHEMAS[kind]).read_bytes())
    return schema


@cache
def _validator(kind: str) -> Any:
    import jsonschema.validators  # loaded when first needed: not on every start

    base = jsonschema.Draft202012Validator
    validator_class = jsonschema.validators.extend(
        base,
        validators={"pattern": _pattern},
        type_checker=base.TYPE_CHECKER.redefine("integer", _is_integer),
    )
    checker = jsonschema.FormatChecker(formats=())
    checker.checks("date-time")(_check_date_time)
    return validator_class(record_schema(kind), format_checker=checker)


# ---- messages -----------------------------------------------------------------------------


def _token(key: object) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def _pointer(path: Any) -> str:
    return "".join("/" + _token(p) for p in path)


# Keywords whose own message would quote the schema; the field's description reads better.
_DESCRIBED = {
    *("pattern", "format", "type", "const", "anyOf", "oneOf", "minimum"),
    *("minLength", "maxLength", "minItems", "maxItems"),
}


def _problems(error: Any) -> list[Problem]:
    """Plain words for the usual schema errors; a schema's `description` names what it wants."""
    at, keyword, instance = _pointer(error.absolute_path), error.validator, error.instance
    wanted = error.schema.get("description") if isinstance(error.schema, dict) else None
    if keyword == "required" and isinstance(instance, dict):
        return [
            Problem(at, f"missing required field '{key}'")
            for key in error.validator_value
            if key not in instance
        ]
    if keyword == "additionalProperties" and isinstance(instance, dict):
        known = error.schema.get("properties", {})
        return [
            Problem(f"{at}/{_token(key)}", f"unknown key '{key}'")
            for key in instance
            if key not in known
        ]
    if keyword in _DESCRIBED and wanted:
        return [Problem(at, f"must be {wanted}")]
    if keyword == "const":
        return [Problem(at, f"must be {json.dumps(error.validator_value)}")]
    if keyword == "enum":
        return [Problem(at, "must be one of: " + ", ".join(map(json.dumps, error.validator_value)))]
    return [Problem(at, error.message)]


def _path_key(error: Any) -> list[tuple[int, int, str]]:
    # Document order: list indexes numerically, keys by name.
    return [(0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in error.absolute_path]


# ---- rules across fields ------------------------------------------------------------------


def _cross_checks(kind: str, document: Mapping[str, Any]) -> list[Problem]:
    """Run only on a document its schema accepted, so the shapes below are known. Whether the
    issuer is the signing key is for whoever checks the proof: that is trust, not shape."""
    problems: list[Problem] = []
    if kind == "ArtifactAssessmentRecord":
        rubric = document["credentialSubject"]["rubric"]
        related = document["relatedResource"][0]
        if related["id"] != f"urn:assessor:rubric:{rubric['id']}@{rubric['version']}":
            problems.append(
                Problem("/relatedResource/0/id", "must name the rubric id and version scored")
            )
        if related["digestMultibase"] != rubric["digestMultibase"]:
            problems.append(
                Problem(
                    "/relatedResource/0/digestMultibase", "must be the digest of the rubric scored"
                )
            )
    return problems


def validate_record(document: object) -> list[Problem]:
    """Every way `document` departs from its kind's JSON Schema, in document order; when there
    is none, the rules across fields (the rubric scored is the related resource)."""
    if not isinstance(document, dict):
        return [Problem("", "a record is a JSON object")]
    kind = record_kind(document)
    if kind is None:
        kinds = ", ".join(RECORD_SCHEMAS)
        return [Problem("/type", f'must be ["VerifiableCredential", KIND], KIND one of: {kinds}')]
    problems: list[Problem] = []
    for error in sorted(_validator(kind).iter_errors(document), key=_path_key):
        for problem in _problems(error):
            if problem not in problems:
                problems.append(problem)
    return problems or _cross_checks(kind, document)
