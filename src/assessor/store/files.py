"""Durable file-system steps: a rename or a new directory survives a power cut only once the
directory holding it has been synced. Also the two doors between a command and the user's
files: `write_output` (every file a command writes) and `read_regular_file` (every file it
reads whole)."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from assessor.store.errors import StoreError

_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
# linkat() is how a finished output appears without replacing anything; where the file
# system has no hard links, a checked rename stands in.
_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EMLINK}
# A folder holding both is an Assessor data folder (store.db.DB_NAME and store.lock.LOCK_NAME,
# which cannot be imported here; a test checks they agree).
DATA_FOLDER_MARKS = ("assessor.db", "assessor.lock")
# Every step relative to the folder held open (os.replace is renameat like os.rename, though
# supports_dir_fd names only os.rename).
_AT_CALLS = {os.open, os.stat, os.link, os.rename, os.unlink}
_DIR_FDS = os.name == "posix" and os.supports_dir_fd >= _AT_CALLS


class OutputRefused(StoreError):
    """An output was not written, and nothing was changed: it would have landed in the data
    folder or over one of its files, replaced a file without `force`, or cannot go there."""

    code = "output-refused"

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}", location=str(path))
        self.path = path


class InputRefused(StoreError):
    """An input file is not a regular file, is too large, or cannot be read."""

    code = "input-refused"

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}", location=str(path))
        self.path = path


def fsync_dir(path: Path) -> None:
    if os.name != "posix":  # Windows cannot open a directory; NTFS journals renames itself
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    with path.open("rb+") as f:
        os.fsync(f.fileno())


def make_dirs(path: Path) -> None:
    """mkdir -p that also syncs each new directory's entry in its parent. New folders are
    private (0700): they hold the data folder's blobs and settings."""
    missing: list[Path] = []
    while not path.is_dir():
        missing.append(path)
        path = path.parent
    for directory in reversed(missing):
        directory.mkdir(mode=0o700, exist_ok=True)
        fsync_dir(directory.parent)


@contextmanager
def atomic_output(path: Path) -> Iterator[BinaryIO]:
    """The program's own file (settings) at `path`, complete and synced or not at all: a temp
    file beside it, fsynced, renamed over `path`, and the folder synced. Files a command
    writes for the user go through `write_output` instead."""
    path = path.expanduser()
    if not path.parent.is_dir():
        raise StoreError(f"{path.parent}: no such folder", location=str(path))
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


# Outputs ------------------------------------------------------------------------------


def _why(exc: OSError) -> str:
    if exc.errno in _FULL:
        return "the disk is full (nothing was written; free some space and try again)"
    return exc.strerror or str(exc)


def _identity(st: os.stat_result) -> tuple[int, int]:
    return st.st_dev, st.st_ino


def _open_files() -> set[tuple[int, int]]:
    """(device, inode) of every file this process holds open (empty where it cannot tell)."""
    for listing in ("/proc/self/fd", "/dev/fd"):
        try:
            numbers = os.listdir(listing)
        except OSError:
            continue
        found = set()
        for n in numbers:
            with suppress(OSError, ValueError):
                found.add(_identity(os.fstat(int(n))))
        return found
    return set()


def _held_by_data_folder(st: os.stat_result, data_dir: Path) -> bool:
    """Whether the existing file `st` is the same file as one in the data folder (a hard
    link from outside), or one this process holds open."""
    me = _identity(st)
    if me in _open_files():
        return True
    if st.st_nlink < 2:
        return False
    for root, _dirs, files in os.walk(data_dir):
        for name in files:
            with suppress(OSError):
                if _identity(os.stat(os.path.join(root, name), follow_symlinks=False)) == me:
                    return True
    return False


def _data_folder_at(folder_fd: int | None, folder: Path, data_dir: Path) -> Path | None:
    """The data folder that `folder` is or lies inside, however it is spelled, or None. It
    is `data_dir` (by resolved path, or by (device, inode) walking up from the open folder,
    which sees through links and bind mounts) or any other Assessor data folder."""
    data_real = data_dir.resolve()
    real = folder.resolve()
    if real == data_real or data_real in real.parents:
        return data_dir
    try:
        data: tuple[int, int] | None = _identity(os.stat(data_dir))
    except OSError:
        data = None  # a data folder that does not exist holds nothing
    if folder_fd is None:
        for level in (real, *real.parents):
            if data is not None and _identity(os.stat(level)) == data:
                return data_dir
            if all((level / mark).exists() for mark in DATA_FOLDER_MARKS):
                return level
        return None
    fd = os.dup(folder_fd)
    level = real
    try:
        while True:
            here = _identity(os.fstat(fd))
            if here == data:
                return data_dir
            if all(_exists_at(fd, mark) for mark in DATA_FOLDER_MARKS):
                return level
            parent = os.open("..", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = parent
            level = level.parent
            if _identity(os.fstat(fd)) == here:  # the root is its own parent
                return None
    finally:
        os.close(fd)


def _exists_at(folder_fd: int, name: str) -> bool:
    try:
        os.stat(name, dir_fd=folder_fd, follow_symlinks=False)
    except OSError:
        return False
    return True


class _Folder:
    """The output's folder, held open (where the system allows) so that every step acts on
    the folder that was checked, whatever happens to its path meanwhile."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY) if _DIR_FDS else None

    def at(self, name: str) -> str:
        return name if self.fd is not None else str(self.path / name)

    def stat(self, name: str) -> os.stat_result | None:
        try:
            return os.stat(self.at(name), dir_fd=self.fd)
        except FileNotFoundError:
            return None

    def create(self, name: str) -> int:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
        flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        return os.open(self.at(name), flags, 0o600, dir_fd=self.fd)

    def publish(self, tmp: str, name: str, *, replace: bool) -> None:
        """Give the finished temp file its name: over an existing file only with `replace`."""
        if replace:
            os.replace(self.at(tmp), self.at(name), src_dir_fd=self.fd, dst_dir_fd=self.fd)
            return
        try:
            os.link(self.at(tmp), self.at(name), src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except OSError as exc:  # FileExistsError goes up: the name is taken
            if exc.errno not in _NO_LINKS:
                raise
            if self.stat(name) is not None:
                raise FileExistsError(errno.EEXIST, "exists", name) from None
            os.rename(self.at(tmp), self.at(name), src_dir_fd=self.fd, dst_dir_fd=self.fd)
            return
        self.unlink(tmp)

    def unlink(self, name: str) -> None:
        with suppress(FileNotFoundError):
            os.unlink(self.at(name), dir_fd=self.fd)

    def sync(self) -> None:
        if self.fd is not None:
            os.fsync(self.fd)
        else:
            fsync_dir(self.path)

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)


def _target(path: Path) -> Path:
    """The file the output will be, links followed; refused when it cannot be a file."""
    path = path.expanduser()
    if not path.name or path.name in (".", ".."):
        raise OutputRefused(path, "names a folder; give a file name")
    try:
        real = path.parent.resolve() / path.name
        if path.is_symlink():
            real = path.resolve()
        parent = os.stat(real.parent)
    except (OSError, RuntimeError) as exc:  # RuntimeError: a loop of links, in some Pythons
        missing = isinstance(exc, FileNotFoundError)
        reason = "no such folder" if missing else _why(exc) if isinstance(exc, OSError) else exc
        raise OutputRefused(path, f"cannot write there: {reason}") from None
    if not stat.S_ISDIR(parent.st_mode):
        raise OutputRefused(path, f"cannot write there: {real.parent} is not a folder")
    return real


def _refuse_target(
    folder: _Folder, real: Path, shown: Path, *, data_dir: Path, force: bool
) -> None:
    """OutputRefused unless `real` (in the open `folder`) may be written: outside the data
    folder, and absent or (with `force`) a regular file the data folder does not hold."""
    inside = _data_folder_at(folder.fd, real.parent, data_dir)
    if inside is not None:
        raise OutputRefused(shown, f"lies inside the data folder {inside}; write it somewhere else")
    existing = folder.stat(real.name)
    if existing is None:
        return
    if stat.S_ISDIR(existing.st_mode):
        raise OutputRefused(shown, "is a folder; give a file name")
    if not stat.S_ISREG(existing.st_mode):
        raise OutputRefused(shown, "exists and is not a regular file")
    if not force:
        raise OutputRefused(shown, "already exists; add --force to replace it")
    if _held_by_data_folder(existing, data_dir):
        raise OutputRefused(shown, "is a file of the data folder (a link to it)")


@contextmanager
def write_output(path: Path, *, data_dir: Path, force: bool = False) -> Iterator[BinaryIO]:
    """The one way a command writes a file for the user. Refused (OutputRefused, nothing
    written) when `path` is a folder, lies in the data folder `data_dir` under any spelling
    (links, `..`, bind mounts: compared by resolved path and by device and inode), is a file
    the data folder or this process holds (a hard link), is not a regular file, or already
    exists without `force`. The bytes go to a temp file in the target's own folder, which is
    fsynced and given the name only when complete (without `force`, by a hard link that
    fails if the name appeared meanwhile), so a crash or a full disk leaves the old state."""
    shown = path
    real = _target(path)
    try:
        folder = _Folder(real.parent)
    except OSError as exc:
        raise OutputRefused(shown, f"cannot write there: {_why(exc)}") from None
    tmp: str | None = None
    try:
        _refuse_target(folder, real, shown, data_dir=data_dir, force=force)
        tmp = f".assessor-{os.urandom(8).hex()}.tmp"
        try:
            fd = folder.create(tmp)
        except OSError as exc:
            tmp = None
            raise OutputRefused(shown, f"cannot write there: {_why(exc)}") from None
        f = os.fdopen(fd, "wb")
        try:
            try:
                yield f
            except OSError as exc:
                if exc.errno in _FULL:
                    raise OutputRefused(shown, _why(exc)) from None
                raise
            try:
                f.flush()
                os.fsync(f.fileno())
            except OSError as exc:
                raise OutputRefused(shown, f"cannot write: {_why(exc)}") from None
        finally:
            with suppress(OSError):  # after a failure, unwritten bytes are dropped here
                f.close()
        try:
            folder.publish(tmp, real.name, replace=force)
        except FileExistsError:
            raise OutputRefused(shown, "already exists; add --force to replace it") from None
        except OSError as exc:
            raise OutputRefused(shown, f"cannot write: {_why(exc)}") from None
        tmp = None
        with suppress(OSError):  # the file is complete; only its survival of a power cut waits
            folder.sync()
    finally:
        if tmp is not None:
            folder.unlink(tmp)
        folder.close()


# Inputs -------------------------------------------------------------------------------


def read_regular_file(path: Path, *, limit: int) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them. A folder, a device
    (`/dev/zero`), a named pipe or a socket is refused without being read (nor waited on),
    as is a file larger than `limit`: InputRefused naming the file."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        before = os.stat(path)
        _regular(path, before, limit)
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputRefused(path, f"cannot read: {_why(exc)}") from None
    try:
        _regular(path, os.fstat(fd), limit)  # what was opened, should the name have moved
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise InputRefused(path, f"cannot read: {_why(exc)}") from None
    finally:
        os.close(fd)
    if size > limit:
        raise InputRefused(path, f"is larger than {_size(limit)}")
    return b"".join(chunks)


def _regular(path: Path, st: os.stat_result, limit: int) -> None:
    if stat.S_ISDIR(st.st_mode):
        raise InputRefused(path, "is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise InputRefused(path, "is not a regular file (a device, a pipe or a socket)")
    if st.st_size > limit:
        raise InputRefused(path, f"is larger than {_size(limit)}")


def _size(n: int) -> str:
    return f"{n / (1 << 20):g} MiB" if n >= 1 << 20 else f"{n} bytes"
