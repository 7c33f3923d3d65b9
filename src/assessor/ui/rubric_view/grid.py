"""One rubric version, read-only: a header (title, kind, pass rule, bands) over a criteria ×
levels grid.

Rows are criteria; columns are the criterion itself and then level positions low → high. Criteria
may have different numbers of levels, so a criterion with fewer levels leaves blank cells on the
right. The diff view reuses the grid and marks changed, added and removed criteria and levels:
a tint and a word ("+ added", "− removed", "~ changed"), never the colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from assessor.domain.numbers import fmt
from assessor.domain.rubric import Criterion, Level, Rubric
from assessor.domain.rubric_diff import ChangeKind
from assessor.services.rubrics import RubricVersionInfo
from assessor.ui.rubric_view.text import (
    MARKS,
    band_text,
    critical_text,
    mark_label,
    pass_rule_text,
    points_text,
    points_words,
    short_digest,
    tint,
)

__all__ = [
    "MARKS",
    "CriterionRole",
    "GridMarks",
    "LevelRole",
    "MarkRole",
    "RubricGrid",
    "RubricGridModel",
    "band_text",
    "critical_text",
    "mark_label",
    "pass_rule_text",
    "points_text",
    "short_digest",
    "tint",
]

CriterionRole = Qt.ItemDataRole.UserRole + 1
LevelRole = Qt.ItemDataRole.UserRole + 2  # None for the criterion column and blank cells
MarkRole = Qt.ItemDataRole.UserRole + 3  # "added" | "removed" | "changed" | None

AnyIndex = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("RubricGrid", text)


@dataclass
class GridMarks:
    """What the diff marks in one grid: criteria by id, levels by (criterion id, level id),
    header parts ("title", "rule", "bands")."""

    criteria: dict[str, ChangeKind] = field(default_factory=dict)
    levels: dict[tuple[str, str], ChangeKind] = field(default_factory=dict)
    header: list[str] = field(default_factory=list)


class RubricGridModel(QAbstractTableModel):
    """Column 0: the criterion; columns 1…n: its levels, lowest first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rubric: Rubric | None = None
        self._marks = GridMarks()

    @property
    def rubric(self) -> Rubric | None:
        return self._rubric

    def set_rubric(self, rubric: Rubric | None, marks: GridMarks | None = None) -> None:
        self.beginResetModel()
        self._rubric = rubric
        self._marks = marks or GridMarks()
        self.endResetModel()

    def level_columns(self) -> int:
        """As many as the criterion with the most levels has."""
        if self._rubric is None:
            return 0
        return max(len(c.levels) for c in self._rubric.criteria)

    def row_of(self, criterion_id: str) -> int | None:
        if self._rubric is None:
            return None
        return next((n for n, c in enumerate(self._rubric.criteria) if c.id == criterion_id), None)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid() or self._rubric is None:
            return 0
        return len(self._rubric.criteria)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self._rubric is None else 1 + self.level_columns()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if section == 0:
                return _tr("Criterion")
            return _tr("Level {}").format(section)
        if role == Qt.ItemDataRole.ToolTipRole and section > 0:
            return _tr("Levels run from lowest (Level 1) to highest")
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        # Blank cells are enabled (so the view can draw and step over them), not selectable.
        if index.column() > 0 and self._level(index) is None:
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def _criterion(self, index: AnyIndex) -> Criterion | None:
        if self._rubric is None or not 0 <= index.row() < len(self._rubric.criteria):
            return None
        return self._rubric.criteria[index.row()]

    def _level(self, index: AnyIndex) -> Level | None:
        criterion = self._criterion(index)
        if criterion is None or not 1 <= index.column() <= len(criterion.levels):
            return None
        return criterion.levels[index.column() - 1]

    def _mark(self, criterion: Criterion, level: Level | None) -> ChangeKind | None:
        if level is None:
            return self._marks.criteria.get(criterion.id)
        return self._marks.levels.get((criterion.id, level.id))

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        criterion = self._criterion(index)
        if criterion is None or not index.isValid():
            return None
        level = self._level(index)
        if index.column() > 0 and level is None:  # a criterion with fewer levels
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return _tr("{}: no level {}").format(criterion.title, index.column())
            return None
        mark = self._mark(criterion, level)
        given = {CriterionRole: criterion, LevelRole: level, MarkRole: mark}
        if role in given:
            return given[role]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(
                index, criterion, level, mark, spoken=role != Qt.ItemDataRole.DisplayRole
            )
        return self._look(role, criterion, level, mark)

    def _text(
        self,
        index: AnyIndex,
        criterion: Criterion,
        level: Level | None,
        mark: ChangeKind | None,
        *,
        spoken: bool,
    ) -> str:
        lines = [mark_label(mark)] if mark else []
        if level is None:
            lines += self._criterion_lines(index.row(), criterion)
        else:
            lines += self._level_lines(criterion, level)
        text = "\n".join(lines)
        if not spoken:
            return text
        text = text.replace("\n", ". ")
        if level is not None:
            return _tr("{}, level {}: {}").format(criterion.title, index.column(), text)
        return text

    def _look(
        self, role: int, criterion: Criterion, level: Level | None, mark: ChangeKind | None
    ) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            if level is None:
                return criterion.description or None
            return f"{criterion.title} · {level.title} ({level.id})"
        if role == Qt.ItemDataRole.BackgroundRole:
            # A whole criterion added or removed tints its row; the word is in its first cell.
            row_mark = self._marks.criteria.get(criterion.id)
            shown = mark or (row_mark if row_mark in ("added", "removed") else None)
            return tint(MARKS[shown][2]) if shown else None
        if role == Qt.ItemDataRole.FontRole and level is None:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return None

    def _criterion_lines(self, row: int, criterion: Criterion) -> list[str]:
        lines = [f"{row + 1}  {criterion.title}", _tr("weight {}").format(fmt(criterion.weight))]
        if criterion.critical:
            lines.append(critical_text(criterion))
        return lines

    def _level_lines(self, criterion: Criterion, level: Level) -> list[str]:
        points = points_text(level)
        if level.id == criterion.minimum_level:
            points += " · " + _tr("minimum to pass")
        lines = [level.title, points]
        if level.descriptor:
            lines.append(level.descriptor)
        return lines


class _GridView(QTableView):
    """Word-wrapped cells whose rows follow their text as columns change width."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setTabKeyNavigation(False)  # Tab leaves the grid; arrows move inside it
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.horizontalHeader()
        header.setMinimumSectionSize(90)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # Wrapped text gets taller when its column narrows; the header does not notice alone.
        header.sectionResized.connect(lambda *_: self.resizeRowsToContents())


class RubricGrid(QWidget):
    """A header (title, kind, version, pass rule, bands) over the criteria × levels grid."""

    def __init__(
        self, parent: QWidget | None = None, *, name: str = "", compact: bool = False
    ) -> None:
        super().__init__(parent)
        self._compact = compact  # side by side: no description (the change list names it)
        self.model = RubricGridModel(self)
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        self.summary = QLabel(self)  # kind · version · digest · pass rule · maximum
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.bands = QLabel(self)
        self.bands.setTextFormat(Qt.TextFormat.PlainText)
        self.description = QLabel(self)
        self.description.setTextFormat(Qt.TextFormat.PlainText)
        self.description.setWordWrap(True)
        self.description.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.header_marks = QLabel(self)  # "~ changed: pass rule, bands" in the diff
        self.header_marks.setTextFormat(Qt.TextFormat.PlainText)
        self.header_marks.setAutoFillBackground(True)
        self.header_marks.setContentsMargins(6, 2, 6, 2)
        self.header_marks.hide()
        for label in (self.title, self.summary, self.bands, self.description, self.header_marks):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.table = _GridView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(name or _tr("Rubric criteria and levels"))
        self.setAccessibleName(name or _tr("Rubric version"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for label in (self.title, self.summary, self.bands, self.description, self.header_marks):
            layout.addWidget(label)
        layout.addWidget(self.table, 1)
        self.set_rubric(None)

    def set_rubric(
        self,
        rubric: Rubric | None,
        info: RubricVersionInfo | None = None,
        marks: GridMarks | None = None,
    ) -> None:
        """Show `rubric` (None: nothing), with its version details when `info` is given."""
        marks = marks or GridMarks()
        self.model.set_rubric(rubric, marks)
        labels = (self.title, self.summary, self.bands, self.description)
        for label in labels:
            label.setVisible(rubric is not None)
        if rubric is None:
            self.header_marks.hide()
            return
        self.title.setText(rubric.title)
        parts = [rubric.kind.value.capitalize()]
        if info is not None:
            parts += [f"v{info.version}", short_digest(info.digest)]
            if not info.published:
                parts.append(_tr("draft"))
            self.summary.setToolTip(_tr("Digest: {}").format(info.digest))
        parts += [
            pass_rule_text(rubric.pass_rule),
            _tr("maximum {}").format(points_words(rubric.max_points)),
        ]
        self.summary.setText(" · ".join(parts))
        self.bands.setText(
            _tr("Bands: {}").format("; ".join(band_text(b, rubric) for b in rubric.bands))
        )
        self.bands.setVisible(bool(rubric.bands))
        self.description.setText(rubric.description)
        self.description.setVisible(bool(rubric.description) and not self._compact)
        self._show_header_marks(marks.header)
        self.table.resizeRowsToContents()
        self.table.scrollToTop()

    def _show_header_marks(self, header: list[str]) -> None:
        if not header:
            self.header_marks.hide()
            return
        names = {"title": _tr("title"), "rule": _tr("pass rule"), "bands": _tr("bands")}
        text = _tr("{}: {}").format(
            mark_label("changed"), ", ".join(names.get(k, k) for k in header)
        )
        palette = self.header_marks.palette()
        palette.setColor(QPalette.ColorRole.Window, tint(MARKS["changed"][2], palette))
        self.header_marks.setPalette(palette)
        self.header_marks.setText(text)
        self.header_marks.show()

    def select_criterion(self, criterion_id: str) -> bool:
        """Scroll a criterion's row to the top and make it current, without selecting it (a
        selection would paint over its change mark). False when this rubric has none such."""
        row = self.model.row_of(criterion_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.NoUpdate
        )
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtTop)
        return True
