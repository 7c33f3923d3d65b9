"""The default badge image: a round badge with the level and the achievement's name.

One layout, two renderings: SVG from `images/badge.svg` (text escaped) and PNG drawn with
Pillow. Lines are broken with DejaVu Sans Bold's real advance widths in both, so the two look
alike. For achievements whose issuer has no image of its own.
"""

from __future__ import annotations

import io
from functools import cache
from importlib import resources
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw, ImageFont

SIZE = 400
TEXT_WIDTH = 270
TEXT_TOP, TEXT_BOTTOM = 128, 288
SIZES = (34, 30, 26, 22, 18)
MAX_LINES = 4
LEVEL_LABELS = {
    "badge": "BADGE",
    "micro-credential": "MICRO-CREDENTIAL",
    "credential": "CREDENTIAL",
}
FOOTER = "OPEN BADGE"
DARK, LIGHT, PALE, ACCENT = "#0f4c5c", "#ffffff", "#e6f2f4", "#e36414"


@cache
def _font_bytes() -> bytes:
    font = resources.files("assessor").joinpath("resources/fonts/DejaVuSans-Bold.ttf")
    return font.read_bytes()


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(io.BytesIO(_font_bytes()), size)


def _width(text: str, size: int) -> float:
    return float(_font(size).getlength(text))


def _wrap(text: str, size: int) -> list[str]:
    """Greedy line breaking at spaces; a word wider than a line is cut."""
    lines: list[str] = []
    current = ""
    for word in " ".join(text.split()).split(" "):
        candidate = f"{current} {word}".strip()
        if _width(candidate, size) <= TEXT_WIDTH:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while _width(current, size) > TEXT_WIDTH and len(current) > 1:
            cut = len(current)
            while cut > 1 and _width(current[:cut], size) > TEXT_WIDTH:
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    return lines


def layout(name: str) -> tuple[int, list[str]]:
    """(font size, lines) for the name: the largest size at which it fits, else the smallest
    size with the last line shortened to end in '…'."""
    for size in SIZES:
        lines = _wrap(name, size)
        if len(lines) <= MAX_LINES and (size * 1.25) * len(lines) <= TEXT_BOTTOM - TEXT_TOP:
            return size, lines
    size = SIZES[-1]
    lines = _wrap(name, size)[:MAX_LINES]
    last = lines[-1]
    while last and _width(last + "…", size) > TEXT_WIDTH:
        last = last[:-1]
    lines[-1] = last.rstrip() + "…"
    return size, lines


def _baselines(size: int, count: int) -> list[float]:
    step = size * 1.25
    middle = (TEXT_TOP + TEXT_BOTTOM) / 2
    first = middle - step * (count - 1) / 2 + size * 0.35
    return [first + step * i for i in range(count)]


def _level(level: str) -> str:
    return LEVEL_LABELS.get(level, level.upper())


def _level_size(level: str) -> int:
    return 20 if len(_level(level)) < 12 else 16


def badge_svg(name: str, level: str = "badge") -> str:
    """The default badge as SVG text, `name` escaped."""
    template = resources.files(__package__).joinpath("images/badge.svg").read_text("utf-8")
    size, lines = layout(name)
    text = "\n".join(
        f'  <text x="200" y="{y:.1f}" text-anchor="middle" '
        f'font-family="DejaVu Sans, Verdana, sans-serif" font-size="{size}" '
        f'font-weight="bold" fill="{DARK}">{escape(line)}</text>'
        for line, y in zip(lines, _baselines(size, len(lines)), strict=True)
    )
    return (
        template.replace("{title}", escape(f"{_level(level)}: {name}"))
        .replace("{level_size}", str(_level_size(level)))
        .replace("{level}", escape(_level(level)))
        .replace("{footer}", escape(FOOTER))
        .replace("{lines}", text)
    )


def badge_png(name: str, level: str = "badge") -> bytes:
    """The default badge as a 400×400 PNG with the same layout."""
    scale = 2  # draw large, then shrink: smooth edges without an anti-aliasing library
    image = Image.new("RGBA", (SIZE * scale, SIZE * scale), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)

    def circle(radius: float, fill: str, outline: str | None = None, width: int = 0) -> None:
        c = 200 * scale
        r = radius * scale
        draw.ellipse((c - r, c - r, c + r, c + r), fill=fill, outline=outline, width=width * scale)

    circle(196, DARK)
    circle(176, LIGHT)
    circle(166, PALE, DARK, 4)
    draw.polygon(
        [
            (x * scale, y * scale)
            for x, y in ((120, 318), (200, 358), (280, 318), (280, 296), (120, 296))
        ],
        fill=ACCENT,
    )
    draw.line((150 * scale, 112 * scale, 250 * scale, 112 * scale), fill=ACCENT, width=4 * scale)

    def centred(text: str, baseline: float, size: int, fill: str) -> None:
        draw.text(
            (200 * scale, baseline * scale), text, font=_font(size * scale), fill=fill, anchor="ms"
        )

    centred(_level(level), 96, _level_size(level), DARK)
    size, lines = layout(name)
    for line, y in zip(lines, _baselines(size, len(lines)), strict=True):
        centred(line, y, size, DARK)
    centred(FOOTER, 320, 16, LIGHT)
    image = image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
