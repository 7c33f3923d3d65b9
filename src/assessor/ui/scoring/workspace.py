"""The scoring workspace: evidence on the left, rubric on the right, keys for everything.

Loading a submission is a read on the parallel lane; every change goes through the sheet's
autosave on the serial lane; finalizing is one more serial task, queued after the saves, so
what is signed is what the screen shows.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from assessor.domain.errors import DomainError
from assessor.domain.numbers import fmt
from assessor.domain.scoring import Outcome, ScoreResult
from assessor.services.finalize import Finalized, finalize
from assessor.services.profiles import Signer
from assessor.services.scoring import EvaluationView, evaluation_for, save_draft
from assessor.services.workspace import Workspace, copy_for_viewer, open_workspace, read_artifact
from assessor.store.db import Database
from assessor.ui import theme
from assessor.ui.desk import Desk
from assessor.ui.errors import in_words
from assessor.ui.scoring.evidence import EvidencePanel
from assessor.ui.scoring.rubric_panel import RubricPanel
from assessor.ui.scoring.sheet import SaveState, ScoreSheet

OUTCOME_WORDS = {Outcome.PASS: "PASS", Outcome.NOT_YET: "NOT YET", Outcome.INCOMPLETE: "INCOMPLETE"}


def _tr(text: str) -> str:
    return QCoreApplication.translate("ScoringWorkspace", text)


def result_line(result: ScoreResult, criteria: int) -> str:
    """Total, percentage, outcome and why, in one line of plain words."""
    outcome = OUTCOME_WORDS[result.outcome]
    band = f" · {result.band}" if result.band and result.outcome is Outcome.PASS else ""
    if result.outcome is Outcome.INCOMPLETE:
        open_ = criteria - len(result.criteria)
        why = _tr(" — {0} of {1} criteria still to score").format(open_, criteria)
    else:
        why = f" — {'; '.join(result.reasons)}" if result.reasons else ""
    return _tr("Total {0} / {1} ({2} %) · Outcome: {3}{4}{5}").format(
        fmt(result.total), fmt(result.maximum), fmt(result.percentage), outcome, band, why
    )


Confirm = Callable[[QWidget, str, str], bool]
AskUnlock = Callable[[QWidget], None]


def confirm_box(parent: QWidget, title: str, text: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # learner names are not markup
    sign = box.addButton(_tr("Finalize && sign"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(sign)
    box.exec()
    return box.clickedButton() is sign


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
        self._after_unlock: Callable[[], None] | None = None

        self.title = QLabel(_tr("No submission open"))
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.title.setAccessibleName(_tr("Submission"))
        back = QPushButton(_tr("Back to queue (Esc)"))
        back.setAccessibleName(_tr("Back to the queue"))
        back.clicked.connect(self.back_requested)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(back)

        db = desk.db
        self.evidence = EvidencePanel(
            desk.runner,
            lambda a: read_artifact(db, a.sha256),
            lambda a: copy_for_viewer(db, a, desk.viewer_folder()),
        )
        self.rubric_side = QWidget()
        self.rubric_layout = QVBoxLayout(self.rubric_side)
        self.rubric_layout.setContentsMargins(0, 0, 0, 0)
        self.banner = QLabel()
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setWordWrap(True)
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
        return lambda: self.panel.choose(n) if self.panel else None

    def _comment(self) -> None:
        if self.panel and self.sheet and self.sheet.editable:
            self.panel.edit_comment()

    def _overall(self) -> None:
        if self.panel and self.sheet and self.sheet.editable:
            self.panel.edit_overall()

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
        self.desk.runner.run_serial(
            open_workspace,
            self.desk.db,
            submission_id,
            self.desk.assessor_id,
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
        self.title.setText(_esc(_tr("Could not open {0}: {1}").format(submission_id, words)))
        self.failed.emit(words)

    def _show(self, ws: Workspace) -> None:
        self.loading = False
        if self.panel is not None:
            self.panel.flush()
        self.workspace = ws
        ev = ws.evaluation
        save = functools.partial(save_draft, self.desk.db, ws.submission_id, self.desk.assessor_id)
        sheet = ScoreSheet(
            self.desk.runner,
            save,
            ev,
            ws.rubric,
            editable=ws.editable,
            label=f"{ws.learner} ({ws.assessment})",
            parent=self,
        )
        self.desk.saves.watch(sheet)
        if self.sheet is not None:
            # Its queued writes still run and call back; the save tracker keeps it while
            # any is outstanding or failed.
            self.sheet.setParent(None)
        if self.panel is not None:
            self.panel_slot.removeWidget(self.panel)
            self.panel.deleteLater()
        self.sheet = sheet
        self.panel = RubricPanel(sheet)
        self.panel_slot.addWidget(self.panel)
        self.panel.show()
        sheet.changed.connect(self._update_result)
        blind = _tr(" (anonymous)") if ws.blind else ""
        self.title.setText(
            f"<b>{_esc(ws.learner)}</b>{blind} — {_esc(ws.assessment)}"
            f" <span style='color:gray'>(rubric v{ev.rubric_version},"
            f" {_short(ev.rubric_digest)})</span>"
        )
        self.title.setToolTip(ev.rubric_digest)
        self._update_banner()
        self._update_result()
        self.evidence.set_artifacts(ws.artifacts)
        self.panel.setFocus(Qt.FocusReason.OtherFocusReason)
        self.undo_stack_changed.emit(sheet.undo_stack)
        self.loaded.emit(ws.submission_id)

    def _update_banner(self) -> None:
        ws, sheet = self.workspace, self.sheet
        if ws is None or sheet is None:
            return
        record = sheet.last_view.record
        if not sheet.editable:
            text = _tr("■ Finalized & signed — the scores can no longer change.")
            if record:
                text += " " + _tr("Record {0}").format(_short(record[1]))
            self.banner.setText(text)
            self.banner.setStyleSheet(f"color: {theme.ACCENT.name()}; font-weight: bold;")
            self.banner.show()
        else:
            self.banner.hide()
        self.finalize_button.setEnabled(sheet.editable)

    def _update_result(self, _criterion: str = "") -> None:
        if self.sheet is None:
            return
        result = self.sheet.result()
        colour = {Outcome.PASS: theme.GREEN, Outcome.NOT_YET: theme.RED}.get(result.outcome)
        style = f"color: {colour.name()};" if colour else ""
        self.result.setText(result_line(result, len(self.sheet.rubric.criteria)))
        self.result.setStyleSheet(style + " font-weight: bold;")

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
        if not sheet.editable:
            self.failed.emit(_tr("This submission is already finalized and signed."))
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
            result_line(result, len(ws.rubric.criteria)),
            self.desk.identity.profile.name,
        )
        if not self.confirm(self, _tr("Finalize & sign"), summary):
            return
        self._finalizing = True
        self.finalize_button.setEnabled(False)
        self.desk.runner.run_serial(
            finalize_as_shown,
            self.desk.db,
            ws.submission_id,
            signer,
            shown(sheet),
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
            sheet.last_view = _with_record(sheet.last_view, done)
            self._update_banner()
            if self.panel:
                self.panel.refresh()
        self.finalized.emit(done)

    def _not_signed(self, exc: BaseException) -> None:
        self._finalizing = False
        self.finalize_button.setEnabled(True)
        QMessageBox.warning(
            self,
            _tr("Not signed"),
            _tr("The result was not signed: {0}\nYour scores are saved as a draft.").format(exc),
        )


Shown = tuple[dict[str, tuple[str | None, Decimal | None, str]], str]


def shown(sheet: ScoreSheet) -> Shown:
    """What the screen shows: level, points and comment per criterion, and the overall one."""
    criteria = {}
    for c in sheet.rubric.criteria:
        chosen = sheet.selections.get(c.id)
        level = chosen.level_id if chosen else None
        points = None
        if chosen is not None and level is not None:
            points = chosen.points if chosen.points is not None else c.level(level).points
        criteria[c.id] = (level, points, sheet.comments.get(c.id, ""))
    return criteria, sheet.overall


def finalize_as_shown(
    db: Database, submission_id: str, signer: Signer, expected: Shown
) -> Finalized:
    """Sign only if the saved draft is what the person saw (runs on the serial lane, after
    every queued save): a save that failed must not let something else be signed."""
    view = evaluation_for(db, submission_id, signer.profile.id)
    saved = {c.id: (c.level_id, c.points, c.comment) for c in view.criteria}
    if (saved, view.overall_comment) != expected:
        raise DomainError(
            "what is saved differs from what the screen shows, so nothing was signed;"
            " check the scores and try again"
        )
    return finalize(db, submission_id, signer)


def _with_record(view: EvaluationView, done: Finalized) -> EvaluationView:
    return replace(view, record=(done.record_id, done.digest), status="finalized")


def _short(digest: str) -> str:
    return f"{digest[:3]}…{digest[-3:]}" if len(digest) > 8 else digest


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
