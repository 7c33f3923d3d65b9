"""Content-addressed blob store: artifact bytes filed under their SHA-256.

Layout: `blobs/sha256/ab/cd/<64 hex>`, with `blobs/tmp/` for writes in progress. A blob appears
under its final name only complete and synced (temp file, fsync, atomic rename, fsync of the
directory), so a crash leaves at most a stray temp file, never a partial blob. Reads verify.
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

from assessor.store.errors import BlobCorrupt, BlobMismatch, BlobMissing, InvalidBlobHash
from assessor.store.files import fsync_dir, make_dirs

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

CHUNK = 1 << 20
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
        An error raised by `chunks` removes the temp file and propagates."""
        make_dirs(self._tmp)
        fd, tmp_name = tempfile.mkstemp(dir=self._tmp, prefix="put-", suffix=".part")
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

    def open_verified(self, sha256: str) -> BinaryIO:
        """A reader that raises BlobCorrupt when it reaches the end of bytes that do not hash
        to `sha256`. Nothing read is trustworthy until the end has been reached."""
        path = self.path_of(sha256)
        raw = _VerifyingReader(self._open(sha256, path), sha256, path)
        return io.BufferedReader(raw, CHUNK)

    def read_bytes(self, sha256: str) -> bytes:
        with self.open_verified(sha256) as reader:
            return reader.read()

    def verify(self, sha256: str) -> bool:
        """Whether the stored bytes hash to `sha256`; BlobMissing if there are none."""
        path = self.path_of(sha256)
        with self._open(sha256, path) as f:
            return _hash_file(f) == sha256

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

    @staticmethod
    def _open(sha256: str, path: Path) -> BinaryIO:
        try:
            return path.open("rb")
        except FileNotFoundError:
            raise BlobMissing(sha256, path) from None


class _VerifyingReader(io.RawIOBase):
    def __init__(self, f: BinaryIO, sha256: str, path: Path) -> None:
        self._f = f
        self._hash = hashlib.sha256()
        self._sha256 = sha256
        self._path = path
        self._checked = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        data = self._f.read(len(view))
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


def _hash_file(f: BinaryIO) -> str:
    digest = hashlib.sha256()
    while chunk := f.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def _sorted_dirs(parent: Path) -> list[Path]:
    return sorted(p for p in parent.iterdir() if _HEX2.fullmatch(p.name) and p.is_dir())
