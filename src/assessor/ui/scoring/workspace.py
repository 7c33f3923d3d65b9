"""The scoring workspace: evidence on the left, rubric on the right, keys for everything.

Loading a submission is a read on the parallel lane; every change goes through the sheet's
autosave on the serial lane; finalizing is one more serial task, queued after the saves, so
what is signed is what the screen shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from assessor.domain.changes import Change
from assessor.domain.policy import Decision
from assessor.domain.scoring import Outcome
from assessor.services.finalize import Finalized, finalize
from assessor.services.scoring import DraftChange, EvaluationView, save_draft
from assessor.services.workspace import Workspace, copy_for_viewer, open_workspace, read_artifact
from assessor.ui import theme
from assessor.ui.desk import Desk
from assessor.ui.elided import ElidedLabel
from assessor.ui.errors import in_words
from assessor.ui.evidence.panel import EvidencePanel
from assessor.ui.permissions import SheetActs, sentence
from assessor.ui.rubric_view.text import short_digest
from assessor.ui.saves import SaveState
from assessor.ui.scoring import acts
from assessor.ui.scoring.outcome import describe
from assessor.ui.scoring.rubric_panel import RubricPanel
from assessor.ui.scoring.sheet import Save, ScoreSheet
from assessor.ui.scoring.signing import confirm_box, shown, with_record

__all__ = ["ScoringWorkspace", "confirm_box", "open_workspace", "shown"]


def _tr(text: str) -> str:
    return QCoreApplication.translate("ScoringWorkspace", text)


Confirm = Callable[[QWidget, str, str], bool]
AskUnlock = Callable[[QWidget], None]
# Signing adds a record and its outbox item, and finalizes evaluation and submission.
SIGNING_CHANGES = frozenset({Change.EVALUATIONS, Change.SUBMISSIONS, Change.RECORDS, Change.OUTBOX})


def draft_saver(submission_id: str, assessor_id: str) -> Save:
    """The sheet's save operation for one submission and assessor."""

    def save(db: Any, changes: list[DraftChange]) -> EvaluationView:
        return save_draft(db, submission_id, assessor_id, changes)

    return save


class ScoringWorkspace(QWidget):
    loaded = Signal(str)  # submission id, once evidence list and rubric are shown
    finalized = Signal(object)  # Finalized
    back_requested = Signal()
    step_requested = Signal(str, int)  # after submission id, +1 next / -1 previous
    shortcuts_requested = Signal()
    undo_stack_changed = Signal(object)  # the QUndoStack of the sheet now shown
    failed = Signal(str)  # a message for the status bar

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.confirm: Confirm = confirm_box
        self.ask_unlock: AskUnlock | None = None  # the window's unlock dialog
        self.workspace: Workspace | None = None
        self.sheet: ScoreSheet | None = None
        self.panel: RubricPanel | None = None
        self._finalizing = False
        self._waiting = False
        self.loading = False
        self._active = False
        self._after_unlock: Callable[[], None] | None = None
        self.acts: SheetActs | None = None  # the policy's answers for the sheet on screen
        self.scoring = desk.permissions.scoring()  # may this person score at all?

        # Elided, never wider than the window: names and titles can be long.
        self.title = ElidedLabel(_tr("No submission open"))
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.title.setAccessibleName(_tr("Submission"))
        back = QPushButton(_tr("Back to queue (Esc)"))
        back.setAccessibleName(_tr("Back to the queue"))
        back.clicked.connect(self.back_requested)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(back)

        self.evidence = EvidencePanel(
            desk.runner,
            lambda db, a: read_artifact(db, a.sha256),
            lambda db, a: copy_for_viewer(db, a, desk.viewer_folder()),
        )
        self.rubric_side = QWidget()
        self.rubric_layout = QVBoxLayout(self.rubric_side)
        self.rubric_layout.setContentsMargins(0, 0, 0, 0)
        self.banner = QLabel()
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setWordWrap(True)
        self.banner.setAccessibleName(_tr("Sheet state"))
        self.banner.hide()
        self.rubric_layout.addWidget(self.banner)
        self.panel_slot = QVBoxLayout()
        self.rubric_layout.addLayout(self.panel_slot, 1)
        self.result = QLabel()
        self.result.setTextFormat(Qt.TextFormat.PlainText)  # reasons quote rubric titles
        self.result.setWordWrap(True)
        self.result.setAccessibleName(_tr("Result"))
        self.finalize_button = QPushButton(_tr("Finalize && sign   Ctrl+Enter"))
        self.finalize_button.setAccessibleName(_tr("Finalize and sign"))
        self.finalize_button.clicked.connect(self.finalize)
        bottom = QHBoxLayout()
        bottom.addWidget(self.result, 1)
        bottom.addWidget(self.finalize_button, 0, Qt.AlignmentFlag.AlignBottom)
        self.rubric_layout.addLayout(bottom)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.evidence)
        self.splitter.addWidget(self.rubric_side)
        self.splitter.setStretchFactor(0, 45)
        self.splitter.setStretchFactor(1, 55)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        self.actions_by_name: dict[str, QAction] = {}
        self._keys()

    # -- keys -------------------------------------------------------------------------

    def _action(self, name: str, text: str, keys: list[str], slot: Callable[[], object]) -> None:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: None if self.loading else slot())
        self.addAction(action)
        self.actions_by_name[name] = action

    def _keys(self) -> None:
        for n in range(1, 10):
            self._action(f"level{n}", _tr("Level {0}").format(n), [str(n)], self._chooser(n))
        self._action("comment", _tr("Comment"), ["C"], self._comment)
        self._action("overall", _tr("Overall comment"), ["O"], self._overall)
        ev = self.evidence
        self._action("page-down", _tr("Next page"), ["PgDown"], ev.next_page)
        self._action("page-up", _tr("Previous page"), ["PgUp"], ev.previous_page)
        self._action("zoom-in", _tr("Zoom in"), ["+", "="], ev.zoom_in)
        self._action("zoom-out", _tr("Zoom out"), ["-"], ev.zoom_out)
        self._action("fit", _tr("Fit"), ["0"], ev.fit)
        self._action("next-file", _tr("Next file"), ["]"], ev.next_artifact)
        self._action("previous-file", _tr("Previous file"), ["["], ev.previous_artifact)
        self._action(
            "finalize", _tr("Finalize && sign"), ["Ctrl+Return", "Ctrl+Enter"], self.finalize
        )
        self._action("next", _tr("Save and open next"), ["Ctrl+Right"], lambda: self.step(1))
        self._action(
            "previous", _tr("Save and open previous"), ["Ctrl+Left"], lambda: self.step(-1)
        )
        self._action("back", _tr("Back to queue"), ["Esc"], self._escape)
        self._action("shortcuts", _tr("Keyboard shortcuts"), ["?"], self.shortcuts_requested.emit)

    def _chooser(self, n: int) -> Callable[[], object]:
        return lambda: self.panel.choose(n) if self.panel and self._may(acts.LEVEL) else None

    def _comment(self) -> None:
        if self.panel and self._may(acts.COMMENT):
            self.panel.edit_comment()

    def _overall(self) -> None:
        if self.panel and self._may(acts.OVERALL):
            self.panel.edit_overall()

    # -- what the policy allows -------------------------------------------------------

    def decision(self, act: str) -> Decision | None:
        """The policy's answer for `act` on the sheet on screen (None: no sheet). A person who
        may not score at all is refused every act, sheet or not."""
        if not self.scoring.allowed:
            return self.scoring
        if self.acts is None or self.sheet is None:
            return None
        return self.acts.answer(act, editable=self.sheet.editable)

    def _may(self, act: str) -> bool:
        """True when the policy allows `act`; otherwise say why and do nothing."""
        answer = self.decision(act)
        if answer is None:
            return False
        if not answer.allowed:
            self.failed.emit(acts.refusal(act, answer.reason))
        return answer.allowed

    def set_active(self, active: bool) -> None:
        """The workspace is on screen (`active`) or not: its keys work only while it is,
        and a scoring act the policy refuses stays off, its reason in the tooltip."""
        self._active = active
        for name, action in self.actions_by_name.items():
            act = acts.ACT_OF_ACTION.get(name)
            answer = self.decision(act) if act else None
            refused = answer is not None and not answer.allowed
            action.setEnabled(active and not refused)
            why = sentence(answer.reason) if answer is not None and refused else ""
            action.setToolTip(why or action.text().replace("&&", "&"))
            action.setStatusTip(why)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # The key of an act that is off reaches here: say why it does nothing.
        act = acts.act_of_key(event)
        answer = self.decision(act) if act else None
        if act and answer is not None and not answer.allowed:
            self.failed.emit(acts.refusal(act, answer.reason))
            event.accept()
            return
        super().keyPressEvent(event)

    def _escape(self) -> None:
        if self.panel and self.panel.editing_text():
            self.panel.flush()
            self.panel.setFocus(Qt.FocusReason.ShortcutFocusReason)
        else:
            self.leave()
            self.back_requested.emit()

    # -- opening ----------------------------------------------------------------------

    @property
    def submission_id(self) -> str | None:
        return self.workspace.submission_id if self.workspace else None

    def open(self, submission_id: str) -> None:
        self.leave()
        self._after_unlock = None
        self.loading = True
        if self.panel is not None:
            self.panel.setEnabled(False)  # keys must not reach the sheet being left
        self.title.setText(_tr("Opening…"))
        # On the serial lane: the read comes after every write still queued for any sheet,
        # so reopening a submission shows what was saved, not what was there before.
        self.desk.runner.read(
            open_workspace,
            submission_id,
            self.desk.assessor_id,
            after_writes=True,
            key=("workspace",),
            on_done=self._show,
            on_error=lambda exc: self._not_opened(submission_id, exc),
        )

    def leave(self) -> None:
        """Save what is typed; the sheet's queued writes finish on the serial lane."""
        if self.panel is not None:
            self.panel.flush()

    def _not_opened(self, submission_id: str, exc: BaseException) -> None:
        self.loading = False
        words = in_words(exc, what="opening a submission")
        self.title.setText(_tr("Could not open {0}: {1}").format(submission_id, words))
        self.failed.emit(words)

    def _show(self, ws: Workspace) -> None:
        self.loading = False
        if self.panel is not None:
            self.panel.flush()
        self.workspace = ws
        ev = ws.evaluation
        self.acts = self.desk.permissions.sheet(ev)
        sheet = ScoreSheet(
            self.desk.runner,
            draft_saver(ws.submission_id, self.desk.assessor_id),
            ev,
            ws.rubric,
            # Only what the policy allows is offered: nothing is let on screen and then
            # refused on save.
            editable=ws.editable and self.acts.edit.allowed,
            label=f"{ws.learner} ({ws.assessment})",
            parent=self,
        )
        self.desk.saves.register(sheet)
        if self.sheet is not None:
            # Its queued writes still run and call back; the save tracker keeps it while
            # any is outstanding or failed.
            self.sheet.setParent(None)
        if self.panel is not None:
            self.panel_slot.removeWidget(self.panel)
            self.panel.deleteLater()
        self.sheet = sheet
        self.panel = RubricPanel(sheet, self._read_only_reason())
        self.panel.refused.connect(lambda: self._may(acts.LEVEL))  # says why
        self.panel_slot.addWidget(self.panel)
        self.panel.show()
        sheet.changed.connect(self._update_result)
        blind = _tr(" (anonymous)") if ws.blind else ""
        self.title.setText(
            f"{ws.learner}{blind} — {ws.assessment}"
            f" (rubric v{ev.rubric_version}, {short_digest(ev.rubric_digest)})"
        )
        self.title.set_tip(_tr("Rubric digest: {0}").format(ev.rubric_digest))
        self._update_banner()
        self._update_result()
        self.evidence.set_artifacts(ws.artifacts, signed=self._signed_record())
        self.set_active(self._active)
        self.panel.setFocus(Qt.FocusReason.OtherFocusReason)
        self.undo_stack_changed.emit(sheet.undo_stack)
        self.loaded.emit(ws.submission_id)

    def _signed_record(self) -> str | None:
        """The digest of the record that signed the sheet on screen; None while unsigned."""
        view = self.sheet.last_view if self.sheet is not None else None
        if view is None or (view.record is None and view.status != "finalized"):
            return None
        return view.record[1] if view.record else ""

    def _read_only_reason(self) -> str:
        """Why the sheet on screen cannot be changed ("" when it can)."""
        answer = self.decision(acts.LEVEL)
        return "" if answer is None or answer.allowed else sentence(answer.reason)

    def _update_banner(self) -> None:
        ws, sheet = self.workspace, self.sheet
        if ws is None or sheet is None:
            return
        signed = self._signed_record()
        colour = None
        if signed is not None:
            text = _tr("■ Finalized & signed — the scores can no longer change.")
            if signed:
                text += " " + _tr("Record {0}").format(short_digest(signed))
            colour = theme.text_colour("accent", self.palette())
        elif not sheet.editable:
            text = _tr("Read only — {0}").format(self._read_only_reason())
        else:
            text = ""
        theme.paint(self.banner, colour, bold=True)
        self.banner.setText(text)
        self.banner.setVisible(bool(text))
        answer = self.decision(acts.FINALIZE)
        allowed = answer is not None and answer.allowed
        why = "" if allowed or answer is None else sentence(answer.reason)
        self.finalize_button.setEnabled(allowed)
        self.finalize_button.setToolTip(why)
        self.finalize_button.setAccessibleDescription(why)
        self.finalize_button.setVisible(signed is None)  # a signed sheet has nothing to sign

    def _update_result(self, _criterion: str = "") -> None:
        if self.sheet is None:
            return
        result = self.sheet.result()
        name = {Outcome.PASS: "green", Outcome.NOT_YET: "red"}.get(result.outcome)
        words = describe(result, self.sheet.rubric)
        theme.paint(
            self.result, theme.text_colour(name, self.palette()) if name else None, bold=True
        )
        self.result.setText(words.line)
        self.result.setToolTip(words.details)
        self.result.setAccessibleDescription(words.details)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:  # light ↔ dark: colours that read
            self._update_banner()
            self._update_result()
            if self.panel is not None:  # the chosen level, CRITICAL
                self.panel.refresh()
        super().changeEvent(event)

    # -- moving on --------------------------------------------------------------------

    def step(self, direction: int) -> None:
        if self.workspace is None:
            return
        self.leave()
        self.step_requested.emit(self.workspace.submission_id, direction)

    # -- finalizing -------------------------------------------------------------------

    def finalize(self) -> None:
        ws, sheet, panel = self.workspace, self.sheet, self.panel
        if ws is None or sheet is None or panel is None or self._finalizing:
            return
        if not self._may(acts.FINALIZE):
            return
        panel.flush()
        result = sheet.result()
        if self.desk.saves.state is SaveState.SAVING:
            if not self._waiting:  # let queued saves land, then look again
                self._waiting = True
                QTimer.singleShot(50, self._finalize_later)
            return
        if self.desk.saves.state is SaveState.FAILED:
            QMessageBox.warning(
                self,
                _tr("Not saved"),
                _tr(
                    "Some changes are not saved yet ({0}). Retry the save from the status bar"
                    " first; your scores on screen are kept."
                ).format(self.desk.saves.error),
            )
            return
        if not result.complete:
            missing = [c.title for c in ws.rubric.criteria if sheet.level_of(c.id) is None]
            QMessageBox.information(
                self,
                _tr("Not finished"),
                _tr("Choose a level for every criterion before signing. Still open: {0}.").format(
                    ", ".join(missing)
                ),
            )
            return
        signer = self.desk.identity.signer
        if signer is None:
            if self.ask_unlock is not None:
                self._after_unlock = self.finalize
                self.ask_unlock(self)
            return
        summary = _tr(
            "{0} — {1}\n\n{2}\n\nSigning makes this result final: the scores cannot be changed"
            " afterwards (a correction is a new signed record). Sign as {3}?"
        ).format(
            ws.learner,
            ws.assessment,
            describe(result, ws.rubric).line,
            self.desk.identity.profile.name,
        )
        if not self.confirm(self, _tr("Finalize & sign"), summary):
            return
        self._finalizing = True
        self.finalize_button.setEnabled(False)
        self.desk.runner.write(
            finalize,  # refuses if the saved draft is not what the screen shows
            ws.submission_id,
            signer,
            shown(sheet),
            changes=SIGNING_CHANGES,
            on_done=self._signed,
            on_error=self._not_signed,
        )

    def _finalize_later(self) -> None:
        self._waiting = False
        self.finalize()

    def unlocked(self) -> None:
        """The window's unlock dialog succeeded: carry on with what needed the key, if the
        person is still where they asked for it."""
        then, self._after_unlock = self._after_unlock, None
        if then is not None and self.isVisible():
            then()

    def unlock_cancelled(self) -> None:
        self._after_unlock = None

    def _signed(self, done: Finalized) -> None:
        self._finalizing = False
        self.desk.identity.touch()
        ws, sheet = self.workspace, self.sheet
        if sheet is not None and ws is not None and ws.submission_id == done.submission_id:
            sheet.finalized()
            sheet.last_view = with_record(sheet.last_view, done)
            self.acts = self.desk.permissions.sheet(sheet.last_view)
            self._update_banner()
            if self.panel:
                self.panel.set_read_only(self._read_only_reason())
            self.evidence.set_signed(done.digest)
            self.set_active(self._active)
        self.finalized.emit(done)

    def _not_signed(self, exc: BaseException) -> None:
        self._finalizing = False
        self._update_banner()
        QMessageBox.warning(
            self,
            _tr("Not signed"),
            _tr("The result was not signed: {0}\nYour scores are saved as a draft.").format(exc),
        )
