"""One look for the whole app: Fusion style, the system's light or dark palette, one accent.

Colours carry meaning (UI.md "States and colours") and never stand alone: every use has its
word or icon beside it. A colour used for text comes from `text_colour`, which picks the shade
that reads (WCAG contrast at least 4.5:1) on the palette it is drawn on, light or dark.
"""

from __future__ import annotations

import sys
from copy import copy

from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLabel

# Fills, borders and tints (not text): the hue of each meaning.
ACCENT = QColor("#2f6fdf")  # finalized & signed, chosen level, current criterion
AMBER = QColor("#b7791f")  # awaiting sign-off, returned
GREEN = QColor("#2f855a")  # signed off, pass
RED = QColor("#c53030")  # rejected, not saved, not yet

# The same meanings as text: (on a light background, on a dark one). Each reaches 4.5:1 on
# the window, base and alternate base of its palette (tests/ui/test_theme.py measures them).
_TEXT = {
    "accent": ("#1f5fc4", "#7fb0ff"),
    "amber": ("#8a5a12", "#f0b35a"),
    "green": ("#276b48", "#5fce96"),
    "red": ("#b02a2a", "#ff8a8a"),
}
TEXT_COLOURS = tuple(_TEXT)


def text_colour(name: str, palette: QPalette | None = None) -> QColor:
    """The colour `name` (accent, amber, green, red) for text on `palette`'s backgrounds."""
    light, dark = _TEXT[name]
    return QColor(dark if is_dark(palette) else light)


def luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance of an opaque colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.red())
        + 0.7152 * channel(colour.green())
        + 0.0722 * channel(colour.blue())
    )


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio of two opaque colours, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def blend(colour: QColor, alpha: float, under: QColor) -> QColor:
    """`colour` at `alpha` (0–1) over `under`: the opaque colour a person sees."""
    return QColor(
        round(under.red() + (colour.red() - under.red()) * alpha),
        round(under.green() + (colour.green() - under.green()) * alpha),
        round(under.blue() + (colour.blue() - under.blue()) * alpha),
    )


def chosen_background(palette: QPalette | None = None) -> QColor:
    """Behind a chosen level: the accent, light enough that the window's text reads on it."""
    p = palette or QGuiApplication.palette()
    return blend(ACCENT, 0.24, p.color(QPalette.ColorRole.Window))


# State → (symbol, colour name or None). Words come from assessor.domain.workflow; the
# queue's filter buttons and its status column both read `ui.states`, never this directly.
STATE_MARKS: dict[str, tuple[str, str | None]] = {
    "to_score": ("▣", None),
    "in_progress": ("◧", None),
    "draft": ("◧", None),
    "finalized": ("■", "accent"),
    "returned": ("↩", "amber"),
    "resubmit": ("⧗", "amber"),
    "signed_off": ("✔", "green"),
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
    """The system's palette, or Fusion's light one, or our dark one; with our accent.
    (Copied with `copy`: `QPalette(p)`'s overloads would make the `Qt` namespace, a cost
    the first paint avoids, decision 0034.)"""
    if mode == "light":
        palette = QApplication.style().standardPalette()
    elif mode == "dark":
        palette = copy(system)
        for role, colour in _DARK.items():
            palette.setColor(role, QColor(colour))
        palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#6b6e73"))
        palette.setColor(
            QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#6b6e73")
        )
    else:
        palette = copy(system)
    palette.setColor(QPalette.ColorRole.Highlight, ACCENT)
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("white"))
    palette.setColor(QPalette.ColorRole.Link, ACCENT.lighter(130) if is_dark(palette) else ACCENT)
    return palette


_system: QPalette | None = None
_base_font: QFont | None = None
_fusion_from_start = False


def application() -> QApplication:
    """The QApplication; one made here starts in Fusion, so that `apply` need not set the
    style (a second style object, and Qt's QStyle class made for Python: ~60 ms of a start)."""
    global _fusion_from_start
    app = QApplication.instance()
    if app is None:
        app = QApplication([*sys.argv[:1], "-style", "fusion"])  # over $QT_STYLE_OVERRIDE too
        _fusion_from_start = True
    assert isinstance(app, QApplication)
    return app


def apply(app: QApplication, mode: str = "system", font_scale: float = 1.0) -> None:
    """Fusion with the chosen palette (the system's by default) and font size."""
    global _system, _base_font
    if not _fusion_from_start:
        app.setStyle("Fusion")
    if _system is None:
        _system, _base_font = copy(app.palette()), QFont(app.font())
    app.setPalette(palette_for(mode, _system))
    assert _base_font is not None
    font = QFont(_base_font)
    size = _base_font.pointSizeF()
    if size > 0:
        font.setPointSizeF(size * font_scale)
    app.setFont(font)


def monospace() -> QFont:
    from PySide6.QtGui import QFontDatabase  # its class (and enums) not made before a paint

    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(QFont.StyleHint.Monospace)
    return font


def paint(label: QLabel, colour: QColor | None, *, bold: bool) -> None:
    """Text in `colour` (None: the palette's own), bold or not."""
    palette = label.palette()
    parent = label.parentWidget()
    default = parent.palette() if parent is not None else palette
    palette.setColor(
        QPalette.ColorRole.WindowText,
        colour or default.color(QPalette.ColorRole.WindowText),
    )
    label.setPalette(palette)
    font = label.font()
    font.setBold(bold)
    label.setFont(font)
