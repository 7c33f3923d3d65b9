"""Demo photographs as PNG: a small RGB raster, a stdlib-only PNG encoder, and the two scenes
(a consumer unit with one way locked off, a site cabin noticeboard)."""

from __future__ import annotations

import itertools
import random
import struct
import zlib
from collections.abc import Sequence
from math import cos, isqrt, pi, sin

from assessor.formats.demo_data.evidence.job import Job, make_job


def photo_png(
    caption: str, seed: int, width: int = 800, height: int = 600, *, scene: str = "isolation"
) -> bytes:
    """A picture an assessor would recognise as a learner's photo (RGB, 8 bit, stdlib only).

    `scene` "isolation" is a consumer unit with one way locked off and tagged (the circuit of
    `make_job(seed)`); "site" is a site cabin noticeboard with PPE and emergency signs. The caption
    is stored as the PNG's Description (iTXt), as a camera app would.
    """
    if width < 1 or height < 1:
        raise ValueError("width and height must be at least 1")
    canvas = _Canvas(width, height)
    rng = random.Random(seed)
    if scene == "isolation":
        _isolation_scene(canvas, rng, make_job(seed))
    elif scene == "site":
        _site_scene(canvas, rng)
    else:
        raise ValueError(f"unknown scene '{scene}'; valid: isolation, site")
    return canvas.png(caption)


_RGB = tuple[int, int, int]


class _Canvas:
    """An RGB raster drawn in an 800×600 design space, scaled to the real size.

    Shapes are filled a row span at a time with slice assignment, so drawing costs one
    Python operation per row, not per pixel.
    """

    def __init__(self, width: int, height: int) -> None:
        self.w = width
        self.h = height
        self.sx = width / 800
        self.sy = height / 600
        self.buf = bytearray(width * height * 3)

    def span(self, y: int, x0: int, x1: int, color: _RGB) -> None:
        if 0 <= y < self.h:
            x0, x1 = max(x0, 0), min(x1, self.w)
            if x1 > x0:
                at = (y * self.w + x0) * 3
                self.buf[at : at + (x1 - x0) * 3] = bytes(color) * (x1 - x0)

    def rect(self, x0: float, y0: float, x1: float, y1: float, color: _RGB) -> None:
        a, b = round(x0 * self.sx), round(x1 * self.sx)
        for y in range(max(round(y0 * self.sy), 0), min(round(y1 * self.sy), self.h)):
            self.span(y, a, b, color)

    def vgradient(
        self, x0: float, y0: float, x1: float, y1: float, top: _RGB, bottom: _RGB
    ) -> None:
        a, b = round(x0 * self.sx), round(x1 * self.sx)
        ya, yb = round(y0 * self.sy), round(y1 * self.sy)
        for y in range(max(ya, 0), min(yb, self.h)):
            t = (y - ya) / max(yb - ya - 1, 1)
            self.span(y, a, b, _mix(top, bottom, t))

    def box(
        self, x0: float, y0: float, x1: float, y1: float, fill: _RGB, edge: _RGB, line: float = 2
    ) -> None:
        self.rect(x0, y0, x1, y1, edge)
        self.rect(x0 + line, y0 + line, x1 - line, y1 - line, fill)

    def disc(self, cx: float, cy: float, r: float, color: _RGB, *, upper: bool = False) -> None:
        """A filled circle; with `upper`, only its top half (a dome)."""
        x, y = round(cx * self.sx), round(cy * self.sy)
        rad = max(round(r * min(self.sx, self.sy)), 0)
        for dy in range(-rad, 1 if upper else rad + 1):
            half = isqrt(rad * rad - dy * dy)
            self.span(y + dy, x - half, x + half + 1, color)

    def polygon(self, points: Sequence[tuple[float, float]], color: _RGB) -> None:
        """Fill a convex polygon."""
        pts = [(x * self.sx, y * self.sy) for x, y in points]
        top = max(int(min(p[1] for p in pts)), 0)
        bottom = min(int(max(p[1] for p in pts)) + 1, self.h)
        edges = list(zip(pts, pts[1:] + pts[:1], strict=True))
        for y in range(top, bottom):
            yc = y + 0.5
            xs = [
                ax + (yc - ay) * (bx - ax) / (by - ay)
                for (ax, ay), (bx, by) in edges
                if (ay <= yc < by) or (by <= yc < ay)
            ]
            if len(xs) >= 2:
                self.span(y, round(min(xs)), round(max(xs)), color)

    def stroke(
        self,
        points: Sequence[tuple[float, float]],
        r: float,
        colours: Sequence[_RGB],
        dash: float = 0,
    ) -> None:
        """A thick line through `points`; with `dash`, colours alternate every `dash` units."""
        travelled = 0.0
        step = max(r / 2, 0.75)
        for (ax, ay), (bx, by) in itertools.pairwise(points):
            length = max(abs(bx - ax), abs(by - ay), 1e-9)
            n = max(int(length / step), 1)
            for i in range(n + 1):
                t = i / n
                colour = colours[int(travelled / dash) % len(colours)] if dash else colours[0]
                self.disc(ax + (bx - ax) * t, ay + (by - ay) * t, r, colour)
                if i < n:
                    travelled += length / n

    def png(self, caption: str) -> bytes:
        row = self.w * 3
        raw = b"".join(b"\x00" + self.buf[y * row : (y + 1) * row] for y in range(self.h))
        ihdr = struct.pack(">IIBBBBB", self.w, self.h, 8, 2, 0, 0, 0)
        text = b"Description\x00\x00\x00\x00\x00" + caption.encode("utf-8")
        return (
            b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", ihdr)
            + _chunk(b"iTXt", text)
            + _chunk(b"IDAT", zlib.compress(raw, 6))
            + _chunk(b"IEND", b"")
        )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def _mix(a: _RGB, b: _RGB, t: float) -> _RGB:
    t = min(max(t, 0.0), 1.0)
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def _shade(c: _RGB, k: float) -> _RGB:
    return _mix(c, (0, 0, 0), k) if k > 0 else _mix(c, (255, 255, 255), -k)


def _bezier(
    p0: tuple[float, float], p1: tuple[float, float], p2: tuple[float, float], n: int = 24
) -> list[tuple[float, float]]:
    out = []
    for i in range(n + 1):
        t = i / n
        u = 1 - t
        out.append(
            (
                u * u * p0[0] + 2 * u * t * p1[0] + t * t * p2[0],
                u * u * p0[1] + 2 * u * t * p1[1] + t * t * p2[1],
            )
        )
    return out


_RED: _RGB = (206, 28, 32)
_WHITE: _RGB = (246, 246, 242)
_DARK: _RGB = (40, 42, 46)
_GREEN_EARTH: _RGB = (30, 140, 60)
_YELLOW_EARTH: _RGB = (235, 200, 30)


def _floor(c: _Canvas, rng: random.Random, top: float) -> None:
    wood = rng.choice(((150, 112, 76), (120, 96, 80), (172, 150, 120), (96, 98, 104)))
    c.vgradient(0, top, 800, 600, _shade(wood, 0.15), _shade(wood, -0.05))
    y = top + 14
    while y < 600:
        c.rect(0, y, 800, y + 2, _shade(wood, 0.3))
        y += 26 + (y - top) * 0.35  # boards widen towards the camera
    c.rect(0, top - 18, 800, top, (236, 236, 230))  # skirting
    c.rect(0, top - 2, 800, top, (200, 200, 194))


def _fake_text(
    c: _Canvas,
    rng: random.Random,
    x0: float,
    y0: float,
    x1: float,
    lines: int,
    colour: _RGB,
    gap: float = 7,
    height: float = 2.5,
) -> None:
    for i in range(lines):
        x = x0
        while x < x1:
            word = rng.uniform(6, 22)
            c.rect(x, y0 + i * gap, min(x + word, x1), y0 + i * gap + height, colour)
            x += word + rng.uniform(3, 5)


def _isolation_scene(c: _Canvas, rng: random.Random, job: Job) -> None:
    wall = rng.choice(((226, 219, 200), (210, 214, 218), (222, 210, 190), (198, 208, 196)))
    c.vgradient(0, 0, 800, 480, _shade(wall, 0.18), _shade(wall, -0.06))
    _floor(c, rng, 480)
    # the board, seen slightly from below and off-centre, as a phone photo would be
    modules = job.ways + 4  # main switch (2) and two RCDs (1 each) besides the ways
    mw = rng.uniform(22, 27)
    bx0 = rng.uniform(120, 800 - 120 - modules * mw - 40)
    bx1 = bx0 + modules * mw + 40
    by0, by1 = rng.uniform(110, 160), rng.uniform(300, 330)
    c.rect(bx0 + 8, by0 + 10, bx1 + 10, by1 + 12, _shade(wall, 0.35))  # shadow
    trunk_x = bx0 + rng.uniform(20, (bx1 - bx0) - 60)
    c.box(trunk_x, 0, trunk_x + 44, by0 + 4, (238, 238, 234), (190, 190, 186))
    c.box(bx0, by0, bx1, by1, (240, 240, 236), (160, 160, 158), 3)
    c.rect(bx0 + 6, by0 + 6, bx1 - 6, by0 + 26, (228, 228, 224))  # lid hinge strip
    rail_y0, rail_y1 = by0 + 48, by1 - 56
    c.rect(bx0 + 14, rail_y0 - 8, bx1 - 14, rail_y1 + 8, (62, 64, 70))  # recess
    x = bx0 + 20
    locked_x = 0.0
    for i in range(modules):
        kind = "main" if i < 2 else "rcd" if i in (2, 3 + job.ways // 2) else "mcb"
        if kind == "main" and i == 1:
            continue  # the main switch is one double-width device
        w = mw * 2 if kind == "main" else mw
        body = (250, 250, 246) if kind != "rcd" else (232, 234, 236)
        c.box(x + 1, rail_y0, x + w - 1, rail_y1, body, (150, 150, 150), 1)
        tog_colour = _RED if kind == "main" else (70, 130, 200) if kind == "rcd" else _DARK
        mid = (rail_y0 + rail_y1) / 2
        way = i - 3 if i < 3 + job.ways // 2 else i - 4
        is_off = kind == "mcb" and way + 1 == job.circuit_no
        ty0 = mid + 4 if is_off else mid - 22
        c.rect(x + w / 2 - 5, mid - 20, x + w / 2 + 5, mid + 20, (210, 210, 206))
        c.rect(x + w / 2 - 4, ty0, x + w / 2 + 4, ty0 + 18, tog_colour)
        if kind == "rcd":
            c.disc(x + w / 2, rail_y0 + 12, 4, (236, 200, 40))  # test button
        c.rect(x + 4, rail_y1 - 12, x + w - 4, rail_y1 - 8, (120, 120, 120))  # rating print
        if is_off:
            locked_x = x + w / 2
        x += w
    # label strip under the devices: the circuit chart, written by hand
    c.rect(bx0 + 16, rail_y1 + 12, bx1 - 16, rail_y1 + 30, (252, 252, 236))
    _fake_text(c, rng, bx0 + 22, rail_y1 + 16, bx1 - 22, 2, (60, 60, 110), gap=7, height=2)
    # cables out of the bottom of the board
    cable_cols = [(150, 150, 150), (160, 160, 158), (236, 236, 232), (120, 120, 124)]
    for k in range(rng.randrange(3, 6)):
        sx = bx0 + 40 + k * (bx1 - bx0 - 80) / 4 + rng.uniform(-6, 6)
        end = (sx + rng.uniform(-140, 140), 470)
        c.stroke(
            _bezier((sx, by1), (sx + rng.uniform(-30, 30), by1 + 90), end),
            4.5,
            [rng.choice(cable_cols)],
        )
    # meter tails (brown, blue) and the main earth (green/yellow) from the side
    side = bx0 - 6
    for dy, colour in ((60, (120, 70, 40)), (80, (40, 80, 170))):
        c.stroke(
            _bezier((side - 120, 480), (side - 40, by0 + dy + 40), (side + 8, by0 + dy)),
            6,
            [colour],
        )
    c.stroke(
        _bezier((side - 150, 480), (side - 70, by0 + 140), (side + 8, by0 + 110)),
        4,
        [_GREEN_EARTH, _YELLOW_EARTH],
        dash=9,
    )
    if locked_x:
        _lock_off(c, rng, locked_x, rail_y0, rail_y1)
    _voltage_indicator(c, rng)


def _lock_off(c: _Canvas, rng: random.Random, x: float, y0: float, y1: float) -> None:
    c.box(x - 9, (y0 + y1) / 2 - 2, x + 9, (y0 + y1) / 2 + 26, _RED, (140, 16, 20), 2)
    # padlock: shackle through the lock-off, red body hanging below the board
    px, py = x, y1 + 58
    c.stroke(
        [
            (px - 9 + 18 * (1 - cos(a * pi / 12)) / 2, py - 18 - 16 * sin(a * pi / 12))
            for a in range(13)
        ],
        2.8,
        [(180, 180, 184)],
    )
    c.stroke([(px, (y0 + y1) / 2 + 24), (px, py - 18)], 2, [(180, 180, 184)])
    c.box(px - 14, py - 20, px + 14, py + 12, _RED, (150, 18, 22), 2)
    c.disc(px, py - 6, 3, _DARK)
    # danger tag on a string
    tx, ty = px + rng.uniform(18, 40), py + rng.uniform(24, 40)
    c.stroke([(px + 6, py + 8), (tx + 30, ty + 4)], 1, [(230, 230, 220)])
    c.polygon([(tx, ty), (tx + 62, ty - 4), (tx + 68, ty + 92), (tx + 6, ty + 96)], _RED)
    c.polygon(
        [(tx + 8, ty + 22), (tx + 58, ty + 19), (tx + 62, ty + 84), (tx + 12, ty + 87)], _WHITE
    )
    c.disc(tx + 31, ty + 9, 5, (250, 250, 250))
    c.rect(tx + 16, ty + 26, tx + 54, ty + 33, _RED)  # "DANGER"
    _fake_text(c, rng, tx + 17, ty + 42, tx + 55, 5, _DARK, gap=8, height=2.5)


def _voltage_indicator(c: _Canvas, rng: random.Random) -> None:
    x, y = rng.uniform(80, 620), rng.uniform(520, 560)
    a = rng.uniform(-0.4, 0.4)
    dx, dy = cos(a) * 110, sin(a) * 110
    for k, colour in enumerate(((200, 30, 30), (30, 30, 30))):
        end = (x + dx + 60 + 40 * k, y + dy - 40 + 25 * k)
        c.stroke(_bezier((x, y), (x - 60, y + 40 + 10 * k), end), 2.5, [colour])
        c.stroke([end, (end[0] + 40, end[1] - 8)], 5, [colour])
    c.stroke([(x + 4, y + 6), (x + dx + 4, y + dy + 6)], 13, [_shade((120, 100, 80), 0.5)])
    c.stroke([(x, y), (x + dx, y + dy)], 12, [(250, 200, 20)])
    c.stroke([(x + dx * 0.35, y + dy * 0.35), (x + dx * 0.75, y + dy * 0.75)], 7, [_DARK])
    c.disc(x + dx * 0.2, y + dy * 0.2, 4, (60, 200, 80))  # LED
    c.stroke([(x + dx, y + dy), (x + dx * 1.25, y + dy * 1.25)], 2, [(200, 200, 200)])


def _site_scene(c: _Canvas, rng: random.Random) -> None:
    cladding = rng.choice(((200, 206, 196), (214, 206, 186), (190, 200, 210)))
    c.vgradient(0, 0, 800, 470, _shade(cladding, 0.12), _shade(cladding, -0.04))
    for y in range(0, 470, 24):
        c.rect(0, y, 800, y + 2, _shade(cladding, 0.22))
    _floor(c, rng, 470)
    # noticeboard with pinned sheets
    nx0 = rng.uniform(40, 140)
    c.rect(nx0 + 8, 68, nx0 + 408, 378, _shade(cladding, 0.35))
    c.box(nx0, 60, nx0 + 400, 370, (176, 132, 90), (110, 80, 52), 8)
    for col in range(3):
        for row_ in range(2):
            sx = nx0 + 22 + col * 126 + rng.uniform(-6, 6)
            sy = 80 + row_ * 142 + rng.uniform(-5, 5)
            c.rect(sx + 3, sy + 3, sx + 103, sy + 128, (120, 90, 60))
            c.rect(sx, sy, sx + 100, sy + 125, (250, 250, 246))
            c.rect(sx + 8, sy + 10, sx + 70, sy + 16, (40, 40, 40))
            _fake_text(c, rng, sx + 8, sy + 26, sx + 92, 11, (90, 90, 96), gap=8)
            c.disc(sx + 50, sy + 4, 4, rng.choice((_RED, (40, 90, 200), (40, 160, 60))))
    # emergency signs: first aid (green), fire action (red), hard hats (blue)
    gx = nx0 + 430
    c.rect(gx, 70, gx + 90, 160, (0, 132, 80))
    c.rect(gx + 37, 82, gx + 53, 148, _WHITE)
    c.rect(gx + 12, 107, gx + 78, 123, _WHITE)
    c.rect(gx, 180, gx + 90, 300, _RED)
    c.rect(gx + 8, 190, gx + 82, 210, _WHITE)
    _fake_text(c, rng, gx + 10, 222, gx + 80, 8, _WHITE, gap=9)
    c.disc(gx + 140, 120, 40, (20, 80, 160))
    c.disc(gx + 140, 126, 22, _WHITE)
    c.rect(gx + 110, 124, gx + 170, 136, (20, 80, 160))
    c.rect(gx + 112, 128, gx + 168, 134, _WHITE)
    # hi-vis vest on a hook, hard hat on the bench
    vx = rng.uniform(gx + 110, 700)
    c.disc(vx, 200, 5, (90, 90, 90))
    vest = rng.choice(((255, 214, 0), (255, 120, 20)))
    c.polygon(
        [
            (vx - 30, 205),
            (vx + 30, 205),
            (vx + 62, 250),
            (vx + 58, 420),
            (vx - 58, 420),
            (vx - 62, 250),
        ],
        vest,
    )
    c.polygon([(vx - 14, 205), (vx + 14, 205), (vx + 4, 280), (vx - 4, 280)], (60, 60, 60))
    for y in (330, 370):
        c.rect(vx - 58, y, vx + 58, y + 12, (200, 204, 210))
    c.rect(40, 430, 760, 446, (120, 88, 60))  # bench
    hx = rng.uniform(80, 300)
    hat = rng.choice(((250, 250, 250), (250, 210, 20), (30, 90, 200)))
    c.disc(hx, 422, 46, hat, upper=True)
    c.rect(hx - 40, 392, hx + 40, 396, _shade(hat, 0.08))  # ridge
    c.rect(hx - 62, 420, hx + 62, 430, _shade(hat, 0.12))  # brim
