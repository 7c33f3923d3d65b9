"""The Sync page: who this desk is enrolled as, "Sync now" with its progress, every outbox
item with its state and the backend's reason (a rejected record stays, with why), and the
flags a round raised (withdrawn, reassigned, conflict). It reloads itself when the runner
says the outbox or the records changed."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assessor.domain.changes import Change
from assessor.ui import theme
from assessor.ui.desk import Desk
from assessor.ui.sync.controller import SyncController
from assessor.ui.sync.outbox import ANSWER, Outbox, outbox_and_flags, outbox_model
from assessor.ui.sync.rows import fit_columns
from assessor.ui.sync.words import FLAGS, state_words, step_words, summary

WATCHED = {Change.OUTBOX, Change.RECORDS}


def _tr(text: str) -> str:
    return QCoreApplication.translate("Sync", text)


def label(text: str = "") -> QLabel:
    shown = QLabel(text)
    shown.setTextFormat(Qt.TextFormat.PlainText)  # a backend's words are not markup
    shown.setWordWrap(True)
    shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return shown


class SyncPage(QWidget):
    enrol_requested = Signal()

    def __init__(
        self, desk: Desk, controller: SyncController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.desk, self.controller = desk, controller
        self.setObjectName("syncPage")
        self.loads = 0
        self.stale = False  # something it shows changed while it was hidden
        self.who = label()
        self.state = label()
        self.state.setAccessibleName(_tr("Sync state"))
        self.last = label()
        self.sync_button = QPushButton(_tr("&Sync now (F9)"))
        self.sync_button.setToolTip(_tr("Send every record waiting and receive what is new"))
        self.sync_button.clicked.connect(controller.sync_now)
        self.enrol_button = QPushButton(_tr("&Enrol…"))
        self.enrol_button.clicked.connect(self.enrol_requested)
        self.progress = QProgressBar()
        self.progress.setAccessibleName(_tr("Sync progress"))
        self.progress.setTextVisible(True)
        # Shown and hidden in place: moving the outbox below it made the GUI thread lay out
        # and repaint the whole page (~25 ms with 2,000 rows) as every round began and ended.
        room = self.progress.sizePolicy()
        room.setRetainSizeWhenHidden(True)
        self.progress.setSizePolicy(room)
        self.progress.hide()
        self.outbox = outbox_model()
        self.table = QTableView()
        self.table.setModel(self.outbox)
        self.table.setAccessibleName(_tr("Outbox: signed records and what the backend answered"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(ANSWER, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.flags = QTableWidget(0, 4)
        self.flags.setAccessibleName(_tr("Flags raised by the sync"))
        self.flags.setHorizontalHeaderLabels(
            [_tr("Flag"), _tr("Subject"), _tr("Your work"), _tr("Why")]
        )
        self.flags.verticalHeader().hide()
        self.flags.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.flags.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.flags.setMaximumHeight(140)
        self.flags_title = label(_tr("Flags"))

        top = QHBoxLayout()
        top.addWidget(self.who, 1)
        top.addWidget(self.enrol_button)
        top.addWidget(self.sync_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addLayout(top)
        layout.addWidget(self.state)
        layout.addWidget(self.progress)
        layout.addWidget(self.last)
        layout.addWidget(label(_tr("Outbox")))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.flags_title)
        layout.addWidget(self.flags)
        self.setFocusProxy(self.table)
        controller.changed.connect(self.show_state)
        desk.runner.changed.connect(self._data_changed)
        self.show_state()

    def show_state(self) -> None:
        snap = self.controller.state
        enrolment = snap.enrolment
        if enrolment is None:
            self.who.setText(
                _tr("Not enrolled with a backend: records wait here, safe, until you enrol.")
            )
        else:
            self.who.setText(
                _tr("Enrolled as {0} ({1}) at {2}").format(
                    enrolment.person, ", ".join(enrolment.roles), enrolment.backend
                )
            )
        self.enrol_button.setEnabled(self.desk.secrets is not None)
        self.sync_button.setEnabled(enrolment is not None and not snap.running)
        failing = bool(snap.problem) or (snap.last is not None and not snap.last.ok)
        self.state.setText(state_words(snap))
        theme.paint(
            self.state,
            theme.text_colour("red") if failing and not snap.running else None,
            bold=failing,
        )
        self.last.setText(summary(snap))
        self.progress.setVisible(snap.running)
        if snap.running:
            # Never Qt's "busy" bar (0..0) while the total is not known: its animation
            # repaints 60 times a second for the whole round, each paint waiting on Qt's
            # painting threads, which a busy machine starves (decision 0032).
            self.progress.setRange(0, max(snap.total, 1))
            self.progress.setValue(min(snap.done, snap.total))
            self.progress.setFormat(step_words(snap))

    def reload(self) -> None:
        self.stale = False
        if self.desk.secrets is None:
            return
        self.desk.runner.read(
            outbox_and_flags, self.desk.secrets, self.desk.identity.profile.id,
            on_done=self._loaded, key=("sync-page",),
        )  # fmt: skip

    def _loaded(self, found: Outbox) -> None:
        flags = found.flags
        self.outbox.set_rows(found.rows.rows)
        fit_columns(self.table, found.rows.longest, ANSWER)
        self.flags.setRowCount(len(flags))
        for n, flag in enumerate(flags):
            work = _tr("kept here, untouched") if flag.local_work else _tr("none")
            for column, text in enumerate(
                (_tr(FLAGS.get(flag.kind, flag.kind)), flag.subject, work, flag.reason)
            ):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.flags.setItem(n, column, item)
        self.flags.setVisible(bool(flags))
        self.flags_title.setText(_tr("Flags") if flags else _tr("No flags."))
        self.loads += 1

    def _data_changed(self, changes: frozenset[str]) -> None:
        if changes & WATCHED:
            self.stale = True
            if self.isVisible():  # else when it is next shown
                self.reload()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.stale:
            self.reload()
