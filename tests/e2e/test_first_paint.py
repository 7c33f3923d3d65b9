"""The first paint: the queue on screen from a plain sqlite3 read before SQLAlchemy loads,
showing what the main window's queue then shows, and giving way to it."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QSettings, Qt
from PySide6.QtWidgets import QApplication, QTableView

from assessor.app import first_paint
from assessor.ui.queue.model import IdRole
from tests.e2e.conftest import WAIT_MS, Desk


def _args(folder: Path) -> argparse.Namespace:
    return argparse.Namespace(data_dir=str(folder), demo=False, self_test=False)


def _cells(model: QAbstractItemModel, role: int, rows: int) -> list[list[Any]]:
    return [[model.index(r, c).data(role) for c in range(model.columnCount())] for r in range(rows)]


def test_first_paint_shows_what_the_queue_shows_then_gives_way(
    qapp: QApplication, demo_folder: Path, qtbot: Any, tmp_path: Path
) -> None:
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    qapp.setOrganizationName("Assessor")  # as the first paint names it, so QSettings agree
    qapp.setApplicationName("Assessor")
    opened = Desk(demo_folder, signed_in=False)
    QSettings().setValue("last_profile", opened.profile.id)
    first = first_paint.paint(_args(demo_folder))
    assert first is not None and first.isVisible()
    table = first.centralWidget()
    assert isinstance(table, QTableView)
    first.grab().save(str(tmp_path / "first-paint.png"))
    assert first.statusBar().currentMessage() == "Opening your data…"

    window = opened.window
    try:
        window.start()
        qtbot.waitUntil(lambda: window.queue.loads > 0, timeout=WAIT_MS)
        ours, theirs = table.model(), window.queue.model
        assert ours.rowCount() == theirs.rowCount()
        # Filled: every row the window shows (decision 0034), each as the main window shows it.
        filled = sum(ours.index(r, 0).data(IdRole) is not None for r in range(ours.rowCount()))
        last_shown = table.rowAt(table.viewport().height() - 1)
        assert 10 < filled < ours.rowCount() and -1 < last_shown < filled
        roles = Qt.ItemDataRole
        shown = (roles.DisplayRole, roles.ToolTipRole, roles.AccessibleTextRole)
        for role in (*shown, roles.ForegroundRole, roles.TextAlignmentRole, IdRole):
            assert _cells(ours, role, filled) == _cells(theirs, role, filled), role
        # The header's words, in the table's own model: where screen readers read them.
        horizontal = Qt.Orientation.Horizontal
        words = [ours.headerData(c, horizontal) for c in range(7)]
        assert words == [theirs.headerData(c, horizontal) for c in range(7)]
        assert words == [
            theirs.headerData(c, horizontal, roles.AccessibleTextRole) for c in range(7)
        ]
        fixed = [0, *range(2, 7)]  # all but the assessment, which takes the room left
        widths = [table.columnWidth(c) for c in fixed]
        assert widths == [window.queue.table.columnWidth(c) for c in fixed]

        geometry = first.geometry()
        first_paint.hand_over(window)
        assert window.isVisible() and not first.isVisible()
        assert window.geometry() == geometry
        first_paint.hand_over(window)  # nothing left to hand over: it only shows the window
    finally:
        opened.close()


def test_no_first_paint_for_a_demo_or_a_folder_without_data(
    qapp: QApplication, tmp_path: Path
) -> None:
    assert first_paint.paint(argparse.Namespace(data_dir=None, demo=True, self_test=False)) is None
    assert first_paint.paint(_args(tmp_path / "none")) is None
    assert not (tmp_path / "none").exists()


HEAVY = ("sqlalchemy", "alembic", "httpx", "keyring", "cryptography", "reportlab", "jsonschema")
# The command line (its log, its file checks) and what only it needs load after the paint too.
LATER = ("assessor.cli", "assessor.log", "hashlib", "platformdirs")
CHILD = f"""
import builtins, os, sys
from assessor.app import first_paint, main
real = first_paint.paint
def probe(args):
    shown = real(args) is not None
    print(shown, sorted(m for m in {HEAVY + LATER!r} if m in sys.modules), flush=True)
    # shiboken's __feature__ import (it reads the source of every module imported) is gone
    print(builtins.__import__ is builtins.__orig_import__, flush=True)
    # nor is Qt's `Qt` namespace made (its ~90 enums: decision 0034)
    print("Qt" in vars(sys.modules["PySide6.QtCore"]), flush=True)
    os._exit(0)
first_paint.paint = probe
main(["--data-dir", sys.argv[1]])
"""


def test_the_first_paint_comes_before_sqlalchemy_and_the_rest(
    demo_folder: Path, tmp_path: Path
) -> None:
    """What `assessor` imports before its first paint: Qt, sqlite3 and little else; and the
    imports after Qt are Python's own again."""
    done = run_child(CHILD, demo_folder, tmp_path)
    assert done.stdout == "True []\nTrue\nFalse\n"


GC_CHILD = """
import gc, os, sys
from assessor.app import _paint_first, first_paint, main, start_probe
_paint_first(["--help"])  # not a window start: collection stays on
print("help", gc.isenabled(), flush=True)
real_paint, real_watch = first_paint.paint, start_probe.watch
def paint(args):
    print("paint", gc.isenabled(), flush=True)
    return real_paint(args)
def watch(window):
    print("window", gc.isenabled(), gc.get_freeze_count() > 0, flush=True)
    os._exit(0)
first_paint.paint, start_probe.watch = paint, watch
main(["--data-dir", sys.argv[1], "--start-probe"])
"""


def test_a_window_start_collects_no_cycles_until_the_window_is_open(
    demo_folder: Path, tmp_path: Path
) -> None:
    """Decision 0031: no cyclic collection from the start's options to the open window; then
    what start-up made is frozen (0028) and collection is on again."""
    done = run_child(GC_CHILD, demo_folder, tmp_path)
    help_, paint, painted, window = done.stdout.splitlines()
    assert (help_, paint, window) == ("help True", "paint False", "window True True")
    assert painted.startswith("painted ")  # the probe's own line, once the paint is on screen


def run_child(code: str, demo_folder: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """CODE in a fresh interpreter (what it imports is the point), offscreen, own settings."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", code, str(demo_folder)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return done
