"""A table of plain-text cells that breaks across pages: the header row repeats on every
page, and a row taller than a page breaks inside itself, line by line.

reportlab's own Table cannot be trusted with that: it cannot split a row unless `splitInRow`
is on, and then it repeats the header in the middle of a page and wraps text split at the
column's width instead of the cell's. Every report's tables are this one (the score sheet's
criteria × levels grid now; a session's roster later).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from reportlab.lib.colors import Color, HexColor
from reportlab.platypus import Flowable

from assessor.reports.text import Line, Style, draw_placed, layout, line_left

PAD_X = 3.0
PAD_Y = 2.5
RULE = HexColor("#9a9a9a")
BOX = HexColor("#1a1a1a")


@dataclass(frozen=True)
class Para:
    text: str
    style: Style
    space_before: float = 0.0


@dataclass(frozen=True)
class Cell:
    paras: tuple[Para, ...] = ()
    span: int = 1  # columns it covers, from its own
    fill: Color | None = None
    box: float = 0.0  # a border this wide round the cell (0: the grid's own lines only)
    align: str = "start"


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    lines: bool = True  # draw the grid's lines round its cells


@dataclass(frozen=True)
class _Laid:
    """A cell laid out: each line with its style and the gap above it."""

    cell: Cell
    width: float
    lines: tuple[tuple[Line, Style, float], ...]

    @property
    def height(self) -> float:
        return sum(style.leading + gap for _, style, gap in self.lines) + 2 * PAD_Y

    def cut(self, height: float) -> tuple[_Laid, _Laid]:
        """The lines that fit `height` and the rest."""
        used = 2 * PAD_Y
        n = 0
        for _, style, gap in self.lines:
            if used + style.leading + gap > height:
                break
            used += style.leading + gap
            n += 1
        rest = tuple(
            (line, style, 0.0 if i == 0 else gap)
            for i, (line, style, gap) in enumerate(self.lines[n:])
        )
        return replace(self, lines=self.lines[:n]), replace(self, lines=rest)


@dataclass
class _LaidRow:
    row: Row
    cells: list[_Laid] = field(default_factory=list)

    @property
    def height(self) -> float:
        return max((c.height for c in self.cells), default=0.0)


def _pad(cell: Cell) -> float:
    return PAD_X + cell.box  # text keeps clear of a thick border


def _lay_cell(cell: Cell, width: float) -> _Laid:
    inner = max(1.0, width - 2 * _pad(cell))
    lines: list[tuple[Line, Style, float]] = []
    for para in cell.paras:
        for i, line in enumerate(layout(para.text, para.style, inner)):
            lines.append((line, para.style, para.space_before if i == 0 else 0.0))
    return _Laid(cell, width, tuple(lines))


def _lay_row(row: Row, widths: list[float]) -> _LaidRow:
    laid = _LaidRow(row)
    column = 0
    for cell in row.cells:
        width = sum(widths[column : column + cell.span])
        laid.cells.append(_lay_cell(cell, width))
        column += cell.span
    return laid


class Grid(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """Rows of cells in fixed columns, with an optional header row repeated on each page."""

    def __init__(
        self,
        widths: list[float],
        rows: list[Row],
        *,
        header: Row | None = None,
        page_height: float = 1e9,
        space_after: float = 0.0,
        _laid: tuple[_LaidRow | None, list[_LaidRow]] | None = None,
    ) -> None:
        super().__init__()
        self.widths = widths
        self.rows = rows
        self.header = header
        self.page_height = page_height  # the frame's height: rows shorter than it never split
        self.spaceAfter = space_after
        if _laid is None:
            self._header = _lay_row(header, widths) if header else None
            self._rows = [_lay_row(r, widths) for r in rows]
        else:
            self._header, self._rows = _laid
        self.width = sum(widths)

    def _header_height(self) -> float:
        return self._header.height if self._header else 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.height = self._header_height() + sum(r.height for r in self._rows)
        return self.width, self.height

    def _part(self, rows: list[_LaidRow], space_after: float = 0.0) -> Grid:
        return Grid(
            self.widths,
            [r.row for r in rows],
            header=self.header,
            page_height=self.page_height,
            space_after=space_after,
            _laid=(self._header, rows),
        )

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        used = self._header_height()
        k = 0
        while k < len(self._rows) and used + self._rows[k].height <= availHeight:
            used += self._rows[k].height
            k += 1
        if k == len(self._rows):
            return [self]
        first, rest = self._rows[:k], self._rows[k:]
        row = rest[0]
        room = availHeight - used
        too_tall = row.height + self._header_height() > self.page_height
        if too_tall and room >= 4 * PAD_Y + 3 * 10:
            top = _LaidRow(row.row, [])
            bottom = _LaidRow(row.row, [])
            for cell in row.cells:
                a, b = cell.cut(room)
                top.cells.append(a)
                bottom.cells.append(b)
            if any(c.lines for c in top.cells):
                first = [*first, top]
                rest = [bottom, *rest[1:]]
        if not first:
            return []
        return [self._part(first), self._part(rest, self.spaceAfter)]

    def draw(self) -> None:
        canvas = self.canv
        y = self.height
        placed: list[tuple[Line, Style, float, float]] = []
        rows = ([self._header] if self._header else []) + self._rows
        for laid in rows:
            height = laid.height
            x = 0.0
            for cell in laid.cells:
                _draw_box(canvas, cell, x, y, height, laid.row.lines)
                _place_text(placed, cell, x, y)
                x += cell.width
            y -= height
        draw_placed(canvas, placed)


def _draw_box(canvas: Any, laid: _Laid, x: float, top: float, height: float, ruled: bool) -> None:
    cell = laid.cell
    if cell.fill is not None:
        canvas.setFillColor(cell.fill)
        canvas.rect(x, top - height, laid.width, height, stroke=0, fill=1)
    if ruled:
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.rect(x, top - height, laid.width, height, stroke=1, fill=0)
    if cell.box:
        inset = cell.box / 2
        canvas.setStrokeColor(BOX)
        canvas.setLineWidth(cell.box)
        width, inner_height = laid.width - cell.box, height - cell.box
        canvas.rect(x + inset, top - height + inset, width, inner_height, stroke=1, fill=0)


def _place_text(
    placed: list[tuple[Line, Style, float, float]], laid: _Laid, x: float, top: float
) -> None:
    y = top - PAD_Y
    pad = _pad(laid.cell)
    inner = laid.width - 2 * pad
    for line, style, gap in laid.lines:
        y -= gap
        left = line_left(line, x + pad, inner, laid.cell.align)
        placed.append((line, style, left, y - style.size))
        y -= style.leading
