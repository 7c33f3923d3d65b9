"""A signed result and the window's states, as a person reads them: a signed sheet drawn to be
read (not greyed out), the outcome and why, the state of each submission the same everywhere,
the switch that shows where you are, the key that unlocks, a long error that never widens the
window, and a changed evidence file of a signed result raised as an alarm."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QImage, QKeySequence, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from assessor.app.wiring import SHOWN_KEYS
from assessor.services.profiles import list_profiles
from assessor.store.db import Database
from assessor.ui import states, theme
from assessor.ui.evidence.pages import MessagePage
from assessor.ui.queue.submissions import Column
from tests.e2e.conftest import WAIT_MS, Desk, show_desk
from tests.e2e.screens import change_evidence, finalize_one

LIGHT_AND_DARK = ["light", "dark"]


def _prepared(folder: Path, prepare: Any) -> str:
    """Run `prepare(db, opened)` on the folder before the window opens; the signed id."""
    with Database.open(folder) as db:
        opened = SimpleNamespace(profiles=list_profiles(db))
        prepare(db, opened)
    return str(opened.finalized)


@pytest.fixture
def signed(qapp: QApplication, demo_folder: Path, qtbot: Any) -> Iterator[tuple[Desk, str]]:
    """The assessor's window, with one safe-isolation result signed before it opened."""
    submission = _prepared(demo_folder, finalize_one)
    opened = show_desk(qtbot, Desk(demo_folder))
    qtbot.waitUntil(lambda: opened.window.queue.loads > 0, timeout=WAIT_MS)
    try:
        yield opened, submission
    finally:
        theme.apply(qapp)  # the system palette again, for the tests after
        if not opened.runner.closed:
            opened.close()


def _open(qtbot: Any, desk: Desk, submission: str) -> None:
    with qtbot.waitSignal(desk.window.workspace_opened, timeout=WAIT_MS):
        desk.window.open_submission(submission)


def _pixels(image: QImage) -> Counter[bytes]:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    data = bytes(image.constBits())[: image.width() * image.height() * 4]
    return Counter(data[n : n + 3] for n in range(0, len(data), 4))


def _colour(bgr: bytes) -> QColor:
    return QColor(bgr[2], bgr[1], bgr[0])


def background(image: QImage) -> QColor:
    """The commonest colour of `image`."""
    return _colour(_pixels(image).most_common(1)[0][0])


def text_contrast(image: QImage) -> float:
    """The contrast of the text in `image` against its background: the commonest colour is
    the background, the pixel furthest from it the text (glyph stems reach its full colour)."""
    ground = background(image)
    return max(theme.contrast(_colour(p), ground) for p in _pixels(image))


def settle(window: QWidget) -> None:
    """Lay the window out now, as the next pass of the event loop would (a minimum size that
    grew would resize it here)."""
    QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    layout = window.layout()
    assert layout is not None
    layout.activate()


def _region(widget: QWidget, child: QWidget) -> QImage:
    """`child` as drawn on `widget` (its background included), as an image."""
    return widget.grab(child.geometry()).toImage()


@pytest.mark.parametrize("mode", LIGHT_AND_DARK)
def test_a_signed_sheet_is_drawn_to_be_read(
    signed: tuple[Desk, str], qtbot: Any, qapp: QApplication, mode: str
) -> None:
    desk, submission = signed
    theme.apply(qapp, mode)
    _open(qtbot, desk, submission)
    ws = desk.window.workspace
    assert ws.panel is not None and ws.sheet is not None and not ws.sheet.editable
    ws.panel.refresh()  # drawn again (every change redraws): it must look the same
    card = ws.panel.cards[0]
    chosen = [t for t in card.tiles if t.chosen]
    assert len(chosen) == 1
    assert chosen[0].descriptor is not None
    drawn = background(_region(chosen[0], chosen[0].descriptor))
    assert drawn == theme.chosen_background(), f"{mode}: chosen level on {drawn.name()}"
    for tile in card.tiles:
        assert tile.isEnabled()  # not greyed out as a disabled widget is
        assert "finalized evaluation cannot be edited" in tile.toolTip()
        parts: list[QLabel] = [tile.title, *([tile.descriptor] if tile.descriptor else [])]
        for part in parts:
            ratio = text_contrast(_region(tile, part))
            assert ratio >= 4.5, f"{mode}: {part.text()!r} at {ratio:.2f}:1 on its tile"

    # The comment written before signing, as written; empty ones are not shown at all.
    assert card.comment.isVisible() and card.comment.toPlainText().startswith("Checked")
    assert card.comment.isReadOnly() and card.comment.placeholderText() == ""
    assert not ws.panel.overall.isVisible() and not ws.panel.overall_label.isVisible()
    ws.panel.set_current(1)
    other = ws.panel.cards[1]
    assert not other.comment.isVisible() and other.comment.placeholderText() == ""
    assert not ws.finalize_button.isVisible()  # nothing to sign on a signed sheet

    # The signed banner and the outcome read on the window's background.
    window = ws.palette().color(QPalette.ColorRole.Window)
    for label in (ws.banner, ws.result):
        text = label.palette().color(QPalette.ColorRole.WindowText)
        assert theme.contrast(text, window) >= 4.5, f"{mode}: {label.text()!r}"
    critical = next(c for c in ws.panel.cards if c.criterion.minimum_level)
    red = re.search(r"color:(#[0-9a-f]{6})", critical.header.text())
    assert red is not None and theme.contrast(QColor(red.group(1)), window) >= 4.5


def test_the_outcome_line_says_what_was_reached_by_band_title(
    signed: tuple[Desk, str], qtbot: Any
) -> None:
    desk, submission = signed
    _open(qtbot, desk, submission)
    ws = desk.window.workspace
    line, rest = ws.result.text(), ws.result.toolTip()
    assert "\n" not in line
    assert "PASS" in line and "Distinction" in line and "reached" in line
    assert "not reached" not in line and "distinction" not in line  # titles, not ids
    assert "Pass mark 60 % reached." in rest.splitlines()


def test_a_changed_evidence_file_of_a_signed_result_is_an_alarm(
    qapp: QApplication, demo_folder: Path, qtbot: Any
) -> None:
    submission = _prepared(demo_folder, change_evidence)
    desk = show_desk(qtbot, Desk(demo_folder))
    try:
        qtbot.waitUntil(lambda: desk.window.queue.loads > 0, timeout=WAIT_MS)
        _open(qtbot, desk, submission)
        evidence = desk.window.workspace.evidence
        page = evidence.findChild(MessagePage)
        assert page is not None
        qtbot.waitUntil(lambda: page.isVisible() and page.alarm, timeout=WAIT_MS)
        artifact = evidence.current_artifact()
        assert artifact is not None
        assert not page.retry.isVisible()  # trying again cannot help
        assert artifact.name in page.title.text() and "has changed" in page.title.text()
        body, hint = page.body.text(), page.hint.text()
        assert artifact.sha256[:8] in body  # what it should be
        assert "signed record" in body and "still holds the original digest" in body
        assert "backup" in hint and "assessor verify" in hint
    finally:
        desk.close()


def test_the_status_column_and_the_filter_buttons_show_a_state_alike(
    signed: tuple[Desk, str], qtbot: Any
) -> None:
    desk, _submission = signed
    queue = desk.window.queue
    model = queue.model
    seen = set()
    for n, row in enumerate(model.rows()):
        index = model.index(n, Column.STATUS)
        look = states.look(row.status)
        button = queue.status_buttons[row.status]
        assert index.data() == look.label
        assert button.text().replace("&&", "&").startswith(look.label + " ")  # "&&" shows "&"
        colour = index.data(Qt.ItemDataRole.ForegroundRole)
        assert colour == look.colour
        if colour is not None:
            assert button.palette().color(QPalette.ColorRole.ButtonText) == colour
        seen.add(row.status)
    assert seen == {"to_score", "in_progress", "finalized"}


def test_the_page_switch_shows_no_page_while_the_workspace_is_open(
    signed: tuple[Desk, str], qtbot: Any
) -> None:
    desk, submission = signed
    window = desk.window
    assert window.nav["queue"].isChecked() and not window.nav["rubrics"].isChecked()
    _open(qtbot, desk, submission)
    assert not window.nav["queue"].isChecked() and not window.nav["rubrics"].isChecked()
    window.nav["rubrics"].click()
    assert window.nav["rubrics"].isChecked() and not window.nav["queue"].isChecked()
    window.nav["queue"].click()
    assert window.nav["queue"].isChecked() and not window.nav["rubrics"].isChecked()


def test_the_locked_key_hint_names_the_key_that_unlocks(
    signed: tuple[Desk, str], qtbot: Any
) -> None:
    desk, _submission = signed
    window = desk.window
    asked: list[str] = []
    window.on_unlock = lambda: asked.append("unlock")
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert desk.window.desk.identity.locked and not window.unlock_action.shortcut().isEmpty()

    hint = window.status.identity.text()
    named = re.search(r"key locked \((.+) unlocks\)", hint)
    assert named is not None, hint
    key = QKeySequence(named.group(1))
    assert key == window.unlock_action.shortcut()
    assert window.lock_action.shortcut() != key
    menu_keys = {a.text().replace("&", ""): a.shortcut() for a in window.menus["file"].actions()}
    assert menu_keys["Unlock my key…"] == key
    listed = dict(SHOWN_KEYS)  # the shortcuts window (F1) lists the same keys
    assert "Unlock" in listed[key.toString()] and "Lock" in listed["Ctrl+L"]

    sequence = key[0]
    qtbot.keyClick(window, sequence.key(), sequence.keyboardModifiers())
    assert asked == ["unlock"]


def test_a_long_error_never_widens_the_window(signed: tuple[Desk, str], qtbot: Any) -> None:
    desk, _submission = signed
    window, status = desk.window, desk.window.status
    width = window.width()
    assert width == 1366  # as shown, and as it must stay
    # Should an assertion below fail, closing must not wait on the "Not saved" question.
    window.quit_unsaved = lambda _error: True  # type: ignore[method-assign]
    row = next(r for r in window.queue.model.rows() if r.status == "to_score")
    _open(qtbot, desk, row.id)
    sheet = window.workspace.sheet
    assert sheet is not None
    long = "No space left on device: " + "/a/folder/deep/down" * 104
    assert len(long) > 2000

    def disk_full(_db: object, _changes: object) -> object:  # the edge of the world: a full disk
        raise OSError(28, long)

    real_save, sheet._save = sheet._save, disk_full  # type: ignore[assignment]
    window.workspace.actions_by_name["level1"].trigger()
    qtbot.waitUntil(lambda: status.details_button.isVisible(), timeout=WAIT_MS)
    settle(window)
    assert window.width() == width and window.minimumSizeHint().width() <= width
    assert status.save.elided() and status.save.shown_text().endswith("…")
    assert long[:150] in status.save.toolTip().replace("\n", " ")
    status.details_button.click()
    assert long in status.details_box.detailedText()
    status.details_box.close()
    sheet._save = real_save  # type: ignore[assignment]  # room on the disk again
    status.retry_button.click()
    qtbot.waitUntil(lambda: status.save.text().startswith("Saved "), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not status.save.elided(), timeout=WAIT_MS)  # laid out again
    assert status.save.toolTip() == ""

    message = "Could not read the queue: " + "x" * 2000
    status.showMessage(message, 8000)
    settle(window)
    assert window.width() == width and window.minimumSizeHint().width() <= width
    assert status.message() == message and status.toolTip() == message
    assert len(status.currentMessage()) < len(message)


def test_colours_follow_a_change_of_theme(
    signed: tuple[Desk, str], qtbot: Any, qapp: QApplication
) -> None:
    """Settings can switch light ↔ dark with the sheet open: its colours follow."""
    desk, submission = signed
    theme.apply(qapp, "light")
    _open(qtbot, desk, submission)
    ws = desk.window.workspace
    assert ws.panel is not None
    theme.apply(qapp, "dark")
    qtbot.waitUntil(lambda: theme.is_dark(ws.palette()), timeout=WAIT_MS)
    window = ws.palette().color(QPalette.ColorRole.Window)
    for label in (ws.banner, ws.result):
        text = label.palette().color(QPalette.ColorRole.WindowText)
        assert theme.contrast(text, window) >= 4.5, label.text()
    chosen = next(t for t in ws.panel.cards[0].tiles if t.chosen)
    assert chosen.descriptor is not None
    assert background(_region(chosen, chosen.descriptor)) == theme.chosen_background()
