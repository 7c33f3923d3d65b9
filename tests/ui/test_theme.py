"""Colours used for text read on the background they are drawn on, in the light and the dark
theme: WCAG 2 contrast at least 4.5:1, computed from relative luminance."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from assessor.ui import states, theme

pytestmark = pytest.mark.usefixtures("qapp")

BACKGROUNDS = (
    QPalette.ColorRole.Window,  # labels: the outcome, the signed banner, CRITICAL, errors
    QPalette.ColorRole.Base,  # the queue's rows
    QPalette.ColorRole.AlternateBase,  # the queue's other rows
    QPalette.ColorRole.Button,  # the queue's filter buttons
)


def test_contrast_is_the_wcag_ratio() -> None:
    white, black = QColor("white"), QColor("black")
    assert theme.contrast(white, black) == pytest.approx(21.0)
    assert theme.contrast(black, white) == pytest.approx(21.0)
    assert theme.contrast(QColor("#777777"), white) == pytest.approx(4.48, abs=0.01)
    assert theme.contrast(QColor("#595959"), white) == pytest.approx(7.0, abs=0.01)
    assert theme.contrast(QColor("#2f6fdf"), QColor("#2f6fdf")) == 1.0


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("name", theme.TEXT_COLOURS)
def test_every_status_colour_reads_on_its_background(mode: str, name: str) -> None:
    palette = theme.palette_for(mode, QApplication.palette())
    assert theme.is_dark(palette) == (mode == "dark")
    text = theme.text_colour(name, palette)
    for role in BACKGROUNDS:
        ratio = theme.contrast(text, palette.color(role))
        assert ratio >= 4.5, f"{name} on {role.name} in {mode}: {ratio:.2f}:1"


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_the_hues_alone_would_not_read_in_both_themes(mode: str) -> None:
    """Why text takes `text_colour`: the fill hues fail on one background or the other."""
    palette = theme.palette_for(mode, QApplication.palette())
    window = palette.color(QPalette.ColorRole.Window)
    worst = min(theme.contrast(c, window) for c in (theme.ACCENT, theme.GREEN, theme.AMBER))
    assert worst < 4.5


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_the_window_text_reads_on_a_chosen_level(mode: str) -> None:
    palette = theme.palette_for(mode, QApplication.palette())
    behind = theme.chosen_background(palette)
    text = palette.color(QPalette.ColorRole.WindowText)
    assert theme.contrast(text, behind) >= 7.0


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_a_state_shown_in_colour_reads_too(mode: str) -> None:
    palette = theme.palette_for(mode, QApplication.palette())
    for status in ("to_score", "in_progress", "finalized"):
        look = states.look(status, palette)
        if look.colour is not None:
            for role in BACKGROUNDS:
                assert theme.contrast(look.colour, palette.color(role)) >= 4.5
