"""Flowables for user text: laid out by `text.layout`, split across pages line by line."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable

from assessor.reports.text import Line, Style, draw_lines, layout


class TextBlock(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """Plain text, never markup: what is stored is what is drawn (see `text`)."""

    def __init__(
        self,
        text: str,
        style: Style,
        *,
        align: str = "start",
        space_after: float = 0.0,
        lines: tuple[Line, ...] | None = None,
    ) -> None:
        super().__init__()
        self.text = text
        self.style = style
        self.align = align
        self.spaceAfter = space_after
        self._lines = lines
        self._for_width = -1.0

    def _laid_out(self, width: float) -> tuple[Line, ...]:
        if self._lines is None or (self._for_width != width and self._for_width >= 0):
            self._lines = layout(self.text, self.style, width)
            self._for_width = width
        return self._lines

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        lines = self._laid_out(availWidth)
        self.height = len(lines) * self.style.leading
        return availWidth, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Any]:
        lines = self._laid_out(availWidth)
        fit = int(availHeight // self.style.leading)
        if fit <= 0 or fit >= len(lines):
            return [] if fit <= 0 else [self]
        first = TextBlock(self.text, self.style, align=self.align, lines=lines[:fit])
        rest = TextBlock(
            self.text, self.style, align=self.align, space_after=self.spaceAfter, lines=lines[fit:]
        )
        first._for_width = rest._for_width = -1.0  # pinned: these lines, whatever the width
        return [first, rest]

    def draw(self) -> None:
        lines = self._laid_out(self.width)
        draw_lines(self.canv, lines, 0, self.height, self.width, self.style, align=self.align)
