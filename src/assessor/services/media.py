"""Media type from a file's first bytes, never from its name alone.

A learner's file name and a package manifest are claims; the bytes are the evidence. `sniff`
reads only the head (`HEAD_SIZE` bytes) and never executes or parses deeply: it is called on
every artifact of every imported package. The name may only refine a text type (a `.py` that
is text is `text/x-python`); it never turns binary into text.
"""

from __future__ import annotations

import codecs
import posixpath
import struct

HEAD_SIZE = 8192

OCTET_STREAM = "application/octet-stream"
TEXT = "text/plain"
ZIP = "application/zip"

# Signature at offset 0 → media type; checked in order.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"\x1f\x8b", "application/gzip"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"Rar!\x1a\x07", "application/vnd.rar"),
)

# OpenDocument stores its type uncompressed as the first entry, "mimetype".
_ODF = {
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
}
# Office Open XML: told apart by the part names that appear in the head's local headers.
_OOXML = (
    (b"word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (b"xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (b"ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
)

# Text types a name may refine text/plain to.
_TEXT_BY_EXTENSION = {
    ".py": "text/x-python",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".csv": "text/csv",
    ".json": "application/json",
    ".xml": "application/xml",
    ".html": "text/html",
    ".htm": "text/html",
    ".css": "text/css",
    ".js": "text/javascript",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".svg": "image/svg+xml",
    ".txt": TEXT,
}

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Text types that are one another under another name (a JSON file is text).
_TEXTUAL = {"application/json", "application/xml", "application/yaml", "image/svg+xml"}
# Claims that mean "some bytes": anything satisfies them.
_ANY = {OCTET_STREAM, "binary/octet-stream", ""}
_ZIP_CLAIMS = {ZIP, "application/x-zip-compressed", "application/x-zip"}
_ALIASES = {
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "application/x-pdf": "application/pdf",
    "application/x-gzip": "application/gzip",
    "application/x-rar-compressed": "application/vnd.rar",
    "text/json": "application/json",
    "text/xml": "application/xml",
    "application/x-python": "text/x-python",
    "text/x-python-script": "text/x-python",
    "text/x-markdown": "text/markdown",
    "application/x-yaml": "application/yaml",
    "text/yaml": "application/yaml",
}


def sniff(head: bytes, name: str = "") -> str:
    """The media type of a file whose first bytes are `head` (at most HEAD_SIZE are looked
    at). `name` refines text only: `notes.md` that is UTF-8 text is text/markdown, a PE
    executable named `notes.txt` stays application/octet-stream."""
    head = head[:HEAD_SIZE]
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return media_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return _zip_kind(head)
    if encoding_of_head(head) is not None:
        extension = posixpath.splitext(name.replace("\\", "/").lower())[1]
        return _TEXT_BY_EXTENSION.get(extension, TEXT)
    return OCTET_STREAM


def encoding_of_head(head: bytes) -> str | None:
    """The text encoding of `head` if it looks like text (a BOM, or UTF-8, else cp1252, in
    either case without NULs or control characters other than whitespace), else None. Empty
    is text. A head cut in the middle of a UTF-8 sequence is still UTF-8."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            try:
                text = codecs.getincrementaldecoder(encoding)().decode(head[len(bom) :])
            except UnicodeDecodeError:
                return None
            return encoding if not any(_is_binary_control(c) for c in text) else None
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head)
        encoding = "utf-8"
    except UnicodeDecodeError:
        # Legacy Windows text (é as one byte). Binary data fails this too: within a few
        # bytes it has a NUL, a control character or a byte cp1252 leaves undefined.
        try:
            text, encoding = head.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            return None
    return encoding if not any(_is_binary_control(c) for c in text) else None


def _is_binary_control(char: str) -> bool:
    code = ord(char)
    return (code < 0x20 and char not in "\t\n\r\f\v\x1b") or code == 0x7F


def _zip_kind(head: bytes) -> str:
    """Look only at the local file headers inside the head: cheap, and where ODF and OOXML
    put the entries that say what they are."""
    if len(head) < 30 or head[:4] != b"PK\x03\x04":
        return ZIP
    method, _, _, _, compressed, _, name_len, extra_len = struct.unpack_from("<HHHIIIHH", head, 8)
    name = head[30 : 30 + name_len]
    if name == b"mimetype" and method == 0:
        start = 30 + name_len + extra_len
        declared = head[start : start + min(compressed, 100)].decode("ascii", "replace")
        if declared in _ODF:
            return declared
    if _names_part(head, b"[Content_Types].xml"):
        for part, media_type in _OOXML:
            if _names_part(head, part):
                return media_type
    return ZIP


def _names_part(head: bytes, prefix: bytes) -> bool:
    """Whether a local file header in `head` names an entry under `prefix`."""
    at = head.find(b"PK\x03\x04")
    while at != -1 and at + 30 <= len(head):
        name_len = struct.unpack_from("<H", head, at + 26)[0]
        if head[at + 30 : at + 30 + name_len].startswith(prefix):
            return True
        at = head.find(b"PK\x03\x04", at + 4)
    return False


def normalize(media_type: str) -> str:
    """Lower case, no parameters (`; charset=...`), common aliases folded."""
    bare = media_type.split(";", 1)[0].strip().lower()
    return _ALIASES.get(bare, bare)


def is_text(media_type: str) -> bool:
    bare = normalize(media_type)
    return bare.startswith("text/") or bare in _TEXTUAL


def compatible(claimed: str, sniffed: str) -> bool:
    """Whether a claimed media type (a manifest's, an upload's) agrees with what `sniff`
    found. Text claims accept any text; a zip-based document satisfies a zip claim; a
    generic binary claim accepts anything. A claim of one binary kind never accepts
    another."""
    want, got = normalize(claimed), normalize(sniffed)
    if want == got or want in _ANY:
        return True
    if is_text(want):
        return is_text(got)
    if want in _ZIP_CLAIMS:
        return got == ZIP or got in _ODF or any(got == t for _, t in _OOXML)
    if got == ZIP:
        # The head holds only the first entry: an OOXML file whose parts come later sniffs
        # as plain zip, so a claim of a zip-based type is accepted.
        return want in _ODF or any(want == t for _, t in _OOXML) or want.endswith("+zip")
    return False
