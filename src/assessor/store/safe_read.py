"""Opening a file that may not be what it claims, without following a link: only a regular
file, never blocking (the blob store's reads; a person's input files go through
files.read_regular_file, which follows links).

A named pipe opened for reading blocks until a writer comes; a link to /dev/zero reads
forever; a directory fails mid-read. So a file is opened non-blocking and checked with fstat
on the open descriptor (no race with a rename) before anything is read.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from assessor.store.errors import StoreError

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_BINARY = getattr(os, "O_BINARY", 0)


class NotRegularFile(StoreError):
    """A path that should name a regular file names something else (or cannot be opened)."""

    code = "not-a-regular-file"

    def __init__(self, path: Path, what: str) -> None:
        super().__init__(f"{path}: {what}", location=str(path))
        self.path = path
        self.what = what


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def open_regular(path: Path, *, follow: bool = True, dir_fd: int | None = None) -> int:
    """A blocking read descriptor of the regular file at `path`. With follow=False a symbolic
    link (as the last component) is refused too. NotRegularFile says what it found instead;
    FileNotFoundError propagates."""
    flags = os.O_RDONLY | _NONBLOCK | _CLOEXEC | _BINARY | (0 if follow else _NOFOLLOW)
    try:
        fd = os.open(path, flags, dir_fd=dir_fd)
    except FileNotFoundError:
        raise
    except OSError as exc:
        if exc.errno == errno.ELOOP and not follow:
            raise NotRegularFile(path, "is a symbolic link, not a regular file") from None
        if exc.errno in (errno.ENXIO, errno.EISDIR):  # a socket; a directory on some systems
            raise NotRegularFile(path, "is not a regular file") from None
        raise NotRegularFile(path, f"cannot be opened ({exc.strerror})") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(path, f"is {_kind(mode)}, not a regular file")
        if _NONBLOCK and hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd
