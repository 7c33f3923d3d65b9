"""A list of rows made ready to show on a worker, cheap for the GUI thread however long.

The Sync page's outbox and the Credentials page word every row on the worker that reads
them, with the few longest texts of each column (`Rows`); the GUI thread only swaps the rows
into a `RowsModel` and sizes the columns from those texts (`fit_columns`). Asking the view to
measure its cells (`resizeColumnsToContents`) cost 70–85 ms of GUI-thread CPU for a 2,000-row
outbox at the end of every round (benchmarks/bench_sync_gui.py), and filling a
QTableWidget's items as much again.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
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

from assessor.ui import theme

_Index = QModelIndex | QPersistentModelIndex
FEW = 3  # longest texts per column measured on the GUI thread (by length, a close proxy)


@dataclass(frozen=True)
class Row:
    """What a row stands for and what it shows."""

    item: Any
    cells: tuple[str, ...]
    colours: dict[int, str] = field(default_factory=dict)  # column → theme colour name
    tips: dict[int, str] = field(default_factory=dict)  # column → tooltip


@dataclass(frozen=True)
class Rows:
    rows: list[Row]
    longest: list[list[str]]


def ready(rows: list[Row], columns: int) -> Rows:
    """On the worker: the rows and, per column, the FEW longest distinct texts."""
    found = []
    for column in range(columns):
        texts = {row.cells[column] for row in rows}
        found.append(sorted(texts, key=len, reverse=True)[:FEW])
    return Rows(rows, found)


class RowsModel(QAbstractTableModel):
    def __init__(self, headers: Sequence[str], context: str) -> None:
        super().__init__()
        self.headers, self.context = headers, context
        self.shown: list[Row] = []
        self.rows: list[Any] = []  # what each row stands for, in order

    def set_rows(self, rows: list[Row]) -> None:
        self.beginResetModel()
        self.shown = rows
        self.rows = [row.item for row in rows]
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.shown)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate(self.context, self.headers[section])
        return None

    def data(self, index: _Index, role: int = 0) -> Any:
        if not index.isValid():
            return None
        row, column = self.shown[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return row.cells[column]
        if role == Qt.ItemDataRole.ForegroundRole and column in row.colours:
            return theme.text_colour(row.colours[column])
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.tips.get(column)
        return None


def fit_columns(table: QTableView, longest: Sequence[Sequence[str]], stretch: int) -> None:
    """Size each column to its longest texts and its header, as `resizeColumnsToContents`
    would, measuring a few strings instead of every cell; `stretch` takes the rest."""
    header = table.horizontalHeader()
    metrics = QFontMetricsF(table.font())
    margin = table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, table)
    pad = 2 * (margin + 1) + (1 if table.showGrid() else 0)
    for column, texts in enumerate(longest):
        if column == stretch:
            continue
        widths = [math.ceil(metrics.horizontalAdvance(t)) + pad for t in texts if t]
        header.resizeSection(column, max([header.sectionSizeHint(column), *widths]))
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
