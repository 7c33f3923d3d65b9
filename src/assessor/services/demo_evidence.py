"""Demo evidence: learners' files (PDF, PNG, text, Python) made deterministically from a seed.

Everything here is fiction built from phrase lists, so the demo data folder looks like a real
assessor's queue: method statements, photographs of a locked-off board, test records, reflective
journals and code for review. The same seed always gives the same bytes; the files made for one
submission share one seed, so the circuit in the method statement is the one locked off in the
photo and listed in the test record.
"""

from __future__ import annotations

import io
import itertools
import random
import string
import struct
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from math import cos, isqrt, pi, sin
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    ListFlowable,
    ListItem,
    PageBreak,
    Paragraph,
    Preformatted,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

KINDS = ("safe-isolation", "site-induction", "reflective-practice", "code-review")

PDF = "application/pdf"
PNG = "image/png"
TEXT = "text/plain"  # always UTF-8
PYTHON = "text/x-python"


@dataclass(frozen=True)
class EvidenceFile:
    name: str
    media_type: str
    data: bytes


def evidence_for(kind: str, learner_name: str, seed: int) -> list[EvidenceFile]:
    """The files a learner would hand in for one kind of assessment."""
    if kind == "safe-isolation":
        job = _job(seed)
        return [
            EvidenceFile(
                "method-statement.pdf",
                PDF,
                method_statement_pdf(learner_name, "Safe isolation of a final circuit", seed),
            ),
            EvidenceFile(
                "isolation-photo.png",
                PNG,
                photo_png(
                    f"Circuit {job.circuit_no} ({job.circuit}) locked off at the {job.board}", seed
                ),
            ),
            EvidenceFile("test-record.txt", TEXT, test_record_txt(learner_name, seed)),
        ]
    if kind == "site-induction":
        return [
            EvidenceFile(
                "induction-photo.png",
                PNG,
                photo_png("Site noticeboard, PPE and emergency signs", seed, scene="site"),
            ),
            EvidenceFile("induction-record.pdf", PDF, induction_record_pdf(learner_name, seed)),
        ]
    if kind == "reflective-practice":
        return [
            EvidenceFile("reflective-journal.pdf", PDF, reflective_journal_pdf(learner_name, seed))
        ]
    if kind == "code-review":
        return [
            EvidenceFile("review-notes.pdf", PDF, review_notes_pdf(learner_name, seed)),
            EvidenceFile("solution.py", PYTHON, code_sample_py(seed)),
        ]
    raise ValueError(f"unknown evidence kind '{kind}'; valid: {', '.join(sorted(KINDS))}")


# --------------------------------------------------------------------------- the job


@dataclass(frozen=True)
class _Job:
    """The one piece of work a safe-isolation submission is about."""

    day: date
    ref: str
    site: str
    task: str
    point_of_work: str
    circuit_no: int
    chart: tuple[
        tuple[str, str], ...
    ]  # (circuit, device) for ways 1 … ways − 2; the rest are spare
    circuit: str
    device: str
    board: str
    ways: int
    indicator: str
    prover: str
    tester: str
    lock: str
    tag_no: str
    quality: float  # 0 = weak evidence, 1 = strong


def _job(seed: int) -> _Job:
    rng = random.Random(seed)
    day = date(2024, 1, 8) + timedelta(days=rng.randrange(540))
    circuit, device, task, point = rng.choice(_JOBS)
    ways = rng.choice((8, 10, 12, 14))
    circuit_no = rng.randrange(1, ways - 1)
    others = [(c, d) for c, d, _, _ in _JOBS if c != circuit] + _OTHER_CIRCUITS
    chart = rng.sample(others, ways - 3)
    chart.insert(circuit_no - 1, (circuit, device))
    indicator, prover = rng.choice(_INDICATORS)
    return _Job(
        day=day,
        ref=f"MS-{day:%y}-{rng.randrange(10, 999):03d}",
        site=rng.choice(_SITES),
        task=task,
        point_of_work=point,
        circuit_no=circuit_no,
        circuit=circuit,
        device=device,
        board=f"{rng.choice(_BOARDS)} {ways}-way consumer unit",
        ways=ways,
        chart=tuple(chart),
        indicator=f"{indicator} (s/n {rng.randrange(10**7, 10**8)})",
        prover=prover,
        tester=f"{rng.choice(_TESTERS)} (s/n {rng.randrange(10**6, 10**7)})",
        lock=rng.choice(_LOCKS),
        tag_no=f"{rng.randrange(1, 9999):04d}",
        quality=rng.random(),
    )


# --------------------------------------------------------------------------- PDF documents


def method_statement_pdf(learner_name: str, title: str, seed: int) -> bytes:
    """A learner's method statement for safe isolation: 3–5 pages with steps and test results."""
    job = _job(seed)
    rng = random.Random(seed ^ 0x5AFE)
    fields = _fields(job)
    doc = _Doc(learner_name, title, "Method statement", job.day)
    doc.meta(
        [
            ("Learner", learner_name),
            ("Date of work", f"{job.day:%d %B %Y}"),
            ("Site", job.site),
            ("Document ref.", job.ref),
            ("Circuit", f"{job.circuit_no} — {job.circuit} ({job.device})"),
        ]
    )
    doc.h2("1. Scope of work")
    doc.para(_sentences(rng, _SCOPE, 3, fields))
    doc.h2("2. Equipment")
    doc.bullets(
        [
            f"Approved voltage indicator to GS38: {job.indicator}",
            f"Proving unit: {job.prover}",
            f"Lock-off kit: {job.lock}, padlock and danger tag",
            f"Multifunction tester: {job.tester}",
            *rng.sample(_EXTRA_KIT, 2),
        ]
    )
    doc.para(_sentences(rng, _EQUIPMENT_NOTES, 2, fields))
    doc.page_break()
    doc.h2("3. Hazards and control measures")
    doc.table(
        ["Hazard", "Risk", "Control measures"],
        rng.sample(_HAZARDS, rng.randrange(3, 6)),
        [45 * mm, 18 * mm, 97 * mm],
    )
    doc.h2("4. Method")
    doc.steps([s.format(**fields) for s in _method_steps(job)])
    doc.page_break()
    doc.h2("5. Test results")
    doc.para(_sentences(rng, _RESULTS_INTRO, 2, fields))
    doc.table(
        ["Test", "Between", "Instrument", "Reading", "Result"],
        _isolation_tests(job, rng),
        [44 * mm, 20 * mm, 44 * mm, 24 * mm, 28 * mm],
    )
    doc.h2("6. Re-energising and handover")
    doc.para(
        _sentences(rng, _HANDOVER, 2, fields) + " " + rng.choice(_CHART_SENTENCES).format(**fields)
    )
    if job.quality > 0.35:
        doc.page_break()
        doc.h2("7. What I would do differently")
        doc.para(_sentences(rng, _REFLECTION_SHORT, 3, fields))
        doc.para(_sentences(rng, _REFLECTION_SHORT, 2, fields))
    if job.quality > 0.7:
        doc.page_break()
        doc.h2("Appendix A — circuit chart as found")
        doc.table(
            ["Way", "Circuit", "Device", "Notes"],
            _circuit_chart(job, rng),
            [14 * mm, 70 * mm, 30 * mm, 46 * mm],
        )
    doc.declaration(learner_name, job.day)
    return doc.build()


def reflective_journal_pdf(learner_name: str, seed: int) -> bytes:
    """A reflective account in Gibbs' cycle, 3–5 pages."""
    rng = random.Random(seed)
    situation, setting, where = rng.choice(_SITUATIONS)
    day = date(2024, 1, 8) + timedelta(days=rng.randrange(540))
    fields = {"where": where, "mentor": rng.choice(_PEOPLE), "customer": rng.choice(_CUSTOMERS)}
    sections = []
    for heading, pool in _GIBBS:
        chosen = sorted(rng.sample(range(len(pool)), rng.randrange(4, len(pool) + 1)))
        text = [_capitalised(pool[i].format(**fields)) for i in chosen]
        cut = rng.randrange(2, len(text) - 1)  # two paragraphs, as people write them
        sections.append((heading, [" ".join(text[:cut]), " ".join(text[cut:])]))
    words = sum(len(p.split()) for _, paras in sections for p in paras)
    doc = _Doc(learner_name, f"Reflective account: {situation}", "Reflective journal", day)
    doc.meta(
        [
            ("Learner", learner_name),
            ("Date of event", f"{day:%d %B %Y}"),
            ("Setting", setting),
            ("Model used", "Gibbs' reflective cycle (1988)"),
            ("Word count", str(words)),
        ]
    )
    for i, (heading, paras) in enumerate(sections):
        doc.h2(heading)
        for para in paras:
            doc.para(para)
        if i in (1, 3) or (i == 4 and rng.random() < 0.5):
            doc.page_break()
    doc.h2("Action plan")
    doc.table(
        ["What I will do", "By when", "How I will know"],
        [
            (a, f"{day + timedelta(weeks=rng.randrange(2, 12)):%d %b %Y}", b)
            for a, b in rng.sample(_ACTIONS, 3)
        ],
        [72 * mm, 26 * mm, 62 * mm],
    )
    doc.h2("References")
    doc.bullets(sorted(rng.sample(_REFERENCES, 3)))
    doc.declaration(learner_name, day)
    return doc.build()


def review_notes_pdf(learner_name: str, seed: int) -> bytes:
    """A learner's review of a colleague's change; the findings are the bugs in
    `code_sample_py(seed)` (all of them, or only the first for a weaker review)."""
    rng = random.Random(seed ^ 0xC0DE)
    sample = _code_sample(seed)
    day = date(2024, 1, 8) + timedelta(days=rng.randrange(540))
    pr = rng.randrange(120, 980)
    doc = _Doc(learner_name, f"Code review: pull request #{pr}", "Review notes", day)
    doc.meta(
        [
            ("Reviewer", learner_name),
            ("Author", rng.choice(_PEOPLE)),
            ("Repository", f"site-tools/{sample.module}"),
            ("Change", sample.change),
            ("Date", f"{day:%d %B %Y}"),
        ]
    )
    doc.h2("Summary")
    doc.para(
        _sentences(
            rng, _REVIEW_SUMMARY, 3, {"change": sample.change.lower(), "module": sample.module}
        )
    )
    doc.h2("What works well")
    doc.bullets(rng.sample(_REVIEW_GOOD, 3))
    doc.page_break()
    doc.h2("Findings")
    found = sample.findings if rng.random() < 0.7 else sample.findings[:1]
    rows = [(where, sev, what, fix) for where, sev, what, fix in found]
    rows += [(f"{sample.module}.py", "Minor", a, b) for a, b in rng.sample(_REVIEW_NITS, 2)]
    doc.table(
        ["Location", "Severity", "Finding", "Suggestion"],
        rows,
        [32 * mm, 20 * mm, 57 * mm, 51 * mm],
    )
    doc.h2("Excerpt discussed")
    doc.code(sample.excerpt)
    doc.page_break()
    doc.h2("Testing")
    doc.para(_sentences(rng, _REVIEW_TESTING, 3, {"module": sample.module}))
    doc.h2("Recommendation")
    doc.para("Request changes. " + _sentences(rng, _REVIEW_CLOSE, 2, {}))
    doc.declaration(learner_name, day)
    return doc.build()


def induction_record_pdf(learner_name: str, seed: int) -> bytes:
    """A short (two-page) site induction record with the learner's answers."""
    rng = random.Random(seed ^ 0x517E)
    day = date(2024, 1, 8) + timedelta(days=rng.randrange(540))
    site = rng.choice(_BUILD_SITES)
    doc = _Doc(learner_name, "Site safety induction record", "Induction record", day)
    doc.meta(
        [
            ("Inductee", learner_name),
            ("Employer", rng.choice(_EMPLOYERS)),
            ("Site", site),
            ("Inducted by", f"{rng.choice(_PEOPLE)} (site manager)"),
            ("Date", f"{day:%d %B %Y}"),
            ("CSCS card", f"{rng.randrange(10**7, 10**8)}"),
        ]
    )
    doc.h2("Topics covered")
    doc.table(
        ["Topic", "Covered", "Initials"],
        [
            (t, "Yes", "".join(w[0] for w in learner_name.split()[:3]).upper())
            for t in rng.sample(_INDUCTION_TOPICS, 7)
        ],
        [110 * mm, 25 * mm, 25 * mm],
    )
    doc.h2("Emergency arrangements")
    doc.para(_sentences(rng, _EMERGENCY, 3, {"site": site}))
    doc.page_break()
    doc.h2("Knowledge check (my answers)")
    for q, answers in rng.sample(_QUIZ, 4):
        doc.para(q, bold=True)
        doc.para(rng.choice(answers))
    doc.declaration(learner_name, day)
    return doc.build()


class _Doc:
    """Collects flowables in a learner-document style and renders them to PDF bytes.

    All text given to it is treated as plain text and escaped before it reaches reportlab's
    paragraph markup: a name like ``<b>O'Brien & Sons</b>`` prints exactly like that.
    """

    def __init__(self, learner: str, title: str, label: str, day: date) -> None:
        _register_fonts()
        self.learner = learner
        self.title = title
        self.label = label
        self.day = day
        self.story: list[Any] = []
        self.styles = _styles()
        self.story.append(Paragraph(escape(title), self.styles["h1"]))
        self.story.append(
            Paragraph(escape(f"{label} — submitted by {learner}"), self.styles["sub"])
        )

    def meta(self, rows: Sequence[tuple[str, str]]) -> None:
        cells = [[self._cell(k, bold=True), self._cell(v)] for k, v in rows]
        table = Table(cells, colWidths=[38 * mm, 122 * mm], hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef2f6")),
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa7b4")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        self.story += [table, Spacer(1, 4 * mm)]

    def h2(self, text: str) -> None:
        self.story.append(Paragraph(escape(text), self.styles["h2"]))

    def para(self, text: str, *, bold: bool = False) -> None:
        self.story.append(Paragraph(escape(text), self.styles["bold" if bold else "body"]))

    def bullets(self, items: Sequence[str]) -> None:
        self.story.append(
            ListFlowable(
                [ListItem(Paragraph(escape(i), self.styles["body"]), leftIndent=12) for i in items],
                bulletType="bullet",
                start="•",
                leftIndent=12,
            )
        )

    def steps(self, items: Sequence[str]) -> None:
        self.story.append(
            ListFlowable(
                [ListItem(Paragraph(escape(i), self.styles["body"])) for i in items],
                bulletType="1",
                bulletFormat="%s.",
                bulletFontName=_FONT,
                bulletFontSize=10,
                leftIndent=16,
            )
        )

    def table(
        self, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]
    ) -> None:
        cells = [[self._cell(h, bold=True) for h in header]]
        cells += [[self._cell(v) for v in row] for row in rows]
        table = Table(cells, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde5ee")),
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#7f8c99")),
                    (
                        "ROWBACKGROUNDS",
                        (0, 1),
                        (-1, -1),
                        [colors.white, colors.HexColor("#f7f9fb")],
                    ),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        self.story += [table, Spacer(1, 3 * mm)]

    def code(self, source: str) -> None:
        box = Table([[Preformatted(source, self.styles["code"])]], colWidths=[160 * mm])
        box.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f4f4f0")),
                    ("BOX", (0, 0), (-1, -1), 0.4, colors.HexColor("#c8c8c0")),
                    ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        self.story += [box, Spacer(1, 3 * mm)]

    def page_break(self) -> None:
        self.story.append(PageBreak())

    def declaration(self, name: str, day: date) -> None:
        self.story += [
            Spacer(1, 6 * mm),
            Paragraph("Declaration", self.styles["h2"]),
            Paragraph(
                escape(
                    "I confirm that this is my own work and that the records are a "
                    "true account of what I did."
                ),
                self.styles["body"],
            ),
            Spacer(1, 2 * mm),
            _signature_table(
                [
                    [
                        self._cell("Signed (typed)", bold=True),
                        self._sign(name),
                        self._cell("Date", bold=True),
                        self._sign(f"{day:%d/%m/%Y}"),
                    ]
                ]
            ),
        ]

    def build(self) -> bytes:
        out = io.BytesIO()
        doc = SimpleDocTemplate(
            out,
            pagesize=A4,
            leftMargin=25 * mm,
            rightMargin=25 * mm,
            topMargin=22 * mm,
            bottomMargin=22 * mm,
            title=self.title,
            author=self.learner,
            subject=self.label,
            creator="Assessor demo evidence",
            invariant=True,
            pageCompression=1,
        )
        doc.build(self.story, onFirstPage=self._decorate, onLaterPages=self._decorate)
        return out.getvalue()

    def _cell(self, text: str, *, bold: bool = False) -> Any:
        return Paragraph(escape(text), self.styles["cellb" if bold else "cell"])

    def _sign(self, text: str) -> Any:
        return Paragraph(escape(text), self.styles["sign"])

    def _decorate(self, canvas: Any, doc: Any) -> None:
        width, _ = A4
        canvas.saveState()
        canvas.setStrokeColor(colors.HexColor("#9aa7b4"))
        canvas.setLineWidth(0.5)
        canvas.line(25 * mm, 15 * mm, width - 25 * mm, 15 * mm)
        canvas.setFont(_FONT, 8)
        canvas.setFillColor(colors.HexColor("#55606b"))
        canvas.drawString(25 * mm, 10 * mm, f"{self.learner} — {self.label}")
        canvas.drawRightString(width - 25 * mm, 10 * mm, f"Page {doc.page}")
        canvas.drawRightString(width - 25 * mm, A4[1] - 12 * mm, f"{self.day:%d/%m/%Y}")
        canvas.restoreState()


def _signature_table(cells: list[list[Any]]) -> Any:
    table = Table(cells, colWidths=[34 * mm, 70 * mm, 14 * mm, 30 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (1, 0), (1, 0), 0.6, colors.HexColor("#55606b")),
                ("LINEBELOW", (3, 0), (3, 0), 0.6, colors.HexColor("#55606b")),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ]
        )
    )
    return table


# Bitstream Vera ships inside reportlab, so the fonts (and the bytes) are the same everywhere,
# and it covers more than the 14 standard fonts (Ω for the test records, Ł, dashes).
_FONT = "AssessorDemoVera"
_FONTS_DONE: list[bool] = []


def _register_fonts() -> None:
    if _FONTS_DONE:
        return
    folder = Path(reportlab.__file__).parent / "fonts"
    faces = {
        "": "Vera.ttf",
        "-Bold": "VeraBd.ttf",
        "-Italic": "VeraIt.ttf",
        "-BoldItalic": "VeraBI.ttf",
    }
    for suffix, file in faces.items():
        pdfmetrics.registerFont(TTFont(_FONT + suffix, str(folder / file)))
    pdfmetrics.registerFontFamily(
        _FONT,
        normal=_FONT,
        bold=_FONT + "-Bold",
        italic=_FONT + "-Italic",
        boldItalic=_FONT + "-BoldItalic",
    )
    _FONTS_DONE.append(True)


def _styles() -> dict[str, Any]:
    ink = colors.HexColor("#1d2733")
    return {
        "h1": ParagraphStyle(
            "h1",
            fontName=_FONT + "-Bold",
            fontSize=17,
            leading=21,
            textColor=colors.HexColor("#13385c"),
            spaceAfter=2,
        ),
        "sub": ParagraphStyle(
            "sub",
            fontName=_FONT + "-Italic",
            fontSize=9.5,
            leading=12,
            textColor=colors.HexColor("#55606b"),
            spaceAfter=8,
        ),
        "h2": ParagraphStyle(
            "h2",
            fontName=_FONT + "-Bold",
            fontSize=12,
            leading=15,
            textColor=colors.HexColor("#13385c"),
            spaceBefore=8,
            spaceAfter=4,
        ),
        "body": ParagraphStyle(
            "body", fontName=_FONT, fontSize=10, leading=14.2, textColor=ink, spaceAfter=5
        ),
        "bold": ParagraphStyle(
            "bold",
            fontName=_FONT + "-Bold",
            fontSize=10,
            leading=14,
            textColor=ink,
            spaceBefore=4,
            spaceAfter=2,
        ),
        "cell": ParagraphStyle("cell", fontName=_FONT, fontSize=8.8, leading=11, textColor=ink),
        "cellb": ParagraphStyle(
            "cellb", fontName=_FONT + "-Bold", fontSize=8.8, leading=11, textColor=ink
        ),
        "code": ParagraphStyle(
            "code",
            fontName="Courier",
            fontSize=8.3,
            leading=10.4,
        ),
        "sign": ParagraphStyle(
            "sign",
            fontName=_FONT + "-Italic",
            fontSize=11,
            leading=14,
            textColor=colors.HexColor("#1c3f7a"),
        ),
    }


def _fields(job: _Job) -> dict[str, str]:
    return {
        "site": job.site,
        "task": job.task,
        "point": job.point_of_work,
        "circuit": job.circuit.lower(),
        "no": str(job.circuit_no),
        "device": job.device,
        "board": job.board,
        "indicator": job.indicator.split(" (")[0],
        "prover": job.prover,
        "lock": job.lock,
        "tag": job.tag_no,
    }


def _sentences(rng: random.Random, pool: Sequence[str], k: int, fields: dict[str, str]) -> str:
    """`k` sentences from `pool`, kept in the pool's order so that a story still reads on."""
    chosen = sorted(rng.sample(range(len(pool)), min(k, len(pool))))
    return " ".join(pool[i].format(**fields) for i in chosen)


def _capitalised(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def _method_steps(job: _Job) -> list[str]:
    steps = [
        "Obtain permission to isolate from the person responsible for the installation and "
        "tell the occupants which circuit will be off and for how long.",
        "Identify circuit {no} ({circuit}) on the circuit chart and confirm it by tracing the "
        "cable at the {board}.",
        "Check the {indicator} and its leads against GS38: shrouded probes with no more than "
        "4 mm of exposed tip, fused leads, no damage to the insulation.",
        "Prove the voltage indicator on the {prover} before use.",
        "Switch off the {device} for circuit {no} and fit the {lock}.",
        "Lock off with my own padlock, keep the key on my person and fit danger tag no. {tag}.",
        "At the {point}, test between line and neutral, line and earth, and neutral and earth "
        "to confirm the circuit is dead.",
        "Prove the voltage indicator again on the {prover} to confirm it was working "
        "throughout the test.",
        "Carry out the work, then complete the dead tests before removing the lock and tag.",
    ]
    if job.quality < 0.2:  # weak evidence: the re-prove step is missing, N–E not tested
        steps[6] = "At the {point}, test between line and neutral and line and earth."
        del steps[7]
    return steps


def _isolation_tests(job: _Job, rng: random.Random) -> list[tuple[str, str, str, str, str]]:
    instrument = job.indicator.split(" (")[0]
    live = f"{rng.randrange(228, 247)} V"
    rows = [
        ("Prove indicator", "—", job.prover, "Indicated", "OK"),
        ("Before isolation (check)", "L–N", instrument, live, "Live, as expected"),
        ("Dead test at point of work", "L–N", instrument, "0 V", "Dead"),
        ("Dead test at point of work", "L–E", instrument, "0 V", "Dead"),
        ("Dead test at point of work", "N–E", instrument, "0 V", "Dead"),
        ("Re-prove indicator", "—", job.prover, "Indicated", "OK"),
    ]
    if job.quality < 0.2:
        del rows[4:]
    return rows


def _circuit_chart(job: _Job, rng: random.Random) -> list[tuple[str, str, str, str]]:
    rows = []
    for way, (name, device) in enumerate(job.chart, start=1):
        note = "Isolated for this job" if way == job.circuit_no else rng.choice(_CHART_NOTES)
        rows.append((str(way), name, device, note))
    rows += [
        (str(way), "Spare", "—", "Blank fitted") for way in range(len(job.chart) + 1, job.ways + 1)
    ]
    return rows


# --------------------------------------------------------------------------- text files


def test_record_txt(learner_name: str, seed: int) -> bytes:
    """A plain-text (UTF-8) record of the isolation and the dead tests on the board."""
    job = _job(seed)
    rng = random.Random(seed ^ 0x7E57)
    header = (
        "Way",
        "Description",
        "OCPD",
        "R1+R2 (Ω)",
        "IR L–E (MΩ)",
        "IR L–N (MΩ)",
        "Zs (Ω)",
        "RCD (ms)",
        "Result",
    )
    widths = (4, 30, 10, 10, 12, 12, 7, 9, 8)
    rows = []
    for way, (name, device) in enumerate(job.chart, start=1):
        # keep Zs (R1+R2 plus Ze) inside the device's limit: big breakers need short runs
        r12 = rng.uniform(0.08, 0.95 if int(device.split()[0][1:]) <= 20 else 0.45)
        ir_le = ">299" if rng.random() < 0.7 else f"{rng.uniform(2, 250):.0f}"
        ir_ln = ">299" if rng.random() < 0.8 else f"{rng.uniform(5, 250):.0f}"
        result = "PASS"
        if rng.random() < 0.06:
            ir_le, result = f"{rng.uniform(0.3, 0.95):.2f}", "FAIL"
        rcd = f"{rng.randrange(14, 32)}" if "RCBO" in device or rng.random() < 0.5 else "n/a"
        cells = (
            str(way),
            name,
            device,
            f"{r12:.2f}",
            ir_le,
            ir_ln,
            f"{r12 + rng.uniform(0.18, 0.35):.2f}",
            rcd,
            result,
        )
        rows.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
    rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
    lines = [
        "ELECTRICAL TEST RECORD — SAFE ISOLATION AND DEAD TESTING",
        "=" * 56,
        f"Learner:        {learner_name}",
        f"Date:           {job.day.isoformat()}",
        f"Site:           {job.site}",
        f"Board:          {job.board}",
        f"Reference:      {job.ref}",
        f"Instruments:    {job.indicator}",
        f"                {job.prover}",
        f"                {job.tester} multifunction tester, calibrated "
        f"{job.day - timedelta(days=rng.randrange(30, 300)):%Y-%m-%d}",
        "",
        "Isolation",
        "---------",
        f"Circuit isolated:  {job.circuit_no} — {job.circuit} ({job.device})",
        f"Locked off with:   {job.lock}, danger tag no. {job.tag_no}, key held by me",
        f"Proved dead at:    {job.point_of_work} (L–N, L–E, N–E: 0 V)",
        "",
        "Dead tests (insulation resistance at 500 V DC)",
        rule,
        "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(),
        rule,
        *rows,
        rule,
        "",
        "Notes:",
        *[f" - {n}" for n in rng.sample(_RECORD_NOTES, 3)],
        "",
        f"Signed: {learner_name} (typed)    Date: {job.day:%d/%m/%Y}",
        "",
    ]
    return "\n".join(lines).encode("utf-8")


@dataclass(frozen=True)
class _CodeSample:
    module: str
    change: str
    source: str
    excerpt: str
    findings: tuple[tuple[str, str, str, str], ...]


def code_sample_py(seed: int) -> bytes:
    """A small Python module, as a learner or a colleague wrote it, with a bug or two in it."""
    return _code_sample(seed).source.encode("utf-8")


def _code_sample(seed: int) -> _CodeSample:
    rng = random.Random(seed ^ 0xB06)
    return rng.choice(_CODE_TEMPLATES)(rng)


def _readings_module(rng: random.Random) -> _CodeSample:
    limit = rng.choice(("1.0", "2.0"))
    name = rng.choice(("insulation", "ir_results", "readings"))
    source = string.Template('''\
"""Summarise insulation-resistance readings exported from the multifunction tester.

Each line of the export looks like ``C3, 200`` (circuit, megohms). The tester writes
``>299`` when the reading is over its range.
"""

from __future__ import annotations

from dataclasses import dataclass

MIN_INSULATION_MOHM = $limit


@dataclass(frozen=True)
class Reading:
    circuit: str
    megohms: float


def parse_line(line: str) -> Reading:
    """Parse one line of the export into a Reading."""
    circuit, value = line.split(",")
    return Reading(circuit.strip(), float(value))


def load(path: str) -> list[Reading]:
    """All readings in an export file, skipping blank lines."""
    with open(path, encoding="utf-8") as f:
        return [parse_line(line) for line in f if line.strip()]


def failing(readings: list[Reading], limit: float = MIN_INSULATION_MOHM) -> list[str]:
    """Circuits whose insulation resistance is below the minimum."""
    return [r.circuit for r in readings if r.megohms <= limit]


def average(readings: list[Reading]) -> float:
    """Mean insulation resistance across all circuits, for the summary line."""
    return sum(r.megohms for r in readings) / len(readings)


if __name__ == "__main__":
    import sys

    results = load(sys.argv[1])
    print(f"{len(results)} circuits, mean {average(results):.1f} MΩ")
    for circuit in failing(results):
        print(f"FAIL: {circuit}")
''').substitute(limit=limit)
    excerpt = (
        "def failing(readings, limit=MIN_INSULATION_MOHM):\n"
        "    return [r.circuit for r in readings if r.megohms <= limit]\n\n"
        "def average(readings):\n"
        "    return sum(r.megohms for r in readings) / len(readings)"
    )
    return _CodeSample(
        name,
        "Add an insulation-resistance summary script",
        source,
        excerpt,
        (
            (
                "failing()",
                "Major",
                f"A reading of exactly {limit} MΩ is reported as a failure; the "
                "minimum is inclusive.",
                "Use < instead of <=, and add a test at the boundary.",
            ),
            (
                "parse_line()",
                "Major",
                "An over-range reading ('>299') raises ValueError and stops the whole report.",
                "Treat '>' values as the range limit, or keep them as text.",
            ),
            (
                "average()",
                "Minor",
                "An empty export divides by zero.",
                "Return None (or raise a clear error) when there are no readings.",
            ),
        ),
    )


def _paginate_module(rng: random.Random) -> _CodeSample:
    per_page = rng.choice((10, 20, 25))
    source = string.Template('''\
"""Paging and tagging helpers for the learner list in the site tools web app."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

PER_PAGE = $per_page


def page_count(total: int, per_page: int = PER_PAGE) -> int:
    """How many pages are needed to show `total` items."""
    return total // per_page


def paginate(items: Sequence[T], page: int, per_page: int = PER_PAGE) -> list[T]:
    """The items on `page`, where the first page is page 1."""
    start = page * per_page
    return list(items[start : start + per_page])


def add_tag(tag: str, tags: list[str] = []) -> list[str]:
    """Add a tag (lower-cased, no duplicates) and return the tag list."""
    tag = tag.strip().lower()
    if tag not in tags:
        tags.append(tag)
    return tags
''').substitute(per_page=per_page)
    excerpt = (
        "def paginate(items, page, per_page=PER_PAGE):\n"
        "    start = page * per_page\n"
        "    return list(items[start : start + per_page])"
    )
    return _CodeSample(
        "learner_list",
        "Page the learner list",
        source,
        excerpt,
        (
            (
                "paginate()",
                "Major",
                "Pages are documented as starting at 1 but the slice starts at "
                "page × per_page, so page 1 skips the first page of learners.",
                "Use (page - 1) * per_page and reject page < 1.",
            ),
            (
                "page_count()",
                "Major",
                f"Floor division drops the last partial page: {per_page + 1} items give 1 page.",
                "Use -(-total // per_page) (ceiling division).",
            ),
            (
                "add_tag()",
                "Major",
                "The mutable default list is shared between calls, so tags leak "
                "from one learner to the next.",
                "Default to None and create a new list inside.",
            ),
        ),
    )


def _roster_module(rng: random.Random) -> _CodeSample:
    grace = rng.choice((5, 10, 15))
    source = string.Template('''\
"""Check-in helpers for exam sessions: who arrived late, who has not arrived."""

from __future__ import annotations

from datetime import datetime, timedelta

GRACE = timedelta(minutes=$grace)


def late_arrivals(checkins: dict[str, str], start: str) -> list[str]:
    """Candidates who checked in after the start time plus the grace period.

    Times are "H:MM" strings from the sign-in sheet, e.g. "9:05".
    """
    cutoff = (datetime.strptime(start, "%H:%M") + GRACE).strftime("%H:%M")
    return sorted(name for name, time in checkins.items() if time > cutoff)


def no_shows(roster: list[str], checkins: dict[str, str]) -> list[str]:
    """Candidates on the roster who never checked in."""
    for name in checkins:
        if name in roster:
            roster.remove(name)
    return roster
''').substitute(grace=grace)
    excerpt = (
        'cutoff = (datetime.strptime(start, "%H:%M") + GRACE).strftime("%H:%M")\n'
        "return sorted(name for name, time in checkins.items() if time > cutoff)"
    )
    return _CodeSample(
        "exam_roster",
        "Flag late arrivals at check-in",
        source,
        excerpt,
        (
            (
                "late_arrivals()",
                "Major",
                "Times are compared as strings, so '10:02' sorts before "
                "'9:15' and morning candidates are missed.",
                "Parse both sides with strptime and compare datetimes.",
            ),
            (
                "no_shows()",
                "Major",
                "It removes names from the caller's roster list, so the roster "
                "is emptied as a side effect.",
                "Build a new list: [n for n in roster if n not in checkins].",
            ),
        ),
    )


_CODE_TEMPLATES: tuple[Callable[[random.Random], _CodeSample], ...] = (
    _readings_module,
    _paginate_module,
    _roster_module,
)


# --------------------------------------------------------------------------- PNG pictures


def photo_png(
    caption: str, seed: int, width: int = 800, height: int = 600, *, scene: str = "isolation"
) -> bytes:
    """A picture an assessor would recognise as a learner's photo (RGB, 8 bit, stdlib only).

    `scene` "isolation" is a consumer unit with one way locked off and tagged (the circuit of
    `_job(seed)`); "site" is a site cabin noticeboard with PPE and emergency signs. The caption
    is stored as the PNG's Description (iTXt), as a camera app would.
    """
    if width < 1 or height < 1:
        raise ValueError("width and height must be at least 1")
    canvas = _Canvas(width, height)
    rng = random.Random(seed)
    if scene == "isolation":
        _isolation_scene(canvas, rng, _job(seed))
    elif scene == "site":
        _site_scene(canvas, rng)
    else:
        raise ValueError(f"unknown scene '{scene}'; valid: isolation, site")
    return canvas.png(caption)


_RGB = tuple[int, int, int]


class _Canvas:
    """An RGB raster drawn in an 800×600 design space, scaled to the real size.

    Shapes are filled a row span at a time with slice assignment, so drawing costs one
    Python operation per row, not per pixel.
    """

    def __init__(self, width: int, height: int) -> None:
        self.w = width
        self.h = height
        self.sx = width / 800
        self.sy = height / 600
        self.buf = bytearray(width * height * 3)

    def span(self, y: int, x0: int, x1: int, color: _RGB) -> None:
        if 0 <= y < self.h:
            x0, x1 = max(x0, 0), min(x1, self.w)
            if x1 > x0:
                at = (y * self.w + x0) * 3
                self.buf[at : at + (x1 - x0) * 3] = bytes(color) * (x1 - x0)

    def rect(self, x0: float, y0: float, x1: float, y1: float, color: _RGB) -> None:
        a, b = round(x0 * self.sx), round(x1 * self.sx)
        for y in range(max(round(y0 * self.sy), 0), min(round(y1 * self.sy), self.h)):
            self.span(y, a, b, color)

    def vgradient(
        self, x0: float, y0: float, x1: float, y1: float, top: _RGB, bottom: _RGB
    ) -> None:
        a, b = round(x0 * self.sx), round(x1 * self.sx)
        ya, yb = round(y0 * self.sy), round(y1 * self.sy)
        for y in range(max(ya, 0), min(yb, self.h)):
            t = (y - ya) / max(yb - ya - 1, 1)
            self.span(y, a, b, _mix(top, bottom, t))

    def box(
        self, x0: float, y0: float, x1: float, y1: float, fill: _RGB, edge: _RGB, line: float = 2
    ) -> None:
        self.rect(x0, y0, x1, y1, edge)
        self.rect(x0 + line, y0 + line, x1 - line, y1 - line, fill)

    def disc(self, cx: float, cy: float, r: float, color: _RGB, *, upper: bool = False) -> None:
        """A filled circle; with `upper`, only its top half (a dome)."""
        x, y = round(cx * self.sx), round(cy * self.sy)
        rad = max(round(r * min(self.sx, self.sy)), 0)
        for dy in range(-rad, 1 if upper else rad + 1):
            half = isqrt(rad * rad - dy * dy)
            self.span(y + dy, x - half, x + half + 1, color)

    def polygon(self, points: Sequence[tuple[float, float]], color: _RGB) -> None:
        """Fill a convex polygon."""
        pts = [(x * self.sx, y * self.sy) for x, y in points]
        top = max(int(min(p[1] for p in pts)), 0)
        bottom = min(int(max(p[1] for p in pts)) + 1, self.h)
        edges = list(zip(pts, pts[1:] + pts[:1], strict=True))
        for y in range(top, bottom):
            yc = y + 0.5
            xs = [
                ax + (yc - ay) * (bx - ax) / (by - ay)
                for (ax, ay), (bx, by) in edges
                if (ay <= yc < by) or (by <= yc < ay)
            ]
            if len(xs) >= 2:
                self.span(y, round(min(xs)), round(max(xs)), color)

    def stroke(
        self,
        points: Sequence[tuple[float, float]],
        r: float,
        colours: Sequence[_RGB],
        dash: float = 0,
    ) -> None:
        """A thick line through `points`; with `dash`, colours alternate every `dash` units."""
        travelled = 0.0
        step = max(r / 2, 0.75)
        for (ax, ay), (bx, by) in itertools.pairwise(points):
            length = max(abs(bx - ax), abs(by - ay), 1e-9)
            n = max(int(length / step), 1)
            for i in range(n + 1):
                t = i / n
                colour = colours[int(travelled / dash) % len(colours)] if dash else colours[0]
                self.disc(ax + (bx - ax) * t, ay + (by - ay) * t, r, colour)
                if i < n:
                    travelled += length / n

    def png(self, caption: str) -> bytes:
        row = self.w * 3
        raw = b"".join(b"\x00" + self.buf[y * row : (y + 1) * row] for y in range(self.h))
        ihdr = struct.pack(">IIBBBBB", self.w, self.h, 8, 2, 0, 0, 0)
        text = b"Description\x00\x00\x00\x00\x00" + caption.encode("utf-8")
        return (
            b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", ihdr)
            + _chunk(b"iTXt", text)
            + _chunk(b"IDAT", zlib.compress(raw, 6))
            + _chunk(b"IEND", b"")
        )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def _mix(a: _RGB, b: _RGB, t: float) -> _RGB:
    t = min(max(t, 0.0), 1.0)
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _shade(c: _RGB, k: float) -> _RGB:
    return _mix(c, (0, 0, 0), k) if k > 0 else _mix(c, (255, 255, 255), -k)


def _bezier(
    p0: tuple[float, float], p1: tuple[float, float], p2: tuple[float, float], n: int = 24
) -> list[tuple[float, float]]:
    out = []
    for i in range(n + 1):
        t = i / n
        u = 1 - t
        out.append(
            (
                u * u * p0[0] + 2 * u * t * p1[0] + t * t * p2[0],
                u * u * p0[1] + 2 * u * t * p1[1] + t * t * p2[1],
            )
        )
    return out


_RED: _RGB = (206, 28, 32)
_WHITE: _RGB = (246, 246, 242)
_DARK: _RGB = (40, 42, 46)
_GREEN_EARTH: _RGB = (30, 140, 60)
_YELLOW_EARTH: _RGB = (235, 200, 30)


def _floor(c: _Canvas, rng: random.Random, top: float) -> None:
    wood = rng.choice(((150, 112, 76), (120, 96, 80), (172, 150, 120), (96, 98, 104)))
    c.vgradient(0, top, 800, 600, _shade(wood, 0.15), _shade(wood, -0.05))
    y = top + 14
    while y < 600:
        c.rect(0, y, 800, y + 2, _shade(wood, 0.3))
        y += 26 + (y - top) * 0.35  # boards widen towards the camera
    c.rect(0, top - 18, 800, top, (236, 236, 230))  # skirting
    c.rect(0, top - 2, 800, top, (200, 200, 194))


def _fake_text(
    c: _Canvas,
    rng: random.Random,
    x0: float,
    y0: float,
    x1: float,
    lines: int,
    colour: _RGB,
    gap: float = 7,
    height: float = 2.5,
) -> None:
    for i in range(lines):
        x = x0
        while x < x1:
            word = rng.uniform(6, 22)
            c.rect(x, y0 + i * gap, min(x + word, x1), y0 + i * gap + height, colour)
            x += word + rng.uniform(3, 5)


def _isolation_scene(c: _Canvas, rng: random.Random, job: _Job) -> None:
    wall = rng.choice(((226, 219, 200), (210, 214, 218), (222, 210, 190), (198, 208, 196)))
    c.vgradient(0, 0, 800, 480, _shade(wall, 0.18), _shade(wall, -0.06))
    _floor(c, rng, 480)
    # the board, seen slightly from below and off-centre, as a phone photo would be
    modules = job.ways + 4  # main switch (2) and two RCDs (1 each) besides the ways
    mw = rng.uniform(22, 27)
    bx0 = rng.uniform(120, 800 - 120 - modules * mw - 40)
    bx1 = bx0 + modules * mw + 40
    by0, by1 = rng.uniform(110, 160), rng.uniform(300, 330)
    c.rect(bx0 + 8, by0 + 10, bx1 + 10, by1 + 12, _shade(wall, 0.35))  # shadow
    trunk_x = bx0 + rng.uniform(20, (bx1 - bx0) - 60)
    c.box(trunk_x, 0, trunk_x + 44, by0 + 4, (238, 238, 234), (190, 190, 186))
    c.box(bx0, by0, bx1, by1, (240, 240, 236), (160, 160, 158), 3)
    c.rect(bx0 + 6, by0 + 6, bx1 - 6, by0 + 26, (228, 228, 224))  # lid hinge strip
    rail_y0, rail_y1 = by0 + 48, by1 - 56
    c.rect(bx0 + 14, rail_y0 - 8, bx1 - 14, rail_y1 + 8, (62, 64, 70))  # recess
    x = bx0 + 20
    locked_x = 0.0
    for i in range(modules):
        kind = "main" if i < 2 else "rcd" if i in (2, 3 + job.ways // 2) else "mcb"
        if kind == "main" and i == 1:
            continue  # the main switch is one double-width device
        w = mw * 2 if kind == "main" else mw
        body = (250, 250, 246) if kind != "rcd" else (232, 234, 236)
        c.box(x + 1, rail_y0, x + w - 1, rail_y1, body, (150, 150, 150), 1)
        tog_colour = _RED if kind == "main" else (70, 130, 200) if kind == "rcd" else _DARK
        mid = (rail_y0 + rail_y1) / 2
        way = i - 3 if i < 3 + job.ways // 2 else i - 4
        is_off = kind == "mcb" and way + 1 == job.circuit_no
        ty0 = mid + 4 if is_off else mid - 22
        c.rect(x + w / 2 - 5, mid - 20, x + w / 2 + 5, mid + 20, (210, 210, 206))
        c.rect(x + w / 2 - 4, ty0, x + w / 2 + 4, ty0 + 18, tog_colour)
        if kind == "rcd":
            c.disc(x + w / 2, rail_y0 + 12, 4, (236, 200, 40))  # test button
        c.rect(x + 4, rail_y1 - 12, x + w - 4, rail_y1 - 8, (120, 120, 120))  # rating print
        if is_off:
            locked_x = x + w / 2
        x += w
    # label strip under the devices: the circuit chart, written by hand
    c.rect(bx0 + 16, rail_y1 + 12, bx1 - 16, rail_y1 + 30, (252, 252, 236))
    _fake_text(c, rng, bx0 + 22, rail_y1 + 16, bx1 - 22, 2, (60, 60, 110), gap=7, height=2)
    # cables out of the bottom of the board
    cable_cols = [(150, 150, 150), (160, 160, 158), (236, 236, 232), (120, 120, 124)]
    for k in range(rng.randrange(3, 6)):
        sx = bx0 + 40 + k * (bx1 - bx0 - 80) / 4 + rng.uniform(-6, 6)
        end = (sx + rng.uniform(-140, 140), 470)
        c.stroke(
            _bezier((sx, by1), (sx + rng.uniform(-30, 30), by1 + 90), end),
            4.5,
            [rng.choice(cable_cols)],
        )
    # meter tails (brown, blue) and the main earth (green/yellow) from the side
    side = bx0 - 6
    for dy, colour in ((60, (120, 70, 40)), (80, (40, 80, 170))):
        c.stroke(
            _bezier((side - 120, 480), (side - 40, by0 + dy + 40), (side + 8, by0 + dy)),
            6,
            [colour],
        )
    c.stroke(
        _bezier((side - 150, 480), (side - 70, by0 + 140), (side + 8, by0 + 110)),
        4,
        [_GREEN_EARTH, _YELLOW_EARTH],
        dash=9,
    )
    if locked_x:
        _lock_off(c, rng, locked_x, rail_y0, rail_y1)
    _voltage_indicator(c, rng)


def _lock_off(c: _Canvas, rng: random.Random, x: float, y0: float, y1: float) -> None:
    c.box(x - 9, (y0 + y1) / 2 - 2, x + 9, (y0 + y1) / 2 + 26, _RED, (140, 16, 20), 2)
    # padlock: shackle through the lock-off, red body hanging below the board
    px, py = x, y1 + 58
    c.stroke(
        [
            (px - 9 + 18 * (1 - cos(a * pi / 12)) / 2, py - 18 - 16 * sin(a * pi / 12))
            for a in range(13)
        ],
        2.8,
        [(180, 180, 184)],
    )
    c.stroke([(px, (y0 + y1) / 2 + 24), (px, py - 18)], 2, [(180, 180, 184)])
    c.box(px - 14, py - 20, px + 14, py + 12, _RED, (150, 18, 22), 2)
    c.disc(px, py - 6, 3, _DARK)
    # danger tag on a string
    tx, ty = px + rng.uniform(18, 40), py + rng.uniform(24, 40)
    c.stroke([(px + 6, py + 8), (tx + 30, ty + 4)], 1, [(230, 230, 220)])
    c.polygon([(tx, ty), (tx + 62, ty - 4), (tx + 68, ty + 92), (tx + 6, ty + 96)], _RED)
    c.polygon(
        [(tx + 8, ty + 22), (tx + 58, ty + 19), (tx + 62, ty + 84), (tx + 12, ty + 87)], _WHITE
    )
    c.disc(tx + 31, ty + 9, 5, (250, 250, 250))
    c.rect(tx + 16, ty + 26, tx + 54, ty + 33, _RED)  # "DANGER"
    _fake_text(c, rng, tx + 17, ty + 42, tx + 55, 5, _DARK, gap=8, height=2.5)


def _voltage_indicator(c: _Canvas, rng: random.Random) -> None:
    x, y = rng.uniform(80, 620), rng.uniform(520, 560)
    a = rng.uniform(-0.4, 0.4)
    dx, dy = cos(a) * 110, sin(a) * 110
    for k, colour in enumerate(((200, 30, 30), (30, 30, 30))):
        end = (x + dx + 60 + 40 * k, y + dy - 40 + 25 * k)
        c.stroke(_bezier((x, y), (x - 60, y + 40 + 10 * k), end), 2.5, [colour])
        c.stroke([end, (end[0] + 40, end[1] - 8)], 5, [colour])
    c.stroke([(x + 4, y + 6), (x + dx + 4, y + dy + 6)], 13, [_shade((120, 100, 80), 0.5)])
    c.stroke([(x, y), (x + dx, y + dy)], 12, [(250, 200, 20)])
    c.stroke([(x + dx * 0.35, y + dy * 0.35), (x + dx * 0.75, y + dy * 0.75)], 7, [_DARK])
    c.disc(x + dx * 0.2, y + dy * 0.2, 4, (60, 200, 80))  # LED
    c.stroke([(x + dx, y + dy), (x + dx * 1.25, y + dy * 1.25)], 2, [(200, 200, 200)])


def _site_scene(c: _Canvas, rng: random.Random) -> None:
    cladding = rng.choice(((200, 206, 196), (214, 206, 186), (190, 200, 210)))
    c.vgradient(0, 0, 800, 470, _shade(cladding, 0.12), _shade(cladding, -0.04))
    for y in range(0, 470, 24):
        c.rect(0, y, 800, y + 2, _shade(cladding, 0.22))
    _floor(c, rng, 470)
    # noticeboard with pinned sheets
    nx0 = rng.uniform(40, 140)
    c.rect(nx0 + 8, 68, nx0 + 408, 378, _shade(cladding, 0.35))
    c.box(nx0, 60, nx0 + 400, 370, (176, 132, 90), (110, 80, 52), 8)
    for col in range(3):
        for row_ in range(2):
            sx = nx0 + 22 + col * 126 + rng.uniform(-6, 6)
            sy = 80 + row_ * 142 + rng.uniform(-5, 5)
            c.rect(sx + 3, sy + 3, sx + 103, sy + 128, (120, 90, 60))
            c.rect(sx, sy, sx + 100, sy + 125, (250, 250, 246))
            c.rect(sx + 8, sy + 10, sx + 70, sy + 16, (40, 40, 40))
            _fake_text(c, rng, sx + 8, sy + 26, sx + 92, 11, (90, 90, 96), gap=8)
            c.disc(sx + 50, sy + 4, 4, rng.choice((_RED, (40, 90, 200), (40, 160, 60))))
    # emergency signs: first aid (green), fire action (red), hard hats (blue)
    gx = nx0 + 430
    c.rect(gx, 70, gx + 90, 160, (0, 132, 80))
    c.rect(gx + 37, 82, gx + 53, 148, _WHITE)
    c.rect(gx + 12, 107, gx + 78, 123, _WHITE)
    c.rect(gx, 180, gx + 90, 300, _RED)
    c.rect(gx + 8, 190, gx + 82, 210, _WHITE)
    _fake_text(c, rng, gx + 10, 222, gx + 80, 8, _WHITE, gap=9)
    c.disc(gx + 140, 120, 40, (20, 80, 160))
    c.disc(gx + 140, 126, 22, _WHITE)
    c.rect(gx + 110, 124, gx + 170, 136, (20, 80, 160))
    c.rect(gx + 112, 128, gx + 168, 134, _WHITE)
    # hi-vis vest on a hook, hard hat on the bench
    vx = rng.uniform(gx + 110, 700)
    c.disc(vx, 200, 5, (90, 90, 90))
    vest = rng.choice(((255, 214, 0), (255, 120, 20)))
    c.polygon(
        [
            (vx - 30, 205),
            (vx + 30, 205),
            (vx + 62, 250),
            (vx + 58, 420),
            (vx - 58, 420),
            (vx - 62, 250),
        ],
        vest,
    )
    c.polygon([(vx - 14, 205), (vx + 14, 205), (vx + 4, 280), (vx - 4, 280)], (60, 60, 60))
    for y in (330, 370):
        c.rect(vx - 58, y, vx + 58, y + 12, (200, 204, 210))
    c.rect(40, 430, 760, 446, (120, 88, 60))  # bench
    hx = rng.uniform(80, 300)
    hat = rng.choice(((250, 250, 250), (250, 210, 20), (30, 90, 200)))
    c.disc(hx, 422, 46, hat, upper=True)
    c.rect(hx - 40, 392, hx + 40, 396, _shade(hat, 0.08))  # ridge
    c.rect(hx - 62, 420, hx + 62, 430, _shade(hat, 0.12))  # brim


# --------------------------------------------------------------------------- phrase lists

_SITES = [
    "14 Mill Lane, Headingley, Leeds (occupied house)",
    "Unit 7, Riverside Trading Estate, Bristol",
    "3 Orchard Close, Norwich (ground-floor flat)",
    "Plant room B, Harbour View Offices, Cardiff",
    "Flat 2, 41 Victoria Road, Glasgow",
    "St Anne's Primary School, Block C, Derby (half-term)",
    "22 Castle Street, Shrewsbury (shop and flat above)",
]
_BUILD_SITES = [
    "Canal Wharf residential, Phase 2 (Block B), Manchester",
    "Eastfield Primary School extension, Swindon",
    "Harbour Quay office fit-out, levels 3–5, Southampton",
    "Meadow Rise, 48 new homes, plots 12–30, Telford",
    "Riverside Health Centre refurbishment, Exeter",
]
# (circuit, protective device, task, point of work): jobs that make sense on that circuit
_JOBS = [
    (
        "Ring final — kitchen sockets",
        "B32 RCBO",
        "replace a damaged double socket-outlet in the kitchen",
        "kitchen double socket-outlet",
    ),
    (
        "Ring final — upstairs sockets",
        "B32 MCB",
        "move a socket-outlet in the front bedroom",
        "bedroom socket-outlet",
    ),
    (
        "Radial — utility room sockets",
        "B20 MCB",
        "add a fused connection unit for a new boiler",
        "utility room socket-outlet",
    ),
    (
        "Lighting — ground floor",
        "B6 MCB",
        "replace a pendant light fitting in the lounge",
        "lounge ceiling rose",
    ),
    (
        "Lighting — first floor",
        "B6 RCBO",
        "replace a cracked switch plate on the landing",
        "landing light switch",
    ),
    (
        "Radial — garage",
        "B20 RCBO",
        "fit an outdoor socket-outlet on the rear wall",
        "garage socket-outlet",
    ),
    (
        "Immersion heater",
        "B16 MCB",
        "replace the immersion heater switch",
        "double-pole switch in the airing cupboard",
    ),
]
# other circuits that fill up the rest of a board
_OTHER_CIRCUITS = [
    ("Ring final — downstairs sockets", "B32 RCBO"),
    ("Cooker", "B32 MCB"),
    ("Shower", "B40 RCBO"),
    ("Smoke alarms", "B6 MCB"),
    ("Boiler and heating controls", "B6 MCB"),
    ("Outside lights", "B6 RCBO"),
    ("Loft sockets", "B16 MCB"),
    ("EV charger", "B32 RCBO"),
    ("Lighting — extension", "B6 MCB"),
    ("Ring final — extension", "B32 RCBO"),
]
_BOARDS = ["Hager", "Wylex", "MK Sentry", "Schneider", "Contactum", "BG"]
_INDICATORS = [
    ("Fluke T150 two-pole voltage indicator", "Fluke PRV240 proving unit"),
    ("Martindale VI-15000 voltage indicator", "Martindale PD440 proving unit"),
    ("Kewtech KT1780 voltage indicator", "Kewtech KEWPROVE 2 proving unit"),
    ("Megger TPT320 voltage detector", "Megger MPU690 proving unit"),
]
_TESTERS = ["Megger MFT1741", "Fluke 1664 FC", "Kewtech KT66DL", "Metrel MI 3155"]
_LOCKS = ["Martindale MCB lock-off", "Brady universal MCB lock-off", "Kewtech lock-off kit clamp"]
_EXTRA_KIT = [
    "Insulated screwdrivers (VDE) and side cutters",
    "Torch and spare batteries",
    "Dust sheets and a vacuum for the work area",
    "Stepladder (inspected before use)",
    "Barrier tape and a 'work in progress' sign",
    "Circuit chart and test record sheet",
]
_SCOPE = [
    "This method statement covers the safe isolation of circuit {no} ({circuit}) so that I "
    "can {task}.",
    "The work is at {site} and the supply is a TN-C-S (PME) system fed to the {board}.",
    "Only the one circuit needs to be isolated; the rest of the installation stays in use.",
    "The occupants were told the day before and agreed to the circuit being off for about "
    "two hours.",
    "My supervisor checked this method statement before the work started.",
    "The point of work is the {point}, which is on circuit {no} according to the chart.",
]
_EQUIPMENT_NOTES = [
    "All test equipment was in calibration and I checked the leads before leaving the van.",
    "The lock-off fits the {device} fitted in this board, which I checked on the survey.",
    "The {indicator} is a two-pole tester, so it does not rely on the installation to work.",
    "I do not use a multimeter or a neon screwdriver to prove dead, as GS38 advises against it.",
]
_HAZARDS = [
    (
        "Electric shock from conductors still live",
        "High",
        "Isolate, lock and tag; prove dead at the point of work with a GS38 voltage indicator.",
    ),
    (
        "Borrowed or shared neutral from another circuit",
        "Medium",
        "Test N–E as well as L–N and L–E; check the chart and isolate any circuit sharing the "
        "neutral.",
    ),
    (
        "Someone switching the circuit back on",
        "High",
        "Personal padlock with the key kept on me; danger tag; tell the occupants.",
    ),
    (
        "Working from a stepladder",
        "Low",
        "Inspect the ladder, keep three points of contact, no over-reaching.",
    ),
    ("Dust from cutting into plaster", "Low", "Dust sheets, P2 mask, vacuum as I go."),
    (
        "Suspected asbestos in older back boxes or textured ceilings",
        "Medium",
        "Check the asbestos register; stop and report if I find suspect material.",
    ),
    (
        "Second supply (solar PV or battery)",
        "Medium",
        "Check for a second source at the board and isolate the PV if fitted.",
    ),
]
_RESULTS_INTRO = [
    "The results below were recorded at the time, in the order the tests were done.",
    "I used the same voltage indicator for every test so that the proving check covers all of "
    "them.",
    "Before isolating I checked the indicator on a known live supply at the board.",
]
_HANDOVER = [
    "When the work was finished I carried out the dead tests and recorded them on the test record.",
    "I removed my lock and tag, switched the {device} back on and checked the {point} was working.",
    "I told the occupants the circuit was back on and showed them the finished work.",
]
_CHART_SENTENCES = [
    "The circuit chart was already correct, so no changes were needed.",
    "I updated the circuit chart, which had the wrong description for circuit {no}.",
]
_REFLECTION_SHORT = [
    "Next time I would confirm the circuit with a plug-in socket tester before isolating, to "
    "save time tracing the cable.",
    "I found it hard to fit the lock-off at first because the {device} toggle was stiff.",
    "My supervisor reminded me to test N–E as well, which I now do every time.",
    "I would take a photo of the board before starting, as the chart was hard to read.",
    "I should have put the barrier tape up earlier because the occupants' children were about.",
    "Having the steps written out meant I did not miss the re-prove at the end.",
    "I learned that a neutral can be borrowed from another circuit, so dead at L–N is not "
    "enough on its own.",
]
_CHART_NOTES = ["", "", "Labelled by previous electrician", "Label faded", "Checked OK"]
_RECORD_NOTES = [
    "Voltage indicator proved before and after the dead tests.",
    "Circuit chart updated to match the installation.",
    "One socket-outlet on the kitchen ring had a loose earth terminal: tightened and retested.",
    "Occupier informed before isolation and after re-energising.",
    "Insulation resistance tested with sensitive equipment (smoke alarms) disconnected.",
    "RCD test button operated by the occupier in my presence.",
    "Lock-off and tag removed by me only, after the work was complete.",
]
_SITUATIONS = [
    (
        "Finding a borrowed neutral during a socket replacement",
        "Domestic rewire",
        "on a domestic rewire",
    ),
    (
        "Explaining an RCD fault to a worried customer",
        "Customer's home (fault call-out)",
        "on a fault call-out at a customer's home",
    ),
    (
        "Isolating a circuit in an occupied property",
        "Occupied family house",
        "in an occupied family house",
    ),
    (
        "Supervising a first-year apprentice for the first time",
        "New-build housing site",
        "on a new-build housing site",
    ),
    (
        "Failing an insulation-resistance test on a kitchen ring",
        "Kitchen refit",
        "during a kitchen refit",
    ),
]
_PEOPLE = [
    "Dave Whitfield",
    "Sana Qureshi",
    "Marek Nowicki",
    "Joanne Price",
    "Tunde Bello",
    "Ewan Stewart",
    "Catrin Hughes",
]
_CUSTOMERS = ["the homeowner", "the tenant", "the office manager", "the caretaker"]
_EMPLOYERS = [
    "Northgate Electrical Ltd",
    "Brightwire Services",
    "Castle & Co Contractors",
    "Valley Building Services",
]
_GIBBS: list[tuple[str, list[str]]] = [
    (
        "Description",
        [
            "The event happened {where}, while I was working with {mentor}, my supervisor.",
            "The task looked routine and we had planned it for a morning.",
            "I had prepared the method statement the evening before and the first part of the job "
            "went to plan.",
            "About an hour in, a test result did not match what I expected from the circuit chart.",
            "I stopped, told {mentor} and we went through the readings again together.",
            "{customer} asked several questions while we were working, which I answered as well as "
            "I could.",
            "We finished the job the same day, about two hours later than planned.",
            "Before we left I completed the paperwork and explained to {customer} what we had "
            "found.",
        ],
    ),
    (
        "Feelings",
        [
            "At first I felt confident because I had done similar work many times at college.",
            "When the reading came back wrong I felt anxious and a bit embarrassed.",
            "I was worried that {customer} would lose confidence in us.",
            "Afterwards I felt relieved, and proud that I had stopped rather than carried on.",
            "I noticed that I rushed my explanation because I was nervous.",
            "I also felt frustrated with myself for not spotting the problem at the survey.",
            "On the drive home I kept going over what I could have said differently.",
        ],
    ),
    (
        "Evaluation",
        [
            "What went well was that I followed the safe isolation procedure step by step.",
            "Stopping the job was the right decision, even though it cost us about an hour.",
            "What went less well was my communication: I used technical words {customer} did not "
            "understand.",
            "I had not checked the chart against the installation before starting, which "
            "would have shown the problem earlier.",
            "{mentor} said afterwards that my record keeping was clear and complete.",
            "The customer was satisfied in the end, but only after {mentor} explained it again.",
            "Overall the job was safe, which is the most important thing, but it was not "
            "efficient.",
        ],
    ),
    (
        "Analysis",
        [
            "Looking back, the chart was out of date, which is common in older installations.",
            "The guidance in GS38 and the IET On-Site Guide explains why testing between all "
            "conductors matters, and this job showed me why in practice.",
            "I think I was nervous because it was the first time I had found a fault myself rather "
            "than being shown one.",
            "Reading about Gibbs' cycle helped me see that my feelings affected how I explained "
            "things.",
            "A more experienced electrician would probably have expected the problem and "
            "planned for it.",
            "Good communication with the customer is part of working safely, not an extra.",
        ],
    ),
    (
        "Conclusion",
        [
            "Overall I handled the technical side safely but could improve how I explain problems.",
            "I have learned not to trust a circuit chart until I have checked it.",
            "If the same thing happened again I would explain what I was doing in plain words "
            "before starting the tests.",
            "The experience made me more confident that following the procedure keeps everyone "
            "safe.",
            "I also need to plan time for explaining things, not just for the work itself.",
            "Talking it through with {mentor} afterwards was as useful as the job itself.",
        ],
    ),
]
_ACTIONS = [
    (
        "Check the circuit chart against the board on every survey",
        "No surprises on the day; chart checks noted on the job sheet",
    ),
    (
        "Practise explaining test results in plain words with my mentor",
        "Feedback from my mentor after two customer visits",
    ),
    ("Read the IET On-Site Guide section on isolation again", "Notes in my portfolio"),
    (
        "Ask for a borrowed-neutral scenario on the training board",
        "Completed practical, signed off by the tutor",
    ),
    (
        "Write a short script for explaining an isolation to customers",
        "Used on the next three jobs",
    ),
]
_REFERENCES = [
    "Health and Safety Executive (2015) GS38: Electrical test equipment for use on low voltage "
    "electrical systems. 4th edn.",
    "IET (2022) On-Site Guide (BS 7671:2018+A2:2022). London: IET.",
    "Gibbs, G. (1988) Learning by Doing. Oxford: Further Education Unit.",
    "Electrical Safety First (2020) Best Practice Guide 2: Guidance on the management of "
    "electrical safety and safe isolation procedures.",
    "Schön, D. (1983) The Reflective Practitioner. New York: Basic Books.",
]
_REVIEW_SUMMARY = [
    "The change to {module} is small and easy to follow, and it does what the ticket asks "
    "for in the normal case.",
    "I reviewed the diff, ran the tests locally and tried the script on last week's export.",
    "I found problems at the edges (boundaries, empty input and shared state) that would give "
    "wrong results in real use.",
    "None of the problems are hard to fix, but I think they should be fixed before merging.",
]
_REVIEW_GOOD = [
    "Functions are short and each does one thing.",
    "Docstrings say what each function is for.",
    "Names match the words the site team uses.",
    "Type hints on every function make the intent clear.",
    "The module has no hidden global state apart from the constant.",
]
_REVIEW_NITS = [
    ("The module docstring could give an example of the input.", "Add one example line."),
    ("No tests are included with the change.", "Add tests for the normal case and the edges."),
    ("The constant's unit is only in the docstring.", "Put the unit in the name."),
    ("Output is printed rather than returned.", "Return the summary and print it in main()."),
]
_REVIEW_TESTING = [
    "I ran the existing test suite: all tests passed, but none of them cover this module.",
    "I wrote three quick tests for the edge cases in the findings table; two of them fail.",
    "I also ran {module} on a copy of a real export to check the normal case.",
    "I checked the behaviour with an empty input, which is what happens on a new site.",
]
_REVIEW_CLOSE = [
    "Happy to pair on the fixes if that helps.",
    "Once the major findings are fixed I will re-review the same day.",
    "The minor points can go in a follow-up change if time is short.",
]
_INDUCTION_TOPICS = [
    "Site rules and working hours",
    "Signing in and out",
    "Fire points and assembly point",
    "First aid and accident reporting",
    "PPE requirements (hard hat, hi-vis, boots, gloves)",
    "Permits to work and safe isolation",
    "Working at height and scaffold tags",
    "Asbestos register and what to do if found",
    "Welfare facilities",
    "Traffic routes and plant movements",
    "Housekeeping and waste segregation",
    "Near-miss reporting",
]
_EMERGENCY = [
    "The fire assembly point is at the site entrance by the main gate at {site}.",
    "The first aiders are named on the board in the welfare cabin and wear green hard hats.",
    "Accidents and near misses are reported to the site manager the same day.",
    "The nearest hospital with an A&E department is marked on the map in the site office.",
    "Fire extinguishers are kept at each fire point next to the stair cores.",
]
_QUIZ: list[tuple[str, list[str]]] = [
    (
        "What should you do if you find suspected asbestos?",
        [
            "Stop work, keep others away, and report it to the site manager straight away.",
            "Stop, do not disturb it, and tell my supervisor.",
        ],
    ),
    (
        "When must you wear a hard hat?",
        [
            "At all times on site outside the welfare cabins and the office.",
            "Everywhere except the welfare areas.",
        ],
    ),
    (
        "What does a red scaffold tag mean?",
        [
            "The scaffold is not safe to use and must not be accessed.",
            "Do not use it — it is incomplete or has failed inspection.",
        ],
    ),
    (
        "Who can remove a lock-off?",
        [
            "Only the person who fitted it, who holds the key.",
            "The person whose lock it is, once their work is finished.",
        ],
    ),
    (
        "What do you do when the fire alarm sounds?",
        [
            "Stop work, make equipment safe if I can, and go to the assembly point by the nearest "
            "route.",
            "Leave by the nearest exit and report to the assembly point.",
        ],
    ),
]
