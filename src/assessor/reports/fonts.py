"""The report fonts: where their files are, registering them with reportlab once, and which
font draws a character (reportlab picks no fallback by itself).

The files live in the top-level `resources/fonts/` of a checkout; a built wheel carries them
as `assessor/resources/fonts/` (setup.py copies them), as does the bundle. They are found
with `assessor.resources.resource_file`, the one lookup for all three.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont

from assessor.formats import pdf_fonts

# Re-exported: callers and tests know them as fonts.resource_file and fonts.ResourceMissing.
from assessor.resources import ResourceMissing as ResourceMissing
from assessor.resources import resource_file as resource_file


@dataclass(frozen=True)
class FontFile:
    name: str  # the reportlab name; prefixed so it never meets another registration
    file: str


REGULAR = FontFile("AssessorReportSans", "NotoSans-Regular.ttf")
BOLD = FontFile("AssessorReportSans-Bold", "NotoSans-Bold.ttf")
ARABIC = FontFile("AssessorReportArabic", "NotoSansArabic-Regular.ttf")
HEBREW = FontFile("AssessorReportHebrew", "NotoSansHebrew-Regular.ttf")
CJK = FontFile("AssessorReportCJK", "DroidSansFallback.ttf")
SYMBOLS = FontFile("AssessorReportSymbols", "Symbola-subset.ttf")
# After the first font: the order in which a character not in it is looked for.
FALLBACKS = (ARABIC, HEBREW, CJK, SYMBOLS)
ALL = (REGULAR, BOLD, *FALLBACKS)

_PRESENTATION_FORMS = ((0xFB50, 0xFDFF), (0xFE70, 0xFEFF))


def is_presentation_form(code: int) -> bool:
    return any(low <= code <= high for low, high in _PRESENTATION_FORMS)


@lru_cache(maxsize=256)
def _to_unicode_cmap(name: str, subset: tuple[int, ...]) -> str:
    """A ToUnicode CMap in which an Arabic presentation form (the joined shape we draw) maps
    back to the letters it shows (its compatibility decomposition), so that text copied or
    extracted from the PDF is the text that was written, not its shapes."""
    entries = []
    for code, unicode_value in enumerate(subset):
        target = chr(unicode_value)
        if is_presentation_form(unicode_value):
            target = unicodedata.normalize("NFKC", target)
        hex_text = target.encode("utf-16-be").hex().upper()
        entries.append(f"<{code:02X}> <{hex_text}>")
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            f"/CIDSystemInfo << /Registry ({name}) /Ordering ({name}) /Supplement 0 >> def",
            f"/CMapName /{name} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(entries)} beginbfchar",
            *entries,
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


class _ReportFont(TTFont):  # type: ignore[misc]  # reportlab has no type hints
    """A TrueType font whose embedded subsets say exactly which text each glyph is.

    reportlab writes each subset's ToUnicode CMap itself, with two faults this replaces once it
    has written it: a character beyond U+FFFF is written as five hex digits instead of its
    UTF-16 surrogate pair (so 👍 reads back as nothing), and an Arabic presentation form reads
    back as the shape, not the letters. The CMap's registration name is reportlab's;
    tests/reports fail if that ever changes.
    """

    def addObjects(self, doc: Any) -> None:
        state = self.state.get(doc)
        subsets = [list(s) for s in state.subsets] if state is not None else []
        super().addObjects(doc)
        for n, subset in enumerate(subsets):
            base = b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX))
            base_name = base.decode("pdfdoc")
            stream = doc.idToObject["toUnicodeCMap:" + base_name]
            stream.content = _to_unicode_cmap(base_name, tuple(subset))


_LOCK = threading.Lock()
_REGISTERED = False
_CMAPS: dict[str, dict[int, int]] = {}


def register() -> None:
    """Register every report font with reportlab, once per process."""
    global _REGISTERED
    if _REGISTERED:
        return
    with _LOCK:
        if _REGISTERED:
            return
        for font in ALL:
            loaded = pdf_fonts.register(
                _ReportFont(font.name, str(resource_file("fonts", font.file)))
            )
            _CMAPS[font.name] = loaded.face.charToGlyph
        _REGISTERED = True


_CHOICE: dict[tuple[str, bool], str | None] = {}


def font_for(ch: str, *, bold: bool = False) -> str | None:
    """The first report font that has a glyph for `ch` (the bold one first when `bold`), or
    None when none has."""
    key = (ch, bold)
    try:
        return _CHOICE[key]
    except KeyError:
        pass
    register()
    code = ord(ch)
    order = (BOLD, REGULAR, *FALLBACKS) if bold else (REGULAR, *FALLBACKS)
    found = next((f.name for f in order if code in _CMAPS[f.name]), None)
    _CHOICE[key] = found
    return found


def covers(font_name: str, ch: str) -> bool:
    register()
    return ord(ch) in _CMAPS[font_name]


_WIDTHS: dict[str, dict[str, float]] = {}


def char_width(font_name: str, ch: str) -> float:
    """Advance width of `ch` in `font_name` at 1 pt."""
    table = _WIDTHS.get(font_name)
    if table is None:
        table = _WIDTHS[font_name] = {}
    width = table.get(ch)
    if width is None:
        width = table[ch] = pdfmetrics.stringWidth(ch, font_name, 1000) / 1000
    return width
