"""The score sheet: "Saved" only after the commit, failures kept visible until retried,
undo and redo written through, over a real database and a real task runner."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from assessor.domain.errors import DomainError
from assessor.services.finalize import finalize
from assessor.services.scoring import (
    DraftChange,
    EvaluationView,
    SetLevel,
    evaluation_for,
    save_draft,
)
from assessor.store.db import Database
from assessor.ui.saves import SaveLedger, SaveState
from assessor.ui.scoring.sheet import ScoreSheet
from assessor.ui.scoring.workspace import shown
from assessor.ui.tasks import TaskRunner
from tests.conftest import Seed

WAIT_MS = 10_000


class Gate:
    """The real save, held at a gate, failing while `fail` is set."""

    def __init__(self, db: Database, seed: Seed) -> None:
        self.db, self.seed = db, seed
        self.open = threading.Event()
        self.open.set()
        self.fail: str | None = None
        self.calls: list[list[DraftChange]] = []

    def __call__(self, db: Database, changes: list[DraftChange]) -> EvaluationView:
        assert db is self.db  # the runner's database
        assert self.open.wait(WAIT_MS)
        self.calls.append(changes)
        if self.fail:
            raise OSError(self.fail)
        return save_draft(db, self.seed.submission_ids[0], self.seed.assessor_id, changes)


@pytest.fixture
def runner(qapp: QApplication) -> Iterator[TaskRunner]:
    tasks = TaskRunner(parallel_workers=2)
    yield tasks
    assert tasks.shutdown(timeout=10)


def make(db: Database, seed: Seed, runner: TaskRunner, label: str = "") -> tuple[ScoreSheet, Gate]:
    gate = Gate(db, seed)
    runner.attach(db)
    view = evaluation_for(db, seed.submission_ids[0], seed.assessor_id)
    return ScoreSheet(runner, gate, view, seed.rubric, label=label), gate


def stored(db: Database, seed: Seed) -> EvaluationView:
    return evaluation_for(db, seed.submission_ids[0], seed.assessor_id)


def levels(view: EvaluationView) -> dict[str, str | None]:
    return {c.id: c.level_id for c in view.criteria}


def test_saved_only_after_the_commit_returned(
    qtbot: Any, db: Database, seeded: Seed, runner: TaskRunner
) -> None:
    sheet, gate = make(db, seeded, runner)
    assert sheet.state is SaveState.SAVED and sheet.saved_at is None
    gate.open.clear()
    sheet.choose_level("plan", "competent")
    assert sheet.level_of("plan") == "competent"  # on screen at once
    assert sheet.state is SaveState.SAVING
    assert levels(stored(db, seeded))["plan"] is None  # not yet in the database
    qtbot.wait(50)  # the write is held: the sheet must still say "saving"
    assert sheet.state is SaveState.SAVING and sheet.saved_at is None
    gate.open.set()
    qtbot.waitUntil(lambda: sheet.state is SaveState.SAVED, timeout=WAIT_MS)
    assert sheet.saved_at is not None
    assert levels(stored(db, seeded))["plan"] == "competent"


def test_a_failed_save_stays_visible_and_retry_saves_what_the_screen_shows(
    qtbot: Any, db: Database, seeded: Seed, runner: TaskRunner
) -> None:
    sheet, gate = make(db, seeded, runner)
    gate.fail = "disk full"
    sheet.choose_level("plan", "developing")
    sheet.choose_level("plan", "proficient")  # a later change to the same field also fails
    qtbot.waitUntil(lambda: sheet.pending == 0, timeout=WAIT_MS)
    assert sheet.state is SaveState.FAILED and sheet.error == "disk full"
    gate.fail = None
    sheet.set_comment("record", "Good")  # a later, successful write does not hide the failure
    qtbot.waitUntil(lambda: sheet.pending == 0, timeout=WAIT_MS)
    assert sheet.state is SaveState.FAILED
    sheet.retry()
    qtbot.waitUntil(lambda: sheet.state is SaveState.SAVED, timeout=WAIT_MS)
    assert gate.calls[-1] == [SetLevel("plan", "proficient", None)]  # one field, its value now
    view = stored(db, seeded)
    assert levels(view)["plan"] == "proficient"  # the value on screen, not the first failure
    assert {c.id: c.comment for c in view.criteria}["record"] == "Good"


def test_undo_and_redo_are_saved_too(
    qtbot: Any, db: Database, seeded: Seed, runner: TaskRunner
) -> None:
    sheet, _gate = make(db, seeded, runner)
    sheet.choose_level("prove-dead", "competent")
    sheet.choose_level("prove-dead", "proficient")
    sheet.set_overall("Tidy work")
    stack = sheet.undo_stack
    assert stack.count() == 3
    stack.undo()  # overall comment
    stack.undo()  # proficient → competent
    qtbot.waitUntil(lambda: sheet.state is SaveState.SAVED, timeout=WAIT_MS)
    view = stored(db, seeded)
    assert levels(view)["prove-dead"] == "competent" and view.overall_comment == ""
    stack.undo()  # competent → nothing
    qtbot.waitUntil(lambda: sheet.state is SaveState.SAVED, timeout=WAIT_MS)
    assert levels(stored(db, seeded))["prove-dead"] is None
    stack.redo()
    stack.redo()
    qtbot.waitUntil(lambda: sheet.state is SaveState.SAVED, timeout=WAIT_MS)
    assert levels(stored(db, seeded))["prove-dead"] == "proficient"


def test_live_result_follows_the_sheet(db: Database, seeded: Seed, qapp: QApplication) -> None:
    sync = TaskRunner(synchronous=True)
    sheet, _gate = make(db, seeded, sync)
    assert not sheet.result().complete
    for criterion in seeded.rubric.criteria:
        sheet.choose_level(criterion.id, criterion.levels[-1].id)
    result = sheet.result()
    assert result.complete and result.total == result.maximum
    sheet.choose_level("prove-dead", "not-yet")  # below the critical minimum
    assert sheet.result().outcome.value == "not_yet"
    assert any("Prove dead" in r for r in sheet.result().reasons)
    assert sheet.state is SaveState.SAVED  # synchronous: committed before returning


def test_a_finalized_sheet_refuses_changes(db: Database, seeded: Seed, qapp: QApplication) -> None:
    view = evaluation_for(db, seeded.submission_ids[0], seeded.assessor_id)
    runner = TaskRunner(synchronous=True, db=db)
    sheet = ScoreSheet(runner, Gate(db, seeded), view, seeded.rubric)
    sheet.editable = False
    sheet.choose_level("plan", "competent")
    sheet.set_comment("plan", "x")
    assert sheet.level_of("plan") is None and sheet.undo_stack.count() == 0


def test_a_failure_of_a_sheet_left_behind_stays_visible_until_retried(
    qtbot: Any, db: Database, seeded: Seed, runner: TaskRunner
) -> None:
    tracker = SaveLedger()
    first, gate = make(db, seeded, runner, label="Amara Okafor (Safe isolation)")
    tracker.register(first)
    gate.open.clear()
    gate.fail = "database is locked"
    first.choose_level("plan", "competent")
    second, _ = make(db, seeded, runner, label="Mei Chen (Safe isolation)")  # moved on
    tracker.register(second)
    del first
    assert tracker.state is SaveState.SAVING
    gate.open.set()
    qtbot.waitUntil(lambda: tracker.state is not SaveState.SAVING, timeout=WAIT_MS)
    assert tracker.state is SaveState.FAILED
    assert tracker.error == "Amara Okafor (Safe isolation): database is locked"  # not Mei's
    second.choose_level("terminate", "competent")  # the new sheet saves fine...
    qtbot.waitUntil(lambda: second.state is SaveState.SAVED, timeout=WAIT_MS)
    assert tracker.state is SaveState.FAILED  # ...and does not hide the old failure
    gate.fail = None
    tracker.retry()
    qtbot.waitUntil(lambda: tracker.state is SaveState.SAVED, timeout=WAIT_MS)
    assert levels(stored(db, seeded))["plan"] == "competent"
    assert tracker.saved_at is not None


def test_signing_refuses_when_the_saved_draft_differs_from_the_screen(
    db: Database, seeded: Seed, qapp: QApplication
) -> None:
    sheet, _gate = make(db, seeded, TaskRunner(synchronous=True))
    for criterion in seeded.rubric.criteria:
        sheet.choose_level(criterion.id, criterion.levels[-1].id)
    signer = seeded.signer(db)
    screen = shown(sheet)
    changed = dict(screen[0])
    changed["plan"] = ("not-yet", changed["plan"][1], "")  # a save that never landed
    with pytest.raises(DomainError, match="nothing was signed"):
        finalize(db, seeded.submission_ids[0], signer, (changed, screen[1]))
    assert stored(db, seeded).status == "draft"
    done = finalize(db, seeded.submission_ids[0], signer, screen)
    assert done.submission_id == seeded.submission_ids[0]


def test_a_signed_sheet_has_nothing_to_undo(db: Database, seeded: Seed, qapp: QApplication) -> None:
    sheet, gate = make(db, seeded, TaskRunner(synchronous=True))
    sheet.choose_level("plan", "competent")
    sheet.finalized()
    assert sheet.undo_stack.count() == 0 and not sheet.undo_stack.canUndo()
    calls = len(gate.calls)
    sheet.apply(SetLevel("plan", "not-yet"))
    assert sheet.level_of("plan") == "competent" and len(gate.calls) == calls


def test_several_failed_sheets_are_counted_after_the_first(
    qtbot: Any, db: Database, seeded: Seed, runner: TaskRunner
) -> None:
    tracker = SaveLedger()
    said = [
        "Amara: disk full",
        "Amara: disk full (and changes to one other submission)",
        "Amara: disk full (and changes to 2 other submissions)",
    ]
    for name, criterion, words in zip(
        ["Amara", "Mei", "Ola"], ["plan", "terminate", "plan"], said, strict=True
    ):
        sheet, gate = make(db, seeded, runner, label=name)
        gate.fail = "disk full"
        tracker.register(sheet)
        sheet.choose_level(criterion, "competent")
        qtbot.waitUntil(lambda s=sheet: s.state is SaveState.FAILED, timeout=WAIT_MS)
        assert tracker.error == words
