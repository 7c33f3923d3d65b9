"""A printable certificate (PDF, A4 landscape) for a credential, with its verification URL
as text and as a QR code.

Text is drawn with the canvas's plain string calls, never through reportlab's Paragraph
markup, so a name like "<font color=red>" prints as those characters. DejaVu Sans is
embedded (from the assessor package's fonts) so any learner's name renders.
"""

from __future__ import annotations

import functools
import io
import os
from importlib import resources

from bidi import get_display
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from assessor.formats import pdf_fonts
from issuer.issuance.view import EXPIRED, REVOKED, CredentialView

FONT = "IssuerDejaVuSans"
BOLD = "IssuerDejaVuSans-Bold"
DARK = (0x0F / 255, 0x4C / 255, 0x5C / 255)
ACCENT = (0xE3 / 255, 0x64 / 255, 0x14 / 255)
GREY = (0.35, 0.42, 0.44)

# Characters DejaVu lacks (CJK, emoji) are drawn with the first of these system fonts that has
# them (Debian packages fonts-droid-fallback and fonts-symbola; TrueType outlines, which
# reportlab can embed). Without them such characters print as empty boxes.
FALLBACK_FONTS = (
    ("IssuerDroidSansFallback", "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    ("IssuerSymbola", "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf"),
)


def _utf16_hex(code_point: int) -> str:
    return chr(code_point).encode("utf-16-be", "surrogatepass").hex().upper()


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, but with UTF-16 values: reportlab writes a code point above
    U+FFFF (an emoji) as five hex digits, which PDF readers reject, so copied text loses it."""
    cmap = str(ttfonts_original_cmap(fontname, subset))
    for index, code_point in enumerate(subset):
        if code_point > 0xFFFF:
            cmap = cmap.replace(
                f"<{index:02X}> <{code_point:04X}>", f"<{index:02X}> <{_utf16_hex(code_point)}>"
            )
    return cmap


ttfonts_original_cmap = ttfonts.makeToUnicodeCMap
if ttfonts_original_cmap("probe", [0x1F393]).count("<1F393>"):  # only while the bug is there
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap


@functools.cache
def _fonts() -> dict[str, tuple[tuple[str, frozenset[int]], ...]]:
    """Register the fonts once per process (registration is global). For FONT and BOLD: the
    fonts to try, in order, each with the code points it has glyphs for."""
    folder = resources.files("assessor").joinpath("resources/fonts")
    for name, file in ((FONT, "DejaVuSans.ttf"), (BOLD, "DejaVuSans-Bold.ttf")):
        # bytes, not a path: works from a zipped install too
        pdf_fonts.register(TTFont(name, io.BytesIO(folder.joinpath(file).read_bytes())))
    fallbacks: list[str] = []
    for name, path in FALLBACK_FONTS:
        if os.path.exists(path):
            try:
                pdf_fonts.register(TTFont(name, path))
            except Exception:  # noqa: S112  # a font reportlab cannot read is simply not used
                continue
            fallbacks.append(name)
    return {
        primary: tuple(
            (name, frozenset(pdfmetrics.getFont(name).face.charToGlyph))
            for name in (primary, *fallbacks)
        )
        for primary in (FONT, BOLD)
    }


def fallback_fonts() -> list[str]:
    """The fallback fonts found on this system (for CJK and emoji)."""
    return [name for name, _ in _fonts()[FONT][1:]]


def _runs(text: str, primary: str) -> list[tuple[str, str]]:
    """(font, text) runs: each character in the first font that has a glyph for it."""
    fonts = _fonts()[primary]
    runs: list[tuple[str, str]] = []
    for ch in text:
        font = primary
        if ord(ch) not in fonts[0][1]:
            font = next((name for name, covered in fonts[1:] if ord(ch) in covered), primary)
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + ch)
        else:
            runs.append((font, ch))
    return runs


def _width(text: str, font: str, size: float) -> float:
    return float(sum(pdfmetrics.stringWidth(run, name, size) for name, run in _runs(text, font)))


def _clean(text: str) -> str:
    # Control characters have no glyph; a line break inside a name would split it oddly.
    return "".join(" " if ord(ch) < 32 or ord(ch) == 127 else ch for ch in text)


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in _clean(text).split(" "):
        candidate = f"{current} {word}" if current else word
        if current and _width(candidate, font, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    return lines


def _hard_wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of a URL, cut anywhere (it has no spaces)."""
    lines = [""]
    for ch in _clean(text):
        if lines[-1] and pdfmetrics.stringWidth(lines[-1] + ch, font, size) > width:
            lines.append("")
        lines[-1] += ch
    return lines


def _draw(canvas: Canvas, x: float, y: float, text: str, font: str, size: float,
          *, centred: bool = False) -> None:  # fmt: skip
    """Draw one line in visual order (right-to-left scripts reordered), font by font."""
    visual = str(get_display(text))
    if centred:
        x -= _width(visual, font, size) / 2
    for name, run in _runs(visual, font):
        canvas.setFont(name, size)
        canvas.drawString(x, y, run)
        x += pdfmetrics.stringWidth(run, name, size)


def _centred(canvas: Canvas, text: str, top: float, font: str, size: float, width: float,
             max_lines: int = 3) -> float:  # fmt: skip
    """Draw `text` centred below `top`, wrapped to `width`, at most `max_lines` lines; the y
    just under its last line."""
    page_width = canvas._pagesize[0]
    lines = _wrap(text, font, size, width)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip() + "…"
    baseline = top - size
    for line in lines:
        _draw(canvas, page_width / 2, baseline, line, font, size, centred=True)
        baseline -= size * 1.25
    return baseline + size * 1.25 - size * 0.3


def _date(timestamp: str | None) -> str:
    return timestamp[:10] if timestamp else ""


def _qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """A QR code (error correction M, 4-module quiet zone) drawn as filled squares: no
    reportlab Drawing, which would pull in a non-embedded Helvetica."""
    qr = QrCodeWidget(text, barLevel="M").qr
    qr.make()
    count = qr.getModuleCount()
    module = size / (count + 8)
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    for row in range(count):
        for column in range(count):
            if qr.isDark(row, column):
                canvas.rect(x + (column + 4) * module, y + size - (row + 5) * module,
                            module, module, stroke=0, fill=1)  # fmt: skip


def certificate_pdf(view: CredentialView) -> bytes:
    """The certificate for `view` as PDF bytes (one page)."""
    _fonts()
    out = io.BytesIO()
    page_width, page_height = landscape(A4)
    canvas = Canvas(
        out,
        pagesize=(page_width, page_height),
        pageCompression=1,
        invariant=1,
        initialFontName=FONT,  # no Helvetica: every glyph comes from an embedded font
    )
    canvas.setTitle(_clean(f"{view.name} — {view.issuer_name}"))
    canvas.setAuthor(_clean(view.issuer_name))
    canvas.setSubject("Open Badges 3.0 credential certificate")

    # frame
    canvas.setStrokeColorRGB(*DARK)
    canvas.setLineWidth(6)
    canvas.rect(24, 24, page_width - 48, page_height - 48)
    canvas.setStrokeColorRGB(*ACCENT)
    canvas.setLineWidth(1.5)
    canvas.rect(36, 36, page_width - 72, page_height - 72)

    text_width = page_width - 200
    canvas.setFillColorRGB(*DARK)
    y = _centred(canvas, f"CERTIFICATE · {view.achievement_type.upper()}", page_height - 70,
                 BOLD, 18, text_width)  # fmt: skip
    canvas.setFillColorRGB(*GREY)
    y = _centred(canvas, "This certifies that", y - 26, FONT, 14, text_width)
    canvas.setFillColorRGB(0, 0, 0)
    learner = view.learner_name or f"the holder of learner identifier {view.learner_id}"
    learner_size = 30 if view.learner_name else 15
    y = _centred(canvas, learner, y - 12, BOLD, learner_size, text_width, max_lines=2)
    canvas.setFillColorRGB(*GREY)
    y = _centred(canvas, "has earned", y - 20, FONT, 14, text_width)
    canvas.setFillColorRGB(*DARK)
    y = _centred(canvas, view.name, y - 12, BOLD, 28, text_width, max_lines=2)
    canvas.setFillColorRGB(0, 0, 0)
    _centred(canvas, f"issued by {view.issuer_name}", y - 16, FONT, 15, text_width, 2)

    # details, bottom left; QR code, bottom right
    validity = f"valid until {_date(view.valid_until)}" if view.valid_until else "no end date"
    details = [
        ("Date of award", _date(view.awarded or view.valid_from)),
        ("Validity", validity),
        ("Issuer", view.issuer_did),
    ]
    if view.status == REVOKED:
        details.append(("Status", "REVOKED"))
    elif view.status == EXPIRED:
        details.append(("Status", "EXPIRED"))
    qr_size = 130.0
    left = 70.0
    bottom = 70.0
    line_y = bottom + qr_size - 12
    for label, value in details:
        canvas.setFont(BOLD, 10)
        canvas.setFillColorRGB(*GREY)
        canvas.drawString(left, line_y, label)
        canvas.setFillColorRGB(0, 0, 0)
        for part in _wrap(value, FONT, 10, 420)[:2]:
            _draw(canvas, left + 95, line_y, part, FONT, 10)
            line_y -= 13
        line_y -= 3
    canvas.setFont(BOLD, 10)
    canvas.setFillColorRGB(*GREY)
    canvas.drawString(left, line_y, "Verify at")
    canvas.setFont(FONT, 9)
    canvas.setFillColorRGB(*DARK)
    for part in _hard_wrap(view.credential_url, FONT, 9, 420)[:3]:
        canvas.drawString(left + 95, line_y, part)
        line_y -= 12

    _qr(canvas, view.credential_url, page_width - 70 - qr_size, bottom, qr_size)
    canvas.setFont(FONT, 8)
    canvas.setFillColorRGB(*GREY)
    canvas.drawCentredString(page_width - 70 - qr_size / 2, bottom - 12, "Scan to verify")

    canvas.showPage()
    canvas.save()
    return out.getvalue()
