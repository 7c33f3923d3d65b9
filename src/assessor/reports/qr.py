"""The QR code printed on every page: drawn once per document as a form, placed on each page."""

from __future__ import annotations

from typing import Any

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing


def qr_drawing(payload: str, size: float) -> Drawing:
    """A `size`-point square QR code of `payload` (error correction M, quiet zone included)."""
    widget = QrCodeWidget(payload, barLevel="M", barBorder=4)
    x0, y0, x1, y1 = widget.getBounds()
    sx, sy = size / (x1 - x0), size / (y1 - y0)
    drawing = Drawing(size, size, transform=[sx, 0, 0, sy, -x0 * sx, -y0 * sy])
    drawing.add(widget)
    return drawing


def draw_qr(canvas: Any, payload: str, x: float, y: float, size: float) -> None:
    """Draw the QR code with its lower left corner at (x, y). The first call in a document
    stores it as a form XObject; later pages reuse it."""
    name = "AssessorQR"
    if not canvas.hasForm(name):
        canvas.beginForm(name)
        renderPDF.draw(qr_drawing(payload, size), canvas, 0, 0)
        canvas.endForm()
    canvas.saveState()
    canvas.translate(x, y)
    canvas.doForm(name)
    canvas.restoreState()
