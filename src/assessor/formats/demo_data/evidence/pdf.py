"""The learner-document look shared by every demo PDF: fonts, styles, and a builder that
escapes all text it is given."""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from datetime import date
from importlib import resources
from typing import Any
from xml.sax.saxutils import escape

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


class Doc:
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
                    _TABLE_FONT,
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
                bulletFontName=_FONT,
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
                    _TABLE_FONT,
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
                    _TABLE_FONT,
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
            initialFontName=_FONT,  # else each page starts in Helvetica
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
                _TABLE_FONT,
                ("LINEBELOW", (1, 0), (1, 0), 0.6, colors.HexColor("#55606b")),
                ("LINEBELOW", (3, 0), (3, 0), 0.6, colors.HexColor("#55606b")),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ]
        )
    )
    return table


# The DejaVu fonts vendored in resources/fonts cover names such as Woźniak, Dvořák or Erdős,
# which reportlab's built-in Vera and Helvetica do not; embedded, they print the same anywhere.
_FONT = "AssessorDejaVuSans"
_MONO = "AssessorDejaVuSansMono"
# a table sets its cells' font even when every cell is a Paragraph: without this, Helvetica
_TABLE_FONT = ("FONT", (0, 0), (-1, -1), _FONT)


@functools.cache
def _register_fonts() -> None:
    """Register the fonts with reportlab once per process (registration is global)."""
    folder = resources.files("assessor") / "resources" / "fonts"
    faces = {
        _FONT: "DejaVuSans.ttf",
        _FONT + "-Bold": "DejaVuSans-Bold.ttf",
        _FONT + "-Oblique": "DejaVuSans-Oblique.ttf",
        _MONO: "DejaVuSansMono.ttf",
    }
    for name, file in faces.items():
        # bytes, not a path, so that this works from a zipped install too
        font = io.BytesIO((folder / file).read_bytes())
        pdfmetrics.registerFont(TTFont(name, font))
    # no bold oblique is vendored; bold is the closer match for <b><i>
    pdfmetrics.registerFontFamily(
        _FONT,
        normal=_FONT,
        bold=_FONT + "-Bold",
        italic=_FONT + "-Oblique",
        boldItalic=_FONT + "-Bold",
    )


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
            fontName=_FONT + "-Oblique",
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
            fontName=_MONO,
            fontSize=8.3,
            leading=10.4,
        ),
        "sign": ParagraphStyle(
            "sign",
            fontName=_FONT + "-Oblique",
            fontSize=11,
            leading=14,
            textColor=colors.HexColor("#1c3f7a"),
        ),
    }
