"""The Sync page's outbox list, cheap for the GUI thread however long the outbox is.

The words of every row are put together on the worker that reads the outbox
(`outbox_and_flags`), with the few longest texts of each column; the GUI thread only swaps
the rows in and sizes the columns from those texts. Asking the view to measure its cells
(`resizeColumnsToContents`) cost 70–85 ms of GUI-thread CPU for 2,000 rows, at the end of
every round (benchmarks/bench_sync_gui.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFontMetricsF
from PySide6.QtWidgets import QHeaderView, QStyle, QTableView

from assessor.sync.service import SyncService
from assessor.ui import theme
from assessor.ui.sync.words import KINDS, OUTBOX, local_date_time

_Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Record", "Submission", "State", "Backend's answer", "Tries", "Signed", "Synced")
ANSWER = 3  # the column that takes the room left
FEW = 3  # longest texts per column measured on the GUI thread (by length, a close proxy)


def _tr(text: str) -> str:
    return QCoreApplication.translate("Sync", text)


@dataclass(frozen=True)
class ShownEntry:
    """An outbox entry and the words its row shows."""

    entry: Any  # store.sync_state.OutboxEntry
    cells: tuple[str, ...]
    colour: str | None  # of the state and the answer


@dataclass(frozen=True)
class Outbox:
    """What the worker hands the page: rows newest first, each column's longest texts, and
    the flags."""

    rows: list[ShownEntry]
    longest: list[list[str]]
    flags: list[Any]


def shown(entry: Any) -> ShownEntry:
    symbol, word, colour = OUTBOX.get(entry.state, ("?", entry.state, None))
    cells = (
        f"{_tr(KINDS.get(entry.kind, entry.kind))} "
        f"{entry.record_id.removeprefix('urn:uuid:')[:13]}…",
        entry.submission_id or "",
        f"{symbol} {_tr(word)}",
        " — ".join(p for p in (entry.answer, entry.reason, entry.message) if p),
        str(entry.attempts),
        local_date_time(entry.created_at),
        local_date_time(entry.synced_at) if entry.synced_at else "",
    )
    return ShownEntry(entry, cells, colour)


def longest(rows: Sequence[ShownEntry]) -> list[list[str]]:
    """Per column, the FEW longest distinct texts."""
    found: list[list[str]] = []
    for column in range(len(HEADERS)):
        texts = {row.cells[column] for row in rows}
        found.append(sorted(texts, key=len, reverse=True)[:FEW])
    return found


def outbox_and_flags(db: Any, secrets: Any, profile_id: str) -> Outbox:
    """On a worker: the outbox as the page shows it, and the flags."""
    service = SyncService(db, secrets)
    rows = [shown(e) for e in reversed(service.outbox(profile_id))]
    return Outbox(rows, longest(rows), service.flags(profile_id))


class OutboxModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.shown: list[ShownEntry] = []
        self.rows: list[Any] = []  # the entries, newest first

    def set_rows(self, rows: list[ShownEntry]) -> None:
        self.beginResetModel()
        self.shown = rows
        self.rows = [row.entry for row in rows]
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.shown)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _tr(HEADERS[section])
        return None

    def data(self, index: _Index, role: int = 0) -> Any:
        if not index.isValid():
            return None
        row, column = self.shown[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return row.cells[column]
        if role == Qt.ItemDataRole.ForegroundRole and column in (2, ANSWER) and row.colour:
            return theme.text_colour(row.colour)
        if role == Qt.ItemDataRole.ToolTipRole and column == ANSWER:
            return row.cells[ANSWER]
        return None


def fit_columns(table: QTableView, longest: Sequence[Sequence[str]]) -> None:
    """Size each column to its longest texts and its header, as `resizeColumnsToContents`
    would, measuring a few strings instead of every cell; the answer takes the rest."""
    header = table.horizontalHeader()
    metrics = QFontMetricsF(table.font())
    margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table)
    pad = 2 * (margin + 1) + (1 if table.showGrid() else 0)
    for column, texts in enumerate(longest):
        if column == ANSWER:
            continue
        widths = [math.ceil(metrics.horizontalAdvance(t)) + pad for t in texts if t]
        header.resizeSection(column, max([header.sectionSizeHint(column), *widths]))
    header.setSectionResizeMode(ANSWER, QHeaderView.ResizeMode.Stretch)
