"""The proctor console: one session's roster (check-in with identity method and time, who is
in the room, outcome) beside its log in sequence order (incidents with severity as colour and
word; corrections are new entries), and a manager's amendments once sealed. Keys on the
roster: K check in, E entry, X exit, B break, O outcome; Ctrl+I logs an incident from anywhere
in the console, Ctrl+R imports a roster; Ctrl+Shift+Enter closes and seals. Every change is
one durable write: "Saved" only once it committed."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from assessor.domain import exam as x
from assessor.domain.changes import Change
from assessor.services import exam_sessions as es
from assessor.services.exam_seal import Sealed, SealRefused, seal_session
from assessor.services.exam_views import SessionView
from assessor.ui import theme
from assessor.ui.desk import Desk
from assessor.ui.errors import details, in_words
from assessor.ui.heading import heading
from assessor.ui.sessions.amendments import AmendmentsLabel
from assessor.ui.sessions.forms import RosterDialog
from assessor.ui.sessions.incident_dialog import IncidentDialog
from assessor.ui.sessions.listing import when
from assessor.ui.sessions.saves import ConsoleSaves
from assessor.ui.sessions.tables import (
    ID_METHODS,
    PRESENCE,
    fill_log,
    fill_roster,
    log_tree,
    presence,
    roster_tree,
)

WRITES = (Change.SESSIONS, Change.RECORDS, Change.OUTBOX)


def _tr(text: str) -> str:
    return QCoreApplication.translate("SessionConsole", text)


def _seal(db: Any, session_id: str, signer: Any, shown: SessionView) -> Sealed:
    return seal_session(db, session_id, signer, expected=shown)


class SessionConsole(QWidget):
    back_requested = Signal()
    loaded = Signal(object)  # SessionView
    sealed = Signal(object)  # Sealed

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.view: SessionView | None = None
        self.saves = ConsoleSaves(desk.runner, WRITES, self)
        desk.saves.register(self.saves)  # the one indicator covers the console
        self.saves.save_state_changed.connect(self._show_save)
        self.saves.written.connect(lambda _r: self.reload())
        # Seams for tests: how the console asks (a choice, an incident, a yes).
        self.choose = self._choose
        self.ask_incident = self._ask_incident
        self.confirm = self._confirm
        self.ask_roster = self._ask_roster

        self.title, top = heading(
            _tr("No session open"), _tr("Back to sessions (Esc)"), self.back_requested
        )
        self.info = QLabel()
        self.info.setTextFormat(Qt.TextFormat.PlainText)
        self.save_state = QLabel()
        self.save_state.setAccessibleName(_tr("Save state"))
        line = QHBoxLayout()
        line.addWidget(self.info, 1)
        line.addWidget(self.save_state)
        self.amendments = AmendmentsLabel(desk)

        self.roster, self.log = roster_tree(), log_tree()
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.roster)
        split.addWidget(self.log)
        split.setStretchFactor(0, 9)  # the roster whole, outcome column included
        split.setStretchFactor(1, 11)

        self.missing = QLabel()
        self.missing.setTextFormat(Qt.TextFormat.PlainText)
        self.missing.setWordWrap(True)
        self.missing.setAccessibleName(_tr("Before sealing"))
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setAccessibleName(_tr("Refused"))
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        row.addWidget(QLabel(_tr("Keys: K check in · E entry · X exit · B break · O outcome")))
        row.addStretch(1)
        for name, text, slot in (
            ("roster", _tr("Import roster…   Ctrl+R"), self.import_roster),
            ("incident", _tr("Log incident…   Ctrl+I"), self.log_incident),
            ("seal", _tr("Close && seal…   Ctrl+Shift+Enter"), self.seal),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            row.addWidget(button)
            self.buttons[name] = button
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(top)
        layout.addLayout(line)
        layout.addWidget(self.amendments)
        layout.addWidget(split, 1)
        layout.addWidget(self.missing)
        layout.addWidget(self.message)
        layout.addLayout(row)
        self._keys()
        self._show_save()

    def _keys(self) -> None:
        console = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot, where in (
            (["Ctrl+I"], self.log_incident, self),
            (["Ctrl+R"], self.import_roster, self),
            (["Ctrl+Shift+Return", "Ctrl+Shift+Enter"], self.seal, self),
            (["Esc"], self.back_requested.emit, self),
            (["K"], self.check_in, self.roster),
            (["E"], lambda: self.movement("entry"), self.roster),
            (["X"], lambda: self.movement("exit"), self.roster),
            (["B"], self.toggle_break, self.roster),
            (["O"], self.outcome, self.roster),
        ):
            action = QAction(where)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(
                console if where is self else Qt.ShortcutContext.WidgetShortcut
            )
            action.triggered.connect(lambda _c=False, s=slot: s())
            where.addAction(action)

    # -- loading ----------------------------------------------------------------------

    def open(self, session_id: str) -> None:
        self.view = None
        self.title.setText(_tr("Opening…"))
        self._say("")
        self._read(session_id)

    def reload(self) -> None:
        if self.view is not None:
            self._read(self.view.id)

    def _read(self, session_id: str) -> None:
        self.desk.runner.read(
            es.show_session,
            session_id,
            after_writes=True,  # the console shows every write queued before
            key=("session-console",),
            on_done=self._show,
            on_error=lambda exc: self._say(in_words(exc, what="opening the session")),
        )

    def _show(self, v: SessionView) -> None:
        candidate = self.current_candidate()
        self.view = v
        sealed = v.state == x.SessionStatus.SEALED
        self.title.setText(v.title)
        state = (
            _tr("■ Sealed {0} — record {1}; it never changes").format(
                when(v.sealed_at or ""), v.record_id
            )
            if sealed
            else _tr("● Open")
        )
        place = _tr("on site") if v.kind == "site" else _tr("remote")
        self.info.setText(
            f"{v.id} · {place}, {v.location} · {when(v.starts_at)} – {when(v.ends_at)} · {state}"
        )
        fill_roster(self.roster, v, candidate)
        fill_log(self.log, v)
        self._show_missing(v)
        self.amendments.load(v.id, len(v.amendments))
        for button in self.buttons.values():
            button.setEnabled(not sealed)
        self.loaded.emit(v)

    def _show_missing(self, v: SessionView) -> None:
        if v.state == x.SessionStatus.SEALED:
            self.missing.setText(_tr("Sealed: read only."))
        elif v.missing:
            self.missing.setText(_tr("Before sealing: ") + "; ".join(v.missing) + ".")
        else:
            self.missing.setText(_tr("Every candidate has an outcome: ready to seal."))

    def _show_save(self) -> None:
        text, colour = self.saves.words()
        theme.paint(self.save_state, theme.text_colour(colour, self.palette()) if colour else None,
                    bold=colour == "red")  # fmt: skip
        self.save_state.setText(text)

    def _say(self, text: str) -> None:
        theme.paint(self.message, theme.text_colour("red", self.palette()), bold=True)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def current_candidate(self) -> str | None:
        item = self.roster.currentItem()
        return None if item is None else str(item.data(0, Qt.ItemDataRole.UserRole))

    # -- acts -------------------------------------------------------------------------

    def _open(self) -> SessionView | None:
        v = self.view
        if v is None:
            return None
        if v.state == x.SessionStatus.SEALED:
            self._say(_tr("This session is sealed: it never changes."))
            return None
        return v

    def _write(self, op: Any, *args: Any, what: str) -> None:
        self._say("")
        self.saves.write(op, *args, what=what, refused=self._say)

    def check_in(self) -> None:
        v, c = self._open(), self.current_candidate()
        if v is None or c is None:
            return
        words = [_tr(w) for w in ID_METHODS.values()]
        picked = self.choose(_tr("Check in {0}: identity checked by").format(c), words)
        if picked is not None:
            method = list(ID_METHODS)[words.index(picked)]
            self._write(es.check_in, self.desk.assessor_id, v.id, c, method, what="check-in")

    def movement(self, movement: str) -> None:
        v, c = self._open(), self.current_candidate()
        if v is not None and c is not None:
            self._write(es.record_movement, self.desk.assessor_id, v.id, c, movement, what=movement)

    def toggle_break(self) -> None:
        v, c = self._open(), self.current_candidate()
        if v is None or c is None:
            return
        on_break = presence(v).get(c) == PRESENCE["break-start"]
        self.movement("break-end" if on_break else "break-start")

    def outcome(self) -> None:
        v, c = self._open(), self.current_candidate()
        if v is None or c is None:
            return
        values = [o.value for o in x.Outcome]
        picked = self.choose(_tr("Outcome for {0}").format(c), values)
        if picked is not None:
            self._write(es.set_outcome, self.desk.assessor_id, v.id, c, picked, what="outcome")

    def import_roster(self) -> None:
        v = self._open()
        if v is not None and self.ask_roster(v.id):
            self.reload()

    def log_incident(self) -> None:
        v = self._open()
        if v is None:
            return
        corrects = None
        item = self.log.currentItem()
        if item is not None and self.log.hasFocus():
            seq = int(item.text(0))
            if any(e.seq == seq for e in v.incidents):
                corrects = seq
        chosen = self.current_candidate() if self.roster.hasFocus() else None
        incident = self.ask_incident(v, chosen, corrects)
        if incident is not None:
            self._write(es.log_incident, self.desk.assessor_id, v.id, incident, what="incident")

    def seal(self) -> None:
        v = self._open()
        if v is None:
            return
        if v.missing:
            self._say(_tr("Cannot seal yet. Missing: ") + "; ".join(v.missing) + ".")
            return
        signer = self.desk.identity.signer
        if signer is None:
            self._say(_tr("Your key is locked. Unlock it (Ctrl+U), then seal again."))
            return
        question = _tr(
            "Seal {0} as shown ({1} candidates, {2} log entries) and sign it? A sealed"
            " session never changes."
        ).format(v.title, len(v.candidates), len(v.log))
        if not self.confirm(question):
            return
        self._say("")

        def refused(exc: BaseException) -> None:
            in_words(exc, what="sealing")
            if isinstance(exc, SealRefused):
                self._say(_tr("Cannot seal yet. Missing: ") + "; ".join(exc.missing) + ".")
            else:
                self._say(details(exc))

        def done(made: Sealed) -> None:
            self.desk.identity.touch()
            self.sealed.emit(made)
            self.reload()

        self.desk.runner.write(
            _seal, v.id, signer, v, changes=WRITES, on_done=done, on_error=refused
        )

    # -- asking -----------------------------------------------------------------------

    def _choose(self, label: str, items: list[str]) -> str | None:
        picked, ok = QInputDialog.getItem(self, _tr("Proctor console"), label, items, 0, False)
        return picked if ok else None

    def _ask_incident(
        self, v: SessionView, chosen: str | None, corrects: int | None
    ) -> es.Incident | None:
        dialog = IncidentDialog(
            [c.id for c in v.candidates], v.incidents, chosen=chosen, corrects=corrects, parent=self
        )
        return dialog.incident() if dialog.exec() else None

    def _ask_roster(self, session_id: str) -> bool:
        """True once a roster was imported (the dialog waits for the write)."""
        return bool(RosterDialog(self.desk, session_id, self).exec())

    def _confirm(self, question: str) -> bool:
        answer = QMessageBox.question(self, _tr("Close and seal"), question)
        return answer == QMessageBox.StandardButton.Yes
