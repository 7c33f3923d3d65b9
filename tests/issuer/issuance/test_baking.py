"""OB 3.0 baking into PNG and SVG, read back by independent small readers."""

from __future__ import annotations

import io
import json
import struct
import zlib
from xml.etree import ElementTree

import pytest
from PIL import Image

from issuer.issuance import rdfc
from issuer.issuance.badge_image import badge_png, badge_svg, layout
from issuer.issuance.baking import BakingError, bake_png, bake_svg, unbake_png, unbake_svg
from tests.issuer.issuance import factory

OB_NS = "https://purl.imsglobal.org/ob/v3p0"
SVG_NS = "http://www.w3.org/2000/svg"


def _credential_json() -> str:
    return json.dumps(factory.signed(factory.hostile()), ensure_ascii=False)


def _png_chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """A reader written from the PNG specification, not from baking.py."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = [], 8
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind = png[offset + 4 : offset + 8]
        data = png[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", png[offset + 8 + length : offset + 12 + length])
        assert zlib.crc32(kind + data) & 0xFFFFFFFF == crc, kind
        chunks.append((kind, data))
        offset += 12 + length
    return chunks


def test_png_round_trip_with_an_independent_reader() -> None:
    credential = _credential_json()
    baked = bake_png(badge_png("Safe Lifting", "micro-credential"), credential)
    chunks = _png_chunks(baked)
    kinds = [k for k, _ in chunks]
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND"
    assert kinds[-2] == b"iTXt"  # just before IEND
    keyword, rest = chunks[-2][1].split(b"\x00", 1)
    assert keyword == b"openbadgecredential"
    assert rest[:2] == b"\x00\x00"  # not compressed
    language, translated, text = rest[2:].split(b"\x00", 2)
    assert (language, translated) == (b"", b"")
    assert text.decode("utf-8") == credential
    assert unbake_png(baked) == credential


def test_a_baked_png_still_decodes_as_the_same_image() -> None:
    original = badge_png("Safe Lifting")
    baked = bake_png(original, _credential_json())
    before = Image.open(io.BytesIO(original))
    after = Image.open(io.BytesIO(baked))
    after.load()
    assert after.size == before.size == (400, 400)
    assert after.tobytes() == before.tobytes()


def test_the_baked_credential_still_verifies() -> None:
    baked = bake_png(badge_png("Safe Lifting"), _credential_json())
    text = unbake_png(baked)
    assert text is not None
    rdfc.verify(json.loads(text), lambda vm: factory.private_key().public_key())


def test_baking_again_replaces_the_credential() -> None:
    once = bake_png(badge_png("Safe Lifting"), '{"first": 1}')
    twice = bake_png(once, '{"second": 2}')
    texts = [d for k, d in _png_chunks(twice) if k == b"iTXt"]
    assert len(texts) == 1
    assert unbake_png(twice) == '{"second": 2}'


def test_an_unbaked_png_has_no_credential() -> None:
    assert unbake_png(badge_png("Safe Lifting")) is None


def test_a_compressed_itxt_is_read() -> None:
    png = badge_png("Safe Lifting")
    data = b"openbadgecredential\x00\x01\x00\x00\x00" + zlib.compress(b'{"a": 1}')
    chunk = (
        struct.pack(">I", len(data))
        + b"iTXt"
        + data
        + struct.pack(">I", zlib.crc32(b"iTXt" + data))
    )
    iend = png.rindex(b"IEND") - 4
    assert unbake_png(png[:iend] + chunk + png[iend:]) == '{"a": 1}'


def _corrupt_crc(png: bytes) -> bytes:
    broken = bytearray(png)
    broken[30] ^= 0xFF  # inside IHDR's data
    return bytes(broken)


BAD_PNGS = {
    "not a png": (b"GIF89a....", "signature"),
    "bad crc": (_corrupt_crc(badge_png("x")), "bad CRC"),
    "truncated": (badge_png("x")[:-20], "past the end|truncated|IEND"),
    "trailing bytes": (badge_png("x") + b"junk", "after IEND"),
}


@pytest.mark.parametrize("case", sorted(BAD_PNGS))
def test_damaged_pngs_are_refused(case: str) -> None:
    png, message = BAD_PNGS[case]
    with pytest.raises(BakingError, match=message):
        bake_png(png, "{}")
    with pytest.raises(BakingError, match=message):
        unbake_png(png)


def test_two_credential_chunks_are_refused_when_read() -> None:
    baked = bake_png(badge_png("x"), '{"a": 1}')
    chunks = _png_chunks(baked)
    itxt = next(d for k, d in chunks if k == b"iTXt")
    extra = (
        struct.pack(">I", len(itxt))
        + b"iTXt"
        + itxt
        + struct.pack(">I", zlib.crc32(b"iTXt" + itxt))
    )
    iend = baked.rindex(b"IEND") - 4
    with pytest.raises(BakingError, match="more than one"):
        unbake_png(baked[:iend] + extra + baked[iend:])


# ---- SVG ----------------------------------------------------------------------------------------


def test_svg_round_trip_parsed_with_elementtree() -> None:
    credential = _credential_json()
    baked = bake_svg(badge_svg("Safe Lifting & <Handling>", "badge"), credential)
    assert "<![CDATA[" in baked
    root = ElementTree.fromstring(baked)
    assert root.tag == f"{{{SVG_NS}}}svg"
    first = root[0]
    assert first.tag == f"{{{OB_NS}}}credential"
    assert json.loads(first.text or "") == json.loads(credential)
    assert unbake_svg(baked) == credential.replace("]]>", "]]\\u003e")
    # the image is still there
    texts = [t.text for t in root.iter(f"{{{SVG_NS}}}text")]
    assert "BADGE" in texts
    assert any("<Handling>" in (t or "") for t in texts)


def test_a_credential_containing_the_cdata_end_still_bakes() -> None:
    credential = json.dumps({"name": "tricky ]]> value"})
    baked = bake_svg(badge_svg("x"), credential)
    text = unbake_svg(baked)
    assert text is not None
    assert json.loads(text) == {"name": "tricky ]]> value"}


def test_baking_an_svg_again_replaces_the_credential() -> None:
    once = bake_svg(badge_svg("x"), '{"first": 1}')
    twice = bake_svg(once, '{"second": 2}')
    root = ElementTree.fromstring(twice)
    assert len(root.findall(f"{{{OB_NS}}}credential")) == 1
    assert unbake_svg(twice) == '{"second": 2}'


def test_an_unbaked_svg_has_no_credential() -> None:
    assert unbake_svg(badge_svg("x")) is None


BAD_SVGS = {
    "not xml": ("<svg", "well-formed"),
    "not svg": ('<html xmlns="http://www.w3.org/1999/xhtml"/>', "root element"),
    "entity expansion": (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>'
        '<svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
        "DOCTYPE",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_SVGS))
def test_unsafe_or_invalid_svgs_are_refused(case: str) -> None:
    svg, message = BAD_SVGS[case]
    with pytest.raises(BakingError, match=message):
        bake_svg(svg, "{}")
    with pytest.raises(BakingError, match=message):
        unbake_svg(svg)


# ---- the default badge --------------------------------------------------------------------------


def test_the_default_badge_escapes_and_wraps_the_name() -> None:
    svg = badge_svg('A "quoted" <name> & more', "credential")
    root = ElementTree.fromstring(svg)
    texts = [t.text for t in root.iter(f"{{{SVG_NS}}}text")]
    assert "CREDENTIAL" in texts
    assert " ".join(t for t in texts if t and t not in {"CREDENTIAL", "OPEN BADGE"}) == (
        'A "quoted" <name> & more'
    )
    size, lines = layout("Workplace Health and Safety Representative Extraordinaire Level Two")
    assert 1 < len(lines) <= 4 and size < 34
    size, lines = layout("word " * 200)
    assert lines[-1].endswith("…") and len(lines) == 4


def test_the_default_png_is_a_400_pixel_image() -> None:
    image = Image.open(io.BytesIO(badge_png("Safe Lifting")))
    assert image.size == (400, 400)
    assert image.format == "PNG"


def test_a_baked_png_loads_in_qt() -> None:
    from PySide6.QtGui import QImage

    baked = bake_png(badge_png("Safe Lifting"), _credential_json())
    image = QImage.fromData(baked, "PNG")
    assert not image.isNull()
    assert (image.width(), image.height()) == (400, 400)
