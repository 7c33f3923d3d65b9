"""Exam session report: the session, its roster, its log in sequence order, incidents with
their case numbers and severity (word and colour), amendments and clock warnings, as an exam
board files it, with the seal's record id, digest and QR code on every page.

The case number of an incident is its sequence number in the session's log (`#7`): the order
the log keeps whatever the clock said, the number a correction points at.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from reportlab.lib.colors import HexColor
from reportlab.platypus import CondPageBreak, Spacer

from assessor.domain import exam as x
from assessor.reports import score_sheet as sheet
from assessor.reports.flowables import TextBlock
from assessor.reports.grid import Cell, Grid, Para, Row
from assessor.reports.pdf_page import BODY_WIDTH, PageFacts, body_height, render
from assessor.reports.text import Style
from assessor.services.exam_views import EntryView
from assessor.services.report_session import SessionReportData

TITLE = "Exam session report"
OPEN_STAMP = "NOT SEALED — NOT SIGNED"
INVALID_STAMP = "SEAL NOT VERIFIED — DO NOT RELY ON THIS REPORT"
ROSTER_HEADER = ("Candidate", "Name and learner", "Check-in: method, time (UTC)", "Outcome")
TIMELINE_HEADER = ("#", "Time (UTC)", "What", "Candidates", "By", "Details")
INCIDENT_HEADER = ("Case", "Severity", "What happened")
# The proctoring colours (UI.md), each with its word: (ink, fill).
SEVERITY_COLOURS = {
    "green": ("#0b5a24", "#dcefdc"),
    "yellow": ("#6b5400", "#fff1b8"),
    "red": ("#a3120f", "#f8d7d5"),
    "blue": ("#124e9c", "#dbe7f7"),
}
PLACES = {"site": "on site", "remote": "remote"}


def _facts(data: SessionReportData) -> PageFacts:
    v = data.session
    if data.signature.state == "unsigned":
        stamp: str | None = OPEN_STAMP
    else:
        stamp = None if data.verified else INVALID_STAMP
    return PageFacts(
        title=TITLE,
        reference=f"Session {v.id} · {v.title}",
        record_id=v.record_id if data.record_digest else None,
        digest=data.record_digest,
        verification_url=data.verification_url,
        stamp=stamp,
    )


def _when(at: str | None) -> str:
    """A stored time (ISO, UTC to the microsecond) to the second: order is the sequence."""
    return "—" if not at else at.replace("T", " ")[:19]


def _details(data: SessionReportData, height: float) -> Grid:
    v = data.session
    sealed = f"sealed {_when(v.sealed_at)} UTC" if v.sealed_at else "open: not sealed yet"
    signature_style = sheet.VALUE if data.signature.state == "verified" else sheet.WARN
    signature = "none: the session is not sealed" if v.record_id is None else None
    incidents, warnings = len(v.incidents), len(v.clock_warnings)
    rows: list[tuple[str, list[Para]]] = [
        ("Session", [Para(v.title, sheet.VALUE), Para(v.id, sheet.SMALL)]),
        ("Kind", [Para(PLACES.get(v.kind, v.kind), sheet.VALUE)]),
        ("Location", [Para(v.location or "—", sheet.VALUE)]),
        ("Planned", [Para(f"{_when(v.starts_at)} to {_when(v.ends_at)} UTC", sheet.VALUE)]),
        ("Proctor", [Para(data.name(v.proctor_id), sheet.VALUE)]),
        ("State", [Para(sealed, sheet.VALUE)]),
        ("Seal", [Para(signature or data.signature.describe(), signature_style)]),
        (
            "In numbers",
            [
                Para(
                    f"{len(v.candidates)} candidate(s) · {len(v.log)} log entries · "
                    f"{incidents} incident(s) · {warnings} clock warning(s) · "
                    f"{len(data.amendments)} amendment(s)",
                    sheet.VALUE,
                )
            ],
        ),
    ]
    return sheet.pairs(rows, height)


def _header(titles: tuple[str, ...]) -> Row:
    return Row(tuple(Cell((Para(t, sheet.CELL_BOLD),), fill=sheet.HEADER_FILL) for t in titles))


def _cells(*texts: str) -> Row:
    return Row(tuple(Cell((Para(t, sheet.CELL),)) for t in texts))


def _roster(data: SessionReportData, height: float) -> Grid:
    rows = []
    for c in data.session.candidates:
        checkin = f"{c.id_method} · {_when(c.checked_in_at)}" if c.checked_in_at else "—"
        outcome = f"{c.outcome} · {_when(c.outcome_at)}" if c.outcome else "no outcome yet"
        who = [Para(c.name, sheet.CELL)]
        if c.learner:
            who.append(Para(c.learner, sheet.SMALL))
        rows.append(
            Row(
                (
                    Cell((Para(c.id, sheet.CELL_BOLD),)),
                    Cell(tuple(who)),
                    Cell((Para(checkin, sheet.CELL),)),
                    Cell((Para(outcome, sheet.CELL),)),
                )
            )
        )
    widths = [56.0, BODY_WIDTH - 330.0, 140.0, 134.0]
    return Grid(widths, rows, header=_header(ROSTER_HEADER), page_height=height)


def _entry_details(e: EntryView) -> str:
    if e.kind == x.EntryKind.INCIDENT:
        return f"incident, case #{e.seq} ({e.severity}): see Incidents"
    return e.value or ""


def _timeline(data: SessionReportData, height: float) -> Grid:
    rows = []
    for e in data.session.log:  # in sequence order: the log's order, never the clock's
        time_cell = [Para(_when(e.at), sheet.CELL)]
        if e.clock_back:
            time_cell.append(Para("CLOCK WENT BACK", sheet.WARN_CELL))
        rows.append(
            Row(
                (
                    Cell((Para(str(e.seq), sheet.CELL_BOLD),)),
                    Cell(tuple(time_cell)),
                    Cell((Para(e.kind, sheet.CELL),)),
                    Cell((Para(", ".join(e.candidates) or "whole session", sheet.CELL),)),
                    Cell((Para(data.name(e.actor), sheet.CELL),)),
                    Cell((Para(_entry_details(e), sheet.CELL),)),
                )
            )
        )
    widths = [28.0, 92.0, 62.0, 80.0, 90.0, BODY_WIDTH - 352.0]
    return Grid(widths, rows, header=_header(TIMELINE_HEADER), page_height=height)


def _severity_cell(severity: str | None) -> Cell:
    value = severity or ""
    ink, fill = SEVERITY_COLOURS.get(value, ("#555555", "#eeeeee"))
    try:
        means = x.SEVERITY_WORDS[x.Severity(value)]
    except ValueError:
        means = "unknown severity"
    word = Style(size=8, leading=10, bold=True, color=HexColor(ink))
    return Cell((Para(value.upper(), word), Para(means, sheet.CELL)), fill=HexColor(fill), box=1.2)


def _incident_row(data: SessionReportData, e: EntryView) -> Row:
    facts = [
        ("Type", e.type or "—"),
        ("Candidates", ", ".join(e.candidates) or "whole session"),
        ("Logged", f"{_when(e.at)} UTC by {data.name(e.actor)}"),
        ("Witness", e.witness or "—"),
        ("Intervened", e.action or "—"),
        ("Notified", e.notified or "—"),
    ]
    paras = [Para(f"{label}: {value}", sheet.CELL) for label, value in facts]
    if e.corrects is not None:
        paras.append(Para(f"Corrects case #{e.corrects}", sheet.CELL_BOLD))
    if e.clock_back:
        paras.append(Para("The clock went back: logged before an earlier entry", sheet.WARN_CELL))
    paras.append(Para(e.text or "", sheet.CELL, 3))
    case = Cell((Para(f"#{e.seq}", sheet.BIG),))
    return Row((case, _severity_cell(e.severity), Cell(tuple(paras))))


def _incidents(data: SessionReportData, height: float) -> list[Any]:
    incidents = data.session.incidents
    if not incidents:
        return [TextBlock("No incidents were logged.", sheet.VALUE)]
    rows = [_incident_row(data, e) for e in incidents]
    widths = [46.0, 104.0, BODY_WIDTH - 150.0]
    return [Grid(widths, rows, header=_header(INCIDENT_HEADER), page_height=height)]


def _amendments(data: SessionReportData, height: float) -> list[Any]:
    if not data.amendments:
        return [TextBlock("None.", sheet.VALUE)]
    items: list[Any] = []
    for a in data.amendments:
        ok = a.signature.state == "verified" and not a.problem
        state = a.signature.describe() + (f"; {a.problem}" if a.problem else "")
        rows: list[tuple[str, list[Para]]] = [
            ("Record", [Para(a.record_id, sheet.VALUE)]),
            ("By", [Para(f"{data.name(a.manager)} · {_when(a.at)} UTC", sheet.VALUE)]),
            ("Signature", [Para(state, sheet.VALUE if ok else sheet.WARN)]),
            ("Text", [Para(a.text, sheet.VALUE)]),
        ]
        items += [sheet.pairs(rows, height), Spacer(1, 6)]
    return items


def _clock(data: SessionReportData) -> list[Any]:
    flagged = [e for e in data.session.log if e.clock_back]
    if not flagged:
        return [
            TextBlock("None: every entry was logged at or after the one before it.", sheet.VALUE)
        ]
    return [
        TextBlock(
            f"Entry #{e.seq} ({e.kind}) logged at {_when(e.at)} UTC, before an earlier entry",
            sheet.WARN,
        )
        for e in flagged
    ]


def heading(title: str) -> list[Any]:
    """A section's heading, on a new page when the rest of this one holds no more than it
    and a row or two (a long table still starts on the page it is introduced on)."""
    return [Spacer(1, 10), CondPageBreak(72), TextBlock(title, sheet.HEADING, space_after=4)]


def story(data: SessionReportData) -> list[Any]:
    height = body_height(_facts(data))
    items: list[Any] = [_details(data, height)]
    items += [TextBlock(f"Problem: {p}", sheet.WARN) for p in data.problems]
    items += [*heading("Roster"), _roster(data, height)]
    items += [*heading("Timeline, in log order"), _timeline(data, height)]
    items += [*heading("Incidents"), *_incidents(data, height)]
    items += [*heading("Amendments"), *_amendments(data, height)]
    items += [*heading("Clock warnings"), *_clock(data)]
    return items


def write_session(data: SessionReportData, out: BinaryIO) -> int:
    """Write the exam session report PDF to `out`; the number of pages."""
    return render(story(data), _facts(data), out, title=f"{TITLE} {data.session.id}")
