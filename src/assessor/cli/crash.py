"""What escapes a command, in one line: the environment's faults (a full disk, a folder that
cannot be written) say what happened; anything else is a bug, reported with exit 70 and the
path of a log that holds its traceback. The terminal never shows a traceback, and no log ever
holds a passphrase this process read (struck out of the report before it is written)."""

from __future__ import annotations

import errno
import logging
import logging.handlers
import os
import platform
import sqlite3
import traceback
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

from assessor import __version__
from assessor.cli.common import secrets_read, shown
from assessor.domain.text import for_terminal

EXIT_SOFTWARE = 70  # sysexits.h EX_SOFTWARE: an internal error
CRASH_LOG = "assessor-cli.log"
# SQLite's primary result codes that say something about the disk or the file, not the code.
_SQLITE_ENVIRONMENT = {
    sqlite3.SQLITE_PERM: "permission denied",
    sqlite3.SQLITE_BUSY: "the database is busy",
    sqlite3.SQLITE_LOCKED: "the database is locked",
    sqlite3.SQLITE_READONLY: "the database cannot be written (read-only)",
    sqlite3.SQLITE_IOERR: "the disk could not be read or written (disk I/O error)",
    sqlite3.SQLITE_CORRUPT: "the database file is damaged",
    sqlite3.SQLITE_FULL: "the disk is full",
    sqlite3.SQLITE_CANTOPEN: "the database file cannot be opened",
    sqlite3.SQLITE_NOTADB: "the database file is not a database",
}
_FULL = (errno.ENOSPC, errno.EDQUOT)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def environment_problem(exc: BaseException) -> str | None:
    """One line for a fault of the machine rather than of the program, or None."""
    for link in _chain(exc):
        if isinstance(link, OSError) and link.errno in _FULL:
            where = f" writing {link.filename}" if link.filename else ""
            return f"the disk is full{where}; free some space and run the command again"
        if isinstance(link, sqlite3.Error):
            code = getattr(link, "sqlite_errorcode", None)
            what = _SQLITE_ENVIRONMENT.get(code & 0xFF) if isinstance(code, int) else None
            if what == _SQLITE_ENVIRONMENT[sqlite3.SQLITE_FULL]:
                return f"{what}; free some space and run the command again"
            if what is not None:
                return f"the data folder's database: {what}"
    for link in _chain(exc):
        if isinstance(link, OSError) and not isinstance(link, BlockingIOError):
            reason = link.strerror or type(link).__name__
            if link.filename is not None:
                return f"{os.fsdecode(link.filename)}: {reason}"
            return reason
    return None


def _redact(text: str) -> str:
    for secret in sorted(secrets_read(), key=len, reverse=True):
        for spelling in {secret, repr(secret)[1:-1], ascii(secret)[1:-1]}:
            text = text.replace(spelling, "[passphrase]")
    return text


def _report_text(exc: BaseException, argv: Sequence[str]) -> str:
    lines = [
        f"assessor {__version__} · Python {platform.python_version()} · {platform.platform()}",
        f"time: {datetime.now(UTC).isoformat(timespec='seconds')}",
        "command: assessor " + " ".join(shown(a) for a in argv),
        "".join(traceback.format_exception(exc)).rstrip(),  # no locals: no secrets in scope
    ]
    return _redact("\n".join(lines))


def _data_folder_log() -> logging.Handler | None:
    """The data folder's log, when a command got as far as opening one."""
    for handler in logging.getLogger("assessor").handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            return handler
    return None


def fallback_log() -> Path:
    """Where crash reports go when no data folder was opened: the user's log folder."""
    return Path(platformdirs.user_log_dir("Assessor", appauthor=False)) / CRASH_LOG


def _write_fallback(text: str) -> Path:
    path = fallback_log()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    with os.fdopen(fd, "a", encoding="utf-8", errors="backslashreplace") as log:
        log.write(text + "\n\n")
    return path


def report_bug(exc: BaseException, argv: Sequence[str]) -> str:
    """Write the traceback to a log; return the one line for the terminal."""
    name = type(exc).__name__
    try:
        text = _report_text(exc, argv)
        handler = _data_folder_log()
        if handler is not None and isinstance(handler, logging.FileHandler):
            logging.getLogger("assessor.cli").error("unexpected error\n%s", text)
            handler.flush()
            where: str = handler.baseFilename
        else:
            where = str(_write_fallback(text))
    except Exception as failure:  # the log cannot be written: say so, still in one line
        return (
            f"assessor: internal error ({name}); this is a bug, and its details could not be "
            f"written to a log ({type(failure).__name__}: {shown(str(failure))})"
        )
    return (
        f"assessor: internal error ({name}); this is a bug. The details are in "
        f"{for_terminal(where)}"
        " — please attach that file to a report."
    )
