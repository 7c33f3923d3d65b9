"""The QR code printed on every page: drawn once per document as a form, placed on each page.

The modules come from reportlab's QR encoder (`reportlab.graphics.barcode`, which its
`qr.QrCodeWidget` wraps) and are drawn as one path of rectangles: the widget's drawing renderer
would also name Helvetica, a font not embedded, in every PDF.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from reportlab.graphics.barcode import qrencoder
from reportlab.lib.colors import black, white

QUIET_ZONE = 4  # modules of white round the code, as the standard asks


_RUN = re.compile("0{5,}|1{5,}")
_FINDER_LIKE = "10111010000"


def _penalty(rows: list[str]) -> int:
    """The mask penalty reportlab's encoder computes (`QRUtil.getLostPoint`), on strings and
    integers: the same choice of mask in a fraction of the time. Like reportlab's, its
    finder-pattern rule reads rows only (reportlab's column pass compares a tuple to a list)."""
    columns = ["".join(column) for column in zip(*rows, strict=True)]
    score = 0
    for line in (*rows, *columns):  # runs of five or more of one colour
        score += sum(len(m.group()) - 2 for m in _RUN.finditer(line))
    for line in rows:  # 1:1:3:1:1 then four light, scanned as reportlab does
        j, last = 0, len(line) - len(_FINDER_LIKE)
        while True:
            j = line.find(_FINDER_LIKE, j)
            if j < 0 or j >= last:
                break
            score += 40
            j += len(_FINDER_LIKE)
    full = (1 << len(rows)) - 1
    bits = [int(row, 2) for row in rows]
    for upper, lower in itertools.pairwise(bits):  # 2×2 blocks of one colour
        dark, light = upper & lower, ~upper & ~lower & full
        score += 3 * ((dark & (dark >> 1)).bit_count() + (light & (light >> 1)).bit_count())
    dark_share = 100 * sum(b.bit_count() for b in bits) // (len(rows) ** 2)
    return score + 10 * (abs(dark_share - 50) // 5)


_BITS = bytes.maketrans(b"\x00\x01", b"01")


def _as_strings(code: qrencoder.QRCode) -> list[str]:
    return [bytes(row).translate(_BITS).decode("ascii") for row in code.modules]


def qr_rows(payload: str) -> list[str]:
    """The module matrix of `payload` ("1" dark) at error correction level M, in the smallest
    version, with the mask of least penalty."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(payload)
    code.version = code.calculate_version()
    penalties = []
    for mask in range(8):  # scored with the format information left blank, as reportlab does
        code.makeImpl(True, mask)
        penalties.append(_penalty(_as_strings(code)))
    code.makeImpl(False, penalties.index(min(penalties)))
    return _as_strings(code)


def draw_qr(canvas: Any, payload: str, x: float, y: float, size: float) -> None:
    """Draw the QR code, `size` points square, with its lower left corner at (x, y). The
    first call in a document stores it as a form XObject; later pages reuse it."""
    name = "AssessorQR"
    if not canvas.hasForm(name):
        rows = qr_rows(payload)
        module = size / (len(rows) + 2 * QUIET_ZONE)
        canvas.beginForm(name)
        canvas.setFillColor(white)
        canvas.rect(0, 0, size, size, stroke=0, fill=1)
        canvas.setFillColor(black)
        path = canvas.beginPath()
        for r, row in enumerate(rows):
            bottom = size - (r + 1 + QUIET_ZONE) * module
            c = 0
            while c < len(row):  # one rectangle per run of dark modules
                if row[c] == "1":
                    start = c
                    while c < len(row) and row[c] == "1":
                        c += 1
                    left = (start + QUIET_ZONE) * module
                    path.rect(left, bottom, (c - start) * module, module)
                else:
                    c += 1
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.endForm()
    canvas.saveState()
    canvas.translate(x, y)
    canvas.doForm(name)
    canvas.restoreState()
