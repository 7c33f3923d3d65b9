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


_DARK = {
    QPalette.ColorRole.Window: "#2b2d30",
    QPalette.ColorRole.WindowText: "#e6e6e6",
    QPalette.ColorRole.Base: "#1f2023",
    QPalette.ColorRole.AlternateBase: "#26282b",
    QPalette.ColorRole.Text: "#e6e6e6",
    QPalette.ColorRole.Button: "#34363a",
    QPalette.ColorRole.ButtonText: "#e6e6e6",
    QPalette.ColorRole.ToolTipBase: "#34363a",
    QPalette.ColorRole.ToolTipText: "#e6e6e6",
    QPalette.ColorRole.PlaceholderText: "#8c8f94",
    QPalette.ColorRole.Mid: "#4a4d52",
    QPalette.ColorRole.Dark: "#1a1b1d",
}


def palette_for(mode: str, system: QPalette) -> QPalette:
    """The system's palette, or Fusion's light one, or our dark one; with our accent."""
    if mode == "light":
        palette = QApplication.style().standardPalette()
    elif mode == "dark":
        palette = QPalette(system)
        for role, colour in _DARK.items():
            palette.setColor(role, QColor(colour))
        palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#6b6e73"))
        palette.setColor(
            QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#6b6e73")
        )
    else:
        palette = QPalette(system)
    palette.setColor(QPalette.ColorRole.Highlight, ACCENT)
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("white"))
    palette.setColor(QPalette.ColorRole.Link, ACCENT.lighter(130) if is_dark(palette) else ACCENT)
    return palette


_system: QPalette | None = None
_base_font: QFont | None = None


def apply(app: QApplication, mode: str = "system", font_scale: float = 1.0) -> None:
    """Fusion with the chosen palette (the system's by default) and font size."""
    global _system, _base_font
    app.setStyle("Fusion")
    if _system is None:
        _system, _base_font = QPalette(app.palette()), QFont(app.font())
    app.setPalette(palette_for(mode, _system))
    assert _base_font is not None
    font = QFont(_base_font)
    size = _base_font.pointSizeF()
    if size > 0:
        font.setPointSizeF(size * font_scale)
    app.setFont(font)


def monospace() -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(QFont.StyleHint.Monospace)
    return font
