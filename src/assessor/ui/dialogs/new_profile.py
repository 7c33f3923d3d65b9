"""The first start on an empty data folder: make the person's profile and signing key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from assessor.domain.changes import Change
from assessor.domain.roles import PROFILE_ROLES
from assessor.services.profiles import Signer
from assessor.ui import theme
from assessor.ui.tasks import TaskRunner

MIN_PASSPHRASE = 10  # a sentence is easier to remember than a short password and stronger

# op(db, name, roles, passphrase) → the new profile, unlocked (a write on the serial lane)
Create = Callable[[Any, str, list[str], str], Signer]


def _tr(text: str) -> str:
    return QCoreApplication.translate("NewProfileDialog", text)


class NewProfileDialog(QDialog):
    def __init__(self, create: Create, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_tr("Create your profile"))
        self._create, self._runner = create, runner
        self._signer: Signer | None = None
        intro = QLabel(
            _tr(
                "Assessor signs every result you finalize with a key that only you can use."
                " Choose the passphrase that protects it: there is no way to recover it."
            )
        )
        intro.setWordWrap(True)
        self.name = QLineEdit()
        self.name.setAccessibleName(_tr("Your name"))
        self.roles = {r.value: QCheckBox(_tr(r.value.capitalize())) for r in PROFILE_ROLES}
        self.roles["assessor"].setChecked(True)
        role_row = QHBoxLayout()
        for box in self.roles.values():
            role_row.addWidget(box)
        role_row.addStretch(1)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(_tr("Passphrase"))
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.setAccessibleName(_tr("Passphrase again"))
        form = QFormLayout()
        form.addRow(_tr("Your &name:"), self.name)
        form.addRow(_tr("Roles:"), role_row)
        form.addRow(_tr("&Passphrase:"), self.passphrase)
        form.addRow(_tr("&Again:"), self.repeat)
        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.addButton(
            _tr("Create"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        for edit in (self.name, self.passphrase, self.repeat):
            edit.textChanged.connect(self._check)
        for box in self.roles.values():
            box.toggled.connect(self._check)
        self._check()

    def problems(self) -> list[str]:
        found = []
        if not self.name.text().strip():
            found.append(_tr("Type your name."))
        if not any(box.isChecked() for box in self.roles.values()):
            found.append(_tr("Choose at least one role."))
        if len(self.passphrase.text()) < MIN_PASSPHRASE:
            found.append(
                _tr("The passphrase needs at least {0} characters.").format(MIN_PASSPHRASE)
            )
        elif self.repeat.text() != self.passphrase.text():
            found.append(_tr("The two passphrases differ."))
        return found

    def _check(self) -> None:
        found = self.problems()
        self.create_button.setEnabled(not found)
        self.problem.setText(" ".join(found))
        self.problem.setStyleSheet("")

    def signer(self) -> Signer | None:
        return self._signer

    def accept(self) -> None:
        if self.problems() or not self.create_button.isEnabled():
            return
        roles = [name for name, box in self.roles.items() if box.isChecked()]
        phrase = self.passphrase.text()
        self.create_button.setEnabled(False)
        self.problem.setText(_tr("Creating your key…"))
        self._runner.write(
            self._create,
            self.name.text().strip(),
            roles,
            phrase,
            changes={Change.PROFILES},
            on_done=self._created,
            on_error=self._failed,
        )

    def _created(self, signer: Signer) -> None:
        self._signer = signer
        self.passphrase.clear()
        self.repeat.clear()
        super().accept()

    def _failed(self, exc: BaseException) -> None:
        self.create_button.setEnabled(True)
        self.problem.setText(_tr("The profile was not created: {0}").format(exc))
        self.problem.setStyleSheet(f"color: {theme.text_colour('red', self.palette()).name()};")
