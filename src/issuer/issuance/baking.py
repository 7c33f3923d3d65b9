"""Open Badges 3.0 baking: the signed credential carried inside the badge image.

PNG: one uncompressed `iTXt` chunk with keyword `openbadgecredential` holding the credential
JSON, placed just before `IEND`; baking again replaces it. SVG: an `<openbadges:credential>`
element (namespace https://purl.imsglobal.org/ob/v3p0) as the root's first child, the JSON in
a CDATA section. Both readers check what they parse (PNG CRCs, chunk sizes; SVG without
DTDs or entities) and never trust the image.
"""

from __future__ import annotations

import re
import secrets
import struct
import zlib
from xml.etree import ElementTree

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEYWORD = b"openbadgecredential"
OB_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
XLINK_NAMESPACE = "http://www.w3.org/1999/xlink"
MAX_IMAGE_BYTES = 32 * 1024 * 1024
MAX_CREDENTIAL_BYTES = 8 * 1024 * 1024

_CHUNK = struct.Struct(">I4s")
_CREDENTIAL_TAG = f"{{{OB_NAMESPACE}}}credential"


class BakingError(ValueError):
    """Not an image this module can bake into or read from; the message says what is wrong."""


# ---- PNG ----------------------------------------------------------------------------------------


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of every chunk, CRCs checked, IHDR first and IEND last."""
    if not isinstance(png, bytes | bytearray) or not png.startswith(PNG_SIGNATURE):
        raise BakingError("not a PNG image (bad signature)")
    if len(png) > MAX_IMAGE_BYTES:
        raise BakingError(f"PNG larger than {MAX_IMAGE_BYTES} bytes")
    chunks = []
    offset = len(PNG_SIGNATURE)
    while offset < len(png):
        if offset + 12 > len(png):
            raise BakingError(f"PNG truncated in a chunk header at byte {offset}")
        length, kind = _CHUNK.unpack_from(png, offset)
        end = offset + 8 + length
        if length > 0x7FFFFFFF or end + 4 > len(png):
            raise BakingError(f"PNG chunk {kind!r} at byte {offset} runs past the end")
        data = bytes(png[offset + 8 : end])
        (crc,) = struct.unpack_from(">I", png, end)
        if zlib.crc32(kind + data) != crc:
            raise BakingError(f"PNG chunk {kind!r} at byte {offset} has a bad CRC")
        chunks.append((kind, data))
        offset = end + 4
        if kind == b"IEND":
            break
    if not chunks or chunks[0][0] != b"IHDR":
        raise BakingError("PNG does not start with IHDR")
    if chunks[-1][0] != b"IEND":
        raise BakingError("PNG has no IEND chunk")
    if offset != len(png):
        raise BakingError("PNG has bytes after IEND")
    return chunks


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _is_credential_chunk(kind: bytes, data: bytes) -> bool:
    return kind == b"iTXt" and data.split(b"\x00", 1)[0] == KEYWORD


def _credential_text(credential_json: str) -> bytes:
    if not isinstance(credential_json, str) or not credential_json.strip():
        raise BakingError("the credential to bake is empty")
    data = credential_json.encode("utf-8")
    if len(data) > MAX_CREDENTIAL_BYTES:
        raise BakingError(f"the credential is larger than {MAX_CREDENTIAL_BYTES} bytes")
    return data


def bake_png(png: bytes, credential_json: str) -> bytes:
    """`png` with the credential in an uncompressed `iTXt` chunk `openbadgecredential` just
    before IEND; any earlier credential chunk is removed."""
    text = _credential_text(credential_json)
    chunks = [(k, d) for k, d in _chunks(png) if not _is_credential_chunk(k, d)]
    # keyword NUL, compression flag 0, method 0, empty language tag NUL, empty translated NUL
    itxt = KEYWORD + b"\x00\x00\x00\x00\x00" + text
    out = [PNG_SIGNATURE]
    for kind, data in chunks:
        if kind == b"IEND":
            out.append(_chunk(b"iTXt", itxt))
        out.append(_chunk(kind, data))
    return b"".join(out)


def unbake_png(png: bytes) -> str | None:
    """The credential baked into `png`, or None when there is none. BakingError for a damaged
    PNG, more than one credential chunk, or a malformed one."""
    found = [data for kind, data in _chunks(png) if _is_credential_chunk(kind, data)]
    if not found:
        return None
    if len(found) > 1:
        raise BakingError("PNG holds more than one openbadgecredential chunk")
    rest = found[0][len(KEYWORD) + 1 :]
    if len(rest) < 2:
        raise BakingError("openbadgecredential chunk is truncated")
    compressed, method, rest = rest[0], rest[1], rest[2:]
    parts = rest.split(b"\x00", 2)
    if len(parts) != 3:
        raise BakingError("openbadgecredential chunk lacks its language and keyword fields")
    text = parts[2]
    if compressed == 1 and method == 0:
        inflater = zlib.decompressobj()
        text = inflater.decompress(text, MAX_CREDENTIAL_BYTES + 1)
        if len(text) > MAX_CREDENTIAL_BYTES or not inflater.eof:
            raise BakingError("openbadgecredential chunk does not inflate to a credential")
    elif compressed != 0:
        raise BakingError("openbadgecredential chunk uses an unknown compression")
    try:
        return text.decode("utf-8")
    except UnicodeDecodeError:
        raise BakingError("openbadgecredential chunk is not UTF-8 text") from None


# ---- SVG ----------------------------------------------------------------------------------------

_DTD = re.compile(r"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def _parse_svg(svg: str) -> ElementTree.Element:
    if not isinstance(svg, str) or not svg.strip():
        raise BakingError("not an SVG image (empty)")
    if len(svg) > MAX_IMAGE_BYTES:
        raise BakingError(f"SVG larger than {MAX_IMAGE_BYTES} characters")
    if _DTD.search(svg):
        raise BakingError("SVG with a DOCTYPE or entity declarations is refused")
    # S314: no DTD can reach the parser (refused above), so no entity expansion either.
    parser = ElementTree.XMLParser(  # noqa: S314
        target=ElementTree.TreeBuilder(insert_comments=True, insert_pis=True)
    )
    try:
        parser.feed(svg)
        root = parser.close()
    except ElementTree.ParseError as exc:
        raise BakingError(f"SVG is not well-formed XML ({exc})") from None
    if root.tag != f"{{{SVG_NAMESPACE}}}svg":
        raise BakingError("not an SVG image (the root element is not svg:svg)")
    return root


def _cdata(credential_json: str) -> str:
    # "]]>" can only occur inside a JSON string, where "\u003e" means the same character.
    return "<![CDATA[" + credential_json.replace("]]>", "]]\\u003e") + "]]>"


def bake_svg(svg: str, credential_json: str) -> str:
    """`svg` with the credential in an `<openbadges:credential>` element (JSON in CDATA) as
    the root's first child; any earlier one is removed."""
    _credential_text(credential_json)
    root = _parse_svg(svg)
    for element in root.findall(_CREDENTIAL_TAG):
        root.remove(element)
    element = ElementTree.Element(_CREDENTIAL_TAG)
    placeholder = "openbadges-credential-" + secrets.token_hex(16)  # unguessable: occurs once
    element.text = placeholder
    root.insert(0, element)
    ElementTree.register_namespace("", SVG_NAMESPACE)
    ElementTree.register_namespace("xlink", XLINK_NAMESPACE)
    ElementTree.register_namespace("openbadges", OB_NAMESPACE)
    text = ElementTree.tostring(root, encoding="unicode")
    if text.count(placeholder) != 1:
        raise BakingError("SVG could not be baked")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text.replace(
        placeholder, _cdata(credential_json)
    )


def unbake_svg(svg: str) -> str | None:
    """The credential JSON baked into `svg`, or None; BakingError for a malformed SVG or more
    than one credential element."""
    root = _parse_svg(svg)
    found = root.findall(_CREDENTIAL_TAG)
    if not found:
        return None
    if len(found) > 1:
        raise BakingError("SVG holds more than one openbadges:credential element")
    text = (found[0].text or "").strip()
    return text or None
