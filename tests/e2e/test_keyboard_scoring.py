"""Keyboard only: from the queue to a finalized, signed record, and on to the next one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from sqlalchemy import select

from assessor.services.records import export_record
from assessor.store import models as m
from assessor.store.db import Database
from tests.e2e.conftest import WAIT_MS, Desk

SEARCH = "Kwame"  # a demo learner with two submissions to score
ASSESSMENT = "Safe isolation"  # the demo's analytic rubric with a critical criterion


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has keyboard focus"
    return widget


def press(qtbot: Any, key: Any, modifier: Any = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(focused(), key, modifier)


def type_text(qtbot: Any, text: str) -> None:
    qtbot.keyClicks(focused(), text)


def accept_next_dialog(expect_title: str, seen: list[str]) -> None:
    """Answer the next modal dialog with Enter, as a person at the keyboard would."""

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, answer)
            return
        seen.append(box.windowTitle())
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        QTest.keyClick(box, Qt.Key.Key_Return)  # the default button: "Finalize & sign"

    QTimer.singleShot(0, answer)


def test_score_a_submission_to_a_signed_record_without_the_mouse(
    desk: Desk, qtbot: Any, tmp_path: Path
) -> None:
    window = desk.window
    ws = window.workspace

    # Find the learner: Ctrl+F, type, Enter moves to the table, ↓ to their safe-isolation
    # submission, Enter opens it.
    press(qtbot, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert focused() is window.search
    type_text(qtbot, SEARCH)
    qtbot.waitUntil(
        lambda: (
            window.queue.model.rowCount() > 1
            and all(r.learner.startswith(SEARCH) for r in window.queue.model.rows())
        ),
        timeout=WAIT_MS,
    )
    press(qtbot, Qt.Key.Key_Return)
    assert focused() is window.queue.table
    rows = window.queue.model.rows()
    target = next(
        n for n, r in enumerate(rows) if r.status == "to_score" and ASSESSMENT in r.assessment
    )
    for _ in range(target):
        press(qtbot, Qt.Key.Key_Down)
    with qtbot.waitSignal(window.workspace_opened, timeout=WAIT_MS) as opened:
        press(qtbot, Qt.Key.Key_Return)
    submission = opened.args[0]
    assert submission == rows[target].id
    learner = rows[target].learner
    assert ws.workspace is not None and ws.workspace.learner == learner
    assert ws.panel is not None and focused() is ws.panel
    rubric = ws.workspace.rubric
    sheet = ws.sheet
    assert sheet is not None

    # Every criterion: its top level by number, then ↓ (Tab for one of them).
    for n, criterion in enumerate(rubric.criteria):
        assert ws.panel.current_criterion() == criterion
        press(qtbot, str(len(criterion.levels)))
        assert sheet.level_of(criterion.id) == criterion.levels[-1].id
        if n == 0:
            # C comments the current criterion; Esc leaves the field.
            press(qtbot, Qt.Key.Key_C)
            assert focused() is ws.panel.cards[0].comment
            type_text(qtbot, "Clear method statement, 1-2 steps")
            press(qtbot, Qt.Key.Key_Escape)
            assert focused() is ws.panel
            assert sheet.comments[criterion.id] == "Clear method statement, 1-2 steps"
            # Undo and redo the level with Ctrl+Z / Ctrl+Y.
            press(qtbot, Qt.Key.Key_1)
            assert sheet.level_of(criterion.id) == criterion.levels[0].id
            press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
            assert sheet.level_of(criterion.id) == criterion.levels[-1].id
            press(qtbot, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
            assert sheet.level_of(criterion.id) == criterion.levels[0].id
            press(qtbot, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        press(qtbot, Qt.Key.Key_Tab if n == 1 else Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_O)
    type_text(qtbot, "Safe, methodical work.")
    press(qtbot, Qt.Key.Key_Escape)
    assert sheet.result().complete
    qtbot.waitUntil(lambda: window.status.save.text().startswith("Saved "), timeout=WAIT_MS)

    # Ctrl+Enter: the summary, answered with Enter; signed; the next submission opens.
    seen: list[str] = []
    accept_next_dialog("Finalize & sign", seen)
    with qtbot.waitSignal(ws.finalized, timeout=WAIT_MS) as signed:
        press(qtbot, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(window.workspace_opened, timeout=WAIT_MS) as next_one:
        pass
    assert seen[0] == "Finalize & sign" and "PASS" in seen[1] and learner in seen[1]
    done = signed.args[0]
    assert done.submission_id == submission
    assert next_one.args[0] != submission
    assert ws.workspace is not None and ws.workspace.evaluation.status != "finalized"

    record_file = _check_database(desk, submission, rubric, done.record_id, tmp_path)
    desk.close()
    # A third party checks the exported record offline.
    verify = subprocess.run(
        [
            *(sys.executable, "-m", "assessor", "record", "verify", str(record_file), "--json"),
            *("--submission", submission, "--data-dir", str(desk.folder)),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    report = json.loads(verify.stdout)
    assert report["valid"] is True and report["signerChecked"] is True
    assert report["id"] == done.record_id and report["issuer"] == desk.profile.did


def _check_database(
    desk: Desk, submission: str, rubric: Any, record_id: str, tmp_path: Path
) -> Path:
    db: Database = desk.opened.db
    with db.read() as tx:
        sub = tx.get(m.Submission, submission)
        assert sub is not None and sub.status == "finalized"
        evaluation = tx.scalars(
            select(m.Evaluation).where(m.Evaluation.submission_id == submission)
        ).one()
        assert evaluation.status == "finalized"
        assert evaluation.assessor_id == desk.profile.id
        assert evaluation.overall_comment == "Safe, methodical work."
        scores = {
            s.criterion_id: s
            for s in tx.scalars(
                select(m.EvaluationScore).where(m.EvaluationScore.evaluation_id == evaluation.id)
            )
        }
        for criterion in rubric.criteria:
            assert scores[criterion.id].level_id == criterion.levels[-1].id
        first = rubric.criteria[0].id
        assert scores[first].comment == "Clear method statement, 1-2 steps"
    out = tmp_path / "record.json"
    export_record(db, record_id, out)
    document = json.loads(out.read_text())
    assert document["proof"]["verificationMethod"].startswith(desk.profile.did)
    return out
