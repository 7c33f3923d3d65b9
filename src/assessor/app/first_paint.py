"""The first paint: the queue's first page, on screen before SQLAlchemy and the services load.

A start spends most of its time importing (decision 0010). Before it does, this shows a
window holding the queue as the main window will show it (same columns, same theme, the
same rows: `store/first_page.py` reads them with plain sqlite3, checked equal to the
service's by a test), read-only, saying it is opening. The main window takes its place when
it shows (`hand_over`). No first paint for a demo (its folder is not written yet), a
self-test, a database not at the current schema, or settings that do not load: the start
then goes as before.
"""

from __future__ import annotations

import argparse
import time

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QMainWindow

from assessor import paths
from assessor.settings import SettingsError
from assessor.settings import load as load_settings
from assessor.store.first_page import read_first_page
from assessor.store.queue_rows import QueueRow
from assessor.ui import theme
from assessor.ui.queue.model import IdRole
from assessor.ui.queue.submissions import (
    SHOWN_ROLES,
    SubmissionColumns,
    row_height,
    submissions_table,
)

SETTINGS_FILE = "settings.json"
EXPOSE_WAIT_S = 0.5  # a window manager slower than this to map it: paint what we can, go on
HEIGHT = 760  # the window's, as the main window's

_window: QMainWindow | None = None


def _tr(text: str) -> str:
    return QCoreApplication.translate("FirstPaint", text)


def _model(rows: list[QueueRow], line_height: int) -> QStandardItemModel:
    """The rows in a model of Qt's own, what each cell shows put in by `SubmissionColumns`.

    Not a Python model: Qt asks a Python model's `headerData` with an orientation, a `Qt` enum,
    and the `Qt` namespace made for it costs ~10 % of a bare window's start (decision 0034).
    Only the rows the window can show are filled (a page can be 1,000 rows; nothing scrolls
    before the main window takes over); the others are counted, so the scroll bar is right."""
    columns = SubmissionColumns()
    model = QStandardItemModel(len(rows), columns.count())
    model.setHorizontalHeaderLabels([columns.header(n) for n in range(columns.count())])
    for r, row in enumerate(rows[: HEIGHT // row_height(line_height) + 1]):
        for c in range(columns.count()):
            item = QStandardItem()
            item.setData(row.id, IdRole)
            for role in SHOWN_ROLES:
                value = columns.cell(row, c, role)
                if value is not None:
                    item.setData(value, role)
            model.setItem(r, c, item)
    return model


def paint(args: argparse.Namespace) -> QMainWindow | None:
    """Show the first page (once the window is exposed); None when there is none to show."""
    global _window
    if args.demo or args.self_test:
        return None
    folder = paths.data_dir(args.data_dir)
    try:
        settings = load_settings(folder / SETTINGS_FILE)
    except (SettingsError, OSError):
        return None  # the start says what is wrong with them
    app = theme.application()
    app.setApplicationName("Assessor")
    app.setOrganizationName("Assessor")
    last = QSettings().value("last_profile", "")
    rows = read_first_page(folder, str(last) or None, settings.queue_page_size)
    if not rows:
        return None
    theme.apply(app, settings.theme, settings.font_scale)
    window = QMainWindow()
    line_height = window.fontMetrics().height()
    table = submissions_table(_model(rows, line_height), line_height)
    window.setWindowTitle("Assessor")
    window.setCentralWidget(table)
    window.statusBar().showMessage(_tr("Opening your data…"))
    window.resize(1280, HEIGHT)  # as the main window
    window.show()
    deadline = time.monotonic() + EXPOSE_WAIT_S
    while time.monotonic() < deadline:
        app.processEvents()
        handle = window.windowHandle()
        if handle is not None and handle.isExposed():
            break
    app.processEvents()  # the paint that follows the expose
    if getattr(args, "start_probe", False):
        # benchmarks/bench_bundle_start.py: and the CPU seconds this process has used so far
        print("painted", time.process_time(), flush=True)
    _window = window
    return window


def hand_over(main: QMainWindow) -> None:
    """Show `main` where the first paint is (if there is one), then close the first paint."""
    global _window
    first, _window = _window, None
    if first is not None and first.isVisible():
        main.setGeometry(first.geometry())
    main.show()
    if first is not None:
        first.close()
        first.deleteLater()
