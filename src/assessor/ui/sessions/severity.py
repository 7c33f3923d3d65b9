"""Incident severity as the proctoring colours, always with the word beside the colour."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QPalette

from assessor.domain import exam as x
from assessor.ui import theme

# Text colours that read on a light and on a dark background.
_COLOURS = {
    "green": ("#276b48", "#5fce96"),
    "yellow": ("#7a6000", "#f2d04b"),
    "red": ("#b02a2a", "#ff8a8a"),
    "blue": ("#1f5fc4", "#7fb0ff"),
}
_MARKS = {"green": "●", "yellow": "▲", "red": "■", "blue": "◆"}


def _tr(text: str) -> str:
    return QCoreApplication.translate("Severity", text)


def severity_colour(severity: str, palette: QPalette | None = None) -> QColor:
    light, dark = _COLOURS.get(severity, ("#555555", "#bbbbbb"))
    return QColor(dark if theme.is_dark(palette) else light)


def severity_label(severity: str) -> str:
    """ "■ Red — suspected cheating": mark, colour's name and what it means."""
    try:
        means = x.SEVERITY_WORDS[x.Severity(severity)]
    except ValueError:
        return severity
    return f"{_MARKS[severity]} {_tr(severity.capitalize())} — {_tr(means)}"
