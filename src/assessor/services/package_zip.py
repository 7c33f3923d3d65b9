"""Reading an untrusted zip: the central directory is checked as a whole before any byte is
inflated, then each entry is streamed through its own inflater, which counts what comes out.

`zipfile` parses the central directory; everything after that is done here, because what
`ZipFile.open` tolerates is too much: it cuts an entry at its declared size (a longer one
passes if its CRC was made for the cut), and it cannot say how many compressed bytes were used.
No entry name is ever used as a path. Every refusal names the entry and the reason.
"""

from __future__ import annotations

import itertools
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from assessor.domain.errors import Problem, ValidationFailed
from assessor.services.package_format import MANIFEST, fold, has_control

GiB = 1 << 30
CHUNK = 1 << 20
RATIO_GRACE = 1 << 20  # small entries may compress well (a blank form); bombs are large
MANIFEST_MAX = 16 << 20
_LOCAL = struct.Struct("<4sHHHHHIIIHH")
_END = struct.Struct("<4sHHHHIIH")
DIRECTORY_ENTRY_MAX = 4096  # a directory record with a 500-character name and extras
_DRIVE = re.compile(r"[A-Za-z]:")
_ODD_TYPES = {
    stat.S_IFLNK: "a symbolic link",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
}


@dataclass(frozen=True)
class Limits:
    total_bytes: int = 2 * GiB
    entries: int = 10_000
    ratio: int = 200


def refusal(source: str, entry: str, reason: str) -> ValidationFailed:
    return ValidationFailed([Problem(f"entry {entry!r}", reason)], source=source)


def name_problem(name: str) -> str | None:
    """Why an entry name is unsafe as a name of anything, or None."""
    if not name:
        return "the name is empty"
    if "\\" in name:
        return "the name contains a backslash (a Windows path separator)"
    if name.startswith("//"):
        return "the name is a UNC path"
    if name.startswith("/"):
        return "the name is an absolute path"
    if _DRIVE.match(name):
        return "the name starts with a drive letter"
    if has_control(name):
        return "the name contains control characters"
    parts = name.removesuffix("/").split("/")
    if ".." in parts:
        return "the name climbs out of its folder (..)"
    if any(p in ("", ".") for p in parts):
        return "the name has an empty or '.' part"
    if any(p.endswith((" ", ".")) or ":" in p for p in parts):
        return "a part of the name ends in a space or dot or holds ':' (Windows aliases)"
    return None


class SafeZip:
    """An opened, checked package. Use as a context manager."""

    def __init__(self, path: Path, limits: Limits, *, source: str) -> None:
        self.source = source
        self.limits = limits
        self._file: BinaryIO = path.open("rb")
        try:
            self._size = self._file.seek(0, 2)
            self._precheck_directory()
            try:
                self._zip = zipfile.ZipFile(self._file)
            except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
                raise ValidationFailed(
                    [Problem("", f"not a readable zip archive (truncated or damaged): {exc}")],
                    source=source,
                ) from None
            self.files = self._check_directory()
        except BaseException:
            self._file.close()
            raise

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._zip.close()
        self._file.close()

    def _precheck_directory(self) -> None:
        """zipfile reads the whole central directory into memory: refuse one that declares
        more entries than the limit, or more bytes than they could need, before it does."""
        tail_size = min(self._size, _END.size + 0xFFFF)
        self._file.seek(self._size - tail_size)
        tail = self._file.read(tail_size)
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) - at < _END.size:
            return  # zipfile refuses it
        count, size = _END.unpack_from(tail, at)[4:6]
        if count != 0xFFFF and count > self.limits.entries:
            reason = f"the archive has {count} entries, over the limit of {self.limits.entries}"
        elif size != 0xFFFFFFFF and size > self.limits.entries * DIRECTORY_ENTRY_MAX:
            reason = f"a central directory of {size} bytes is over the limit"
        else:
            return
        raise ValidationFailed([Problem("", reason)], source=self.source)

    def _check_directory(self) -> dict[str, zipfile.ZipInfo]:
        infos = self._zip.infolist()
        if len(infos) > self.limits.entries:
            raise refusal(
                self.source,
                infos[self.limits.entries].filename,
                f"the archive has {len(infos)} entries, over the limit of {self.limits.entries}",
            )
        problems: list[Problem] = []
        files: dict[str, zipfile.ZipInfo] = {}
        folded: dict[str, str] = {}
        declared = 0
        for info in infos:
            name = info.filename
            reason = self._entry_problem(info)
            if reason is None and name in files:
                reason = "the archive holds this name twice (duplicate entry)"
            if reason is None and fold(name) in folded:
                reason = (
                    f"the name is the same as '{folded[fold(name)]}' "
                    "once Unicode-normalised and case-folded"
                )
            if reason is not None:
                problems.append(Problem(f"entry {name!r}", reason))
                continue
            folded[fold(name)] = name
            if not info.is_dir():
                files[name] = info
                declared += info.file_size
        problems += self._overlaps(infos)
        if problems:
            raise ValidationFailed(problems, source=self.source)
        if declared > self.limits.total_bytes:
            raise ValidationFailed(
                [
                    Problem(
                        "",
                        f"the archive declares {declared} bytes, over the limit of "
                        f"{self.limits.total_bytes}",
                    )
                ],
                source=self.source,
            )
        return files

    def _entry_problem(self, info: zipfile.ZipInfo) -> str | None:
        if info.orig_filename != info.filename and "\x00" in info.orig_filename:
            return "the name contains a NUL character"
        reason = name_problem(info.filename)
        if reason is not None:
            return reason
        if info.flag_bits & 0x1:
            return "the entry is encrypted"
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            return f"compression method {info.compress_type} is not supported (stored, deflated)"
        kind = stat.S_IFMT(info.external_attr >> 16) if info.create_system == 3 else 0
        if kind in _ODD_TYPES:
            return f"the entry is {_ODD_TYPES[kind]}"
        if info.is_dir() and info.file_size:
            return "a folder entry with content"
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_GRACE and ratio > self.limits.ratio:
            return (
                f"declares a compression ratio of {ratio:.0f}:1, over the limit of "
                f"{self.limits.ratio}:1"
            )
        return None

    def _overlaps(self, infos: list[zipfile.ZipInfo]) -> list[Problem]:
        """Two directory entries on the same bytes are a hard link; overlapping ones are a
        quine-style bomb. Each entry's data must lie between its header and the next."""
        ordered = sorted(infos, key=lambda i: i.header_offset)
        problems = []
        for a, b in itertools.pairwise(ordered):
            a_end = a.header_offset + _LOCAL.size + len(a.filename.encode()) + a.compress_size
            if a.header_offset == b.header_offset:
                why = f"the entry is a hard link to '{a.filename}' (shares its data)"
            elif a_end > b.header_offset:
                why = f"the entry's data overlaps that of '{a.filename}'"
            else:
                continue
            problems.append(Problem(f"entry {b.filename!r}", why))
        return problems

    def read_manifest(self) -> bytes:
        info = self.files.get(MANIFEST)
        if info is None:
            raise ValidationFailed(
                [Problem("", f"no {MANIFEST} in the package")], source=self.source
            )
        if info.file_size > MANIFEST_MAX:
            raise refusal(self.source, MANIFEST, f"over {MANIFEST_MAX} bytes")
        return b"".join(self.stream(MANIFEST))

    def stream(self, name: str, counted: Callable[[int], None] | None = None) -> Iterator[bytes]:
        """The bytes of entry `name`, checked as they come: declared size, CRC, ratio.
        `counted(n)` is told of every n bytes produced (the caller keeps the total)."""
        info = self.files[name]
        start = self._data_start(info)
        end = start + info.compress_size
        if end > self._size:
            raise refusal(self.source, name, "the archive is truncated inside this entry")
        # Never more than declared (refused below), so this holds the ratio whatever it says.
        ratio_cap = max(self.limits.ratio * max(info.compress_size, 1), RATIO_GRACE)
        produced = 0
        crc = 0
        for data in self._unpack(info, start, end):
            produced += len(data)
            if produced > info.file_size:
                raise refusal(
                    self.source,
                    name,
                    f"holds more than the {info.file_size} bytes its header declares",
                )
            if produced > ratio_cap:
                raise refusal(
                    self.source, name, f"compression ratio over the limit of {self.limits.ratio}:1"
                )
            crc = zlib.crc32(data, crc)
            if counted is not None:
                counted(len(data))
            yield data
        if produced != info.file_size:
            raise refusal(
                self.source,
                name,
                f"declares {info.file_size} bytes but holds {produced}",
            )
        if crc != info.CRC:
            raise refusal(self.source, name, "bad CRC: the bytes are not those that were packed")

    def _unpack(self, info: zipfile.ZipInfo, start: int, end: int) -> Iterator[bytes]:
        """Chunks of at most CHUNK bytes, whatever the compressed bytes would expand to."""
        offset = start

        def raw() -> bytes:
            nonlocal offset
            self._file.seek(offset)  # the caller may read elsewhere between chunks
            data = self._file.read(min(CHUNK, end - offset))
            if not data:
                raise refusal(self.source, info.filename, "the archive is truncated here")
            offset += len(data)
            return data

        if info.compress_type == zipfile.ZIP_STORED:
            while offset < end:
                yield raw()
            return
        inflater = zlib.decompressobj(-15)
        while not inflater.eof:
            tail = inflater.unconsumed_tail
            if not tail and offset < end:
                tail = raw()
            data = inflater.decompress(tail, CHUNK)
            if data:
                yield data
            elif offset >= end and inflater.unconsumed_tail == tail:
                break  # all input given and nothing more comes out
        if not inflater.eof:
            raise refusal(
                self.source, info.filename, "damaged entry: the compressed data ends early"
            )
        if inflater.unused_data or offset < end:
            raise refusal(self.source, info.filename, "damaged entry: trailing bytes")

    def _data_start(self, info: zipfile.ZipInfo) -> int:
        self._file.seek(info.header_offset)
        head = self._file.read(_LOCAL.size)
        if len(head) < _LOCAL.size or head[:4] != b"PK\x03\x04":
            raise refusal(self.source, info.filename, "no local header where the directory says")
        flags, name_len, extra_len = head[6:8], head[-4:-2], head[-2:]
        if int.from_bytes(flags, "little") & 0x1:
            raise refusal(self.source, info.filename, "the entry is encrypted")
        raw_name = self._file.read(int.from_bytes(name_len, "little"))
        encoding = "utf-8" if int.from_bytes(flags, "little") & 0x800 else "cp437"
        if raw_name.decode(encoding, "replace") != info.orig_filename:
            raise refusal(self.source, info.filename, "the local header names another file")
        extra = int.from_bytes(extra_len, "little")
        return info.header_offset + _LOCAL.size + len(raw_name) + extra
