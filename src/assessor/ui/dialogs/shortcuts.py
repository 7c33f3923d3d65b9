"""The keyboard shortcuts, as a two-column table (shown by `?` and F1)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

__all__ = ["ALL_KEYS", "GENERAL_KEYS", "SCORING_KEYS", "ShortcutsDialog"]


def _tr(text: str) -> str:
    return QCoreApplication.translate("ShortcutsDialog", text)


# Exactly the "Keys" table of UI.md, in its order.
SCORING_KEYS: tuple[tuple[str, str], ...] = (
    ("1–9", "Choose level n of the current criterion"),
    ("↑ ↓, Tab Shift+Tab", "Previous / next criterion"),
    ("C", "Comment on the current criterion; Esc leaves the field"),
    ("O", "Overall comment"),
    ("PgUp PgDn, + -, 0", "Evidence pages, zoom, fit"),
    ("[ ]", "Previous / next artifact"),
    ("Ctrl+Enter", "Finalize and sign"),
    ("Ctrl+→ Ctrl+←", "Save and open next / previous submission to score"),
    ("Ctrl+Z Ctrl+Y", "Undo / redo"),
    ("Ctrl+F", "Search the queue"),
    ("Ctrl+I", "Log an incident (proctor console)"),
    ("?", "All shortcuts"),
)

# The window's own keys, outside the scoring table.
GENERAL_KEYS: tuple[tuple[str, str], ...] = (
    ("Enter", "Open the selected submission"),
    ("Esc", "Back to the queue"),
    ("Ctrl+,", "Settings"),
    ("Ctrl+L", "Lock my key"),
    ("Ctrl+U", "Unlock my key (asks for the passphrase)"),
    ("F1", "All shortcuts"),
)

ALL_KEYS: tuple[tuple[str, str], ...] = SCORING_KEYS + GENERAL_KEYS


class ShortcutsDialog(QDialog):
    """Key → what it does, read-only."""

    def __init__(self, rows: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ShortcutsDialog")
        self.setWindowTitle(_tr("Keyboard shortcuts"))

        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels([_tr("Key"), _tr("Does")])
        self.table.setAccessibleName(_tr("Keyboard shortcuts"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        bold = QFont(self.table.font())
        bold.setBold(True)
        for row, (key, does) in enumerate(rows):
            key_item = QTableWidgetItem(key)
            key_item.setFont(bold)
            self.table.setItem(row, 0, key_item)
            self.table.setItem(row, 1, QTableWidgetItem(_tr(does)))
        # Room to read: rows a little taller than the text, the key column a little wider.
        self.table.verticalHeader().setDefaultSectionSize(
            round(self.table.fontMetrics().height() * 1.7)
        )
        self.table.resizeColumnToContents(0)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(0, self.table.columnWidth(0) + 24)

        note = QLabel(
            _tr(
                "Letter and number keys act only when you are not typing in a text field; "
                "Esc leaves the field."
            )
        )
        note.setWordWrap(True)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        # Tall enough for every row without scrolling, up to a point.
        frame = 2 * self.table.frameWidth()
        needed = self.table.verticalHeader().length() + header.sizeHint().height() + frame
        self.table.setMinimumHeight(min(needed, 640))
        self.resize(580, self.sizeHint().height())
        close.setFocus()

    def rows(self) -> list[tuple[str, str]]:
        result = []
        for row in range(self.table.rowCount()):
            key, does = self.table.item(row, 0), self.table.item(row, 1)
            result.append((key.text() if key else "", does.text() if does else ""))
        return result
