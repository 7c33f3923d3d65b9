"""The page every report shares: a header, a footer with "Page x of y", the record's id and
digest beside a QR code (the credential's verification address once one exists, else the
digest), and, for anything not verifiably signed, a stamp on every page.

A report module builds its story (flowables) and its `PageFacts`; `render` does the rest.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, BinaryIO

from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from assessor import __version__
from assessor.reports import fonts
from assessor.reports.qr import draw_qr
from assessor.reports.text import Style, clipped, draw_lines

PAGE_WIDTH, PAGE_HEIGHT = float(A4[0]), float(A4[1])
MARGIN = 40.0
BODY_WIDTH = PAGE_WIDTH - 2 * MARGIN
QR_SIZE = 72.0  # 41 modules of 1.76 pt (0.6 mm): a phone reads it off paper
FOOTER_TOP = 96.0
QR_ORIGIN = (MARGIN - 8, FOOTER_TOP - QR_SIZE - 4)  # its quiet zone overlaps the margin
INK = HexColor("#1a1a1a")
QUIET = HexColor("#555555")
RULE = HexColor("#9a9a9a")
STAMP = HexColor("#a3120f")

_HEADER = Style(size=11, leading=13, bold=True, color=INK)
_SUBHEADER = Style(size=8.5, leading=10, color=QUIET)
_FOOTER = Style(size=7.5, leading=9.5, color=INK)
_FOOTER_LABEL = Style(size=7.5, leading=9.5, bold=True, color=INK)
_STAMP = Style(size=11, leading=13, bold=True, color=white)


@dataclass(frozen=True)
class PageFacts:
    """What every page of one report says besides its body."""

    title: str  # the kind of report, in our words: "Score sheet and feedback"
    reference: str  # what it is about, one line (user text is clipped, never markup)
    record_id: str | None = None
    digest: str | None = None  # the record's digest, as recomputed from the stored bytes
    verification_url: str | None = None  # the issued credential's page, once the sync has one
    stamp: str | None = None  # "DRAFT — NOT SIGNED" and the like, on every page

    @property
    def qr_payload(self) -> str | None:
        return self.verification_url or self.digest

    @property
    def qr_caption(self) -> str:
        if self.verification_url:
            return "QR code: the credential's verification address"
        return "QR code: the record's digest"


def _frame_top(facts: PageFacts) -> float:
    return PAGE_HEIGHT - (88.0 if facts.stamp else 62.0)


def _frame_bottom() -> float:
    return FOOTER_TOP + 6


def body_height(facts: PageFacts) -> float:
    """The height of a page's body: a table row shorter than this never breaks."""
    return _frame_top(facts) - _frame_bottom()


def _draw_page(canvas: Any, facts: PageFacts, printed: datetime) -> None:
    """Everything on a page but the body and the page count (known only at the end)."""
    canvas.saveState()
    if facts.stamp:
        _watermark(canvas, facts.stamp)
    top = PAGE_HEIGHT - 30
    draw_lines(
        canvas, [clipped(facts.title, _HEADER, BODY_WIDTH)], MARGIN, top, BODY_WIDTH, _HEADER
    )
    reference = clipped(facts.reference, _SUBHEADER, BODY_WIDTH * 0.62)
    draw_lines(canvas, [reference], MARGIN, top - 14, BODY_WIDTH, _SUBHEADER, align="left")
    made = f"Assessor {__version__} · printed {printed:%Y-%m-%d %H:%M} UTC"
    draw_lines(
        canvas,
        [clipped(made, _SUBHEADER, BODY_WIDTH)],
        MARGIN,
        top,
        BODY_WIDTH,
        _SUBHEADER,
        align="right",
    )
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN, PAGE_HEIGHT - 54, PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 54)
    if facts.stamp:
        canvas.setFillColor(STAMP)
        canvas.rect(MARGIN, PAGE_HEIGHT - 80, BODY_WIDTH, 20, stroke=0, fill=1)
        line = clipped(facts.stamp, _STAMP, BODY_WIDTH - 12)
        draw_lines(canvas, [line], MARGIN, PAGE_HEIGHT - 62, BODY_WIDTH, _STAMP, align="center")
    _footer(canvas, facts)
    canvas.restoreState()


def _watermark(canvas: Any, stamp: str) -> None:
    # Across the body, under the content: a cropped or photocopied page still says it.
    canvas.saveState()
    canvas.setFillColor(Color(0.64, 0.07, 0.06, alpha=0.10))
    canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
    canvas.rotate(52)
    canvas.setFont(fonts.BOLD.name, 44)
    canvas.drawCentredString(0, 0, stamp)
    canvas.restoreState()


def _footer(canvas: Any, facts: PageFacts) -> None:
    canvas.line(MARGIN, FOOTER_TOP, PAGE_WIDTH - MARGIN, FOOTER_TOP)
    text_x = MARGIN
    if facts.qr_payload:
        draw_qr(canvas, facts.qr_payload, *QR_ORIGIN, QR_SIZE)
        text_x = MARGIN + QR_SIZE
    width = PAGE_WIDTH - MARGIN - text_x - 70
    top = FOOTER_TOP - 10
    if facts.record_id and facts.digest:
        rows = [
            ("Record", facts.record_id),
            ("Digest", facts.digest),
            *([("Verify", facts.verification_url)] if facts.verification_url else []),
            ("", facts.qr_caption),
            ("Check", "assessor record verify DIGEST --data-dir FOLDER"),
        ]
    else:
        rows = [("Record", "none: not signed, so there is no digest to check")]
    for label, value in rows:
        if label:
            draw_lines(canvas, [clipped(label, _FOOTER_LABEL, 40)], text_x, top, 40, _FOOTER_LABEL)
        line = clipped(value, _FOOTER, width - 40)
        draw_lines(canvas, [line], text_x + 40, top, width - 40, _FOOTER, align="left")
        top -= _FOOTER.leading


def _numbered_canvas(facts: PageFacts) -> type[Canvas]:
    class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab has no type hints
        """Keeps each page until the end, then writes "Page x of y" on all of them."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                self.setFont(fonts.BOLD.name, 8)
                self.setFillColor(INK)
                self.drawRightString(PAGE_WIDTH - MARGIN, 30, f"Page {number} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


# reportlab keeps per-document state inside the registered font objects: one build at a time.
_BUILD = threading.Lock()


def render(story: list[Any], facts: PageFacts, out: BinaryIO, *, title: str = "") -> int:
    """Lay out `story` on report pages and write the PDF to `out`; the number of pages."""
    fonts.register()
    frame_top = _frame_top(facts)
    frame = Frame(
        MARGIN,
        _frame_bottom(),
        BODY_WIDTH,
        frame_top - _frame_bottom(),
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc = BaseDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        title=title or facts.title,
        author="Assessor",
        creator=f"Assessor {__version__}",
        subject=facts.title,
        initialFontName=fonts.REGULAR.name,  # else Helvetica: a font not embedded
    )
    printed = datetime.now(UTC)  # one moment for every page

    def on_page(canvas: Any, _doc: Any) -> None:
        _draw_page(canvas, facts, printed)

    doc.addPageTemplates([PageTemplate(id="report", frames=[frame], onPage=on_page)])
    with _BUILD:
        doc.build(story, canvasmaker=_numbered_canvas(facts))
    return int(doc.page)
