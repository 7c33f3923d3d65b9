"""User text on a PDF page: never markup, always visible, in the right order and shape.

Nothing here parses markup: text is drawn as plain strings, so `<font color=red>` prints as
those characters. The steps, for each paragraph of a text:

1. `visible`: control characters (but newline and tab) and the bidi controls that reorder text
   (embeddings, overrides, isolates: the Trojan Source characters) become escapes such as
   `\\x1b` or `\\u202e`, as `assessor.domain.text.for_terminal` prints them. The marks
   LRM/RLM/ALM stay: they reorder nothing strong and right-to-left names need them.
2. Arabic letters take their joined shapes (arabic-reshaper, presentation forms; the fonts
   module maps those back to letters for copying and extraction).
3. Each character gets the first report font that has it; one that none has is printed as its
   code (`\\u0915`) rather than as an empty box.
4. Lines are broken at spaces, between CJK characters, and inside a word longer than a line.
5. Each line is put in display order by the Unicode bidirectional algorithm (python-bidi's
   Python implementation, which gives levels per character), with the paragraph's direction
   from its first strong character; a mirrored character (a bracket) in right-to-left text is
   drawn as its glyph reflected, so the text read back is still the character written.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from arabic_reshaper import ArabicReshaper
from arabic_reshaper.ligatures import LIGATURES
from bidi import algorithm as uba
from reportlab.lib.colors import Color, black

from assessor.reports import fonts

_NEWLINES = re.compile("\r\n|[\n\u2028\u2029]")
# Explicit embeddings, overrides and isolates: they reorder strong text, so they are shown.
_REORDERING = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _escape(ch: str) -> str:
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


_NEEDS_ESCAPE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """The text with controls (but newline and tab) and reordering bidi controls escaped."""
    if _NEEDS_ESCAPE.search(text) is None:
        return text
    out = []
    for ch in text:
        code = ord(ch)
        control = code < 0x20 or 0x7F <= code <= 0x9F
        if (control and ch not in "\n\t") or ch in _REORDERING:
            out.append(_escape(ch))
        else:
            out.append(ch)
    return "".join(out)


# Joining shapes only, and only the ligatures Arabic requires (lam with alef): every other
# ligature is off, so a shape always maps back to exactly the letters written. Every key is
# given, so a configuration file named by the environment changes nothing.
_RESHAPER = ArabicReshaper(
    configuration={
        "language": "Arabic",
        "delete_harakat": False,
        "shift_harakat_position": False,
        "delete_tatweel": False,
        "support_zwj": True,
        "use_unshaped_instead_of_isolated": False,
        "support_ligatures": True,
        **{name: name.startswith("ARABIC LIGATURE LAM WITH ALEF") for name, _ in LIGATURES},
    }
)
_ARABIC_WORD = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]+")


def _shape(paragraph: str) -> str:
    # Word by word: a ZWJ or any other character between letters is left exactly as written.
    return _ARABIC_WORD.sub(lambda m: _RESHAPER.reshape(m.group()), paragraph)


@dataclass(frozen=True)
class Style:
    size: float = 9.0
    leading: float = 11.5
    bold: bool = False
    color: Color = black


@dataclass
class _Glyph:
    ch: str
    font: str
    width: float  # at 1 pt


def _glyphs(paragraph: str, bold: bool) -> list[_Glyph]:
    out: list[_Glyph] = []
    previous_font: str | None = None
    for ch in paragraph:
        if ch == "\t":
            ch = " "
        font = None
        if previous_font and unicodedata.combining(ch) and fonts.covers(previous_font, ch):
            font = previous_font  # a mark stays with the letter it sits on
        if font is None:
            font = fonts.font_for(ch, bold=bold)
        if font is None and fonts.is_presentation_form(ord(ch)):
            # A joined shape the Arabic font lacks: the plain letters instead.
            for plain in unicodedata.normalize("NFKC", ch):
                out.extend(_glyphs(plain, bold))
            previous_font = out[-1].font if out else None
            continue
        if font is None:
            escape_font = fonts.BOLD.name if bold else fonts.REGULAR.name
            out.extend(
                _Glyph(c, escape_font, fonts.char_width(escape_font, c)) for c in _escape(ch)
            )
            previous_font = escape_font
            continue
        out.append(_Glyph(ch, font, fonts.char_width(font, ch)))
        previous_font = font
    return out


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _break_lines(glyphs: list[_Glyph], width: float) -> list[tuple[int, int]]:
    """(start, end) of each line; `width` is in units of the font size."""
    lines: list[tuple[int, int]] = []
    start = 0
    n = len(glyphs)
    while start < n:
        x = 0.0
        end = start
        last_break = -1  # the line may end after this index
        while end < n:
            g = glyphs[end]
            if g.ch == " ":
                last_break = end
            else:
                if end > start and (_wide(g.ch) or _wide(glyphs[end - 1].ch)):
                    last_break = end - 1  # CJK text breaks between characters
                if x + g.width > width and end > start:
                    break
            x += g.width
            end += 1
        if end >= n:
            lines.append((start, n))
            break
        if last_break >= start:
            end = last_break + 1
        lines.append((start, end))  # else one word longer than the line: broken inside
        start = end
        while start < n and glyphs[start].ch == " ":
            start += 1
    return lines or [(0, 0)]


def _levels_in_display_order(line: str, base_level: int) -> list[tuple[int, int]]:
    """(logical index, embedding level) of each character, in display order (rules W1-L2)."""
    storage: dict[str, Any] = uba.get_empty_storage()
    storage["base_level"] = base_level
    storage["base_dir"] = "LR"[base_level]
    uba.get_embedding_levels(line, storage)
    for i, ch in enumerate(storage["chars"]):
        ch["index"] = i
    uba.explicit_embed_and_overrides(storage)
    uba.resolve_weak_types(storage)
    uba.resolve_neutral_types(storage, False)
    uba.resolve_implicit_levels(storage, False)
    uba.reorder_resolved_levels(storage, False)
    order = [(c["index"], c["level"]) for c in storage["chars"]]
    if len(order) < len(line):
        # Boundary neutrals (ZWJ, soft hyphen…) were set aside by rule X9: keep them, after
        # the character they followed (UAX #9, 5.2 "Retaining BNs").
        placed = {i for i, _ in order}
        for missing in (i for i in range(len(line)) if i not in placed):
            at = next((k for k, (i, _) in enumerate(order) if i == missing - 1), -1)
            level = order[at][1] if at >= 0 else base_level
            order.insert(at + 1, (missing, level))
            placed.add(missing)
    return order


@dataclass(frozen=True)
class Run:
    x: float  # from the line's left edge, in points
    font: str
    text: str  # in display order
    width: float
    start: int  # the logical index of its first character: runs are drawn in logical order
    mirrored: bool = False  # draw reflected: a bracket in right-to-left text


@dataclass(frozen=True)
class Line:
    runs: tuple[Run, ...]  # in logical order, each placed at its display position
    width: float
    rtl: bool  # the paragraph's direction is right to left


_STRONG_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u200f\u061c]")
# What text extractors (pypdf among them) take for right-to-left letters: a run of them drawn
# in display order is read back reversed, so into logical order.
_RTL_LETTER = re.compile("[\u0590-\u065f\u066e-\u06ef\u06fa-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def _reads_back(text: str, rtl: bool) -> bool:
    """Whether a run drawn as one string in display order reads back in logical order: left
    to right without right-to-left letters, or right to left made only of single letters."""
    if not rtl:
        return _RTL_LETTER.search(text) is None
    return all(_RTL_LETTER.match(ch) and len(unicodedata.normalize("NFKC", ch)) == 1 for ch in text)


def _display_runs(glyphs: list[_Glyph], size: float, base_level: int) -> tuple[Run, ...]:
    """Runs of one line: each one font, one direction, logically contiguous, placed where the
    bidirectional algorithm puts it, and listed in logical order. Each is drawn as its own
    text chunk (a font change ends a chunk for extractors), so text read back from the PDF is
    in the order it was written whatever the mix of directions."""
    text = "".join(g.ch for g in glyphs)
    if base_level == 0 and not _STRONG_RTL.search(text):
        order = [(i, 0) for i in range(len(glyphs))]
    else:
        order = _levels_in_display_order(text, base_level)
    groups: list[list[tuple[int, int, float]]] = []  # (logical index, level, x)
    x = 0.0
    for index, level in order:
        g = glyphs[index]
        mirrored = bool(level % 2) and unicodedata.mirrored(g.ch)
        if groups and not mirrored:
            last_index, last_level, _ = groups[-1][-1]
            step = -1 if level % 2 else 1
            same_font = glyphs[last_index].font == g.font
            last_mirrored = bool(last_level % 2) and unicodedata.mirrored(glyphs[last_index].ch)
            if (
                same_font
                and last_level == level
                and index == last_index + step
                and not last_mirrored
            ):
                groups[-1].append((index, level, x))
                x += g.width * size
                continue
        groups.append([(index, level, x)])
        x += g.width * size
    runs: list[Run] = []
    for group in groups:
        font = glyphs[group[0][0]].font
        rtl = bool(group[0][1] % 2)
        chars = "".join(glyphs[i].ch for i, _, _ in group)
        if len(group) == 1 or _reads_back(chars, rtl):
            width = sum(glyphs[i].width for i, _, _ in group) * size
            mirrored = rtl and len(group) == 1 and bool(unicodedata.mirrored(chars))
            start = min(i for i, _, _ in group)
            runs.append(Run(group[0][2], font, chars, width, start, mirrored))
        else:  # one chunk per character, in logical order
            runs.extend(
                Run(gx, font, glyphs[i].ch, glyphs[i].width * size, i) for i, _, gx in group
            )
    runs.sort(key=lambda run: run.start)
    return tuple(runs)


@lru_cache(maxsize=4096)
def _paragraph_lines(paragraph: str, bold: bool, size: float, width: float) -> tuple[Line, ...]:
    shaped = _shape(paragraph)
    glyphs = _glyphs(shaped, bold)
    base_level = uba.get_base_level(shaped) if _STRONG_RTL.search(shaped) else 0
    out = []
    for start, end in _break_lines(glyphs, width / size):
        part = glyphs[start:end]
        while part and part[-1].ch == " ":  # a space at a break is not drawn
            part = part[:-1]
        runs = _display_runs(part, size, base_level)
        out.append(Line(runs, sum(g.width for g in part) * size, bool(base_level)))
    return tuple(out)


def layout(text: str, style: Style, width: float) -> tuple[Line, ...]:
    """The lines of `text` in `width` points, each in display order."""
    lines: list[Line] = []
    for paragraph in _NEWLINES.split(visible(text)):
        lines.extend(_paragraph_lines(paragraph, style.bold, style.size, width))
    return tuple(lines)


def line_left(line: Line, x: float, width: float, align: str) -> float:
    """Where a line starts. `align` is "start" (the paragraph's own side: left, or right for
    right-to-left text), "left", "right" or "center"."""
    if align == "center":
        return x + (width - line.width) / 2
    if align == "right" or (align == "start" and line.rtl):
        return x + width - line.width
    return x


@lru_cache(maxsize=64)
def _fill(color: Color) -> str:
    r, g, b = color.rgb()
    return f"{r:.4g} {g:.4g} {b:.4g} rg"


def draw_placed(canvas: Any, placed: Iterable[tuple[Line, Style, float, float]]) -> None:
    """Draw (line, style, left, baseline) items in one text object."""
    text = canvas.beginText()
    color = None
    for line, style, left, y in placed:
        if style.color != color:
            text._code.append(_fill(style.color))  # setFillColor converts it again each time
            color = style.color
        for run in line.runs:
            text.setFont(run.font, style.size)
            if run.mirrored:
                text.setTextTransform(-1, 0, 0, 1, left + run.x + run.width, y)
            else:
                text.setTextOrigin(left + run.x, y)
            # textOut would also measure the run to move its cursor; every run is placed.
            text._code.append(text._formatText(run.text))
    canvas.drawText(text)


def draw_lines(
    canvas: Any,
    lines: Sequence[Line],
    x: float,
    top: float,
    width: float,
    style: Style,
    *,
    align: str = "start",
) -> None:
    """Draw lines with the first baseline `style.size` below `top`."""
    y = top - style.size
    placed = []
    for line in lines:
        placed.append((line, style, line_left(line, x, width, align), y))
        y -= style.leading
    draw_placed(canvas, placed)


def clipped(text: str, style: Style, width: float) -> Line:
    """One line of `text` that fits `width`, cut short with an ellipsis when it is longer."""
    flat = " ".join(_NEWLINES.split(text))
    line = layout(flat, style, 1e9)[0]
    if line.width <= width:
        return line
    low, high = 0, len(flat)  # the longest prefix that fits, with its ellipsis
    while low < high:
        middle = (low + high + 1) // 2
        if layout(flat[:middle] + "…", style, 1e9)[0].width <= width:
            low = middle
        else:
            high = middle - 1
    return layout(flat[:low] + "…", style, 1e9)[0]
