"""The proctor's two forms: a new session (Ctrl+Shift+N on the sessions list) and a roster import
(Ctrl+R in the console). Each checks as `assessor session create` and `session roster import`
do, through the same services and in the same words; it stays open, saying what is wrong,
until its write has committed. A roster with bad lines names each line; nothing is imported."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from assessor.domain import exam as x
from assessor.domain.changes import Change
from assessor.domain.errors import DomainError, ValidationFailed
from assessor.services import exam_sessions as es
from assessor.services.exam_checks import MAX_NOTE, MAX_TITLE
from assessor.ui.ctrl_enter import CtrlEnterAccepts
from assessor.ui.desk import Desk
from assessor.ui.errors import details

KIND_WORDS = {x.SessionKind.SITE: "On site", x.SessionKind.REMOTE: "Remote"}


def _tr(text: str) -> str:
    return QCoreApplication.translate("SessionForms", text)


def problem_words(exc: BaseException) -> str:
    """What the CLI prints for the same refusal: every line of a file's problems."""
    if isinstance(exc, ValidationFailed):
        return "\n".join(exc.lines())
    return details(exc)


class _WritingDialog(QDialog):
    """Accepting runs one write; the dialog closes once it committed, or says why not."""

    def __init__(self, desk: Desk, title: str, ok: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.result_: Any = None
        self.busy = False
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName(_tr("Problem"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.addButton(ok, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def say(self, text: str) -> None:
        self.problem.setText(text)

    def submit(self, op: Any, *args: Any) -> None:
        if self.busy:
            return
        self.busy = True
        self.say(_tr("Saving…"))

        def done(result: object) -> None:
            self.busy, self.result_ = False, result
            super(_WritingDialog, self).accept()

        def refused(exc: BaseException) -> None:
            self.busy = False
            self.say(problem_words(exc))

        self.desk.runner.write(
            op, *args, changes=(Change.SESSIONS,), on_done=done, on_error=refused
        )


def _create(db: Any, proctor: str, fields: dict[str, Any]) -> Any:
    return es.create_session(db, proctor, **fields)


def _default_start() -> datetime:
    """The next full hour, in the person's own time zone."""
    now = datetime.now().astimezone().replace(minute=0, second=0, microsecond=0)
    return now + timedelta(hours=1)


class NewSessionDialog(_WritingDialog):
    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(desk, _tr("New exam session"), _tr("Create   Ctrl+Enter"), parent)
        start = _default_start()
        self.title = QLineEdit()
        self.title.setMaxLength(MAX_TITLE)
        self.kind = QComboBox()
        for kind, word in KIND_WORDS.items():
            self.kind.addItem(_tr(word), kind.value)
        self.start = QLineEdit(start.isoformat(timespec="minutes"))
        self.end = QLineEdit((start + timedelta(hours=2)).isoformat(timespec="minutes"))
        for field in (self.start, self.end):
            field.setPlaceholderText("2026-12-02T09:00+00:00")
        self.location = QLineEdit()
        self.location.setMaxLength(MAX_NOTE)
        self.location.setPlaceholderText(_tr("empty: the kind (on site, remote)"))
        for text, widget in (
            (_tr("&Title:"), self.title),
            (_tr("&Kind:"), self.kind),
            (_tr("Planned &start:"), self.start),
            (_tr("Planned &end:"), self.end),
            (_tr("&Location:"), self.location),
        ):
            self.form.addRow(text, widget)
        hint = QLabel(_tr("Times are ISO 8601 with their time zone, as the CLI takes them."))
        self.form.addRow("", hint)
        CtrlEnterAccepts(self).watch(
            self, self.title, self.kind, self.start, self.end, self.location
        )
        self.resize(560, 280)
        self.title.setFocus()

    def accept(self) -> None:
        try:
            fields = {
                "title": self.title.text(),
                "kind": str(self.kind.currentData()),
                "starts_at": x.planned_time(self.start.text().strip()),
                "ends_at": x.planned_time(self.end.text().strip()),
                "location": self.location.text().strip() or None,
            }
        except DomainError as exc:
            self.say(exc.message)
            return
        self.submit(_create, self.desk.assessor_id, fields)


class RosterDialog(_WritingDialog):
    def __init__(self, desk: Desk, session_id: str, parent: QWidget | None = None) -> None:
        super().__init__(desk, _tr("Import a roster"), _tr("Import   Ctrl+Enter"), parent)
        self.session_id = session_id
        intro = QLabel(
            _tr(
                "A CSV file with the header candidate,name (and optionally learner). Every bad"
                " line is named; nothing is imported while any line is wrong."
            )
        )
        intro.setWordWrap(True)
        self.path = QLineEdit()
        self.path.setPlaceholderText(_tr("path of the .csv file"))
        self.path.setAccessibleName(_tr("Roster file"))
        browse = QPushButton(_tr("Choose…   Ctrl+O"))
        browse.clicked.connect(self.browse)
        QShortcut(QKeySequence("Ctrl+O"), self, self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        self.form.addRow(intro)
        self.form.addRow(_tr("&File:"), row)
        CtrlEnterAccepts(self).watch(self, self.path)
        self.path.returnPressed.connect(self.accept)
        self.resize(620, 240)
        self.path.setFocus()

    def browse(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, _tr("Roster file"), "", _tr("CSV files (*.csv);;All files (*)")
        )
        if chosen:
            self.path.setText(chosen)

    def accept(self) -> None:
        text = self.path.text().strip()
        if not text:
            self.say(_tr("Give the roster's file."))
            return
        path = Path(text).expanduser()  # a folder, a device: refused by the service, named
        self.submit(es.import_roster, self.desk.assessor_id, self.session_id, path)
