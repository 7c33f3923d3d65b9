"""The Credentials page: credentials the backend issued from this person's work, with their
status and a link that opens the public page in the system browser. It reloads itself when
the runner says credentials changed (a sync brought them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from assessor.domain.changes import Change
from assessor.services.submissions import QueueFilter, list_submissions
from assessor.sync.service import SyncService
from assessor.ui.desk import Desk
from assessor.ui.sync.page import label
from assessor.ui.sync.rows import Row, Rows, RowsModel, fit_columns, ready

STATUS = {
    "active": ("✓", "Active", "green"),
    "revoked": ("✕", "Revoked", "red"),
    "suspended": ("⏸", "Suspended", "amber"),
    "expired": ("○", "Expired", None),
}
HEADERS = ("Achievement", "Learner", "Status", "Issued", "Public page")
LINK = 4  # the column that takes the room left


def _tr(text: str) -> str:
    return QCoreApplication.translate("Credentials", text)


def credentials_of(db: Any, secrets: Any, profile_id: str) -> Rows:
    """On a worker: the credentials newest first, as the page shows them: the learner as the
    queue names them here (their name, or the anonymous code of a blind-marked assessment)
    and the achievement's name from the local catalogue, or the backend's ids when either is
    not here."""
    service = SyncService(db, secrets)
    found = service.credentials(profile_id)
    titles = service.achievement_names({c.achievement for c in found})
    submission_of = {x.record_id: x.submission_id for x in service.outbox(profile_id)}
    names: dict[str, str | None] = {}
    shown = []
    for credential in reversed(found):
        submission = next((submission_of.get(r) for r in credential.records), None)
        if submission is not None and submission not in names:
            rows = list_submissions(db, QueueFilter(text=submission), limit=20)
            names[submission] = next((r.learner for r in rows if r.id == submission), None)
        learner = names.get(submission) if submission else None
        shown.append(_row(credential, learner, titles.get(credential.achievement)))
    return ready(shown, len(HEADERS))


def _row(c: Any, learner: str | None, title: str | None) -> Row:
    symbol, word, colour = STATUS.get(c.status, ("?", c.status, None))
    cells = (title or c.achievement, learner or c.learner, f"{symbol} {_tr(word)}",
             c.issued_at[:10], c.url)  # fmt: skip
    tips = dict(enumerate(cells)) | {0: c.achievement, 1: c.learner}  # the backend's names
    colours = {LINK: "accent"} | ({2: colour} if colour else {})
    return Row(c, cells, colours, tips)


def _open(url: str) -> bool:
    return QDesktopServices.openUrl(QUrl(url))


class CredentialsPage(QWidget):
    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setObjectName("credentialsPage")
        self.loads = 0
        self.stale = False  # something it shows changed while it was hidden
        self.open_url: Callable[[str], object] = _open  # tests watch it
        self.note = label()
        self.model = RowsModel(HEADERS, "Credentials")
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(_tr("Credentials issued from your work"))
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(LINK, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.open_current())
        self.table.installEventFilter(self)
        self.open_button = QPushButton(_tr("&Open public page (Enter)"))
        self.open_button.clicked.connect(self.open_current)
        top = QHBoxLayout()
        top.addWidget(self.note, 1)
        top.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.setFocusProxy(self.table)
        desk.runner.changed.connect(self._data_changed)
        self._show(ready([], len(HEADERS)))

    def reload(self) -> None:
        self.stale = False
        if self.desk.secrets is None:
            return
        self.desk.runner.read(
            credentials_of, self.desk.secrets, self.desk.identity.profile.id,
            on_done=self._show, key=("credentials-page",),
        )  # fmt: skip

    def _show(self, found: Rows) -> None:
        rows = found.rows
        self.model.set_rows(rows)
        if rows and not self.table.currentIndex().isValid():
            self.table.selectRow(0)
        fit_columns(self.table, found.longest, LINK)
        self.note.setText(
            _tr(
                "{0} credential(s) issued from your work. Enter opens the public page"
                " in your browser."
            ).format(len(rows))
            if rows
            else _tr(
                "No credentials yet: they appear here after a sync, once the backend has"
                " issued them."
            )
        )
        self.open_button.setEnabled(bool(rows))
        self.loads += 1

    @property
    def rows(self) -> list[Any]:
        """The credentials shown, newest first."""
        return self.model.rows

    def current(self) -> Any:
        row = self.table.currentIndex().row()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def open_current(self) -> None:
        chosen = self.current()
        # Only a web page: a link from the backend is never handed to another kind of handler.
        if chosen is not None and QUrl(chosen.url).scheme() in ("http", "https"):
            self.open_url(chosen.url)

    def eventFilter(self, watched: Any, event: Any) -> bool:
        keys = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if (
            isinstance(event, QKeyEvent)
            and event.type() == event.Type.KeyPress
            and event.key() in keys
        ):
            self.open_current()
            return True
        return False

    def _data_changed(self, changes: frozenset[str]) -> None:
        if Change.CREDENTIALS in changes:
            self.stale = True
            if self.isVisible():  # else when it is next shown
                self.reload()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.stale:
            self.reload()
