"""Incident severities as text colours: each reads on the backgrounds it is drawn on, in the
light and the dark theme, as the theme's own text colours must (tests/ui/test_theme.py)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from assessor.domain import exam as x
from assessor.ui import theme
from assessor.ui.sessions.severity import severity_colour, severity_label

pytestmark = pytest.mark.usefixtures("qapp")

BACKGROUNDS = (
    QPalette.ColorRole.Window,
    QPalette.ColorRole.Base,  # the log's rows
    QPalette.ColorRole.AlternateBase,  # the log's other rows
)


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("severity", [s.value for s in x.Severity])
def test_every_severity_reads_on_its_background(mode: str, severity: str) -> None:
    palette = theme.palette_for(mode, QApplication.palette())
    text = severity_colour(severity, palette)
    for role in BACKGROUNDS:
        ratio = theme.contrast(text, palette.color(role))
        assert ratio >= 4.5, f"{severity} on {role.name} in {mode}: {ratio:.2f}:1"


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_the_severities_are_four_colours_and_the_theme_s_where_it_has_them(mode: str) -> None:
    palette = theme.palette_for(mode, QApplication.palette())
    colours = {s.value: severity_colour(s.value, palette).name() for s in x.Severity}
    assert len(set(colours.values())) == len(x.Severity)
    assert colours["green"] == theme.text_colour("green", palette).name()
    assert colours["red"] == theme.text_colour("red", palette).name()
    assert colours["blue"] == theme.text_colour("accent", palette).name()


def test_the_label_says_the_word_beside_the_colour() -> None:
    assert severity_label("red") == "■ Red — " + x.SEVERITY_WORDS[x.Severity.RED]
    assert severity_label("purple") == "purple"
