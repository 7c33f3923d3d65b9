"""Results of one assessment as CSV for spreadsheets: one row per signed evaluation.

- UTF-8 with a byte order mark: Excel opens a UTF-8 file without one as the machine's legacy
  code page, and a learner called Łukasz, Ελένη or 王芳 would arrive garbled. LibreOffice,
  Python (`encoding="utf-8-sig"`) and pandas read the mark and drop it.
- A text cell that a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a
  tab, a carriage return or a line feed, also after spaces, or with their full-width forms)
  gets a leading `'` (OWASP, CSV injection): the spreadsheet shows the text, the quote hidden.
  Number columns are written from decimals, so `-2` stays a number there.
- Drafts are not results: they change, and nobody signed them. Superseded evaluations are
  kept, marked `superseded` in `status`, so the file is the whole signed history.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from assessor.domain.numbers import fmt
from assessor.services.report_results import ResultRow, ResultsData

_FORMULA_START = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")


def text_cell(value: str) -> str:
    """A text cell that a spreadsheet shows as text, never runs as a formula."""
    if value and (value[0] in _FORMULA_START or value.lstrip(" ")[:1] in _FORMULA_START):
        return "'" + value
    return value


def number_cell(value: Decimal | None) -> str:
    return "" if value is None else fmt(value)


def header(data: ResultsData) -> list[str]:
    columns = ["submission", "learner", "status", "rubric", "rubric version", "rubric digest"]
    for criterion_id, _title in data.criteria:
        columns += [
            f"{criterion_id}: level",
            f"{criterion_id}: points",
            f"{criterion_id}: comment",
        ]
    columns += [
        "total",
        "maximum",
        "percentage",
        "outcome",
        "band",
        "overall comment",
        "assessor",
        "assessor key",
        "signed at",
        "record",
        "record digest",
        "signature",
    ]
    return [text_cell(c) for c in columns]


def row_cells(data: ResultsData, row: ResultRow) -> list[str]:
    signature = "verified" if row.signature.state == "verified" else row.signature.describe()
    cells = [
        text_cell(row.submission_id),
        text_cell(row.learner),
        "current" if row.current else "superseded",
        text_cell(row.rubric_id),
        str(row.rubric_version) if row.rubric_version else "",
        text_cell(row.rubric_digest),
    ]
    for criterion_id, _title in data.criteria:
        score = row.scores.get(criterion_id)
        if score is None:
            cells += ["", "", ""]
        else:
            cells += [
                text_cell(score.level_id or ""),
                number_cell(score.points),
                text_cell(score.comment),
            ]
    cells += [
        number_cell(row.total),
        number_cell(row.maximum),
        number_cell(row.percentage),
        text_cell(row.outcome),
        text_cell(row.band or ""),
        text_cell(row.overall_comment),
        text_cell(row.assessor_name),
        text_cell(row.assessor_did),
        text_cell(row.signed_at),
        text_cell(row.record_id),
        text_cell(row.record_digest),
        text_cell(signature),
    ]
    return cells


def results_csv(data: ResultsData) -> bytes:
    """The CSV file's bytes: UTF-8 with a byte order mark, CRLF line ends (RFC 4180)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header(data))
    for row in data.rows:
        writer.writerow(row_cells(data, row))
    return buffer.getvalue().encode("utf-8-sig")
