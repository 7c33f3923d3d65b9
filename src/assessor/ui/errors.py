"""A failure in one line a person can read, for the status bar and the panels.

The whole error goes to the log. A database error shows only the driver's own words: its full
text carries the SQL and its parameters, which may quote what was typed.
"""

from __future__ import annotations

import logging
import traceback

from assessor.domain.errors import DomainError

log = logging.getLogger("assessor.ui")

LONGEST = 200  # characters: the status bar is one line


def in_words(exc: BaseException, *, what: str = "a task") -> str:
    # As text: a record holding the traceback would keep its frames (and the widgets in
    # them) alive for as long as the log keeps the record.
    log.warning("%s failed: %s", what, "".join(traceback.format_exception(exc)).rstrip())
    exc = _cause(exc)
    if isinstance(exc, DomainError):
        text = exc.message
    else:
        text = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    line = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return line if len(line) <= LONGEST else line[: LONGEST - 1] + "…"


def details(exc: BaseException) -> str:
    """All of what `in_words` says in one line (a file's name, the rest of a long message),
    for a tooltip and the error's details. Still the driver's words only for a database."""
    exc = _cause(exc)
    text = (exc.message if isinstance(exc, DomainError) else str(exc)).strip()
    return text or type(exc).__name__


def _cause(exc: BaseException) -> BaseException:
    cause = getattr(exc, "orig", None)  # a database error wraps the driver's
    return cause if isinstance(cause, BaseException) else exc
