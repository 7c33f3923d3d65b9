"""The data folder on disk: what a path must be to serve as one, private permissions for what
Assessor creates there, the database file's own sanity, and disk trouble told in words.

Permissions: several people may share one OS account's machine, but not its files: the
folder is created 0700 and every file in it 0600 (database with its WAL and SHM, blobs,
logs, backups, lock, settings). Windows ignores the modes; its user profile is private.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from pathlib import Path

from assessor.store.errors import DiskFull, NotAssessorDatabase, StoreError

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100
_NAME_MAX = 255
_SQLITE_FULL = 13
_SQLITE_IOERR = 10
_LOW_SPACE = 1 << 20  # below this, an I/O error on write is taken for a full disk
_DISK_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}

DB_NAME = "assessor.db"  # the database file in a data folder


def _name_max(existing: Path) -> int:
    try:
        return int(os.pathconf(existing, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):
        return _NAME_MAX


def check_data_dir(data_dir: Path) -> None:
    """StoreError (exit 2) when `data_dir` cannot be a data folder: it is a file, it lies
    under a file, or a component of it is longer than the file system allows."""
    existing = next((p for p in (data_dir, *data_dir.parents) if _lexists(p)), Path("/"))
    limit = _name_max(existing if existing.is_dir() else existing.parent)
    for part in data_dir.parts:
        if len(os.fsencode(part)) > limit:
            shown = part if len(part) <= 40 else part[:37] + "..."
            raise StoreError(
                f"--data-dir {_short(data_dir)}: the name '{shown}' is {len(os.fsencode(part))} "
                f"bytes long; the file system allows at most {limit}",
                location=str(data_dir),
            )
    if existing == data_dir and not data_dir.is_dir():
        raise StoreError(
            f"--data-dir {data_dir}: this is a file, not a folder", location=str(data_dir)
        )
    if existing != data_dir and not existing.is_dir():
        raise StoreError(
            f"--data-dir {_short(data_dir)}: it would lie under {existing}, which is a file, "
            "not a folder",
            location=str(data_dir),
        )


def _short(path: Path) -> str:
    text = str(path)
    return text if len(text) <= 120 else text[:117] + "..."


def _lexists(path: Path) -> bool:
    try:
        path.lstat()
    except OSError:  # missing, or a component that is a file (ENOTDIR)
        return False
    return True


def make_private_dir(path: Path) -> None:
    """mkdir -p, each new folder 0700 (whatever the umask). Existing folders are left as
    they are: the person may have chosen them."""
    missing: list[Path] = []
    while not path.is_dir():
        missing.append(path)
        path = path.parent
    for directory in reversed(missing):
        directory.mkdir(mode=PRIVATE_DIR, exist_ok=True)
        os.chmod(directory, PRIVATE_DIR)  # mkdir's mode is reduced by the umask


def create_private_file(path: Path) -> None:
    """Create `path` empty with mode 0600 if it does not exist (SQLite then gives its WAL and
    SHM files the same mode)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), PRIVATE_FILE)
    os.close(fd)
    os.chmod(path, PRIVATE_FILE)


def keep_private(*paths: Path) -> None:
    """Take group and other permissions away from files Assessor made (an older release
    created them 0644). Files owned by someone else are left alone."""
    for path in paths:
        try:
            info = path.stat()
            if stat.S_ISREG(info.st_mode) and info.st_mode & 0o077 and _mine(info):
                os.chmod(path, stat.S_IMODE(info.st_mode) & ~0o077)
        except OSError:
            continue


def _mine(info: os.stat_result) -> bool:
    return not hasattr(os, "getuid") or info.st_uid == os.getuid()


def check_database_file(path: Path) -> None:
    """NotAssessorDatabase when the file at `path` is no database: not a regular file, empty,
    shorter than a header, not SQLite, or shorter than its header says (truncated)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    if not stat.S_ISREG(info.st_mode):
        raise NotAssessorDatabase(path, "it is not a regular file")
    backups = _backup_hint(path)
    if info.st_size == 0:
        raise NotAssessorDatabase(
            path, f"it is empty, 0 bytes; restore it from a backup{backups} or move it away"
        )
    with path.open("rb") as f:
        header = f.read(HEADER_SIZE)
    if len(header) < HEADER_SIZE:
        raise NotAssessorDatabase(
            path, f"it is truncated: {info.st_size} bytes, less than a database header{backups}"
        )
    if not header.startswith(SQLITE_MAGIC):
        raise NotAssessorDatabase(path, "it is not an SQLite database")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    changes, pages, valid_for = (int.from_bytes(header[at : at + 4], "big") for at in (24, 28, 92))
    wal = path.with_name(path.name + "-wal")
    # The header's page count is kept only when valid_for matches; a WAL may hold a
    # checkpoint in progress, so the file is judged on its own only without one.
    if changes == valid_for and pages and not _nonempty(wal) and info.st_size < pages * page_size:
        raise NotAssessorDatabase(
            path,
            f"it is truncated: {info.st_size} bytes where its header says "
            f"{pages * page_size}{backups}",
        )


def _nonempty(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def _backup_hint(path: Path) -> str:
    folder = path.parent / "backups"
    try:
        count = sum(1 for p in folder.iterdir() if p.suffix == ".db")
    except OSError:
        count = 0
    return f" ({count} in {folder})" if count else ""


def free_bytes(path: Path) -> int | None:
    for candidate in (path, *path.parents):
        try:
            found = os.statvfs(candidate)
        except (OSError, AttributeError):
            continue
        return found.f_bavail * found.f_frsize
    return None


def disk_full(exc: BaseException, folder: Path) -> DiskFull | None:
    """The error to show when `exc` (an OSError or an sqlite3 error, possibly wrapped by
    SQLAlchemy) means the disk holding `folder` is full; None otherwise."""
    cause = getattr(exc, "orig", None) or exc
    free = free_bytes(folder)
    if isinstance(cause, OSError) and cause.errno in _DISK_FULL_ERRNOS:
        return DiskFull(folder, free)
    if isinstance(cause, sqlite3.Error):
        code = getattr(cause, "sqlite_errorcode", 0) & 0xFF
        text = str(cause).lower()
        if code == _SQLITE_FULL or "disk is full" in text:
            return DiskFull(folder, free)
        if (code == _SQLITE_IOERR or "disk i/o error" in text) and (
            free is not None and free < _LOW_SPACE
        ):
            return DiskFull(folder, free)
    return None
