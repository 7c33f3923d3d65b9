"""Incident severity as the proctoring colours, always with the word beside the colour."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QPalette

from assessor.domain import exam as x
from assessor.ui import theme

# Green, red and blue are the theme's text colours of those hues; the theme has no yellow, so
# it is here: (on a light background, on a dark one), as the theme's are.
_THEME = {"green": "green", "red": "red", "blue": "accent"}
_OWN = {"yellow": ("#7a6000", "#f2d04b")}
_UNKNOWN = ("#555555", "#bbbbbb")
_MARKS = {"green": "●", "yellow": "▲", "red": "■", "blue": "◆"}


def _tr(text: str) -> str:
    return QCoreApplication.translate("Severity", text)


def severity_colour(severity: str, palette: QPalette | None = None) -> QColor:
    if severity in _THEME:
        return theme.text_colour(_THEME[severity], palette)
    light, dark = _OWN.get(severity, _UNKNOWN)
    return QColor(dark if theme.is_dark(palette) else light)


def severity_label(severity: str) -> str:
    """ "■ Red — suspected cheating": mark, colour's name and what it means."""
    try:
        means = x.SEVERITY_WORDS[x.Severity(severity)]
    except ValueError:
        return severity
    return f"{_MARKS[severity]} {_tr(severity.capitalize())} — {_tr(means)}"
