"""Score sheet and feedback: one submission's evaluation as the learner and an awarding body
read it, with what is needed to check it against the signed record."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, BinaryIO

from reportlab.lib.colors import HexColor
from reportlab.platypus import Spacer

from assessor.domain.numbers import fmt
from assessor.domain.rubric import Criterion, Level, PassRuleKind, Rubric
from assessor.reports.flowables import TextBlock
from assessor.reports.grid import Cell, Grid, Para, Row
from assessor.reports.pdf_page import BODY_WIDTH, INK, QUIET, PageFacts, body_height, render
from assessor.reports.text import Style
from assessor.services.report_data import CriterionResult, ScoreSheetData

TITLE = "Score sheet and feedback"
DRAFT_STAMP = "DRAFT — NOT SIGNED"
INVALID_STAMP = "SIGNATURE NOT VERIFIED — DO NOT RELY ON THIS SHEET"

HEADING = Style(size=11, leading=14, bold=True, color=INK)
LABEL = Style(size=8.5, leading=11, bold=True, color=INK)
VALUE = Style(size=8.5, leading=11, color=INK)
SMALL = Style(size=7.5, leading=9.5, color=QUIET)
CELL = Style(size=7.5, leading=9.5, color=INK)
CELL_BOLD = Style(size=7.5, leading=9.5, bold=True, color=INK)
MARK = Style(size=7.5, leading=9.5, bold=True, color=HexColor("#0b4f1c"))
WARN = Style(size=8.5, leading=11, bold=True, color=HexColor("#a3120f"))
WARN_CELL = Style(size=7.5, leading=9.5, bold=True, color=HexColor("#a3120f"))
BIG = Style(size=12, leading=15, bold=True, color=INK)

ACHIEVED_FILL = HexColor("#dcefdc")
HEADER_FILL = HexColor("#e9e9e9")
CRITERION_WIDTH = 118.0
POINTS_WIDTH = 58.0
OUTCOME_WORDS = {"pass": "PASS", "not_yet": "NOT YET", "incomplete": "INCOMPLETE"}


def _points(value: Decimal) -> str:
    return f"{fmt(value)} pt" if value == 1 else f"{fmt(value)} pts"


def _level_points(level: Level) -> str:
    if level.max_points is None:
        return _points(level.points)
    return f"{level.span_text()} pts"


def _when(data: ScoreSheetData) -> str:
    if data.dated is None:
        return "—"
    moment = f"{data.dated:%Y-%m-%d %H:%M} UTC"
    return f"signed {moment}" if data.status == "finalized" else f"last saved {moment}"


def _facts(data: ScoreSheetData) -> PageFacts:
    if data.signature.state == "unsigned":
        stamp: str | None = DRAFT_STAMP
    elif data.signature.state != "verified" or data.problems:
        stamp = INVALID_STAMP
    else:
        stamp = None
    return PageFacts(
        title=TITLE,
        reference=f"Submission {data.submission_id} · {data.assessment_title}",
        record_id=data.record_id if data.record_digest else None,
        digest=data.record_digest,
        verification_url=data.verification_url,
        stamp=stamp,
    )


def pairs(rows: list[tuple[str, list[Para]]], page_height: float) -> Grid:
    label = 96.0
    return Grid(
        [label, BODY_WIDTH - label],
        [
            Row((Cell((Para(name, LABEL),)), Cell(tuple(value))), lines=False)
            for name, value in rows
        ],
        page_height=page_height,
    )


def summary(data: ScoreSheetData, page_height: float) -> Grid:
    rubric = data.rubric
    learner = [Para(data.learner, VALUE)]
    if data.blind:
        learner.append(Para("anonymous code: the assessment is blind-marked", SMALL))
    signature_style = VALUE if data.signature.state == "verified" else WARN
    submitted = (
        f"{data.submission_id} · attempt {data.attempt} · submitted {data.submitted_at:%Y-%m-%d}"
    )
    assessor = [Para(data.assessor_name, VALUE)]
    if data.assessor_did:
        assessor.append(Para(data.assessor_did, SMALL))
    rows: list[tuple[str, list[Para]]] = [
        ("Learner", learner),
        ("Submission", [Para(submitted, VALUE)]),
        ("Assessment", [Para(data.assessment_title, VALUE), Para(data.assessment_id, SMALL)]),
        (
            "Rubric",
            [
                Para(rubric.title, VALUE),
                Para(f"{rubric.id} · version {data.rubric_version}", SMALL),
                Para(f"digest {data.rubric_digest}", SMALL),
            ],
        ),
        ("Assessor", assessor),
        ("Date", [Para(_when(data), VALUE)]),
        ("Signature", [Para(data.signature.describe(), signature_style)]),
    ]
    if data.supersedes:
        record, reason = data.supersedes
        rows.append(("Corrects", [Para(record, VALUE), Para(f"reason: {reason}", VALUE)]))
    return pairs(rows, page_height)


def _pass_rule(rubric: Rubric) -> str:
    rule = rubric.pass_rule
    if rule.kind is PassRuleKind.PERCENTAGE:
        return f"pass mark {fmt(rule.threshold)} % of the maximum"
    return f"pass mark {_points(rule.threshold)}"


def result(data: ScoreSheetData) -> list[Any]:
    band_title = next((b.title for b in data.rubric.bands if b.id == data.band), data.band)
    outcome = OUTCOME_WORDS.get(data.outcome, data.outcome.upper())
    headline = f"Total {fmt(data.total)} of {_points(data.maximum)} ({fmt(data.percentage)} %)"
    verdict = f"Outcome: {outcome}" + (f" · band {band_title}" if band_title else "")
    items: list[Any] = [
        TextBlock(headline, BIG),
        TextBlock(verdict, BIG),
        TextBlock(_pass_rule(data.rubric).capitalize(), SMALL, space_after=3),
    ]
    if data.reasons:
        items.append(TextBlock("Why:", LABEL))
        items.extend(TextBlock(f"• {reason}", VALUE) for reason in data.reasons)
    elif data.outcome == "pass":
        items.append(
            TextBlock(
                "Why: every criterion is scored, every critical criterion reaches its minimum "
                "level, and the total reaches the pass mark.",
                VALUE,
            )
        )
    for problem in data.problems:
        items.append(TextBlock(f"Problem: {problem}", WARN))
    return items


def _criterion_cell(c: Criterion, line: CriterionResult) -> Cell:
    paras = [Para(c.title, CELL_BOLD), Para(c.id, SMALL)]
    if c.description:
        paras.append(Para(c.description, CELL, 1))
    if c.weight != 1:
        paras.append(Para(f"weight × {fmt(c.weight)}", SMALL))
    if c.minimum_level is not None:
        minimum = c.level(c.minimum_level)
        paras.append(Para(f"Critical: at least {minimum.title}", CELL_BOLD, 2))
        if line.level_id is not None and c.rank(line.level_id) < c.rank(minimum.id):
            paras.append(Para("BELOW THE MINIMUM", WARN_CELL))
    return Cell(tuple(paras))


def _level_cell(level: Level, achieved: bool, points: Decimal | None) -> Cell:
    paras = [Para("ACHIEVED", MARK)] if achieved else []
    paras.append(Para(level.title, CELL_BOLD))
    if achieved and points is not None and level.is_range:
        paras.append(Para(f"{_level_points(level)} · given {fmt(points)}", SMALL))
    else:
        paras.append(Para(_level_points(level), SMALL))
    if level.descriptor:
        paras.append(Para(level.descriptor, CELL, 1))
    if achieved:
        return Cell(tuple(paras), fill=ACHIEVED_FILL, box=1.8)
    return Cell(tuple(paras))


def _points_cell(c: Criterion, line: CriterionResult) -> Cell:
    if line.level_id is None or line.points is None:
        return Cell((Para("not scored", CELL_BOLD),))
    paras = [Para(f"{fmt(line.points)} of {fmt(c.max_points)}", CELL_BOLD)]
    if c.weight != 1:
        paras.append(Para(f"× {fmt(c.weight)} = {fmt(line.points * c.weight)}", SMALL))
    return Cell(tuple(paras))


def _grid(data: ScoreSheetData, page_height: float) -> Grid:
    rubric = data.rubric
    columns = max(len(c.levels) for c in rubric.criteria)
    level_width = (BODY_WIDTH - CRITERION_WIDTH - POINTS_WIDTH) / columns
    widths = [CRITERION_WIDTH, *([level_width] * columns), POINTS_WIDTH]
    header = Row(
        (
            Cell((Para("Criterion", CELL_BOLD),), fill=HEADER_FILL),
            Cell(
                (
                    Para(
                        "Levels, lowest to highest (the achieved one is marked ACHIEVED)",
                        CELL_BOLD,
                    ),
                ),
                span=columns,
                fill=HEADER_FILL,
            ),
            Cell((Para("Points", CELL_BOLD),), fill=HEADER_FILL),
        )
    )
    by_id = {line.criterion_id: line for line in data.criteria}
    rows: list[Row] = []
    for c in rubric.criteria:
        line = by_id.get(c.id) or CriterionResult(c.id, None, None, "")
        cells = [_criterion_cell(c, line)]
        for n in range(columns):
            if n < len(c.levels):
                level = c.levels[n]
                cells.append(_level_cell(level, level.id == line.level_id, line.points))
            else:
                cells.append(Cell())
        cells.append(_points_cell(c, line))
        rows.append(Row(tuple(cells)))
        if line.comment:
            comment = (Para(f"Comment on {c.title}:", CELL_BOLD), Para(line.comment, CELL))
            rows.append(Row((Cell(comment, span=columns + 2),)))
    return Grid(widths, rows, header=header, page_height=page_height)


def story(data: ScoreSheetData) -> list[Any]:
    """The flowables of the sheet, in reading order."""
    facts = _facts(data)
    height = body_height(facts)
    items: list[Any] = [summary(data, height), Spacer(1, 8)]
    items += result(data)
    items += [Spacer(1, 10), TextBlock("Criteria", HEADING, space_after=4), _grid(data, height)]
    items += [Spacer(1, 10), TextBlock("Overall comment", HEADING, space_after=3)]
    items.append(TextBlock(data.overall_comment or "(none)", VALUE))
    return items


def write_score_sheet(data: ScoreSheetData, out: BinaryIO) -> int:
    """Write the score sheet PDF to `out`; the number of pages."""
    return render(story(data), _facts(data), out, title=f"{TITLE} {data.submission_id}")
