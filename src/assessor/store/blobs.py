"""Content-addressed blob store: artifact bytes filed under their SHA-256.

Layout: `blobs/sha256/ab/cd/<64 hex>`, with `blobs/tmp/` for writes in progress. A blob appears
under its final name only complete and synced (temp file, fsync, atomic rename, fsync of the
directory), so a crash leaves at most a stray temp file, never a partial blob. Reads verify.

Reads trust nothing below `blobs/sha256`: each folder and the file are opened without
following links, anything but a regular file is refused (a named pipe would block forever, a
link to /dev/zero read forever), and a read given the recorded size stops just past it.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from assessor.store.errors import (
    BlobCorrupt,
    BlobMismatch,
    BlobMissing,
    BlobTooLarge,
    BlobUnreadable,
    InvalidBlobHash,
)
from assessor.store.files import fsync_dir, make_dirs
from assessor.store.folder import disk_full
from assessor.store.safe_read import NotRegularFile, open_regular

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

CHUNK = 1 << 20
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
# Walking folder by folder needs dir_fd and O_NOFOLLOW (POSIX); elsewhere the last component
# is still opened without following a link.
_WALK_SAFELY = os.open in os.supports_dir_fd and hasattr(os, "O_NOFOLLOW") and _DIRECTORY != 0
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX2 = re.compile(r"[0-9a-f]{2}")


@dataclass(frozen=True)
class BlobRef:
    sha256: str
    size: int


def check_sha256(sha256: str) -> str:
    """Return `sha256` if it is 64 lowercase hex digits; it becomes part of a path."""
    if not isinstance(sha256, str) or not _HEX64.fullmatch(sha256):
        raise InvalidBlobHash(str(sha256))
    return sha256


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._objects = root / "sha256"
        self._tmp = root / "tmp"

    def path_of(self, sha256: str) -> Path:
        check_sha256(sha256)
        return self._objects / sha256[:2] / sha256[2:4] / sha256

    def exists(self, sha256: str) -> bool:
        return self.path_of(sha256).is_file()

    def put_stream(self, src: BinaryIO) -> BlobRef:
        """Copy `src` to the store in constant memory, hashing as it goes."""
        return self.add_chunks(iter(lambda: src.read(CHUNK), b""))[0]

    def add_chunks(
        self, chunks: Iterable[bytes], *, expect: str | None = None
    ) -> tuple[BlobRef, bool]:
        """Store the concatenated `chunks` in constant memory; also say whether the blob is
        new. With `expect`, bytes hashing otherwise raise BlobMismatch and nothing is kept.
        An error raised by `chunks` removes the temp file and propagates; a full disk is
        DiskFull."""
        try:
            make_dirs(self._tmp)
            fd, tmp_name = tempfile.mkstemp(dir=self._tmp, prefix="put-", suffix=".part")
        except OSError as exc:
            full = disk_full(exc, self.root)
            if full is None:
                raise
            raise full from exc
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                digest, size = _copy_hashing(chunks, out)
                if expect is not None and digest != expect:
                    raise BlobMismatch(expect, digest)
                out.flush()
                os.fsync(out.fileno())
            ref = BlobRef(digest, size)
            final = self.path_of(ref.sha256)
            if final.is_file():
                tmp.unlink()
                return ref, False
            make_dirs(final.parent)
            os.replace(tmp, final)
            fsync_dir(final.parent)
            return ref, True
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            full = disk_full(exc, self.root)
            if full is None:
                raise
            raise full from exc
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def remove(self, sha256: str) -> None:
        """Take back a blob this process has just added (an import that was refused), with
        the folders made for it when they are left empty. Never for a blob rows may name."""
        path = self.path_of(sha256)
        path.unlink(missing_ok=True)
        for folder in (path.parent, path.parent.parent):
            try:
                folder.rmdir()
            except OSError:  # not empty: other blobs live there
                break
        fsync_dir(self._objects if self._objects.is_dir() else self.root)

    def put_bytes(self, data: bytes) -> BlobRef:
        return self.put_stream(io.BytesIO(data))

    def put_file(self, path: Path) -> BlobRef:
        with path.open("rb") as src:
            return self.put_stream(src)

    def open_verified(self, sha256: str, *, limit: int | None = None) -> BinaryIO:
        """A reader that raises BlobCorrupt when it reaches the end of bytes that do not hash
        to `sha256`, and BlobTooLarge as soon as more than `limit` bytes come (give the
        artifact's recorded size). Nothing read is trustworthy until the end was reached."""
        path = self.path_of(sha256)
        raw = _VerifyingReader(self._open(sha256, path), sha256, path, limit)
        return io.BufferedReader(raw, CHUNK)

    def read_bytes(self, sha256: str, *, limit: int | None = None) -> bytes:
        with self.open_verified(sha256, limit=limit) as reader:
            return reader.read()

    def problem(self, sha256: str, size: int | None = None) -> str | None:
        """What is wrong with the stored blob (None: intact), reading at most `size` + 1
        bytes when the recorded size is given. BlobMissing when there is nothing there."""
        try:
            with self.open_verified(sha256, limit=size) as reader:
                while reader.read(CHUNK):
                    pass
        except BlobCorrupt:
            return f"evidence blob {sha256[:12]}… does not hash to its name"
        except (BlobTooLarge, BlobUnreadable) as exc:
            return exc.message
        return None

    def verify(self, sha256: str, size: int | None = None) -> bool:
        """Whether the stored bytes are a regular file hashing to `sha256` (and of at most
        `size` bytes when given); BlobMissing if there is nothing there."""
        return self.problem(sha256, size) is None

    def iter_hashes(self) -> Iterator[str]:
        """Every blob name in the store, sorted; stray files that are not blobs are skipped."""
        if not self._objects.is_dir():
            return
        for first in _sorted_dirs(self._objects):
            for second in _sorted_dirs(first):
                for entry in sorted(second.iterdir()):
                    name = entry.name
                    if (
                        _HEX64.fullmatch(name)
                        and name[:2] == first.name
                        and name[2:4] == second.name
                        and entry.is_file()
                    ):
                        yield name

    def remove_stale_temp_files(self) -> int:
        """Delete leftovers of interrupted writes. Call only while holding the data folder lock,
        when no write can be in progress."""
        if not self._tmp.is_dir():
            return 0
        removed = 0
        for entry in self._tmp.iterdir():
            if entry.is_file():
                entry.unlink()
                removed += 1
        return removed

    def _open(self, sha256: str, path: Path) -> BinaryIO:
        """The blob's regular file, reached from `blobs/sha256` without following a link."""
        try:
            if not _WALK_SAFELY:
                return os.fdopen(open_regular(path, follow=False), "rb")
            fd = os.open(self._objects, os.O_RDONLY | _DIRECTORY)
            try:
                for part in (sha256[:2], sha256[2:4]):
                    inner = os.open(part, os.O_RDONLY | _DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
                    os.close(fd)
                    fd = inner
                return os.fdopen(open_regular(Path(sha256), follow=False, dir_fd=fd), "rb")
            finally:
                os.close(fd)
        except FileNotFoundError:
            raise BlobMissing(sha256, path) from None
        except NotRegularFile as exc:
            raise BlobUnreadable(sha256, path, exc.what) from None
        except OSError as exc:  # ELOOP or ENOTDIR: a folder on the way is a link or a file
            raise BlobUnreadable(
                sha256,
                path,
                f"cannot be opened safely ({exc.strerror}: a link or a file "
                "where a folder should be)",
            ) from None


class _VerifyingReader(io.RawIOBase):
    def __init__(self, f: BinaryIO, sha256: str, path: Path, limit: int | None) -> None:
        self._f = f
        self._hash = hashlib.sha256()
        self._sha256 = sha256
        self._path = path
        self._checked = False
        self._limit = limit
        self._read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        data = self._f.read(len(view))
        self._read += len(data)
        if self._limit is not None and self._read > self._limit:
            raise BlobTooLarge(self._sha256, self._path, self._limit)
        if data:
            view[: len(data)] = data
            self._hash.update(data)
        elif not self._checked:
            self._checked = True
            actual = self._hash.hexdigest()
            if actual != self._sha256:
                raise BlobCorrupt(self._sha256, self._path, actual)
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._f.close()
        super().close()


def _copy_hashing(chunks: Iterable[bytes], out: BinaryIO) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in chunks:
        digest.update(chunk)
        out.write(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _sorted_dirs(parent: Path) -> list[Path]:
    return sorted(p for p in parent.iterdir() if _HEX2.fullmatch(p.name) and p.is_dir())
