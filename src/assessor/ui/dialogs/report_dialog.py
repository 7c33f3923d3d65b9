"""Where a report goes: the file it will be written to, shown and editable before anything is
written (Enter writes it; an existing file needs Enter a second time to be replaced)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


def _tr(text: str) -> str:
    return QCoreApplication.translate("ReportDialog", text)


class ReportDialog(QDialog):
    def __init__(self, what: str, suggested: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_tr("Write a report"))
        self.setMinimumWidth(560)
        self.force = False
        self._confirmed_for: str | None = None
        heading = QLabel(_tr("Write {0} as a PDF to this file, then open it:").format(what))
        heading.setTextFormat(Qt.TextFormat.PlainText)  # ids and titles are not markup
        heading.setWordWrap(True)
        self.path = QLineEdit(str(suggested))
        self.path.setAccessibleName(_tr("File to write"))
        self.path.textChanged.connect(self._changed)
        choose = QPushButton(_tr("&Choose…"))
        choose.setAutoDefault(False)
        choose.clicked.connect(self._choose)
        self.note = QLabel()
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        self.note.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(_tr("&Write and open"))
        ok.setDefault(True)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(choose)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(row)
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self.path.setFocus()
        self.path.selectAll()

    def chosen(self) -> Path:
        return Path(self.path.text().strip()).expanduser()

    def _say(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def _changed(self) -> None:
        self.force = False
        self._confirmed_for = None
        self._say("")

    def _choose(self) -> None:
        found, _ = QFileDialog.getSaveFileName(
            self, _tr("Write the report to"), str(self.chosen()), _tr("PDF files (*.pdf)")
        )
        if found:
            self.path.setText(found)

    def _accept(self) -> None:
        path = self.chosen()
        if not path.name or not path.is_absolute():
            self._say(
                _tr("Give the whole path of a file, such as {0}.").format(
                    Path.home() / "report.pdf"
                )
            )
            return
        if path.exists() and self._confirmed_for != str(path):
            self._confirmed_for = str(path)
            self._say(_tr("{0} exists already. Press Enter again to replace it.").format(path))
            return
        self.force = path.exists()
        self.accept()
