"""The work queue's columns: what each shows of a submission, and which query key sorts it."""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractItemModel, QCoreApplication
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from assessor.ui import states
from assessor.ui.dates import long_date_time, short_date, short_date_time
from assessor.ui.queue.model import (
    ACCESSIBLE_TEXT_ROLE,
    ALIGNMENT_ROLE,
    DISPLAY_ROLE,
    FOREGROUND_ROLE,
    TOOLTIP_ROLE,
)

if TYPE_CHECKING:  # the first paint shows these columns before the services are imported
    from assessor.services.queue import SubmissionRow

__all__ = [
    "SHOWN_ROLES",
    "Column",
    "SubmissionColumns",
    "row_height",
    "status_word",
    "submissions_table",
]


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
# The name each column has in the queue service's sort (services/queue.py SORT_COLUMNS).
_SORT_KEYS = {
    Column.LEARNER: "learner",
    Column.ASSESSMENT: "assessment",
    Column.RUBRIC: "rubric",
    Column.SUBMITTED: "submitted",
    Column.PROGRESS: "progress",
    Column.STATUS: "status",
    Column.DUE: "due",
}


# The roles a cell answers, as plain ints (not read from `Qt`: decision 0034), and the columns
# in order: a view asks seven roles of every cell it paints, and each `Qt.ItemDataRole.X` or
# `Column(n)` is a lookup of ~1 µs.
_COLUMNS = tuple(Column)
_DISPLAY, _TOOLTIP, _SPOKEN = DISPLAY_ROLE, TOOLTIP_ROLE, ACCESSIBLE_TEXT_ROLE
_COLOUR, _ALIGN = FOREGROUND_ROLE, ALIGNMENT_ROLE
SHOWN_ROLES = (_DISPLAY, _TOOLTIP, _SPOKEN, _COLOUR, _ALIGN)  # all `cell` answers
_RIGHT = 0x0002 | 0x0080  # AlignRight | AlignVCenter (test_the_roles_written_out_are_qts)


def _tr(text: str) -> str:
    return QCoreApplication.translate("QueueModel", text)


def status_word(status: str) -> str:
    return states.look(status).word


class SubmissionColumns:
    """`Columns` for the work queue."""

    def count(self) -> int:
        return len(Column)

    def header(self, column: int) -> str:
        return _tr(_HEADERS[Column(column)])

    def sort_key(self, column: int) -> str | None:
        return _SORT_KEYS.get(Column(column))

    def cell(self, row: SubmissionRow, column: int, role: int) -> Any:
        col = _COLUMNS[column]
        if role == _DISPLAY:
            return self.display(row, col)
        if role == _TOOLTIP:
            return self.tooltip(row, col)
        if role == _SPOKEN:
            return f"{_tr(_HEADERS[col])}: {self.spoken(row, col)}"
        if role == _COLOUR and col == Column.STATUS:
            return states.look(row.status).colour  # the filter button's colour
        if role == _ALIGN and col == Column.PROGRESS:
            return _RIGHT
        return None

    def display(self, row: SubmissionRow, column: Column) -> str:
        match column:
            case Column.LEARNER:
                return row.learner
            case Column.ASSESSMENT:
                return row.assessment
            case Column.RUBRIC:
                return f"v{row.rubric_version}"
            case Column.SUBMITTED:
                return short_date_time(row.submitted_at)
            case Column.PROGRESS:
                return f"{row.criteria_scored}/{row.criteria_total}"
            case Column.STATUS:
                return states.look(row.status).label  # as on the filter buttons
            case Column.DUE:
                return "—" if row.due_at is None else short_date(row.due_at)

    def tooltip(self, row: SubmissionRow, column: Column) -> str:
        match column:
            case Column.LEARNER if row.blind:
                return _tr("Anonymous code: this assessment is blind-marked")
            case Column.ASSESSMENT:
                return f"{row.assessment} ({row.assessment_id})"
            case Column.RUBRIC:
                return f"{row.rubric_id} v{row.rubric_version}\n{row.rubric_digest}"
            case Column.SUBMITTED:
                return long_date_time(row.submitted_at)
            case Column.DUE if row.due_at is not None:
                return long_date_time(row.due_at)
            case _:
                return self.spoken(row, column)

    def spoken(self, row: SubmissionRow, column: Column) -> str:
        match column:
            case Column.LEARNER if row.blind:
                return _tr("anonymous code {}").format(row.learner)
            case Column.PROGRESS:
                return _tr("{} of {} criteria scored").format(
                    row.criteria_scored, row.criteria_total
                )
            case Column.SUBMITTED:
                return long_date_time(row.submitted_at)
            case Column.DUE:
                return _tr("no due date") if row.due_at is None else long_date_time(row.due_at)
            case Column.STATUS:
                return status_word(row.status)  # the word, not the symbol's name
            case _:
                return self.display(row, column)


def row_height(line_height: int) -> int:
    """A row's height in the work queue's table, for a font whose lines are `line_height`."""
    return line_height + 10


def submissions_table(model: QAbstractItemModel, line_height: int) -> QTableView:
    """The work queue's table as it looks, for the queue screen and the first paint alike."""
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(_tr("Work queue"))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(row_height(line_height))
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(False)
    header.setSectionResizeMode(Column.ASSESSMENT, QHeaderView.ResizeMode.Stretch)
    widths = {Column.LEARNER: 190, Column.RUBRIC: 60, Column.SUBMITTED: 150}
    widths |= {Column.PROGRESS: 110, Column.STATUS: 150, Column.DUE: 110}
    for column, width in widths.items():
        table.setColumnWidth(column, width)
    return table
