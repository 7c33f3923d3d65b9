"""Reading a session's roster from CSV: header `candidate,name` and optionally `learner`.
Every bad line is reported with its number, and nothing is imported while any is bad."""

from __future__ import annotations

import csv
import io
from collections.abc import Set
from dataclasses import dataclass
from pathlib import Path

from assessor.domain.errors import DomainError, Problem, ValidationFailed
from assessor.domain.exam import is_local_id
from assessor.domain.text import require_plain
from assessor.services.access import operation
from assessor.store.files import read_regular_file

ROSTER_LIMIT = 4 << 20  # thousands of candidates fit many times over
MAX_NAME = 300
REQUIRED = ("candidate", "name")
OPTIONAL = ("learner",)
_ID_RULE = "letters, digits and . _ : @ / + - (starting with a letter or digit), at most 200"


@dataclass(frozen=True)
class RosterLine:
    line: int
    candidate: str
    name: str
    learner: str | None


def _text(data: bytes, source: str) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            [Problem(f"byte {exc.start + 1}", "not UTF-8 text")], source=source
        ) from None
    if "\x00" in text:
        raise ValidationFailed([Problem("", "holds a NUL byte: not a CSV file")], source=source)
    return text


def _header(row: list[str], source: str) -> dict[str, int]:
    names = [c.strip().lower() for c in row]
    problems = []
    for wanted in REQUIRED:
        if wanted not in names:
            problems.append(Problem("line 1", f"the header has no '{wanted}' column"))
    for n, name in enumerate(names):
        if name not in REQUIRED + OPTIONAL:
            problems.append(
                Problem("line 1", f"unknown column '{name}'; columns: candidate, name, learner")
            )
        elif names.index(name) != n:
            problems.append(Problem("line 1", f"the column '{name}' is there twice"))
    if problems:
        raise ValidationFailed(problems, source=source)
    return {name: n for n, name in enumerate(names)}


def _line(
    number: int, row: list[str], columns: dict[str, int]
) -> tuple[RosterLine | None, list[str]]:
    if len(row) != len(columns):
        return None, [f"has {len(row)} fields; the header has {len(columns)}"]
    wrong = []
    candidate = row[columns["candidate"]].strip()
    if not is_local_id(candidate):
        wrong.append(f"candidate '{candidate}' is not an id ({_ID_RULE})")
    try:
        name = " ".join(require_plain(row[columns["name"]], "name").split())
    except DomainError as exc:
        name = ""
        wrong.append(exc.message)
    else:
        if not name:
            wrong.append("the name is empty")
        elif len(name) > MAX_NAME:
            wrong.append(f"the name is longer than {MAX_NAME} characters")
    learner = row[columns["learner"]].strip() if "learner" in columns else ""
    if learner and not is_local_id(learner):
        wrong.append(f"learner '{learner}' is not an id ({_ID_RULE})")
    if wrong:
        return None, wrong
    return RosterLine(number, candidate, name, learner or None), []


@operation(None)
def parse_roster(path: Path, known: Set[str] = frozenset()) -> list[RosterLine]:
    """The roster's lines, or ValidationFailed listing every problem as `line N: ...`.
    `known`: candidate ids already on the roster (a repeat is a problem too)."""
    source = str(path)
    text = _text(read_regular_file(path, limit=ROSTER_LIMIT), source)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    problems: list[Problem] = []
    lines: list[RosterLine] = []
    seen: dict[str, int] = {}
    try:
        header = next(reader, None)
        if header is None:
            raise ValidationFailed([Problem("", "the file is empty")], source=source)
        columns = _header(header, source)
        for row in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in row):
                continue  # a blank line
            found, wrong = _line(number, row, columns)
            problems += [Problem(f"line {number}", w) for w in wrong]
            if found is None:
                continue
            if found.candidate in known:
                problems.append(
                    Problem(f"line {number}", f"candidate {found.candidate} is already listed")
                )
            elif found.candidate in seen:
                first = seen[found.candidate]
                problems.append(
                    Problem(f"line {number}", f"candidate {found.candidate} is on line {first} too")
                )
            else:
                seen[found.candidate] = number
                lines.append(found)
    except csv.Error as exc:
        problems.append(Problem(f"line {reader.line_num}", f"not valid CSV ({exc})"))
    if problems:
        raise ValidationFailed(problems, source=source)
    if not lines:
        raise ValidationFailed([Problem("", "no candidates after the header")], source=source)
    return lines
