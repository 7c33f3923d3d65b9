"""Builders for submission packages, good and hostile, made byte by byte in the tests: no
binary fixture is committed. `raw_zip` writes exactly what it is told, lies included."""

from __future__ import annotations

import hashlib
import io
import json
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TEXT = b"Method statement: isolate, lock off, prove dead.\n"


@dataclass
class Raw:
    name: str | bytes
    data: bytes
    deflate: bool = False
    crc: int | None = None  # declared CRC (default: the real one)
    size: int | None = None  # declared uncompressed size (default: the real one)
    flags: int = 0x800  # UTF-8 names
    mode: int = stat.S_IFREG | 0o644
    method: int | None = None
    link_to: int | None = None  # the directory entry points at entry #n's local header
    payload: bytes | None = None  # the stored bytes, when not those made from `data`


def deflate(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def raw_zip(entries: list[Raw]) -> bytes:
    out = bytearray()
    central = bytearray()
    offsets: list[int] = []
    for e in entries:
        payload = deflate(e.data) if e.deflate else e.data
        payload = payload if e.payload is None else e.payload
        method = e.method if e.method is not None else (8 if e.deflate else 0)
        crc = zlib.crc32(e.data) if e.crc is None else e.crc
        size = len(e.data) if e.size is None else e.size
        name = e.name if isinstance(e.name, bytes) else e.name.encode("utf-8")
        if e.link_to is None:
            offset = len(out)
            out += (
                struct.pack(
                    "<4sHHHHHIIIHH",
                    b"PK\x03\x04",
                    20,
                    e.flags,
                    method,
                    0,
                    0x21,
                    crc,
                    len(payload),
                    size,
                    len(name),
                    0,
                )
                + name
                + payload
            )
        else:
            offset = offsets[e.link_to]
        offsets.append(offset)
        central += (
            struct.pack(
                "<4sHHHHHHIIIHHHHHII",
                b"PK\x01\x02",
                (3 << 8) | 20,
                20,
                e.flags,
                method,
                0,
                0x21,
                crc,
                len(payload),
                size,
                len(name),
                0,
                0,
                0,
                0,
                e.mode << 16,
                offset,
            )
            + name
        )
    start = len(out)
    out += central
    n = len(entries)
    out += struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, n, n, len(central), start, 0)
    return bytes(out)


def artifact(name: str, data: bytes, media_type: str, entry: str | None = None) -> dict[str, Any]:
    spec = {
        "name": name,
        "mediaType": media_type,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    return spec | ({"entry": entry} if entry else {})


def manifest(
    artifacts: list[dict[str, Any]],
    *,
    submission: str = "pkg-001",
    learner: str = "learner-new",
    assessment: str = "wiring-l2",
) -> dict[str, Any]:
    return {
        "format": "assessor-submission-package",
        "formatVersion": 1,
        "submissions": [
            {
                "id": submission,
                "learner": {"id": learner, "name": "Nia New", "anonymousCode": "C-NEW01"},
                "assessment": assessment,
                "attempt": 1,
                "submittedAt": "2026-11-20T09:30:00Z",
                "artifacts": artifacts,
            }
        ],
    }


def good_files() -> dict[str, tuple[bytes, str]]:
    return {"method.txt": (TEXT, "text/plain"), "report.pdf": (PDF, "application/pdf")}


def good_package(files: dict[str, tuple[bytes, str]] | None = None, **kw: Any) -> bytes:
    """A valid package made by the standard library's writer, deflated and stored mixed."""
    files = good_files() if files is None else files
    doc = manifest([artifact(n, d, t) for n, (d, t) in files.items()], **kw)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("manifest.json", json.dumps(doc), zipfile.ZIP_DEFLATED)
        for i, (name, (data, _)) in enumerate(files.items()):
            zf.writestr(name, data, zipfile.ZIP_DEFLATED if i % 2 else zipfile.ZIP_STORED)
    return buffer.getvalue()


def hostile(extra: list[Raw], files: dict[str, tuple[bytes, str]] | None = None) -> bytes:
    """The good files and a manifest naming them (and every extra entry that is a file),
    then the hostile entries."""
    files = good_files() if files is None else files
    specs = [artifact(n, d, t) for n, (d, t) in files.items()]
    for i, e in enumerate(extra):
        if isinstance(e.name, str):
            spec = artifact(f"extra-{i}.bin", e.data, "application/octet-stream", e.name)
            specs.append(spec | ({"size": e.size} if e.size is not None else {}))
    doc = json.dumps(manifest(specs)).encode()
    entries = [Raw("manifest.json", doc, deflate=True)]
    entries += [Raw(n, d) for n, (d, _) in files.items()]
    return raw_zip(entries + extra)
