"""The Rubric library's list: each rubric (its latest version) with a row per version under
it, giving the version's kind, state ("Published 14/11/2026", "Draft") and short digest.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from assessor.services.rubrics import RubricVersionInfo
from assessor.ui.dates import long_date_time, short_date
from assessor.ui.rubric_view.text import short_digest

__all__ = ["RefRole", "rubric_item", "version_tree"]

RefRole = Qt.ItemDataRole.UserRole + 1  # "id@version" of a tree item (a rubric: its latest)


def _tr(text: str) -> str:
    return QCoreApplication.translate("RubricLibrary", text)


def _version_date(info: RubricVersionInfo) -> datetime | None:
    # RubricVersionInfo does not carry its dates yet; show them as soon as it does.
    for name in ("published_at", "imported_at"):
        value = getattr(info, name, None)
        if isinstance(value, datetime):
            return value
    return None


def _state(info: RubricVersionInfo) -> str:
    """ "Published 14/11/2026", "Draft" (with its import date when known)."""
    when = _version_date(info)
    word = _tr("Published") if info.published else _tr("Draft")
    return word if when is None else f"{word} {short_date(when)}"


def version_tree(parent: QWidget) -> QTreeWidget:
    """The empty list of rubrics and their versions: rubric, kind, state, digest."""
    tree = QTreeWidget(parent)
    tree.setColumnCount(4)
    tree.setHeaderLabels([_tr("Rubric"), _tr("Kind"), _tr("State"), _tr("Digest")])
    tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    tree.setUniformRowHeights(True)
    tree.setAllColumnsShowFocus(True)
    tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    tree.header().setStretchLastSection(False)
    tree.setAccessibleName(_tr("Rubrics and their versions"))
    tree.setMinimumWidth(320)
    return tree


def rubric_item(
    rubric_id: str, infos: list[RubricVersionInfo], items: dict[str, QTreeWidgetItem]
) -> QTreeWidgetItem:
    """The row of rubric `rubric_id` (its latest version), with a child row per version in
    `infos` (oldest first); each child row also goes into `items` under its ref."""
    latest = infos[-1]
    count = _tr("1 version") if len(infos) == 1 else _tr("{} versions").format(len(infos))
    item = QTreeWidgetItem([latest.title, latest.kind, count, ""])
    item.setData(0, RefRole, latest.ref)
    item.setToolTip(0, f"{latest.title}\n{rubric_id}")
    item.setData(0, Qt.ItemDataRole.AccessibleTextRole, f"{latest.title}, {count}")
    for info in infos:
        child = QTreeWidgetItem(
            [f"v{info.version}", info.kind, _state(info), short_digest(info.digest)]
        )
        child.setData(0, RefRole, info.ref)
        child.setToolTip(0, f"{info.title}\n{info.ref}")
        child.setToolTip(3, info.digest)
        date = _version_date(info)
        if date is not None:
            child.setToolTip(2, long_date_time(date))
        spoken = _tr("version {}, {}, {}, digest {}").format(
            info.version, info.kind, _state(info), info.digest
        )
        child.setData(0, Qt.ItemDataRole.AccessibleTextRole, spoken)
        item.addChild(child)
        items[info.ref] = child
    return item
