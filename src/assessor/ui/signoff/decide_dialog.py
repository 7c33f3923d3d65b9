"""Asks for the reason of a sign-off decision: required to return work, optional with an
approval. Ctrl+Enter signs (Enter is a new line in the reason)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from assessor.services.signoff import MAX_REASON
from assessor.ui.ctrl_enter import CtrlEnterAccepts


def _tr(text: str) -> str:
    return QCoreApplication.translate("DecideDialog", text)


class DecideDialog(QDialog):
    def __init__(self, return_to: str | None, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.required = return_to is not None
        if return_to is None:
            self.setWindowTitle(_tr("Approve and sign"))
            intro = _tr("Approve {0} and sign the decision. A comment is optional.")
            ok = _tr("Approve && sign   Ctrl+Enter")
        else:
            self.setWindowTitle(_tr("Return to the {0}").format(return_to))
            intro = (
                _tr("Return {0} to the assessor for rescoring. Say why (required).")
                if return_to == "assessor"
                else _tr("Return {0} to the learner for resubmission. Say why (required).")
            )
            ok = _tr("Return && sign   Ctrl+Enter")
        text = QLabel(intro.format(label))
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setWordWrap(True)
        self.text = QPlainTextEdit()
        self.text.setAccessibleName(_tr("Reason"))
        self.text.setTabChangesFocus(True)
        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.addButton(ok, QDialogButtonBox.ButtonRole.AcceptRole)
        CtrlEnterAccepts(self).watch(self, self.text)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.text)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(520, 260)
        self.text.setFocus()

    def reason(self) -> str:
        return self.text.toPlainText().strip()

    def accept(self) -> None:
        if self.required and not self.reason():
            self.problem.setText(_tr("Returning work needs a reason: write what must change."))
            self.text.setFocus()
            return
        if len(self.reason()) > MAX_REASON:
            self.problem.setText(
                _tr("The reason is longer than {0} characters.").format(MAX_REASON)
            )
            return
        super().accept()
