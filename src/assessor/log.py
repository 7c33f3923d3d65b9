"""Logging to a rotating file in the data folder. Never log a token, key or passphrase."""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
from pathlib import Path


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Log files are created 0600, like everything in the data folder; a log that cannot be
    written (a full disk) never breaks the command that logs."""

    def _open(self) -> io.TextIOWrapper:
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(self.baseFilename, flags, 0o600)
        return open(fd, "a", encoding=self.encoding, errors=self.errors)

    def handleError(self, record: logging.LogRecord) -> None:
        pass


def setup(log_file: Path, *, verbose: bool = False) -> None:
    logs = log_file.parent
    try:
        if not logs.is_dir():
            logs.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(logs, 0o700)
        handler = _PrivateRotatingFileHandler(
            log_file, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:  # no room or no right to write a log: run without one
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("assessor")
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    if not any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        root.addHandler(handler)
