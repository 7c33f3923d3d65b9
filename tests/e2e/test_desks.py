"""Each person opens on their own desk; a manager signs off and a proctor runs a session by
keyboard alone, ending in records `assessor verify` and `assessor record verify` accept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from sqlalchemy import select

from assessor.services.records import export_record
from assessor.store import models as m
from assessor.ui.sessions.page import SessionsPage
from assessor.ui.signoff.page import SignOffPage
from tests.e2e.conftest import WAIT_MS, Desk, show_desk
from tests.e2e.keys import focused, in_next_dialog, inside, press, run_cli, type_and_sign

MANAGER, PROCTOR, ASSESSOR = "Malik Manager", "Priya Proctor", "Ada Assessor"
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def _open(folder: Path, qtbot: Any, name: str) -> Desk:
    return show_desk(qtbot, Desk(folder, name=name))


@pytest.mark.parametrize(
    ("name", "first", "pages"),
    [
        (ASSESSOR, "queue", ["queue", "rubrics", "sync", "credentials"]),
        (MANAGER, "signoff", ["signoff", "rubrics", "sync", "credentials"]),
        (PROCTOR, "sessions", ["sessions", "rubrics", "sync", "credentials"]),
    ],
)
def test_each_person_lands_on_their_own_desk(
    qapp: QApplication, demo_folder: Path, qtbot: Any, name: str, first: str, pages: list[str]
) -> None:
    desk = _open(demo_folder, qtbot, name)
    try:
        window = desk.window
        assert list(window.pages) == pages
        assert window.stack.currentWidget() is window.pages[first]
        assert window.nav[first].isChecked()
        assert window.whose.text().startswith(f"{name}'s desk")
        assert window.role_page is None  # every demo person has a desk of their own
        others = {"queue", "signoff", "sessions"} - {first}
        assert not others & set(window.nav)  # no page of another role is offered
    finally:
        desk.close()


def test_a_manager_signs_off_by_keyboard_into_a_verifiable_record(
    qapp: QApplication, demo_folder: Path, qtbot: Any, tmp_path: Path
) -> None:
    desk = _open(demo_folder, qtbot, MANAGER)
    page = desk.window.pages["signoff"]
    assert isinstance(page, SignOffPage)
    qtbot.waitUntil(lambda: page.list.loads > 0 and bool(page.list.counts), timeout=WAIT_MS)
    assert page.list.counts["pending"] == 4
    assert "Awaiting sign-off 4" in page.list.buttons["pending"].text()
    assert focused() is page.list.table
    first, second = page.list.model.rows()[:2]

    # Enter opens the review: the read-only sheet, the evidence, the signature checked.
    with qtbot.waitSignal(page.review.loaded, timeout=WAIT_MS):
        press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.review.record is not None, timeout=WAIT_MS)
    review = page.review
    assert review.record is not None and review.record.verified
    assert "Signature verified" in review.signature.text()
    assert first.assessor in review.who.text()
    assert review.sheet is not None and not review.sheet.editable
    assert review.evidence.current_artifact() is not None
    assert review.result.text().startswith("Total")

    # A return needs a reason: an empty one is refused in the dialog, then given.
    def empty_then_reason(box: QWidget) -> None:
        QTest.keyClick(inside(box), Qt.Key.Key_Return, CTRL)
        assert box.isVisible()  # not accepted without a reason
        type_and_sign("Criterion 3 needs a second look.")(box)

    in_next_dialog(empty_then_reason)
    with qtbot.waitSignal(review.decided, timeout=WAIT_MS) as returned:
        press(Qt.Key.Key_R, CTRL)
    assert returned.args[0].return_to == "assessor"
    qtbot.waitUntil(lambda: page.list.counts.get("pending") == 3, timeout=WAIT_MS)

    # The next one: approve with Ctrl+Enter.
    qtbot.waitUntil(lambda: focused() is page.list.table, timeout=WAIT_MS)
    page.list.select(second.submission_id)
    with qtbot.waitSignal(review.loaded, timeout=WAIT_MS):
        press(Qt.Key.Key_Return)
    in_next_dialog(type_and_sign("Good work."))
    with qtbot.waitSignal(review.decided, timeout=WAIT_MS) as approved:
        press(Qt.Key.Key_Return, CTRL)
    done = approved.args[0]
    assert done.decision == "approved" and done.submission_id == second.submission_id

    db = desk.opened.db
    with db.read() as tx:
        assert tx.get(m.Submission, first.submission_id).status == "returned"
        assert tx.get(m.Submission, second.submission_id).status == "signed_off"
        decisions = tx.scalars(select(m.SignOff)).all()
        assert {(d.decision, d.reason) for d in decisions} == {
            ("returned", "Criterion 3 needs a second look."),
            ("approved", "Good work."),
        }
    out = tmp_path / "signoff.json"
    export_record(db, done.record_id, out)
    desk.close()
    checked = run_cli("record", "verify", str(out), "--json")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert json.loads(checked.stdout)["valid"] is True
    whole = run_cli("verify", "--data-dir", str(demo_folder))
    assert whole.returncode == 0, whole.stdout + whole.stderr


def test_a_tampered_evidence_file_blocks_sign_off_and_names_it(
    qapp: QApplication, demo_folder: Path, qtbot: Any
) -> None:
    desk = _open(demo_folder, qtbot, MANAGER)
    page = desk.window.pages["signoff"]
    assert isinstance(page, SignOffPage)
    qtbot.waitUntil(lambda: page.list.model.rowCount() > 0, timeout=WAIT_MS)
    row = page.list.model.rows()[0]
    db = desk.opened.db
    with db.read() as tx:
        artifact = tx.scalars(
            select(m.Artifact).where(m.Artifact.submission_id == row.submission_id)
        ).first()
        assert artifact is not None
        name, sha = artifact.name, artifact.sha256
    path = db.blobs.path_of(sha)
    path.chmod(0o644)
    path.write_bytes(path.read_bytes() + b" tampered")
    with qtbot.waitSignal(page.review.loaded, timeout=WAIT_MS):
        press(Qt.Key.Key_Return)
    in_next_dialog(type_and_sign(""))
    press(Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: page.review.message.isVisible(), timeout=WAIT_MS)
    said = page.review.message.text()
    assert name in said and "no longer matches" in said and "nothing was signed" in said
    with db.read() as tx:
        assert tx.scalars(select(m.SignOff)).first() is None
    desk.close()


def test_a_proctor_runs_and_seals_a_session_by_keyboard(
    qapp: QApplication, demo_folder: Path, qtbot: Any, tmp_path: Path
) -> None:
    desk = _open(demo_folder, qtbot, PROCTOR)
    page = desk.window.pages["sessions"]
    assert isinstance(page, SessionsPage)
    qtbot.waitUntil(lambda: page.list.loads > 0, timeout=WAIT_MS)
    assert focused() is page.list.table
    console = page.console
    with qtbot.waitSignal(console.loaded, timeout=WAIT_MS):
        press(Qt.Key.Key_Return)
    view = console.view
    assert view is not None and view.state == "open" and view.missing

    # Close and seal is refused with the exact list of what is missing.
    console.roster.setFocus()
    press(Qt.Key.Key_Return, CTRL | SHIFT)
    assert console.message.isVisible()
    for line in view.missing:
        assert line in console.message.text()

    # Ctrl+I logs an incident on the candidate at the roster's cursor, by keyboard alone.
    target = console.current_candidate()
    entries = len(view.log)

    def fill(box: QWidget) -> None:
        QTest.keyClick(inside(box), Qt.Key.Key_Tab)  # type → severity
        QTest.keyClick(inside(box), Qt.Key.Key_Down)  # yellow → red
        for _ in range(4):  # witness, action, notified, text
            QTest.keyClick(inside(box), Qt.Key.Key_Tab)
        type_and_sign("Talking to a neighbour.")(box)

    in_next_dialog(fill)
    with qtbot.waitSignal(console.loaded, timeout=WAIT_MS):
        press(Qt.Key.Key_I, CTRL)
    view = console.view
    assert view is not None and len(view.log) == entries + 1
    logged = view.log[-1]
    assert logged.kind == "incident" and logged.candidates == (target,)
    assert logged.severity == "red" and logged.text == "Talking to a neighbour."
    shown = console.log.topLevelItem(console.log.topLevelItemCount() - 1)
    assert shown is not None and "Red — suspected cheating" in shown.text(4)
    assert console.save_state.text().startswith("Saved ")

    # Every candidate still without an outcome: check in if needed, then O → completed.
    console.roster.setFocus()
    for n in range(console.roster.topLevelItemCount()):
        item = console.roster.topLevelItem(n)
        assert item is not None
        console.roster.setCurrentItem(item)
        candidate = next(c for c in view.candidates if c.id == item.text(0))
        if candidate.outcome is not None:
            continue
        if candidate.checked_in_at is None:
            in_next_dialog(lambda box: QTest.keyClick(box, Qt.Key.Key_Return))  # passport
            with qtbot.waitSignal(console.loaded, timeout=WAIT_MS):
                press(Qt.Key.Key_K)
        in_next_dialog(lambda box: QTest.keyClick(box, Qt.Key.Key_Return))  # completed
        with qtbot.waitSignal(console.loaded, timeout=WAIT_MS):
            press(Qt.Key.Key_O)
        view = console.view
        assert view is not None
    assert not view.missing

    in_next_dialog(lambda box: QTest.keyClick(box, Qt.Key.Key_Return))  # Yes: seal
    with qtbot.waitSignal(console.sealed, timeout=WAIT_MS) as sealed:
        press(Qt.Key.Key_Return, CTRL | SHIFT)
    made = sealed.args[0]
    assert made.session.log == view.log  # the record says what the screen showed
    qtbot.waitUntil(lambda: console.view is not None and console.view.state == "sealed")
    assert not console.buttons["incident"].isEnabled()
    press(Qt.Key.Key_I, CTRL)  # nothing opens on a sealed session; it says why
    assert "sealed" in console.message.text()

    out = tmp_path / "session.json"
    export_record(desk.opened.db, made.record_id, out)
    desk.close()
    checked = run_cli("record", "verify", str(out), "--json")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    whole = run_cli("verify", "--data-dir", str(demo_folder))
    assert whole.returncode == 0, whole.stdout + whole.stderr
