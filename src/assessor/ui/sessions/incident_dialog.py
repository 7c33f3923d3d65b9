"""Log an incident without leaving the keyboard (Ctrl+I): candidates, type, severity (colour
and word), who witnessed, what was done, who was told, what happened, and optionally the
earlier incident it corrects. Tab moves on; Ctrl+Enter logs it."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from assessor.domain import exam as x
from assessor.services.exam_sessions import Incident
from assessor.services.exam_views import EntryView
from assessor.ui.ctrl_enter import CtrlEnterAccepts
from assessor.ui.sessions.severity import severity_colour, severity_label


def _tr(text: str) -> str:
    return QCoreApplication.translate("IncidentDialog", text)


TYPE_WORDS = {
    x.IncidentType.PROHIBITED_ITEM: "Prohibited item",
    x.IncidentType.COMMUNICATION: "Communication",
    x.IncidentType.IDENTITY_CONCERN: "Identity concern",
    x.IncidentType.TECHNICAL_ISSUE: "Technical issue",
    x.IncidentType.DISRUPTION: "Disruption",
    x.IncidentType.ILLNESS: "Illness",
    x.IncidentType.OTHER: "Other",
}


class IncidentDialog(QDialog):
    def __init__(
        self,
        candidates: Sequence[str],
        incidents: Sequence[EntryView],
        *,
        chosen: str | None = None,
        corrects: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_tr("Log an incident"))
        self.known = list(candidates)
        self.candidates = QLineEdit(chosen or "")
        self.candidates.setPlaceholderText(_tr("e.g. C-101, C-104 — empty: the whole room"))
        self.type = QComboBox()
        for kind, word in TYPE_WORDS.items():
            self.type.addItem(_tr(word), kind.value)
        self.severity = QComboBox()
        for n, level in enumerate(x.Severity):
            self.severity.addItem(severity_label(level.value), level.value)
            self.severity.setItemData(
                n, severity_colour(level.value, self.palette()), Qt.ItemDataRole.ForegroundRole
            )
        self.severity.setCurrentIndex(list(x.Severity).index(x.Severity.YELLOW))
        self.witness = QLineEdit()
        self.action = QLineEdit()
        self.notified = QLineEdit()
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setAccessibleName(_tr("What happened"))
        self.corrects = QComboBox()
        self.corrects.addItem(_tr("Nothing — a new incident"), None)
        for e in incidents:
            self.corrects.addItem(_tr("#{0} {1}: {2}").format(e.seq, e.type, e.text or ""), e.seq)
            if e.seq == corrects:
                self.corrects.setCurrentIndex(self.corrects.count() - 1)
        form = QFormLayout()
        for text, widget in (
            (_tr("&Candidates:"), self.candidates),
            (_tr("&Type:"), self.type),
            (_tr("&Severity:"), self.severity),
            (_tr("&Witnessed by:"), self.witness),
            (_tr("&Action taken:"), self.action),
            (_tr("&Notified:"), self.notified),
            (_tr("What &happened:"), self.text),
            (_tr("C&orrects entry:"), self.corrects),
        ):
            form.addRow(text, widget)
        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton(_tr("Log it   Ctrl+Enter"), QDialogButtonBox.ButtonRole.AcceptRole)
        CtrlEnterAccepts(self).watch(
            self,
            self.candidates,
            self.type,
            self.severity,
            self.witness,
            self.action,
            self.notified,
            self.text,
            self.corrects,
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(560, 440)
        (self.type if chosen else self.candidates).setFocus()

    def chosen_candidates(self) -> list[str]:
        return [c.strip() for c in self.candidates.text().replace(";", ",").split(",") if c.strip()]

    def incident(self) -> Incident:
        return Incident(
            type=str(self.type.currentData()),
            severity=str(self.severity.currentData()),
            text=self.text.toPlainText().strip(),
            candidates=tuple(self.chosen_candidates()),
            witness=self.witness.text().strip() or None,
            action=self.action.text().strip() or None,
            notified=self.notified.text().strip() or None,
            corrects=self.corrects.currentData(),
        )

    def accept(self) -> None:
        unknown = [c for c in self.chosen_candidates() if c not in self.known]
        if unknown:
            self.problem.setText(
                _tr("Not on the roster: {0}. Candidates are: {1}.").format(
                    ", ".join(unknown), ", ".join(self.known)
                )
            )
            self.candidates.setFocus()
            return
        if not self.text.toPlainText().strip():
            self.problem.setText(_tr("Say what happened: an incident needs a text."))
            self.text.setFocus()
            return
        super().accept()
