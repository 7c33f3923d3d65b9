"""Making a report into a file, the same from the command line and from the window: read and
check the data, render it into memory (a failure leaves no file at all), then write it through
`write_output` (never into the data folder, never over a file unless `force`, atomically).

The report modules are imported only when a report is made: reportlab costs start-up time.
"""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from assessor.store.db import Database
from assessor.store.files import write_output


@dataclass(frozen=True)
class Kind:
    name: str  # as the command line says it: "score-sheet"
    words: str  # as a sentence says it: "score sheet"
    subject: str  # what it is of: "submission"
    load: str  # "module:function" giving the data, of (db, subject id)
    write: str  # "module:function" writing the PDF, of (data, out); the number of pages


KINDS = {
    k.name: k
    for k in (
        Kind(
            "score-sheet",
            "score sheet",
            "submission",
            "assessor.services.report_data:score_sheet_data",
            "assessor.reports.score_sheet:write_score_sheet",
        ),
        Kind(
            "signoff",
            "sign-off record",
            "submission",
            "assessor.services.report_signoff:signoff_report_data",
            "assessor.reports.signoff:write_signoff",
        ),
        Kind(
            "session",
            "exam session report",
            "session",
            "assessor.services.report_session:session_report_data",
            "assessor.reports.session:write_session",
        ),
    )
}


def _function(where: str) -> Callable[..., Any]:
    module, name = where.split(":")
    found: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return found


@dataclass(frozen=True)
class Made:
    kind: Kind
    subject_id: str
    path: Path
    pages: int
    data: Any  # what the report printed (the kind's data class)


def save(content: bytes, path: Path, data_dir: Path, *, force: bool) -> None:
    """Write rendered bytes through `write_output`'s checks, atomically."""
    with write_output(path, data_dir=data_dir, force=force) as f:
        f.write(content)


def make_report(
    db: Database, kind: str, subject_id: str, path: Path, *, force: bool = False
) -> Made:
    """Read, check and render the report `kind` of `subject_id`, then write it to `path`.
    Raises the services' errors (unknown subject, nothing to report) before anything is
    written, and `write_output`'s (an existing file without `force`, a path in the data folder)."""
    found = KINDS[kind]
    data = _function(found.load)(db, subject_id)
    buffer = io.BytesIO()
    write: Callable[[Any, BinaryIO], int] = _function(found.write)
    pages = write(data, buffer)
    save(buffer.getvalue(), path, db.data_dir, force=force)
    return Made(found, subject_id, path, pages, data)
