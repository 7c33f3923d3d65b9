"""A comment pasted with a control character in it: the window says which comment and what is
wrong with it, and once the person removes it the comment is saved."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from assessor.services.scoring import evaluation_for
from tests.e2e.conftest import WAIT_MS, Desk

PASTED = "Tested on a known source\x1b[2J and proved again"
SHOTS = os.environ.get("ASSESSOR_SCREENSHOTS")  # a folder to keep the pictures in


def test_a_pasted_control_character_is_named_and_the_fixed_comment_saved(
    desk: Desk, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = desk.window
    ws = window.workspace
    # Should the test fail with the save still failed, closing the window must not wait for
    # an answer to "quit without them?": answer it.
    monkeypatch.setattr(window, "quit_unsaved", lambda error: True)
    # one nobody has started: its comment fields are empty
    sub = next(r.id for r in window.queue.model.rows() if r.status == "to_score")
    with qtbot.waitSignal(window.workspace_opened, timeout=WAIT_MS):
        window.open_submission(sub)
    assert ws.panel is not None and ws.sheet is not None
    card = ws.panel.cards[0]
    title = card.criterion.title

    card.comment.setFocus()
    QApplication.clipboard().setText(PASTED)
    qtbot.keyClick(card.comment, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert card.comment.toPlainText() == PASTED  # Qt keeps the character, invisible
    qtbot.keyClick(card.comment, Qt.Key.Key_Escape)  # leaves the field: handed to the sheet

    status = window.status.save
    qtbot.waitUntil(lambda: status.text().startswith("Not saved"), timeout=WAIT_MS)
    said = status.text() + " " + status.toolTip()
    assert f"the comment on “{title}” contains a control character (U+001B" in said
    assert "at character 25" in said
    assert "\x1b" not in said
    stored = evaluation_for(desk.opened.db, sub, desk.profile.id)
    assert all("\x1b" not in c.comment for c in stored.criteria)  # nothing of it was saved
    window.grab().save(str(Path(SHOTS or tmp_path) / "control-character-not-saved.png"))

    # The person deletes the character the message points at: saved, and the message goes.
    card.comment.setFocus()
    card.comment.setPlainText(PASTED.replace("\x1b", ""))
    qtbot.keyClick(card.comment, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: status.text().startswith("Saved"), timeout=WAIT_MS)
    stored = evaluation_for(desk.opened.db, sub, desk.profile.id)
    assert stored.criteria[0].comment == PASTED.replace("\x1b", "")
    window.grab().save(str(Path(SHOTS or tmp_path) / "control-character-fixed.png"))


def test_the_self_test_prints_a_hostile_folder_name_escaped(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file\x1b[2J"
    blocker.write_text("not a folder")
    done = subprocess.run(
        [sys.executable, "-m", "assessor", "--self-test", "--data-dir", str(blocker / "sub")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "could not open its data folder" in done.stderr
    assert "a-file\\x1b[2J" in done.stderr and "\x1b" not in done.stderr
