"""The evidence panel's files: the list that names each one, and the warning before one goes
to another program."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtWidgets import QHeaderView, QMessageBox, QTreeWidget, QTreeWidgetItem, QWidget

from assessor.services.workspace import ArtifactInfo

LIST_ROWS = 4  # rows the file list shows before it scrolls


def _tr(text: str) -> str:
    return QCoreApplication.translate("EvidencePanel", text)


def format_size(size: int) -> str:
    return QLocale().formattedDataSize(size, 1, QLocale.DataSizeFormat.DataSizeTraditionalFormat)


def _detail(artifact: ArtifactInfo) -> str:
    if artifact.kind == "pdf" and artifact.pages is not None and artifact.reason is None:
        return _tr("{n} p").format(n=artifact.pages)
    return format_size(artifact.size)


def file_item(artifact: ArtifactInfo) -> QTreeWidgetItem:
    detail = _detail(artifact)
    if artifact.reason is not None:
        detail = f"⚠ {detail}"
    item = QTreeWidgetItem([artifact.name, detail])
    item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    lines = [artifact.name, f"{artifact.media_type}, {format_size(artifact.size)}"]
    if artifact.pages is not None:
        lines.append(_tr("{n} pages").format(n=artifact.pages))
    if artifact.reason is not None:
        lines.append(_tr("cannot preview: {reason}").format(reason=artifact.reason))
    for column in (0, 1):
        item.setToolTip(column, "\n".join(lines))
        item.setData(column, Qt.ItemDataRole.AccessibleTextRole, ", ".join(lines))
    return item


class FileList(QTreeWidget):
    """The submission's files, a row each: the name, and the pages or the size. Filling and
    emptying it do not emit `currentItemChanged`; `step` does."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_tr("Evidence files"))
        self.setColumnCount(2)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAllColumnsShowFocus(True)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)

    def fill(self, artifacts: Sequence[ArtifactInfo]) -> None:
        """Add a row for each of `artifacts`; as tall as LIST_ROWS rows at most, hidden if none."""
        count = len(artifacts)
        self.blockSignals(True)
        for artifact in artifacts:
            self.addTopLevelItem(file_item(artifact))
        self.blockSignals(False)
        rows = max(1, min(count, LIST_ROWS))
        frame = 2 * self.frameWidth()
        self.setFixedHeight(rows * self.sizeHintForRow(0) + frame if count else 0)
        self.setVisible(bool(count))

    def empty(self) -> None:
        self.blockSignals(True)
        self.clear()
        self.blockSignals(False)

    def step(self, delta: int) -> None:
        """Make the row `delta` rows from the current one current, if there is one."""
        current = self.currentItem()
        if current is None:
            return
        item = self.topLevelItem(self.indexOfTopLevelItem(current) + delta)
        if item is not None:
            self.setCurrentItem(item)


def ask_before_opening(parent: QWidget | None, text: str) -> bool:
    """The warning shown before a learner's file goes to another program. Cancel is the
    default button, so Enter does not open it."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        _tr("Open in the system viewer"),
        text,
        QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setTextFormat(Qt.TextFormat.PlainText)  # the file name is the learner's, not markup
    opening = box.addButton(_tr("Open a copy"), QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    answer = box.clickedButton() is opening
    box.deleteLater()
    return answer
