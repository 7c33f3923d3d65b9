"""A table model of rows paged in from a query, for any queue (submissions today; sign-off
and exam sessions next).

The model never touches the database: it asks for the next page with `wanted(offset,
limit)` and is given rows with `set_rows`/`append_rows`. What each column shows comes from a
`Columns` object. Sorting is the query's: a click on a header emits `sort_requested`, and
the controller reloads in that order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Signal

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

__all__ = ["AnyIndex", "Columns", "IdRole", "PagedModel"]

# Qt's roles as plain ints: the first paint imports these before anything touches the `Qt`
# namespace, whose ~90 enums PySide6 makes on first use (decision 0034;
# tests/ui/test_queue_model.py::test_the_roles_written_out_are_qts checks them against Qt's).
DISPLAY_ROLE = 0  # Qt.ItemDataRole.DisplayRole
TOOLTIP_ROLE = 3
ALIGNMENT_ROLE = 7  # TextAlignmentRole
FOREGROUND_ROLE = 9
ACCESSIBLE_TEXT_ROLE = 11
IdRole = 0x0100 + 1  # UserRole + 1: a row's id, whatever the column

AnyIndex = QModelIndex | QPersistentModelIndex
RowT = TypeVar("RowT", contravariant=True)


class Columns(Protocol[RowT]):
    """How a queue shows its rows: headers, cells, and the query's name for each sortable
    column."""

    def count(self) -> int: ...

    def header(self, column: int) -> str: ...

    def cell(self, row: RowT, column: int, role: int) -> Any: ...

    def sort_key(self, column: int) -> str | None: ...


class HasId(Protocol):
    @property
    def id(self) -> str: ...


R = TypeVar("R", bound=HasId)


class PagedModel(QAbstractTableModel, Generic[R]):
    """Rows in the order the query returned them, fed a page at a time."""

    wanted = Signal(int, int)  # offset, limit: the next page, for the controller to fetch
    sort_requested = Signal(int, bool)  # column (-1: the query's own order), descending

    def __init__(
        self, columns: Columns[R], parent: QObject | None = None, *, page_size: int = 200
    ) -> None:
        super().__init__(parent)
        self.columns = columns
        self.page_size = page_size
        self._rows: list[R] = []
        self._total = 0
        self._asked: int | None = None  # limit of the page in flight, if any
        self.fetch_error: str | None = None  # why the last page asked for did not come

    # Feeding -----------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[R], total: int) -> None:
        """Replace everything: the first page of a new query and how many rows it has."""
        self.beginResetModel()
        self._rows = list(rows)
        self._total = max(total, len(self._rows))
        self._asked = None
        self.fetch_error = None
        self.endResetModel()

    def append_rows(self, rows: Sequence[R]) -> None:
        """The page asked for by `wanted`, inserted as one batch."""
        short = self._asked is not None and len(rows) < self._asked
        self._asked = None
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        if short:  # the queue shrank since it was counted: stop asking
            self._total = len(self._rows)
        self._total = max(self._total, len(self._rows))

    def fetch_failed(self, reason: str) -> None:
        """The page asked for will not come. The view is not let to ask again by itself (it
        would, on every repaint); F5 or `retry_fetching` lets it."""
        self._asked = None
        self.fetch_error = reason

    def retry_fetching(self) -> None:
        self.fetch_error = None

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid() or self._asked is not None or self.fetch_error is not None:
            return False
        return len(self._rows) < self._total

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        self._asked = min(self.page_size, self._total - len(self._rows))
        self.wanted.emit(len(self._rows), self._asked)

    def sort(self, column: int, order: Qt.SortOrder | None = None) -> None:
        """A header was clicked: the query sorts (a column it cannot sort is ignored).
        `order` None is ascending, Qt's default."""
        from PySide6.QtCore import Qt  # made by now: Qt passed `order`

        if column >= 0 and self.columns.sort_key(column) is None:
            return
        self.sort_requested.emit(column, order == Qt.SortOrder.DescendingOrder)

    # Reading -----------------------------------------------------------------------------

    @property
    def fetching(self) -> bool:
        """A page has been asked for and has not arrived yet."""
        return self._asked is not None

    @property
    def total(self) -> int:
        return self._total

    def rows(self) -> list[R]:
        return list(self._rows)

    def row_at(self, row: int) -> R:
        return self._rows[row]

    def row_of(self, row_id: str) -> int | None:
        return next((n for n, r in enumerate(self._rows) if r.id == row_id), None)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.columns.count()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = DISPLAY_ROLE
    ) -> Any:
        from PySide6.QtCore import Qt  # made by now: Qt passed `orientation`

        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columns.count():
            return None
        if role in (DISPLAY_ROLE, ACCESSIBLE_TEXT_ROLE):
            return self.columns.header(section)
        return None

    def data(self, index: AnyIndex, role: int = DISPLAY_ROLE) -> Any:
        n = index.row()
        if not index.isValid() or n >= len(self._rows):
            return None
        row = self._rows[n]
        if role == IdRole:
            return row.id
        return self.columns.cell(row, index.column(), role)
