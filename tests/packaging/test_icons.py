"""The icons: PNG sizes rendered from the SVG (never drifting from it), action icons Qt can
draw, and the window carrying the application icon."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from assessor import resources
from assessor.app.window import app_icon

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "packaging"))
import render_icons  # noqa: E402  # packaging/ is not a package: the script itself


@pytest.fixture(scope="module")
def app() -> QApplication:
    found = QApplication.instance() or QApplication([])
    assert isinstance(found, QApplication)
    return found


@pytest.mark.parametrize("size", resources.APP_ICON_SIZES)
def test_each_png_is_the_svg_rendered_at_its_size(app: QApplication, size: int) -> None:
    shipped = QImage(str(resources.app_icon_png(size))).convertToFormat(QImage.Format.Format_ARGB32)
    fresh = render_icons.render(resources.app_icon_svg(), size)
    assert (shipped.width(), shipped.height()) == (size, size)
    worst = max(
        abs(a - b)
        for y in range(0, size, max(1, size // 64))
        for x in range(0, size, max(1, size // 64))
        for a, b in zip(
            shipped.pixelColor(x, y).getRgb(), fresh.pixelColor(x, y).getRgb(), strict=True
        )
    )
    assert worst <= 2, f"assessor-{size}.png differs from the SVG: run packaging/render_icons.py"


def test_the_icon_has_the_tile_colour_at_its_centre_edge_and_is_clear_outside(
    app: QApplication,
) -> None:
    image = QImage(str(resources.app_icon_png(256)))
    assert image.pixelColor(0, 0).alpha() == 0  # the rounded corner is transparent
    assert image.pixelColor(128, 128).alpha() == 255
    assert image.pixelColor(128, 20).blue() > image.pixelColor(128, 20).red()  # blue tile


@pytest.mark.parametrize("name", resources.ACTION_ICONS)
def test_each_action_icon_is_an_svg_qt_draws_on_a_24_grid(app: QApplication, name: str) -> None:
    renderer = QSvgRenderer(str(resources.action_icon(name)))
    assert renderer.isValid()
    assert renderer.defaultSize() == QSize(24, 24)
    image = render_icons.render(resources.action_icon(name), 24)
    inked = sum(image.pixelColor(x, y).alpha() > 0 for y in range(24) for x in range(24))
    assert 20 < inked < 24 * 24 // 2  # drawn, and a line drawing rather than a filled square


def test_the_app_icon_holds_every_shipped_size(app: QApplication) -> None:
    """`window.run` sets it on the application; the self-test checks the window shows it."""
    icon = app_icon()
    assert {s.width() for s in icon.availableSizes()} == set(resources.APP_ICON_SIZES)
    for size in (16, 48, 512):
        assert icon.pixmap(size).toImage() == QImage(str(resources.app_icon_png(size))).scaled(
            size, size
        ).convertToFormat(icon.pixmap(size).toImage().format())
