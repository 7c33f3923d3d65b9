"""The sign-off review: the score sheet as the assessor signed it, read-only (levels chosen,
points, comments, total, outcome, who scored it and whether their record still verifies),
beside the same evidence viewer the assessor used. Approve (Ctrl+Enter), return to the
assessor (Ctrl+R) or to the learner (Ctrl+Shift+R) with a reason; every refusal in words."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from assessor.domain.changes import Change
from assessor.domain.scoring import Outcome
from assessor.services.scoring import EvaluationView
from assessor.services.signoff import Decided, SignOffRow, decide
from assessor.services.signoff_review import RecordCheck, check_record
from assessor.services.workspace import Workspace, copy_for_viewer, open_workspace, read_artifact
from assessor.ui import theme
from assessor.ui.desk import Desk
from assessor.ui.elided import ElidedLabel
from assessor.ui.errors import details, in_words
from assessor.ui.evidence.panel import EvidencePanel
from assessor.ui.permissions import sentence
from assessor.ui.scoring.outcome import describe
from assessor.ui.scoring.rubric_panel import RubricPanel
from assessor.ui.scoring.sheet import ScoreSheet
from assessor.ui.signoff.decide_dialog import DecideDialog
from assessor.ui.signoff.queue import state_words

CHANGES = (Change.SUBMISSIONS, Change.EVALUATIONS, Change.RECORDS, Change.OUTBOX)


def _tr(text: str) -> str:
    return QCoreApplication.translate("SignOffReview", text)


def _nothing_saved(_db: Any, _changes: object) -> EvaluationView:
    raise RuntimeError("the review is read-only")  # never called: the sheet is not editable


def _decide(db: Any, row: SignOffRow, signer: Any, return_to: str | None, reason: str) -> Decided:
    # The decision binds the record on screen, never a newer one made since.
    return decide(
        db,
        row.submission_id,
        signer,
        approve=return_to is None,
        return_to=return_to,
        reason=reason,
        record=row.record_id,
    )


def _label(name: str) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)  # names and reasons are not markup
    label.setWordWrap(True)
    label.setAccessibleName(name)
    return label


class SignOffReview(QWidget):
    back_requested = Signal()
    decided = Signal(object)  # Decided
    loaded = Signal(str)  # submission id

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.row: SignOffRow | None = None
        self.record: RecordCheck | None = None
        self.sheet: ScoreSheet | None = None
        self.panel: RubricPanel | None = None
        self.busy = False
        # Seam for tests: the dialog that asks for the reason (returns None when cancelled).
        self.ask = self._ask

        self.title = ElidedLabel(_tr("Nothing open"))
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        back = QPushButton(_tr("Back to the sign-off queue (Esc)"))
        back.clicked.connect(self.back_requested)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(back)

        self.evidence = EvidencePanel(
            desk.runner,
            lambda db, a: read_artifact(db, a.sha256),
            lambda db, a: copy_for_viewer(db, a, desk.viewer_folder()),
        )
        self.who = _label(_tr("Scored by"))
        self.signature = _label(_tr("Signature"))
        self.result = _label(_tr("Result"))
        self.message = _label(_tr("Refused"))
        self.message.hide()
        self.panel_slot = QVBoxLayout()
        self.approve_button = QPushButton(_tr("&Approve && sign   Ctrl+Enter"))
        self.approve_button.clicked.connect(lambda: self.start_decision(None))
        self.to_assessor = QPushButton(_tr("Return to &assessor…   Ctrl+R"))
        self.to_assessor.clicked.connect(lambda: self.start_decision("assessor"))
        self.to_learner = QPushButton(_tr("Return to &learner…   Ctrl+Shift+R"))
        self.to_learner.clicked.connect(lambda: self.start_decision("learner"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.to_learner, self.to_assessor, self.approve_button):
            buttons.addWidget(button)
        sheet_side = QWidget()
        column = QVBoxLayout(sheet_side)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in (self.who, self.signature):
            column.addWidget(widget)
        column.addLayout(self.panel_slot, 1)
        column.addWidget(self.result)
        column.addWidget(self.message)
        column.addLayout(buttons)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.evidence)
        split.addWidget(sheet_side)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self._keys()

    def _keys(self) -> None:
        for keys, slot in (
            (["Ctrl+Return", "Ctrl+Enter"], lambda: self.start_decision(None)),
            (["Ctrl+R"], lambda: self.start_decision("assessor")),
            (["Ctrl+Shift+R"], lambda: self.start_decision("learner")),
            (["Esc"], self.back_requested.emit),
            (["PgDown"], self.evidence.next_page),
            (["PgUp"], self.evidence.previous_page),
            (["]"], self.evidence.next_artifact),
            (["["], self.evidence.previous_artifact),
            (["+", "="], self.evidence.zoom_in),
            (["-"], self.evidence.zoom_out),
            (["0"], self.evidence.fit),
        ):
            action = QAction(self)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(lambda _c=False, s=slot: s())
            self.addAction(action)

    # -- opening ----------------------------------------------------------------------

    def open(self, row: SignOffRow) -> None:
        self.row = row
        self.record = None
        self.title.setText(_tr("Opening…"))
        self._say("")
        self._enable(False)
        runner = self.desk.runner
        runner.read(
            open_workspace,
            row.submission_id,
            self.desk.assessor_id,
            key=("signoff-review",),
            on_done=self._show,
            on_error=lambda exc: self._say(in_words(exc, what="opening the evaluation")),
        )
        runner.read(check_record, row.record_id, key=("signoff-record",), on_done=self._checked)

    def _show(self, ws: Workspace) -> None:
        row = self.row
        if row is None or ws.submission_id != row.submission_id:
            return  # another row was opened since
        sheet = ScoreSheet(
            self.desk.runner, _nothing_saved, ws.evaluation, ws.rubric, editable=False, parent=self
        )
        if self.panel is not None:
            self.panel_slot.removeWidget(self.panel)
            self.panel.deleteLater()
        if self.sheet is not None:
            self.sheet.setParent(None)
        self.sheet = sheet
        why = _tr("you are reviewing {0}'s signed evaluation").format(row.assessor)
        self.panel = RubricPanel(sheet, sentence(why))
        self.panel_slot.addWidget(self.panel)
        blind = _tr(" (anonymous)") if ws.blind else ""
        self.title.setText(
            f"{ws.learner}{blind} — {ws.assessment}  ·  {state_words(row)}"
            + (f" — {row.reason}" if row.reason else "")
        )
        self.who.setText(
            _tr("Scored and signed by {0}; record {1}").format(row.assessor, row.record_id)
        )
        result = sheet.result()
        words = describe(result, ws.rubric)
        name = {Outcome.PASS: "green", Outcome.NOT_YET: "red"}.get(result.outcome)
        theme.paint(
            self.result, theme.text_colour(name, self.palette()) if name else None, bold=True
        )
        self.result.setText(words.line)
        self.result.setToolTip(words.details)
        self.evidence.set_artifacts(ws.artifacts, signed=row.record_digest)
        self._enable(row.state == "pending")
        self.panel.setFocus(Qt.FocusReason.OtherFocusReason)
        self.loaded.emit(row.submission_id)

    def _checked(self, check: RecordCheck) -> None:
        if self.row is None or check.record_id != self.row.record_id:
            return
        self.record = check
        if check.verified:
            text = _tr("✔ Signature verified: the record is the one {0} signed ({1}…)").format(
                check.signed_by, check.digest[:16]
            )
            colour = theme.text_colour("green", self.palette())
        else:
            text = _tr("✖ Signature does not verify: {0}. Do not sign this off.").format(
                check.problem
            )
            colour = theme.text_colour("red", self.palette())
        theme.paint(self.signature, colour, bold=True)
        self.signature.setText(text)

    def _enable(self, on: bool) -> None:
        for button in (self.approve_button, self.to_assessor, self.to_learner):
            button.setEnabled(on)

    def _say(self, text: str) -> None:
        theme.paint(self.message, theme.text_colour("red", self.palette()), bold=True)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # -- deciding ---------------------------------------------------------------------

    def _ask(self, return_to: str | None, label: str) -> str | None:
        dialog = DecideDialog(return_to, label, self)
        return dialog.reason() if dialog.exec() else None

    def start_decision(self, return_to: str | None) -> None:
        row = self.row
        if row is None or self.busy or self.sheet is None:
            return
        if row.state != "pending":
            self._say(_tr("This evaluation is already decided: {0}.").format(state_words(row)))
            return
        signer = self.desk.identity.signer
        if signer is None:
            self._say(_tr("Your key is locked. Unlock it (Ctrl+U), then decide again."))
            return
        self.busy = True  # a second key press while the dialog is open does nothing
        reason = self.ask(return_to, f"{row.learner} — {row.assessment}")
        if reason is None:
            self.busy = False
            return
        self._say("")
        self.desk.runner.write(
            _decide,
            row,
            signer,
            return_to,
            reason,
            changes=CHANGES,
            on_done=self._done,
            on_error=self._refused,
        )

    def _done(self, done: Decided) -> None:
        self.busy = False
        self.desk.identity.touch()
        self._enable(False)
        self.decided.emit(done)

    def _refused(self, exc: BaseException) -> None:
        self.busy = False
        in_words(exc, what="signing off")  # logged; the whole refusal is shown (it names files)
        self._say(details(exc))
