"""Sign-off record: the manager's decision on a signed evaluation, as an employer or an
awarding body files it, with the score sheet's summary and both signers."""

from __future__ import annotations

from datetime import datetime
from typing import Any, BinaryIO

from reportlab.lib.colors import HexColor
from reportlab.platypus import Spacer

from assessor.reports import score_sheet as sheet
from assessor.reports.flowables import TextBlock
from assessor.reports.grid import Cell, Grid, Para, Row
from assessor.reports.pdf_page import BODY_WIDTH, PageFacts, body_height, render
from assessor.reports.session import heading
from assessor.reports.text import Style
from assessor.services.report_data import Signature
from assessor.services.report_signoff import SignOffReportData

TITLE = "Sign-off record"
INVALID_STAMP = "SIGNATURE NOT VERIFIED — DO NOT RELY ON THIS RECORD"
# The states' colours (UI.md): signed off green, returned amber; the word is always beside.
APPROVED = Style(size=12, leading=15, bold=True, color=HexColor("#0b4f1c"))
RETURNED = Style(size=12, leading=15, bold=True, color=HexColor("#8a4b00"))
SIGNERS_HEADER = ("Role", "Name and key", "Signed", "Signature")


def _moment(when: datetime | None) -> str:
    return "—" if when is None else f"{when:%Y-%m-%d %H:%M} UTC"


def _facts(data: SignOffReportData) -> PageFacts:
    return PageFacts(
        title=TITLE,
        reference=f"Submission {data.sheet.submission_id} · {data.sheet.assessment_title}",
        record_id=data.record_id if data.record_digest else None,
        digest=data.record_digest,
        verification_url=data.verification_url,
        stamp=None if data.verified else INVALID_STAMP,
    )


def _decision(data: SignOffReportData, height: float) -> list[Any]:
    style = APPROVED if data.decision == "approved" else RETURNED
    signature_style = sheet.VALUE if data.signature.state == "verified" else sheet.WARN
    manager = [Para(data.manager_name, sheet.VALUE)]
    if data.manager_did:
        manager.append(Para(data.manager_did, sheet.SMALL))
    rows: list[tuple[str, list[Para]]] = [
        ("Reason", [Para(data.reason or "(none given)", sheet.VALUE)]),
        ("Manager", manager),
        ("Decided", [Para(_moment(data.decided_at), sheet.VALUE)]),
        ("Signature", [Para(data.signature.describe(), signature_style)]),
    ]
    items: list[Any] = [
        TextBlock("Decision", sheet.HEADING, space_after=3),
        TextBlock(data.decision_words, style, space_after=4),
        sheet.pairs(rows, height),
    ]
    items += [TextBlock(f"Problem: {p}", sheet.WARN) for p in data.problems]
    return items


def _signer_row(role: str, name: str, did: str | None, when: datetime | None, s: Signature) -> Row:
    who = [Para(name, sheet.CELL_BOLD)] + ([Para(did, sheet.SMALL)] if did else [])
    state = "verified" if s.state == "verified" else s.describe()
    style = sheet.CELL if s.state == "verified" else sheet.WARN_CELL
    return Row(
        (
            Cell((Para(role, sheet.CELL_BOLD),)),
            Cell(tuple(who)),
            Cell((Para(_moment(when), sheet.CELL),)),
            Cell((Para(state, style),)),
        )
    )


def _signers(data: SignOffReportData, height: float) -> Grid:
    s = data.sheet
    header = Row(
        tuple(Cell((Para(t, sheet.CELL_BOLD),), fill=sheet.HEADER_FILL) for t in SIGNERS_HEADER)
    )
    rows = [
        _signer_row("Assessor", s.assessor_name, s.assessor_did, s.dated, s.signature),
        _signer_row(
            "Manager", data.manager_name, data.manager_did, data.decided_at, data.signature
        ),
    ]
    return Grid([70.0, BODY_WIDTH - 290.0, 90.0, 130.0], rows, header=header, page_height=height)


def story(data: SignOffReportData) -> list[Any]:
    height = body_height(_facts(data))
    items = _decision(data, height)
    items += [*heading("Signers"), _signers(data, height)]
    items += [*heading("The score sheet signed off (summary)")]
    items += [sheet.summary(data.sheet, height), Spacer(1, 6), *sheet.result(data.sheet)]
    if data.sheet.record_id:
        bound = f"Assessment record {data.sheet.record_id} · digest {data.sheet.record_digest}"
        items.append(TextBlock(bound, sheet.SMALL))
    return items


def write_signoff(data: SignOffReportData, out: BinaryIO) -> int:
    """Write the sign-off record report PDF to `out`; the number of pages."""
    return render(story(data), _facts(data), out, title=f"{TITLE} {data.sheet.submission_id}")
