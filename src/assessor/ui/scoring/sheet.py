"""The score sheet being edited: local state, undo, and autosave through the serial lane.

Every change is applied to the screen at once and queued as one `save_draft` call on the
serial lane (writes happen one at a time, in order). The save state says "saved" only when
every queued write has returned; a failed write keeps the sheet "not saved" until a retry
succeeds, or a later write of the same field does. Retrying sends the *current* value of each
field whose write failed, never the failed value itself: a later change to the same field may
already be saved.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from assessor.domain.changes import Change
from assessor.domain.rubric import Rubric
from assessor.domain.scoring import ScoreResult, Selection, score
from assessor.services.scoring import (
    ClearLevel,
    DraftChange,
    EvaluationView,
    SetComment,
    SetLevel,
    SetOverallComment,
)
from assessor.ui.errors import details, in_words
from assessor.ui.saves import SaveState
from assessor.ui.tasks import TaskRunner

# op(db, changes) → the draft as saved; a write on the serial lane
Save = Callable[[Any, list[DraftChange]], EvaluationView]
# A draft change touches the evaluation and moves the submission to "in progress".
SAVES_CHANGE = frozenset({Change.EVALUATIONS, Change.SUBMISSIONS})


def _tr(text: str) -> str:
    return QCoreApplication.translate("ScoreSheet", text)


@dataclass(frozen=True)
class Field:
    """What a change touches: a criterion's level, a criterion's comment, the overall comment."""

    kind: str  # level | comment | overall
    criterion_id: str = ""


def field_of(change: DraftChange) -> Field:
    if isinstance(change, SetOverallComment):
        return Field("overall")
    if isinstance(change, SetComment):
        return Field("comment", change.criterion_id)
    return Field("level", change.criterion_id)


class ScoreSheet(QObject):
    changed = Signal(str)  # criterion id ("" for the overall comment)
    save_state_changed = Signal()

    def __init__(
        self,
        runner: TaskRunner,
        save: Save,
        view: EvaluationView,
        rubric: Rubric,
        *,
        editable: bool = True,
        label: str = "",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.label = label  # whose sheet, for messages about it
        self.rubric = rubric
        self.editable = editable
        self.undo_stack = QUndoStack(self)
        self._save = save
        self.selections: dict[str, Selection] = {
            c.id: Selection(c.level_id, c.points) for c in view.criteria if c.level_id
        }
        self.comments: dict[str, str] = {c.id: c.comment for c in view.criteria}
        self.overall = view.overall_comment
        self.last_view = view
        self.saved_at: datetime | None = None
        self.error: str | None = None  # why the last write failed, in one line
        self.error_details: str | None = None  # all of it
        self._pending = 0
        self._typing: set[str] = set()
        self._failed: list[Field] = []

    # -- reading ----------------------------------------------------------------------

    def level_of(self, criterion_id: str) -> str | None:
        chosen = self.selections.get(criterion_id)
        return chosen.level_id if chosen else None

    def result(self) -> ScoreResult:
        return score(self.rubric, self.selections)

    @property
    def state(self) -> SaveState:
        if self._failed:
            return SaveState.FAILED
        return SaveState.SAVING if self._pending or self._typing else SaveState.SAVED

    def typing(self, field: str, busy: bool) -> None:
        """Text typed into `field` is not handed over yet: not "saved" until it is."""
        before = bool(self._typing)
        if busy:
            self._typing.add(field)
        else:
            self._typing.discard(field)
        if before != bool(self._typing):
            self.save_state_changed.emit()

    def finalized(self) -> None:
        """Signed: nothing to undo or change any more."""
        self.editable = False
        self.undo_stack.clear()

    @property
    def pending(self) -> int:
        return self._pending

    # -- changing (through the undo stack) --------------------------------------------

    def choose_level(self, criterion_id: str, level_id: str | None) -> None:
        old = self.level_of(criterion_id)
        if old == level_id or not self.editable:
            return
        self.undo_stack.push(_LevelCommand(self, criterion_id, old, level_id))

    def set_points(self, criterion_id: str, points: Decimal) -> None:
        chosen = self.selections.get(criterion_id)
        if chosen is None or chosen.points == points or not self.editable:
            return
        self.apply(SetLevel(criterion_id, chosen.level_id, points))

    def set_comment(self, criterion_id: str, text: str) -> None:
        old = self.comments.get(criterion_id, "")
        if old == text or not self.editable:
            return
        self.undo_stack.push(_TextCommand(self, criterion_id, old, text))

    def set_overall(self, text: str) -> None:
        if self.overall == text or not self.editable:
            return
        self.undo_stack.push(_TextCommand(self, None, self.overall, text))

    def apply(self, change: DraftChange) -> None:
        """Show the change now and queue its save. A finalized sheet takes no change."""
        if not self.editable:
            return
        if isinstance(change, SetLevel):
            self.selections[change.criterion_id] = Selection(change.level_id, change.points)
        elif isinstance(change, ClearLevel):
            self.selections.pop(change.criterion_id, None)
        elif isinstance(change, SetComment):
            self.comments[change.criterion_id] = change.text
        else:
            self.overall = change.text
        self.changed.emit(getattr(change, "criterion_id", ""))
        self._queue([change])

    def retry(self) -> None:
        """Save the current value of every field whose write failed."""
        fields, self._failed = list(dict.fromkeys(self._failed)), []
        self.error = self.error_details = None
        if fields:
            self._queue([self._current(f) for f in fields])

    # -- saving -----------------------------------------------------------------------

    def _current(self, f: Field) -> DraftChange:
        if f.kind == "overall":
            return SetOverallComment(self.overall)
        if f.kind == "comment":
            return SetComment(f.criterion_id, self.comments.get(f.criterion_id, ""))
        chosen = self.selections.get(f.criterion_id)
        if chosen is None or chosen.level_id is None:
            return ClearLevel(f.criterion_id)
        return SetLevel(f.criterion_id, chosen.level_id, chosen.points)

    def _queue(self, changes: list[DraftChange]) -> None:
        self._pending += 1
        self.save_state_changed.emit()
        self.runner.write(
            self._save,
            changes,
            changes=SAVES_CHANGE,
            on_done=lambda view: self._saved(changes, view),
            on_error=lambda exc: self._not_saved(changes, exc),
        )

    def _saved(self, changes: list[DraftChange], view: EvaluationView) -> None:
        self._pending -= 1
        self.last_view = view
        # A field written since its write failed (a comment the service refused, then
        # corrected) holds what the screen shows: it is no longer unsaved.
        done = {field_of(c) for c in changes}
        if any(f in done for f in self._failed):
            self._failed = [f for f in self._failed if f not in done]
            if not self._failed:
                self.error = self.error_details = None
        if not self._pending and not self._failed:
            self.saved_at = datetime.now()
        self.save_state_changed.emit()

    def _not_saved(self, changes: list[DraftChange], exc: BaseException) -> None:
        self._pending -= 1
        self._failed.extend(field_of(c) for c in changes)
        self.error = in_words(exc, what="autosave")
        self.error_details = details(exc)
        self.save_state_changed.emit()


class _LevelCommand(QUndoCommand):
    def __init__(
        self, sheet: ScoreSheet, criterion_id: str, old: str | None, new: str | None
    ) -> None:
        title = sheet.rubric.criterion(criterion_id).title
        super().__init__(_tr("level of “{0}”").format(title))
        # Weakly: the stack (a child of the sheet) owns the command; a strong reference
        # back would keep every sheet ever opened alive.
        self._sheet, self.criterion_id = weakref.ref(sheet), criterion_id
        self.old, self.new = old, new
        self.old_points = sheet.selections[criterion_id].points if old else None

    def _set(self, level_id: str | None, points: Decimal | None = None) -> None:
        c, sheet = self.criterion_id, self._sheet()
        if sheet is not None:
            sheet.apply(ClearLevel(c) if level_id is None else SetLevel(c, level_id, points))

    def redo(self) -> None:
        self._set(self.new)

    def undo(self) -> None:
        self._set(self.old, self.old_points)


class _TextCommand(QUndoCommand):
    def __init__(self, sheet: ScoreSheet, criterion_id: str | None, old: str, new: str) -> None:
        what = (
            _tr("overall comment")
            if criterion_id is None
            else _tr("comment on “{0}”").format(sheet.rubric.criterion(criterion_id).title)
        )
        super().__init__(what)
        self._sheet, self.criterion_id = weakref.ref(sheet), criterion_id
        self.old, self.new = old, new

    def _set(self, text: str) -> None:
        sheet = self._sheet()
        if sheet is None:
            return
        if self.criterion_id is None:
            sheet.apply(SetOverallComment(text))
        else:
            sheet.apply(SetComment(self.criterion_id, text))

    def redo(self) -> None:
        self._set(self.new)

    def undo(self) -> None:
        self._set(self.old)
