"""Errors of the durable store: the data folder, the database file and the blob store."""

from __future__ import annotations

from pathlib import Path

from assessor.domain.errors import DomainError


class StoreError(DomainError):
    """The data folder or something in it cannot be used as it is."""

    code = "store-error"


class DataFolderLocked(StoreError):
    """Another running Assessor holds the data folder."""

    code = "data-folder-locked"

    def __init__(self, folder: Path, pid: int | None) -> None:
        holder = f"process {pid}" if pid is not None else "another process"
        super().__init__(
            f"Another Assessor ({holder}) is using the data folder {folder}; close it first",
            location=str(folder),
        )
        self.folder = folder
        self.pid = pid


class SchemaTooNew(StoreError):
    """The database was written by a newer major schema than this program reads."""

    code = "schema-too-new"

    def __init__(self, path: Path, found: int, supported: int) -> None:
        super().__init__(
            f"this database was written by a newer Assessor (schema {found}); "
            f"this version reads schema {supported} — update Assessor",
            location=str(path),
        )
        self.found = found
        self.supported = supported


class NotAssessorDatabase(StoreError):
    """The database file belongs to some other program, or is not SQLite at all."""

    code = "not-assessor-database"

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path} is not an Assessor database ({reason})", location=str(path))


class DiskFull(StoreError):
    """The disk holding the data folder has no room left. Nothing is damaged: SQLite rolled
    the transaction back, a blob is written whole or not at all."""

    code = "disk-full"

    def __init__(self, folder: Path, free: int | None) -> None:
        left = "" if free is None else f" ({free} bytes free)"
        super().__init__(
            f"the disk holding {folder} is full{left}. Nothing was changed and the data "
            "already saved there is intact; free some space and try again",
            location=str(folder),
        )
        self.folder = folder
        self.free = free


class InvalidBlobHash(StoreError):
    """A blob was named by something other than 64 lowercase hex digits."""

    code = "invalid-blob-hash"

    def __init__(self, given: str) -> None:
        shown = given if len(given) <= 80 else given[:77] + "..."
        super().__init__(f"not a SHA-256 blob name (64 lowercase hex digits): {shown!r}")
        self.given = given


class BlobMissing(StoreError):
    code = "blob-missing"

    def __init__(self, sha256: str, path: Path) -> None:
        super().__init__(f"blob {sha256} is missing from the blob store", location=str(path))
        self.sha256 = sha256


class BlobCorrupt(StoreError):
    """The bytes stored under a hash no longer hash to it."""

    code = "blob-corrupt"

    def __init__(self, sha256: str, path: Path, actual: str) -> None:
        super().__init__(
            f"blob {sha256} is corrupt: its content hashes to {actual}", location=str(path)
        )
        self.sha256 = sha256
        self.actual = actual


class BlobUnreadable(StoreError):
    """Where a blob should be there is something else: a named pipe, a device, a directory, a
    symbolic link. Never read: it could block or never end."""

    code = "blob-unreadable"

    def __init__(self, sha256: str, path: Path, what: str) -> None:
        super().__init__(f"evidence blob {sha256[:12]}… {what}", location=str(path))
        self.sha256 = sha256


class BlobTooLarge(StoreError):
    """The stored file holds more bytes than recorded (or than the reader takes)."""

    code = "blob-too-large"

    def __init__(self, sha256: str, path: Path, limit: int) -> None:
        super().__init__(
            f"evidence blob {sha256[:12]}… holds more than the {limit} bytes expected",
            location=str(path),
        )
        self.sha256 = sha256
        self.limit = limit


class BlobMismatch(StoreError):
    """Bytes offered under a hash hash to something else; they were not kept."""

    code = "blob-mismatch"

    def __init__(self, expected: str, actual: str) -> None:
        super().__init__(f"the content hashes to {actual}, not to the expected {expected}")
        self.expected = expected
        self.actual = actual
