"""The desk-wide "changed" signal and the runner's default error handler: screens reload
themselves after a write anywhere, and no failure goes unseen."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from assessor.domain.changes import Change
from assessor.domain.errors import DomainError
from assessor.services.profiles import list_profiles
from assessor.services.scoring import SetLevel, save_draft
from assessor.settings import Settings
from assessor.store.db import Database
from assessor.ui.desk import Desk, Identity
from assessor.ui.dialogs.error_report import ExceptHook, install_excepthook
from assessor.ui.queue.view import QueueView
from assessor.ui.tasks import NoDataFolder, TaskRunner
from tests.conftest import Seed

WAIT_MS = 10_000
DRAFT = {Change.EVALUATIONS, Change.SUBMISSIONS}


@pytest.fixture
def runner(qapp: QApplication, db: Database) -> Iterator[TaskRunner]:
    tasks = TaskRunner(parallel_workers=2, db=db)
    try:
        yield tasks
    finally:
        assert tasks.shutdown(timeout=10)


def make_queue(qtbot: Any, db: Database, seed: Seed, runner: TaskRunner) -> QueueView:
    """The queue screen alone: no main window to refresh it by hand."""
    profile = next(p for p in list_profiles(db) if p.id == seed.assessor_id)
    desk = Desk(
        runner=runner,
        data_dir=db.data_dir,
        identity=Identity(profile, None, 0),
        settings=Settings(),
        settings_path=db.data_dir / "settings.json",
    )
    view = QueueView(desk)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    view.start()
    qtbot.waitUntil(lambda: view.loads > 0, timeout=WAIT_MS)
    return view


def first_level(seed: Seed) -> SetLevel:
    criterion = seed.rubric.criteria[0]
    return SetLevel(criterion.id, criterion.levels[0].id, None)


def test_a_write_elsewhere_refreshes_the_queue_counts(
    qtbot: Any, db: Database, seeded: Seed, runner: TaskRunner
) -> None:
    view = make_queue(qtbot, db, seeded, runner)
    assert view.controller.counts == {"to_score": 3}
    # A write by something that is not the queue (here: no screen at all).
    runner.write(
        save_draft,
        seeded.submission_ids[0],
        seeded.assessor_id,
        [first_level(seeded)],
        changes=DRAFT,
    )
    qtbot.waitUntil(
        lambda: view.controller.counts == {"to_score": 2, "in_progress": 1}, timeout=WAIT_MS
    )
    assert view.status_buttons["in_progress"].text().endswith(" 1")


def test_a_hidden_queue_reloads_when_shown_and_ignores_other_kinds(
    qtbot: Any, db: Database, seeded: Seed
) -> None:
    runner = TaskRunner(synchronous=True, db=db)
    view = make_queue(qtbot, db, seeded, runner)
    loads = view.loads
    runner.announce({Change.OUTBOX, Change.PROFILES})  # nothing the queue shows
    assert view.loads == loads
    view.hide()
    runner.write(
        save_draft,
        seeded.submission_ids[0],
        seeded.assessor_id,
        [first_level(seeded)],
        changes=DRAFT,
    )
    assert view.loads == loads  # not on screen: nothing read yet
    view.show()
    assert view.loads == loads + 1
    assert view.controller.counts == {"to_score": 2, "in_progress": 1}


def test_writes_in_one_batch_are_announced_together(
    qtbot: Any, db: Database, seeded: Seed, runner: TaskRunner
) -> None:
    heard: list[frozenset[str]] = []
    runner.changed.connect(heard.append)
    for sub in seeded.submission_ids:
        runner.write(save_draft, sub, seeded.assessor_id, [first_level(seeded)], changes=DRAFT)
    # The serial lane starts this once every write before it has posted its result; the GUI
    # thread waits without handling events, so all of them reach it in one batch.
    posted = threading.Event()
    runner.read(lambda _db: posted.set(), after_writes=True)
    assert posted.wait(WAIT_MS / 1000)
    qtbot.waitUntil(lambda: bool(heard), timeout=WAIT_MS)
    qtbot.wait(100)
    assert heard == [frozenset(DRAFT)]  # three writes, one announcement


def test_a_failed_write_announces_nothing(qtbot: Any, db: Database, runner: TaskRunner) -> None:
    heard: list[frozenset[str]] = []
    errors: list[BaseException] = []
    runner.changed.connect(heard.append)

    def refused(_db: Database) -> None:
        raise DomainError("refused")

    runner.write(refused, changes={Change.RECORDS}, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=WAIT_MS)
    assert heard == []


def test_an_operation_is_given_the_runners_database(
    qtbot: Any, db: Database, runner: TaskRunner
) -> None:
    got: list[object] = []
    runner.read(lambda given, n: (given, n), 7, on_done=got.append)
    runner.read(lambda given: given, after_writes=True, on_done=got.append)
    qtbot.waitUntil(lambda: len(got) == 2, timeout=WAIT_MS)
    assert (db, 7) in got and db in got
    with pytest.raises(NoDataFolder):
        TaskRunner(synchronous=True).read(lambda given: given)


@pytest.fixture
def hook(qapp: QApplication) -> Iterator[ExceptHook]:
    installed = install_excepthook(lambda: None)
    try:
        yield installed
    finally:
        if installed.dialog is not None:
            installed.dialog.close()
        installed.uninstall()


def test_a_failure_nobody_handles_opens_the_error_report(
    qtbot: Any, db: Database, runner: TaskRunner, hook: ExceptHook
) -> None:
    def broken(_db: Database) -> None:
        raise OSError("the disk went away")

    runner.read(broken)  # no on_error, and nobody listens to `failed`
    qtbot.waitUntil(lambda: hook.dialog is not None, timeout=WAIT_MS)
    assert hook.dialog is not None
    assert "the disk went away" in hook.dialog.report_text()
    assert sys.excepthook == hook._sys_hook


def test_a_listener_to_failed_takes_the_failure(
    qtbot: Any, tmp_path: Path, runner: TaskRunner, hook: ExceptHook
) -> None:
    def broken(_db: Database) -> None:
        raise OSError("the disk went away")

    with qtbot.waitSignal(runner.failed, timeout=WAIT_MS) as told:
        task = runner.read(broken)
    assert told.args[0] is task and str(told.args[1]) == "the disk went away"
    qtbot.wait(50)
    assert hook.dialog is None  # the listener decides how to tell the person
