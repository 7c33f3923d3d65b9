"""Rubric files: read and validate the own JSON format and CASE 1.1 packages (CFRubric).

Every problem in a file is reported, each with its location, before anything is imported:
`assessor rubric validate` prints them as `FILE: LOCATION: MESSAGE`. A CASE package is first
checked against the official 1EdTech CASE 1.1 CFPackage schema (shipped unmodified in
resources/schemas) and mapped to rubrics in `case_rubrics`; see docs/rubric-format.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from assessor.domain.errors import Problem, ValidationFailed
from assessor.domain.rubric import FORMAT, Rubric
from assessor.domain.rubric_format import parse_rubric_document, surrogate_problems, visible
from assessor.formats.capped import read_capped
from assessor.formats.case_rubrics import (
    CASE_PASS_PERCENTAGE,
    case_rubric_id,
    parse_case_package,
    slugify,
)
from assessor.formats.case_schema import CASE_SCHEMA, check_case_schema
from assessor.formats.schemas import load_schema
from assessor.security.canonical import StrictJSONError, loads_strict

__all__ = [
    "CASE_FORMAT",
    "CASE_PASS_PERCENTAGE",
    "CASE_SCHEMA",
    "OWN_FORMAT",
    "RUBRIC_SCHEMA",
    "RubricFile",
    "case_rubric_id",
    "check_case_schema",
    "load_rubric_file",
    "load_schema",
    "parse_case_package",
    "parse_rubric_bytes",
    "read_rubric_file",
    "slugify",
    "validate_rubric_files",
]

OWN_FORMAT = FORMAT
CASE_FORMAT = "case-1.1"
RUBRIC_SCHEMA = "rubric.schema.json"
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
        fmt, rubrics = parse_rubric_bytes(read_capped(path, MAX_FILE_BYTES, "a rubric file"))
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
        # A duplicate key is named as written: shown escaped, never raw on a terminal.
        raise ValidationFailed(
            [Problem(visible(loc), visible(msg)) for loc, msg in exc.problems]
        ) from None
    unreadable = surrogate_problems(doc)
    if unreadable:
        raise ValidationFailed(unreadable)
    if isinstance(doc, dict) and ("CFDocument" in doc or "CFRubrics" in doc):
        return CASE_FORMAT, parse_case_package(doc)
    return OWN_FORMAT, [parse_rubric_document(doc)]
