"""The preview child: describes untrusted files, one JSON line each.

Run by services/preview.py, never in the application's own process: a malformed PDF can make
a parser loop or allocate without end, and a thread cannot be stopped. Either once per file
(`python -P -m assessor.services.preview_child PATH SECONDS MIB`), or on POSIX as a server
that forks a fresh limited process per file (`... --serve SECONDS MIB`, see `serve`). The
limits are set before the file is opened (see `limit_resources`), so whatever the parsers do,
the kernel ends it.

Output per file, one line on stdout:
  {"kind": "pdf", "pages": 12}
  {"kind": "image", "width": 640, "height": 480}
  {"kind": "text", "encoding": "utf-8", "lines": 31}
  {"kind": "other"}
  {"error": "REASON"}
"""

from __future__ import annotations

import codecs
import contextlib
import json
import logging
import os
import signal
import struct
import sys
import warnings
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from assessor.services.media import HEAD_SIZE, encoding_of_head, is_text, sniff

MAX_PIXELS = 100_000_000
MAX_PAGES = 100_000
CHUNK = 1 << 20

Result = dict[str, Any]


class Unreadable(Exception):
    """The file is not what its bytes claim to be; the message says how, plainly."""


def limit_resources(seconds: float, mib: int) -> None:
    """Cap address space and processor time (POSIX). Done here, first thing, rather than in a
    `preexec_fn`: the GUI starts children from worker threads, and subprocess documents
    preexec_fn as unsafe when threads exist. Nothing untrusted is read before this runs."""
    try:
        import resource
    except ImportError:  # Windows: the parent's wall-clock timeout is the only limit
        return
    memory = mib << 20
    cpu = max(1, int(seconds + 1))  # a backstop: the parent's wall clock comes first
    for which, value in (
        (resource.RLIMIT_AS, (memory, memory)),
        (resource.RLIMIT_CPU, (cpu, cpu + 1)),
        (resource.RLIMIT_FSIZE, (0, 0)),  # the child writes no file
        (resource.RLIMIT_CORE, (0, 0)),
    ):
        # macOS refuses some (RLIMIT_AS); the parent's timeout still holds.
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(which, value)


def describe(path: Path) -> Result:
    """What the preview shows of the file at `path`, by its bytes; raises Unreadable."""
    with path.open("rb") as f:
        head = f.read(HEAD_SIZE)
        media_type = sniff(head)
        f.seek(0)
        if media_type == "application/pdf":
            return pdf_pages(path)
        if media_type == "image/png":
            return _image(*png_size(f))
        if media_type == "image/jpeg":
            return _image(*jpeg_size(f))
        if media_type == "image/gif":
            return _image(*gif_size(head))
        if media_type == "image/webp":
            return _image(*webp_size(head))
        if is_text(media_type):
            encoding, lines = text_lines(f, head)
            return {"kind": "text", "encoding": encoding, "lines": lines}
        return {"kind": "other"}


def _image(width: int, height: int) -> Result:
    return {"kind": "image", "width": width, "height": height}


def check_pixels(kind: str, width: int, height: int) -> None:
    """Refuse before any decoding: the size is all a pixel bomb needs to be caught."""
    if width <= 0 or height <= 0:
        raise Unreadable(f"malformed {kind}: it declares {width}×{height} pixels")
    if width * height > MAX_PIXELS:
        raise Unreadable(f"image too large: {width}×{height} pixels")


# -- PDF ----------------------------------------------------------------------------------------


def pdf_pages(path: Path) -> Result:
    from pypdf import PdfReader  # only PDFs pay for the import

    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("the PDF is encrypted with a password")
        pages = len(reader.pages)
        if pages > MAX_PAGES:
            raise Unreadable(f"malformed PDF: it claims {pages} pages")
        if pages:
            reader.pages[pages - 1]  # walks the page tree: older pypdf trusts /Count alone
    except (Unreadable, MemoryError):
        raise
    except RecursionError:
        raise Unreadable("malformed PDF: its objects are nested too deeply") from None
    except Exception as e:  # pypdf raises many types on bad input; all mean the same here
        if _caused_by_memory(e):  # pypdf wraps a failed allocation in its own error
            raise MemoryError from None
        raise Unreadable(f"malformed PDF: {_plain(e)}") from None
    return {"kind": "pdf", "pages": pages}


def _caused_by_memory(e: BaseException | None) -> bool:
    seen = 0
    while e is not None and seen < 20:
        if isinstance(e, MemoryError):
            return True
        e, seen = e.__cause__ or e.__context__, seen + 1
    return False


def _plain(e: BaseException) -> str:
    text = " ".join(str(e).split())[:200]
    return text or type(e).__name__


# -- images -------------------------------------------------------------------------------------

_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_PNG_DEPTHS = {0: {1, 2, 4, 8, 16}, 2: {8, 16}, 3: {1, 2, 4, 8}, 4: {8, 16}, 6: {8, 16}}
# Adam7 passes: (x start, y start, x step, y step)
_ADAM7: tuple[tuple[int, int, int, int], ...] = (
    (0, 0, 8, 8),
    (4, 0, 8, 8),
    (0, 4, 4, 8),
    (2, 0, 4, 4),
    (0, 2, 2, 4),
    (1, 0, 2, 2),
    (0, 1, 1, 2),
)


def png_size(f: IO[bytes]) -> tuple[int, int]:
    """Width and height from IHDR, after checking that the image data inflates to exactly
    the size IHDR implies. Inflating is streamed with a bounded output per step, so a zlib
    bomb is caught at the first byte past the declared size, in constant memory."""
    f.read(8)
    length, kind = _png_chunk_header(f)
    if kind != b"IHDR" or length != 13:
        raise Unreadable("malformed PNG: it does not start with an IHDR chunk")
    ihdr = _png_chunk_data(f, kind, length)
    width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", ihdr)
    check_pixels("PNG", width, height)
    if color not in _PNG_CHANNELS or depth not in _PNG_DEPTHS[color] or interlace > 1:
        raise Unreadable(f"malformed PNG: colour type {color} with bit depth {depth}")
    expected = _png_raw_size(width, height, depth * _PNG_CHANNELS[color], interlace == 1)
    inflater = zlib.decompressobj()
    produced = 0
    while True:
        length, kind = _png_chunk_header(f)
        if kind == b"IEND":
            break
        if kind != b"IDAT":
            _png_chunk_data(f, kind, length)
            continue
        for piece in _png_chunk_pieces(f, kind, length):
            produced += _inflate_bounded(inflater, piece, expected - produced)
    if not inflater.eof or produced != expected:
        raise Unreadable("malformed PNG: the image data ends early")
    return width, height


def _inflate_bounded(inflater: Any, data: bytes, room: int) -> int:
    produced = 0
    try:
        while data:
            out = inflater.decompress(data, CHUNK)
            produced += len(out)
            if produced > room:
                raise Unreadable("malformed PNG: the image data is larger than its size says")
            data = inflater.unconsumed_tail
    except zlib.error:
        raise Unreadable("malformed PNG: the image data is damaged") from None
    return produced


def _png_raw_size(width: int, height: int, bits_per_pixel: int, interlaced: bool) -> int:
    """Bytes of filtered scanlines: one filter byte per row, rows rounded up to bytes."""
    passes = _ADAM7 if interlaced else ((0, 0, 1, 1),)
    total = 0
    for x0, y0, dx, dy in passes:
        w = (width - x0 + dx - 1) // dx
        h = (height - y0 + dy - 1) // dy
        if w > 0 and h > 0:
            total += h * (1 + (w * bits_per_pixel + 7) // 8)
    return total


def _png_chunk_header(f: IO[bytes]) -> tuple[int, bytes]:
    header = f.read(8)
    if len(header) < 8:
        raise Unreadable("malformed PNG: the file ends before IEND")
    length, kind = struct.unpack(">I4s", header)
    if length > 0x7FFFFFFF:
        raise Unreadable("malformed PNG: a chunk declares an impossible length")
    return length, kind


def _png_chunk_pieces(f: IO[bytes], kind: bytes, length: int) -> Iterator[bytes]:
    """A chunk's data in pieces of at most CHUNK bytes; its checksum is checked after the
    last piece (so read them all)."""
    crc = zlib.crc32(kind)
    left = length
    while left:
        piece = f.read(min(left, CHUNK))
        if not piece:
            raise Unreadable("malformed PNG: the file ends inside a chunk")
        left -= len(piece)
        crc = zlib.crc32(piece, crc)
        yield piece
    _png_check_crc(f, kind, crc)


def _png_chunk_data(f: IO[bytes], kind: bytes, length: int) -> bytes:
    """IHDR's data; any other chunk is checked and skipped in constant memory."""
    keep = kind == b"IHDR"
    return b"".join(piece for piece in _png_chunk_pieces(f, kind, length) if keep)


def _png_check_crc(f: IO[bytes], kind: bytes, crc: int) -> None:
    stored = f.read(4)
    if len(stored) < 4 or struct.unpack(">I", stored)[0] != crc:
        name = kind.decode("latin-1")
        raise Unreadable(f"malformed PNG: chunk {name!r} is damaged (checksum)")


_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def jpeg_size(f: IO[bytes]) -> tuple[int, int]:
    """Width and height from the first frame header (SOF), walking segment lengths only."""
    f.read(2)
    while True:
        byte = f.read(1)
        if byte != b"\xff":
            raise Unreadable("malformed JPEG: no frame header before the image data")
        marker = f.read(1)
        while marker == b"\xff":  # fill bytes
            marker = f.read(1)
        if not marker:
            raise Unreadable("malformed JPEG: the file ends before a frame header")
        code = marker[0]
        if 0xD0 <= code <= 0xD7 or code == 0x01:
            continue
        if code in (0xD9, 0xDA):
            raise Unreadable("malformed JPEG: no frame header before the image data")
        raw = f.read(2)
        if len(raw) < 2 or struct.unpack(">H", raw)[0] < 2:
            raise Unreadable("malformed JPEG: a segment declares an impossible length")
        length = struct.unpack(">H", raw)[0] - 2
        if code in _JPEG_SOF:
            frame = f.read(length)
            if len(frame) < 5:
                raise Unreadable("malformed JPEG: the frame header is cut short")
            height, width = struct.unpack_from(">HH", frame, 1)
            check_pixels("JPEG", width, height)
            return width, height
        f.seek(length, 1)


def gif_size(head: bytes) -> tuple[int, int]:
    if len(head) < 10:
        raise Unreadable("malformed GIF: the file is cut short")
    width, height = struct.unpack_from("<HH", head, 6)
    check_pixels("GIF", width, height)
    return width, height


def webp_size(head: bytes) -> tuple[int, int]:
    chunk = head[12:16]
    if chunk == b"VP8X" and len(head) >= 30:
        width = 1 + int.from_bytes(head[24:27], "little")
        height = 1 + int.from_bytes(head[27:30], "little")
    elif chunk == b"VP8L" and len(head) >= 25 and head[20] == 0x2F:
        bits = int.from_bytes(head[21:25], "little")
        width, height = 1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF)
    elif chunk == b"VP8 " and len(head) >= 30 and head[23:26] == b"\x9d\x01\x2a":
        width, height = (v & 0x3FFF for v in struct.unpack_from("<HH", head, 26))
    else:
        raise Unreadable("malformed WebP: no image header")
    check_pixels("WebP", width, height)
    return width, height


# -- text ---------------------------------------------------------------------------------------


def text_lines(f: IO[bytes], head: bytes) -> tuple[str, int]:
    """(encoding, line count). A BOM decides; else strict UTF-8 over the whole file, and if
    that fails further on, cp1252 (with undecodable bytes replaced: only the count matters)."""
    encoding = encoding_of_head(head) or "cp1252"
    if encoding == "utf-8":
        try:
            return encoding, _count_lines(f, "utf-8", "strict")
        except UnicodeDecodeError:
            f.seek(0)
            encoding = "cp1252"
    try:
        return encoding, _count_lines(f, encoding, "strict" if encoding != "cp1252" else "replace")
    except UnicodeDecodeError:
        raise Unreadable(f"not valid {encoding} text after its first bytes") from None


def _count_lines(f: IO[bytes], encoding: str, errors: str) -> int:
    decoder = codecs.getincrementaldecoder(encoding)(errors)
    lines = 0
    last = ""
    while chunk := f.read(CHUNK):
        text = decoder.decode(chunk)
        lines += text.count("\n")
        last = text[-1:] or last
    text = decoder.decode(b"", final=True)
    lines += text.count("\n")
    last = text[-1:] or last
    return lines + (1 if last and last != "\n" else 0)


# -- entry point --------------------------------------------------------------------------------


def answer_for(path: Path, mib: int) -> Result:
    """`describe`, with every way it can fail turned into {"error": REASON}."""
    try:
        return describe(path)
    except Unreadable as e:
        return {"error": str(e)}
    except MemoryError:
        return {"error": f"used more than {mib} MiB"}
    except RecursionError:
        return {"error": "nested too deeply"}
    except OSError as e:
        return {"error": f"cannot read the file ({e.strerror or type(e).__name__})"}


def _quiet() -> None:
    # pypdf's complaints about bad input are not our output, and could be many.
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")


def serve(seconds: float, mib: int) -> int:
    """Many files, one per line (a JSON string) on stdin, one answer line each on stdout.
    Each file is described by a fresh fork that sets the limits and an alarm for the wall
    clock, so the parsers are imported once yet every file gets a clean, limited process.
    This process itself never reads a file; it stays single-threaded, so forking is safe."""
    import pypdf  # noqa: F401  imported once, before the forks

    _quiet()
    for line in sys.stdin:
        path = Path(json.loads(line))
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the fork: limited, timed, and gone without running any cleanup
            os.close(read_end)
            limit_resources(seconds, mib)
            signal.setitimer(signal.ITIMER_REAL, seconds)  # SIGALRM's default action ends it
            os.write(write_end, json.dumps(answer_for(path, mib)).encode() + b"\n")
            os._exit(0)
        os.close(write_end)
        with os.fdopen(read_end, "rb") as pipe:
            out = pipe.read(1 << 16)
        status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        sys.stdout.write(json.dumps(_verdict(out, status, seconds)) + "\n")
        sys.stdout.flush()
    return 0


def _verdict(out: bytes, status: int, seconds: float) -> Result:
    if status == 0 and out.endswith(b"\n"):
        return dict(json.loads(out))
    if status == -signal.SIGALRM:
        return {"error": f"took longer than {seconds:g} s"}
    if status in (-signal.SIGXCPU, -signal.SIGKILL):
        return {"error": f"used more than {seconds:g} s of processor time"}
    return {"error": f"the previewer stopped unexpectedly (exit status {status})"}


def main(argv: list[str]) -> int:
    if argv[0] == "--serve":
        return serve(float(argv[1]), int(argv[2]))
    path, seconds, mib = Path(argv[0]), float(argv[1]), int(argv[2])
    limit_resources(seconds, mib)
    _quiet()
    sys.stdout.write(json.dumps(answer_for(path, mib), ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
