"""A submission's state as every screen shows it: one word, one symbol, one colour (UI.md
"States and colours"). The queue's filter buttons and its status column both ask `look`."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QPalette

from assessor.domain.workflow import STATUS_WORDS, SubmissionStatus
from assessor.ui import theme


def _tr(text: str) -> str:
    return QCoreApplication.translate("States", text)


@dataclass(frozen=True)
class Look:
    word: str
    symbol: str
    colour: QColor | None  # for text on the palette asked about; None: the palette's own

    @property
    def label(self) -> str:
        """ "■ Finalized & signed": the symbol, then the word (never the colour alone)."""
        return f"{self.symbol} {self.word}"


def look(status: str, palette: QPalette | None = None) -> Look:
    """How `status` (a SubmissionStatus value) is shown on `palette` (the application's when
    None). A state this version does not know is shown by its name, so no row hides."""
    try:
        word = _tr(STATUS_WORDS[SubmissionStatus(status)])
    except ValueError:
        return Look(status, "?", None)
    symbol, colour = theme.STATE_MARKS[status]
    return Look(word, symbol, theme.text_colour(colour, palette) if colour else None)
