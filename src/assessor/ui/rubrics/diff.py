"""Two rubric versions side by side (older left, newer right) under the list of what changed.

The list is exactly `diff_versions`' changes, in its order, each with its word and symbol. The
grids mark what the changes touch: removed criteria and levels on the left, added ones on the
right, changed ones on both sides. Choosing a change scrolls both grids to its criterion.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assessor.domain.rubric import Rubric
from assessor.domain.rubric_diff import Change, ChangeKind
from assessor.services.rubrics import RubricVersionInfo, diff_versions, show_version
from assessor.ui.rubric_view.grid import MARKS, GridMarks, RubricGrid, mark_label, tint

__all__ = ["Compared", "RubricDiffView", "Shown", "compare_versions", "grid_marks"]

Shown = tuple[RubricVersionInfo, Rubric]
Compared = tuple[Shown, Shown, list[Change]]

ChangeRole = Qt.ItemDataRole.UserRole + 1
CriterionIdRole = Qt.ItemDataRole.UserRole + 2

_HEADER_PARTS = {"title": "title", "kind": "title", "description": "title", "id": "title"}


def _tr(text: str) -> str:
    return QCoreApplication.translate("RubricDiff", text)


def compare_versions(db: Any, older: str, newer: str) -> Compared:
    """Both versions and what changed from `older` to `newer` (for a worker thread)."""
    return show_version(db, older), show_version(db, newer), diff_versions(db, older, newer)


def _split_id(path: str, prefix: str, ids: Iterable[str]) -> tuple[str, str] | None:
    """(id, rest) for `prefix/ID/rest…`. Matched against the known ids, longest first, since
    change paths do not escape a '/' inside an id."""
    for item_id in sorted(ids, key=len, reverse=True):
        head = f"{prefix}/{item_id}"
        if path == head:
            return item_id, ""
        if path.startswith(head + "/"):
            return item_id, path[len(head) + 1 :]
    return None


def _stronger(old: ChangeKind | None, new: ChangeKind) -> ChangeKind:
    # A criterion both changed and removed is shown as removed: the bigger news wins.
    return old if old is not None and old != "changed" else new


def criterion_of(change: Change, a: Rubric, b: Rubric) -> str | None:
    """The criterion a change is about, if any."""
    found = _split_id(change.path, "criteria", {*a.criterion_ids(), *b.criterion_ids()})
    return found[0] if found else None


def _mark(side: dict[Any, ChangeKind], key: Any, kind: ChangeKind) -> None:
    side[key] = _stronger(side.get(key), kind)


def _mark_header(top: str, left: GridMarks, right: GridMarks) -> None:
    part = {"passRule": "rule", "bands": "bands"}.get(top) or _HEADER_PARTS.get(top)
    for side in (left, right):
        if part is not None and part not in side.header:
            side.header.append(part)


def _mark_level(
    change: Change, cid: str, level: tuple[str, str], left: GridMarks, right: GridMarks
) -> None:
    lid, field = level
    if field:  # a field of the level, on both sides
        _mark(left.levels, (cid, lid), "changed")
        _mark(right.levels, (cid, lid), "changed")
    elif change.kind == "added":
        _mark(right.levels, (cid, lid), "added")
    elif change.kind == "removed":
        _mark(left.levels, (cid, lid), "removed")


def _mark_criterion(
    change: Change, found: tuple[str, str], a: Rubric, b: Rubric, marks: tuple[GridMarks, GridMarks]
) -> None:
    left, right = marks
    cid, rest = found
    if not rest:  # a whole criterion
        if change.kind == "added":
            _mark(right.criteria, cid, "added")
        elif change.kind == "removed":
            _mark(left.criteria, cid, "removed")
        return
    level_ids = {
        lid for r in (a, b) if cid in r.criterion_ids() for lid in r.criterion(cid).level_ids()
    }
    level = _split_id(rest, "levels", level_ids)
    if level is None:  # a criterion field, or the order of its levels
        _mark(left.criteria, cid, "changed")
        _mark(right.criteria, cid, "changed")
    else:
        _mark_level(change, cid, level, left, right)


def grid_marks(changes: Sequence[Change], a: Rubric, b: Rubric) -> tuple[GridMarks, GridMarks]:
    """What to mark in the older (`a`) and the newer (`b`) grid for these changes."""
    left, right = GridMarks(), GridMarks()
    criteria = {*a.criterion_ids(), *b.criterion_ids()}
    for change in changes:
        top = change.path.split("/", 1)[0]
        _mark_header(top, left, right)
        found = _split_id(change.path, "criteria", criteria)
        if top == "criteria" and found is not None:
            # (The criteria's order and extra metadata are listed, with nothing to point at.)
            _mark_criterion(change, found, a, b, (left, right))
    return left, right


class ChangeValues(QWidget):
    """The chosen change's old and new values side by side, whole and wrapped (the change
    list's sentence shortens long values)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.before = self._value(_tr("Before"))
        self.after = self._value(_tr("After"))
        body = QWidget()
        row = QHBoxLayout(body)
        row.setContentsMargins(0, 0, 4, 0)
        for title, label in ((_tr("Before"), self.before), (_tr("After"), self.after)):
            column = QVBoxLayout()
            heading = QLabel(title, body)
            font = heading.font()
            font.setBold(True)
            heading.setFont(font)
            column.addWidget(heading)
            column.addWidget(label, 1)
            row.addLayout(column, 1)
        # A long value scrolls inside, whole and wrapped, rather than push the grids away.
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.setMinimumHeight(self.fontMetrics().lineSpacing() * 5)
        self.show_change(None)

    def _value(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setTextFormat(Qt.TextFormat.PlainText)  # rubric text is not markup
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setAccessibleName(name)
        # Wraps to the width it is given, however long the value (never widens the window).
        label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        label.setMinimumWidth(120)
        return label

    def show_change(self, change: Change | None) -> None:
        self.setVisible(change is not None)
        if change is None:
            return
        for label, value in ((self.before, change.before), (self.after, change.after)):
            label.setText(_tr("(none)") if value is None else value)


class RubricDiffView(QWidget):
    """The change list above the older (left) and newer (right) version."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._changes: list[Change] = []
        self._rubrics: tuple[Rubric, Rubric] | None = None

        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.change_list = QTreeWidget(self)
        self.change_list.setColumnCount(2)
        self.change_list.setHeaderLabels([_tr("Change"), _tr("What changed")])
        self.change_list.setRootIsDecorated(False)
        # Whole sentences, wrapped: nothing a person needs to compare is cut off.
        self.change_list.setUniformRowHeights(False)
        self.change_list.setWordWrap(True)
        self.change_list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.change_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.change_list.header().setStretchLastSection(True)
        self.change_list.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.change_list.setAccessibleName(_tr("Changes between the versions"))
        self.change_list.currentItemChanged.connect(self._follow)
        # The first change is current from the start, so moving onto it is no change.
        self.change_list.itemClicked.connect(self._follow)
        self.change_list.itemActivated.connect(self._follow)

        self.left_caption = QLabel(self)
        self.left_caption.setTextFormat(Qt.TextFormat.PlainText)
        self.right_caption = QLabel(self)
        self.right_caption.setTextFormat(Qt.TextFormat.PlainText)
        self.left = RubricGrid(self, name=_tr("Older version"), compact=True)
        self.right = RubricGrid(self, name=_tr("Newer version"), compact=True)
        sides = QSplitter(Qt.Orientation.Horizontal, self)
        sides.setChildrenCollapsible(False)
        for caption, grid in ((self.left_caption, self.left), (self.right_caption, self.right)):
            font = caption.font()
            font.setBold(True)
            caption.setFont(font)
            column = QWidget(sides)
            box = QVBoxLayout(column)
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(caption)
            box.addWidget(grid, 1)
            sides.addWidget(column)

        top = QWidget(self)
        top_box = QVBoxLayout(top)
        top_box.setContentsMargins(0, 0, 0, 0)
        top_box.addWidget(self.summary)
        top_box.addWidget(self.change_list, 1)
        self.values = ChangeValues(top)
        top_box.addWidget(self.values)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(top)
        self.splitter.addWidget(sides)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.setAccessibleName(_tr("Compare rubric versions"))

    @property
    def changes(self) -> list[Change]:
        return list(self._changes)

    def show_diff(self, older: Shown, newer: Shown, changes: Sequence[Change]) -> None:
        """Show `older` left and `newer` right; `changes` as `diff_versions(older, newer)`."""
        (info_a, rubric_a), (info_b, rubric_b) = older, newer
        self._changes = list(changes)
        self._rubrics = (rubric_a, rubric_b)
        left_marks, right_marks = grid_marks(self._changes, rubric_a, rubric_b)
        self.left.set_rubric(rubric_a, info_a, left_marks)
        self.right.set_rubric(rubric_b, info_b, right_marks)
        self.left_caption.setText(_tr("Before: v{}").format(info_a.version))
        self.right_caption.setText(_tr("After: v{}").format(info_b.version))
        if not self._changes:
            self.summary.setText(
                _tr("v{} and v{} have the same content.").format(info_a.version, info_b.version)
            )
        else:
            counts = {k: sum(c.kind == k for c in self._changes) for k in MARKS}
            self.summary.setText(
                _tr("From v{} to v{}: {} changes ({}).").format(
                    info_a.version,
                    info_b.version,
                    len(self._changes),
                    ", ".join(f"{n} {_tr(MARKS[k][1])}" for k, n in counts.items() if n),
                )
            )
        self._fill_list(rubric_a, rubric_b)

    def _fill_list(self, a: Rubric, b: Rubric) -> None:
        self.change_list.clear()
        first: QTreeWidgetItem | None = None
        for change in self._changes:
            item = QTreeWidgetItem([mark_label(change.kind), change.describe()])
            item.setData(0, ChangeRole, change)
            item.setData(0, CriterionIdRole, criterion_of(change, a, b))
            item.setBackground(0, QBrush(tint(MARKS[change.kind][2], self.palette())))
            item.setToolTip(1, change.describe())
            spoken = f"{_tr(MARKS[change.kind][1])}: {change.describe()}"
            for column in (0, 1):
                item.setData(column, Qt.ItemDataRole.AccessibleTextRole, spoken)
            self.change_list.addTopLevelItem(item)
            first = first or item
        if first is not None:  # current for the keyboard, but the grids stay at their top
            self.change_list.blockSignals(True)
            self.change_list.setCurrentItem(first)
            self.change_list.blockSignals(False)
        self.values.show_change(self._changes[0] if self._changes else None)

    def _follow(self, item: QTreeWidgetItem | None, _other: object = None) -> None:
        self.values.show_change(item.data(0, ChangeRole) if item is not None else None)
        criterion_id = item.data(0, CriterionIdRole) if item is not None else None
        if criterion_id:
            self.left.select_criterion(criterion_id)
            self.right.select_criterion(criterion_id)
