"""Files built by the tests, honest and hostile: no binary fixture is committed."""

from __future__ import annotations

import io
import struct
import zlib

from reportlab.pdfgen import canvas


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, *, idat: bytes | None = None) -> bytes:
    """An 8-bit RGB PNG; `idat` replaces the compressed image data (honest by default)."""
    if idat is None:
        rows = b"".join(
            b"\x00" + b"".join(bytes((x % 256, y % 256, 128)) for x in range(width))
            for y in range(height)
        )
        idat = zlib.compress(rows)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def zlib_bomb(size: int) -> bytes:
    """`size` zero bytes, compressed about a thousand to one."""
    inflate = zlib.compressobj(9)
    block = b"\x00" * (1 << 20)
    parts = [inflate.compress(block) for _ in range(size >> 20)]
    return b"".join([*parts, inflate.flush()])


def jpeg(width: int, height: int) -> bytes:
    """Markers only, as far as a size reader looks: SOI, an APP0, a baseline SOF0."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = struct.pack(">BHHB", 8, height, width, 3) + b"\x01\x11\x00\x02\x11\x00\x03\x11\x00"
    return (
        b"\xff\xd8"
        + b"\xff\xe0"
        + struct.pack(">H", len(app0) + 2)
        + app0
        + b"\xff\xc0"
        + struct.pack(">H", len(sof) + 2)
        + sof
        + b"\xff\xd9"
    )


def gif(width: int, height: int) -> bytes:
    return b"GIF89a" + struct.pack("<HH", width, height) + b"\x00\x00\x00" + b"\x3b"


def webp(width: int, height: int) -> bytes:
    """An extended-format (VP8X) header with the canvas size."""
    vp8x = (
        b"\x00\x00\x00\x00" + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    )
    body = b"WEBP" + b"VP8X" + struct.pack("<I", len(vp8x)) + vp8x
    return b"RIFF" + struct.pack("<I", len(body)) + body


def zip_with(*names: str) -> bytes:
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name in names:
            method = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            data = b"application/vnd.oasis.opendocument.text" if name == "mimetype" else b"x"
            z.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return buf.getvalue()


def real_pdf(pages: int) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for i in range(pages):
        c.drawString(72, 720, f"Method statement, page {i + 1}")
        c.showPage()
    c.save()
    return buf.getvalue()


def raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF written object by object with a correct cross-reference table, so that what is
    hostile about it is only what the objects say."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"


def cyclic_page_tree_pdf() -> bytes:
    return raw_pdf(
        [
            CATALOG,
            b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
            b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
        ]
    )


def exploding_page_tree_pdf(depth: int = 40) -> bytes:
    """Each page-tree node lists the next one twice: 2**depth pages from depth objects."""
    objects = [CATALOG]
    for i in range(depth):
        child = i + 3
        objects.append(b"<< /Type /Pages /Kids [%d 0 R %d 0 R] /Count %d >>" % (child, child, 1))
    objects.append(b"<< /Type /Page /MediaBox [0 0 10 10] >>")
    return raw_pdf(objects)


def deeply_nested_pdf(depth: int = 400_000) -> bytes:
    """A page whose dictionary nests `depth` levels deep: slow to parse, by design."""
    page = b"<< /Type /Page /Parent 2 0 R /A " + b"<< /A " * depth + b"1" + b" >>" * depth + b" >>"
    return raw_pdf([CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page])


def xref_stream_bomb_pdf(size: int = 70 << 20) -> bytes:
    """A PDF whose cross-reference stream inflates to `size` bytes, read before any page."""
    body = zlib_bomb(size)
    out = bytearray(b"%PDF-1.7\n")
    out += b"1 0 obj\n" + CATALOG + b"\nendobj\n"
    out += b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    xref = len(out)
    out += (
        b"3 0 obj\n<< /Type /XRef /Size 4 /W [1 4 2] /Root 1 0 R /Filter /FlateDecode"
        b" /Length %d >>\nstream\n" % len(body)
    )
    out += body + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


# A Windows executable's first bytes: "MZ", then NULs.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
