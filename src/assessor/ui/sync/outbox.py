"""The Sync page's outbox list, worded on the worker that reads it (ui/sync/rows.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication

from assessor.sync.service import SyncService
from assessor.ui.dates import short_date_time
from assessor.ui.sync.rows import Row, Rows, RowsModel, ready
from assessor.ui.sync.words import KINDS, OUTBOX

HEADERS = ("Record", "Submission", "State", "Backend's answer", "Tries", "Signed", "Synced")
ANSWER = 3  # the column that takes the room left


def _tr(text: str) -> str:
    return QCoreApplication.translate("Sync", text)


@dataclass(frozen=True)
class Outbox:
    """What the worker hands the page: the outbox newest first, and the flags."""

    rows: Rows
    flags: list[Any]


def shown(entry: Any) -> Row:
    symbol, word, colour = OUTBOX.get(entry.state, ("?", entry.state, None))
    answer = " — ".join(p for p in (entry.answer, entry.reason, entry.message) if p)
    cells = (
        f"{_tr(KINDS.get(entry.kind, entry.kind))} "
        f"{entry.record_id.removeprefix('urn:uuid:')[:13]}…",
        entry.submission_id or "",
        f"{symbol} {_tr(word)}",
        answer,
        str(entry.attempts),
        short_date_time(entry.created_at),
        short_date_time(entry.synced_at) if entry.synced_at else "",
    )
    colours = {2: colour, ANSWER: colour} if colour else {}
    return Row(entry, cells, colours, {ANSWER: answer})


def outbox_and_flags(db: Any, secrets: Any, profile_id: str) -> Outbox:
    """On a worker: the outbox as the page shows it, and the flags."""
    service = SyncService(db, secrets)
    rows = [shown(e) for e in reversed(service.outbox(profile_id))]
    return Outbox(ready(rows, len(HEADERS)), service.flags(profile_id))


def outbox_model() -> RowsModel:
    return RowsModel(HEADERS, "Sync")
