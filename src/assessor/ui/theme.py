"""One look for the whole app: Fusion style, the system's light or dark palette, one accent.

Colours carry meaning (UI.md "States and colours") and never stand alone: every use has its
word or icon beside it.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

ACCENT = QColor("#2f6fdf")  # finalized & signed, chosen level, current criterion
AMBER = QColor("#b7791f")  # awaiting sign-off, returned
GREEN = QColor("#2f855a")  # signed off, pass
RED = QColor("#c53030")  # rejected, not saved, not yet

# State → (word, symbol, colour). The same triple wherever the state is shown.
STATES: dict[str, tuple[str, str, QColor | None]] = {
    "to_score": ("To score", "▣", None),
    "in_progress": ("Draft", "◧", None),
    "draft": ("Draft", "◧", None),
    "finalized": ("Finalized & signed", "■", ACCENT),
}


def is_dark(palette: QPalette | None = None) -> bool:
    p = palette or QGuiApplication.palette()
    return p.color(QPalette.ColorRole.Window).lightness() < 128


def apply(app: QApplication) -> None:
    """Fusion with the system palette (light or dark), our accent as the highlight."""
    app.setStyle("Fusion")
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Highlight, ACCENT)
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("white"))
    palette.setColor(QPalette.ColorRole.Link, ACCENT.lighter(130) if is_dark(palette) else ACCENT)
    app.setPalette(palette)


def monospace() -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(QFont.StyleHint.Monospace)
    return font
