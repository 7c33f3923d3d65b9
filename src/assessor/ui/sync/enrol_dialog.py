"""Enrolling this desk's profile with a backend: its URL and the one-time code its operator
made. The unlocked key proves possession (SyncService.enrol); the device token the backend
gives goes only to the system keyring. Without a safe keyring nothing is offered that would
keep it anywhere else. Shows as whom and where the profile is enrolled; un-enrol is here."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assessor.services.profiles import Signer
from assessor.sync.enrol import EnrolmentInfo
from assessor.sync.service import SyncService
from assessor.ui import theme
from assessor.ui.errors import in_words
from assessor.ui.sync.controller import SyncController
from assessor.ui.sync.page import label


def _tr(text: str) -> str:
    return QCoreApplication.translate("Enrol", text)


def enrol_op(
    db: Any, secrets: Any, url: str, code: str, signer: Signer, options: dict[str, Any]
) -> EnrolmentInfo:
    return SyncService(db, secrets, **options).enrol(url, code, signer)


def unenrol_op(db: Any, secrets: Any, profile_id: str) -> bool:
    return SyncService(db, secrets).unenrol(profile_id)


class EnrolDialog(QDialog):
    def __init__(self, controller: SyncController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.desk = desk = controller.desk
        self.setWindowTitle(_tr("Enrol with a backend"))
        self.setObjectName("enrolDialog")
        self.current = label()
        self.url = QLineEdit()
        self.url.setAccessibleName(_tr("Backend URL"))
        self.url.setPlaceholderText("https://issuer.example.org")
        self.code = QLineEdit()
        self.code.setAccessibleName(_tr("One-time enrolment code"))
        self.code.setPlaceholderText(_tr("from the backend's operator"))
        self.code.returnPressed.connect(self.enrol)  # Enter in the code: enrol
        self.message = label()
        self.buttons = QDialogButtonBox()
        self.enrol_button = QPushButton(_tr("&Enrol"))
        self.enrol_button.setDefault(True)
        self.enrol_button.clicked.connect(self.enrol)
        self.unenrol_button = QPushButton(_tr("&Un-enrol"))
        self.unenrol_button.setAutoDefault(False)  # Enter always means Enrol
        self.unenrol_button.clicked.connect(self.unenrol)
        self.buttons.addButton(self.enrol_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.unenrol_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(_tr("Backend &URL"), self.url)
        form.addRow(_tr("One-time &code"), self.code)
        layout = QVBoxLayout(self)
        layout.addWidget(self.current)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.busy = False
        desk.identity.changed.connect(self.show_state)
        self.show_state()

    def show_state(self) -> None:
        desk, enrolment = self.desk, self.controller.state.enrolment
        name = desk.identity.profile.name
        if enrolment is None:
            self.current.setText(_tr("{0} is not enrolled with a backend.").format(name))
        else:
            self.current.setText(
                _tr("{0} is enrolled as {1} ({2}) at {3}, since {4}."
                    " Enrolling again replaces it.").format(
                    name, enrolment.person, ", ".join(enrolment.roles), enrolment.backend,
                    enrolment.enrolled_at.date().isoformat(),
                )
            )  # fmt: skip
            if not self.url.text():
                self.url.setText(enrolment.backend)
        why = ""
        if desk.secrets is None:
            why = _tr(
                "This computer has no safe keyring ({0}). The device token is kept only in"
                " the system keyring, so enrolling is not possible here."
            ).format(desk.secrets_problem or _tr("none found"))
        elif desk.identity.locked:
            why = _tr("Unlock your key first (Ctrl+U): enrolling proves this profile holds it.")
        if why:
            self.say(why, error=True)
        for widget in (self.url, self.code, self.enrol_button):
            widget.setEnabled(not why and not self.busy)
        self.enrol_button.setDefault(True)
        self.unenrol_button.setEnabled(
            desk.secrets is not None and enrolment is not None and not self.busy
        )

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        theme.paint(self.message, theme.text_colour("red") if error else None, bold=error)

    def enrol(self) -> None:
        signer, secrets = self.desk.identity.signer, self.desk.secrets
        if signer is None or secrets is None or self.busy:
            self.show_state()
            return
        self._busy(_tr("Enrolling with {0}…").format(self.url.text().strip()))
        self.desk.runner.read(  # network: the parallel lane, never the writes' lane
            enrol_op, secrets, self.url.text().strip(), self.code.text(), signer,
            self.controller.options, on_done=self._enrolled, on_error=self._failed,
        )  # fmt: skip

    def unenrol(self) -> None:
        if self.desk.secrets is None or self.busy:
            return
        self._busy(_tr("Un-enrolling…"))
        self.desk.runner.read(
            unenrol_op, self.desk.secrets, self.desk.identity.profile.id,
            on_done=self._unenrolled, on_error=self._failed,
        )  # fmt: skip

    def _busy(self, text: str) -> None:
        self.busy = True
        self.say(text)
        self.show_state()

    def _enrolled(self, info: EnrolmentInfo) -> None:
        self.busy = False
        self.code.clear()  # one-time: it is spent
        self.controller.set_enrolment(info)
        self.controller.sync(due_only=True)
        self.show_state()
        self.say(
            _tr("Enrolled as {0} at {1}. The token is in the system keyring.").format(
                info.person, info.backend
            )
        )

    def _unenrolled(self, _done: bool) -> None:
        self.busy = False
        self.controller.set_enrolment(None)
        self.show_state()
        self.say(
            _tr(
                "Un-enrolled. Nothing signed or waiting was touched; it is sent after you"
                " enrol again."
            )
        )

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.show_state()
        self.say(_tr("Not enrolled: {0}").format(in_words(exc, what="enrolling")), error=True)
        self.code.setFocus(Qt.FocusReason.OtherFocusReason)
