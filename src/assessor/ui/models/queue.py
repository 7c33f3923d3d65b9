"""The work queue: a table model fed page by page, a sorting proxy and a small controller.

The model never touches the database: it asks for pages with `wanted(offset, limit)` and is
given rows with `set_rows`/`append_rows`. The controller turns filter changes and `wanted`
into reads of a query operation, `query(db, filter, offset, limit)`, through the task runner.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import IntEnum
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDateTime,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)

from assessor.domain.workflow import TO_SCORE_STATUSES, SubmissionStatus
from assessor.services.submissions import (
    QueueFilter,
    SubmissionRow,
    list_submissions,
    status_counts,
)
from assessor.ui import states
from assessor.ui.errors import in_words

__all__ = [
    "Column",
    "QueueController",
    "QueueFilterProxy",
    "QueueModel",
    "QueuePage",
    "SortRole",
    "SubmissionIdRole",
    "next_ungraded",
    "service_query",
]

SubmissionIdRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2

AnyIndex = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    LEARNER = 0
    ASSESSMENT = 1
    RUBRIC = 2
    SUBMITTED = 3
    PROGRESS = 4
    STATUS = 5
    DUE = 6


_HEADERS = {
    Column.LEARNER: "Learner",
    Column.ASSESSMENT: "Assessment",
    Column.RUBRIC: "Rubric",
    Column.SUBMITTED: "Submitted",
    Column.PROGRESS: "My progress",
    Column.STATUS: "Status",
    Column.DUE: "Due",
}
_STATUS_ORDER = {s.value: n for n, s in enumerate(SubmissionStatus)}
_NEVER = 2.0**62  # sorts "no due date" after every real one


def _tr(text: str) -> str:
    return QCoreApplication.translate("QueueModel", text)


def status_word(status: str) -> str:
    return states.look(status).word


def _local(value: datetime) -> QDateTime:
    return QDateTime.fromMSecsSinceEpoch(int(value.timestamp() * 1000))


def _short_date(value: datetime, *, with_time: bool) -> str:
    locale = QLocale()
    moment = _local(value)
    if locale.language() == QLocale.Language.C:
        # The C locale's short form ("4 11 2026") reads as either day or month first.
        return moment.toString("yyyy-MM-dd HH:mm" if with_time else "yyyy-MM-dd")
    if with_time:
        return locale.toString(moment, QLocale.FormatType.ShortFormat)
    return locale.toString(moment.date(), QLocale.FormatType.ShortFormat)


def _long_date(value: datetime) -> str:
    locale = QLocale()
    moment = _local(value)
    if locale.language() == QLocale.Language.C:
        return moment.toString("dddd d MMMM yyyy, HH:mm")
    return locale.toString(moment, QLocale.FormatType.LongFormat)


def next_ungraded(rows: Sequence[SubmissionRow], after_id: str | None) -> str | None:
    """The id of the first row after `after_id` (wrapping round) still to score."""
    start = next((n + 1 for n, r in enumerate(rows) if r.id == after_id), 0)
    for row in [*rows[start:], *rows[:start]]:
        if row.status in TO_SCORE_STATUSES and row.id != after_id:
            return row.id
    return None


class QueueModel(QAbstractTableModel):
    """Rows of the queue, in the order the service returned them."""

    wanted = Signal(int, int)  # offset, limit: the next page, for the controller to fetch
    # The page asked for by `wanted` is no longer awaited: it arrived (perhaps empty), failed,
    # or a new query replaced it. Whoever waits for more rows waits for this, not for rows.
    settled = Signal()

    def __init__(self, parent: QObject | None = None, *, page_size: int = 200) -> None:
        super().__init__(parent)
        self.page_size = page_size
        self._rows: list[SubmissionRow] = []
        self._total = 0
        self._asked: int | None = None  # limit of the page in flight, if any
        self.fetch_error: str | None = None  # why the last page asked for did not come

    # Feeding -----------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[SubmissionRow], total: int) -> None:
        """Replace everything: the first page of a new query and how many rows it has."""
        awaited = self._asked is not None
        self.beginResetModel()
        self._rows = list(rows)
        self._total = max(total, len(self._rows))
        self._asked = None
        self.fetch_error = None
        self.endResetModel()
        if awaited:
            self.settled.emit()

    def append_rows(self, rows: Sequence[SubmissionRow]) -> None:
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
        self.settled.emit()

    def fetch_failed(self, reason: str) -> None:
        """The page asked for will not come. The view is not let to ask again by itself (it
        would, on every repaint); F5 or `retry_fetching` lets it."""
        self._asked = None
        self.fetch_error = reason
        self.settled.emit()

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

    # Reading -----------------------------------------------------------------------------

    @property
    def fetching(self) -> bool:
        """A page has been asked for and has not arrived yet."""
        return self._asked is not None

    @property
    def total(self) -> int:
        return self._total

    def rows(self) -> list[SubmissionRow]:
        return list(self._rows)

    def row_at(self, row: int) -> SubmissionRow:
        return self._rows[row]

    def row_of(self, submission_id: str) -> int | None:
        return next((n for n, r in enumerate(self._rows) if r.id == submission_id), None)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or section not in range(len(Column)):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return _tr(_HEADERS[Column(section)])
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == SubmissionIdRole:
            return row.id
        if role == SortRole:
            return self._sort_key(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{_tr(_HEADERS[column])}: {self._spoken(row, column)}"
        if role == Qt.ItemDataRole.ForegroundRole and column == Column.STATUS:
            return states.look(row.status).colour  # the filter button's colour
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.PROGRESS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, row: SubmissionRow, column: Column) -> str:
        match column:
            case Column.LEARNER:
                return row.learner
            case Column.ASSESSMENT:
                return row.assessment
            case Column.RUBRIC:
                return f"v{row.rubric_version}"
            case Column.SUBMITTED:
                return _short_date(row.submitted_at, with_time=True)
            case Column.PROGRESS:
                return f"{row.criteria_scored}/{row.criteria_total}"
            case Column.STATUS:
                return states.look(row.status).label  # as on the filter buttons
            case Column.DUE:
                return "—" if row.due_at is None else _short_date(row.due_at, with_time=False)

    def _sort_key(self, row: SubmissionRow, column: Column) -> str | int | float:
        match column:
            case Column.LEARNER | Column.ASSESSMENT:
                return self._display(row, column)
            case Column.RUBRIC:
                # Text keys, so "v10" sorts after "v9" and each rubric's versions stay together.
                return f"{row.rubric_id}\x00{row.rubric_version:09d}"
            case Column.SUBMITTED:
                return row.submitted_at.timestamp()
            case Column.PROGRESS:
                return row.criteria_scored / row.criteria_total if row.criteria_total else 0.0
            case Column.STATUS:
                return _STATUS_ORDER.get(row.status, len(_STATUS_ORDER))
            case Column.DUE:
                return _NEVER if row.due_at is None else row.due_at.timestamp()

    def _tooltip(self, row: SubmissionRow, column: Column) -> str:
        match column:
            case Column.LEARNER if row.blind:
                return _tr("Anonymous code: this assessment is blind-marked")
            case Column.ASSESSMENT:
                return f"{row.assessment} ({row.assessment_id})"
            case Column.RUBRIC:
                return f"{row.rubric_id} v{row.rubric_version}\n{row.rubric_digest}"
            case Column.SUBMITTED:
                return _long_date(row.submitted_at)
            case Column.DUE if row.due_at is not None:
                return _long_date(row.due_at)
            case _:
                return self._spoken(row, column)

    def _spoken(self, row: SubmissionRow, column: Column) -> str:
        match column:
            case Column.LEARNER if row.blind:
                return _tr("anonymous code {}").format(row.learner)
            case Column.PROGRESS:
                return _tr("{} of {} criteria scored").format(
                    row.criteria_scored, row.criteria_total
                )
            case Column.SUBMITTED:
                return _long_date(row.submitted_at)
            case Column.DUE:
                return _tr("no due date") if row.due_at is None else _long_date(row.due_at)
            case Column.STATUS:
                return status_word(row.status)  # the word, not the symbol's name
            case _:
                return self._display(row, column)


class QueueFilterProxy(QSortFilterProxyModel):
    """Client-side sorting only: filtering re-queries the service (the controller's job)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SortRole)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setSortLocaleAware(True)


@dataclass(frozen=True)
class QueuePage:
    rows: list[SubmissionRow]
    counts: dict[str, int] | None = None  # per status, asked for with the first page


# query(db, filter, offset, limit): an operation the runner reads with.
Query = Callable[[Any, QueueFilter, int, int], QueuePage]
Done = Callable[[QueuePage], None]
Failed = Callable[[BaseException], None]


class Reader(Protocol):
    """What the controller needs of the task runner: `read(op, *args)` runs `op(db, *args)`
    off the GUI thread, then `on_done(result)` or `on_error(exc)` on it."""

    def read(
        self, op: Callable[..., Any], *args: Any, on_done: Done, on_error: Failed
    ) -> object: ...


def service_query(assessor_id: str | None) -> Query:
    """The real query: a page through the submissions service, with counts on the first."""

    def query(db: Any, f: QueueFilter, offset: int, limit: int) -> QueuePage:
        rows = list_submissions(db, f, limit=limit, offset=offset, assessor_id=assessor_id)
        return QueuePage(rows, status_counts(db, f) if offset == 0 else None)

    return query


class QueueController(QObject):
    """Filter changes → (debounced) query → model; Enter → `open_submission`."""

    counts_changed = Signal(dict)  # status → count, for the status line
    open_submission = Signal(str)
    failed = Signal(str)  # a query failed: what to tell the person
    loaded = Signal()  # rows of the current query reached the model
    filter_changed = Signal()

    def __init__(
        self,
        model: QueueModel,
        query: Query,
        *,
        runner: Reader,
        debounce_ms: int = 250,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.counts: dict[str, int] = {}
        self._query = query
        self._runner = runner
        self._filter = QueueFilter()
        self._generation = 0  # results of an older filter are dropped, not shown
        # The query whose rows the model holds: more pages are asked of it, not of a newer
        # filter whose first page has not arrived.
        self._shown: tuple[int, QueueFilter] = (0, self._filter)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self.refresh)
        model.wanted.connect(self._fetch)

    @property
    def filter(self) -> QueueFilter:
        return self._filter

    def set_text(self, text: str) -> None:
        """Typing: query once the person pauses."""
        self._filter = replace(self._filter, text=text.strip() or None)
        self.filter_changed.emit()
        self._debounce.start()

    def set_status(self, status: str | None) -> None:
        self._filter = replace(self._filter, status=status)
        self.filter_changed.emit()
        self.refresh()

    def set_assessment(self, assessment_id: str | None) -> None:
        self._filter = replace(self._filter, assessment_id=assessment_id)
        self.filter_changed.emit()
        self.refresh()

    def refresh(self) -> None:
        self._debounce.stop()
        self._generation += 1
        generation, f, limit = self._generation, self._filter, self.model.page_size
        self._runner.read(
            self._query,
            f,
            0,
            limit,
            on_done=lambda page: self._first(generation, f, page),
            on_error=lambda exc: self._first_failed(generation, f, exc),
        )

    def activate(self, index: QModelIndex | QPersistentModelIndex) -> None:
        """Enter or double-click on a row (of the model or of a proxy over it)."""
        submission_id = index.data(SubmissionIdRole)
        if submission_id:
            self.open_submission.emit(submission_id)

    def _first(self, generation: int, f: QueueFilter, page: QueuePage) -> None:
        if generation != self._generation:
            return
        counts = page.counts or {}
        if f.status:
            total = counts.get(f.status, 0)
        else:
            total = sum(counts.values()) if page.counts is not None else len(page.rows)
        self._shown = (generation, f)
        self.model.set_rows(page.rows, total)
        self.counts = counts
        self.counts_changed.emit(dict(counts))
        self.loaded.emit()

    def _first_failed(self, generation: int, f: QueueFilter, exc: BaseException) -> None:
        if generation != self._generation:
            return
        if f != self._shown[1]:
            # The rows on screen answer another filter: show none rather than the wrong ones.
            self._shown = (generation, f)
            self.model.set_rows([], 0)
        self.failed.emit(_tr("Could not read the queue: {0}").format(in_words(exc)))

    def _fetch(self, offset: int, limit: int) -> None:
        # The next page of the rows shown, whatever the newest filter: `offset` counts them.
        generation, f = self._shown
        self._runner.read(
            self._query,
            f,
            offset,
            limit,
            on_done=lambda page: self._more(generation, page),
            on_error=lambda exc: self._more_failed(generation, exc),
        )

    def _more(self, generation: int, page: QueuePage) -> None:
        # Rows replaced since it was asked for: set_rows has stopped the model waiting.
        if generation == self._shown[0]:
            self.model.append_rows(page.rows)
            self.loaded.emit()

    def _more_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._shown[0]:
            reason = _tr("Could not read more of the queue: {0}").format(in_words(exc))
            self.model.fetch_failed(reason)
            self.failed.emit(reason)
