"""The QR code printed on every page: drawn once per document as a form, placed on each page.

The modules come from reportlab's QR encoder (`reportlab.graphics.barcode.qr`) and are drawn
as plain rectangles: reportlab's drawing renderer would also name Helvetica, a font not
embedded, in every PDF.
"""

from __future__ import annotations

from typing import Any

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Group, Rect
from reportlab.lib.colors import black, white


def qr_modules(payload: str) -> tuple[float, list[tuple[float, float, float, float]]]:
    """(side, dark rectangles as x, y, width, height) of `payload`'s QR code, error
    correction M, with its four-module quiet zone."""
    widget = QrCodeWidget(payload, barLevel="M", barBorder=4)
    x0, y0, x1, y1 = widget.getBounds()
    dark: list[tuple[float, float, float, float]] = []

    def walk(node: Any) -> None:
        if isinstance(node, Group):
            for child in node.contents:
                walk(child)
        elif isinstance(node, Rect) and node.fillColor is not None:
            dark.append((node.x - x0, node.y - y0, node.width, node.height))

    walk(widget.draw())
    return max(x1 - x0, y1 - y0), dark


def draw_qr(canvas: Any, payload: str, x: float, y: float, size: float) -> None:
    """Draw the QR code, `size` points square, with its lower left corner at (x, y). The
    first call in a document stores it as a form XObject; later pages reuse it."""
    name = "AssessorQR"
    if not canvas.hasForm(name):
        side, dark = qr_modules(payload)
        scale = size / side
        canvas.beginForm(name)
        canvas.setFillColor(white)
        canvas.rect(0, 0, size, size, stroke=0, fill=1)
        canvas.setFillColor(black)
        for mx, my, mw, mh in dark:
            canvas.rect(mx * scale, my * scale, mw * scale, mh * scale, stroke=0, fill=1)
        canvas.endForm()
    canvas.saveState()
    canvas.translate(x, y)
    canvas.doForm(name)
    canvas.restoreState()
