"""A TrueType font registered with reportlab under a name that gets exactly that font.

reportlab keeps one font object per face name (the name inside the font file): registering a
second file with the same face name under a new name silently gives the new name the first
object. The desktop's reports and the issuer's certificates both register a file whose face is
"DroidSansFallback" (the vendored one, the system's "Full" one): in one process (a demo issuer
beside the window; the test suite) whichever came second drew with the other's font, and its
text no longer read back (found when the suite ran in two processes, in another order).
`register` has reportlab file the font under its registration name instead, which callers
keep unique; the PDF still names the font by its face (viewers list it so).
"""

from __future__ import annotations

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont


def register(font: TTFont) -> TTFont:
    """Register `font` under its own name; the font that name then draws with (an earlier
    registration of the same name stays, as reportlab keeps it)."""
    face = font.face.name
    font.face.name = f"registered as {font.fontName}".encode()  # reportlab's key, for now
    try:
        pdfmetrics.registerFont(font)
    finally:
        font.face.name = face
    found = pdfmetrics.getFont(font.fontName)
    assert isinstance(found, TTFont)
    return found
