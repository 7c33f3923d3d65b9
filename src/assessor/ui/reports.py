"""The report that fits the page on screen, from the File menu or Ctrl+P: the score sheet on
the assessor's queue and scoring workspace (and on a sign-off still to decide), the sign-off
record once decided, the session report on the proctor's sessions. It asks where the file
goes, writes it on the task runner (never on the GUI thread: reading, checking signatures and
rendering take a while), then hands it to the system's viewer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices

from assessor.reports.output import KINDS, Made, make_report
from assessor.ui import desks
from assessor.ui.dialogs.report_dialog import ReportDialog
from assessor.ui.errors import in_words

REPORT_KEYS = (("Ctrl+P", "Report of this page as PDF: score sheet, sign-off or session"),)


def _tr(text: str) -> str:
    return QCoreApplication.translate("Reports", text)


def _make(db: Any, kind: str, subject_id: str, path: Path, force: bool) -> Made:
    return make_report(db, kind, subject_id, path, force=force)


def target(window: Any) -> tuple[str, str] | None:
    """(report kind, what it is of) for the page on screen, or None when it has none."""
    page = window.stack.currentWidget()
    if page is window.workspace:
        sub = window.workspace.submission_id
        return ("score-sheet", sub) if sub else None
    if page is window.queue:
        index = window.queue.table.currentIndex()
        return (
            ("score-sheet", window.queue.model.row_at(index.row()).id) if index.isValid() else None
        )
    if page is window.pages.get(desks.SIGNOFF):
        reviewing = page.stack.currentWidget() is page.review
        row = page.review.row if reviewing else page.list.current_row()
        if row is None:
            return None
        return ("score-sheet" if row.state == "pending" else "signoff", row.submission_id)
    if page is window.pages.get(desks.SESSIONS):
        if page.stack.currentWidget() is page.console:
            view = page.console.view
            return ("session", view.id) if view is not None else None
        item = page.list.table.currentItem()
        return ("session", str(item.data(0, Qt.ItemDataRole.UserRole))) if item else None
    return None


def _file_name(kind: str, subject_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", f"{subject_id}-{kind}") + ".pdf"


class ReportAction(QObject):
    """The menu entry and its key. `open_url` is the edge of the world: tests replace it."""

    written = Signal(object)  # Made
    failed = Signal(str)

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        self.folder = Path(folder) if folder else Path.home()
        self.dialog: ReportDialog | None = None
        menu = window.menus["file"]
        quit_action = menu.actions()[-1]
        self.action = window._add("file", _tr("&Report of this page (PDF)…"), ["Ctrl+P"], self.ask)
        menu.insertAction(quit_action, self.action)  # above Quit
        menu.insertSeparator(quit_action)

    def _say(self, text: str, ms: int = 10000) -> None:
        self.window.status.showMessage(text, ms)

    def ask(self) -> None:
        found = target(self.window)
        if found is None:
            self._say(_tr("No report here: choose a submission or a session first (Ctrl+P)."))
            return
        kind, subject_id = found
        what = _tr("the {0} of {1}").format(KINDS[kind].words, subject_id)
        dialog = ReportDialog(what, self.folder / _file_name(kind, subject_id), self.window)
        dialog.accepted.connect(lambda: self.write(kind, subject_id, dialog.chosen(), dialog.force))
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()

    def write(self, kind: str, subject_id: str, path: Path, force: bool) -> None:
        self.folder = path.parent
        self._say(_tr("Writing the {0} of {1}…").format(KINDS[kind].words, subject_id), 0)
        self.window.desk.runner.read(
            _make, kind, subject_id, path, force,
            on_done=self._written, on_error=lambda exc: self._failed(kind, exc),
        )  # fmt: skip

    def _written(self, made: Made) -> None:
        opened = self.open_url(QUrl.fromLocalFile(str(made.path)))
        words = _tr("Wrote the {0} of {1} ({2} page(s)) to {3}").format(
            made.kind.words, made.subject_id, made.pages, made.path
        )
        tail = _tr("; opening it.") if opened else _tr("; no PDF viewer opened it.")
        self._say(words + tail)
        self.written.emit(made)

    def _failed(self, kind: str, exc: BaseException) -> None:
        text = _tr("The {0} was not written: {1}").format(
            KINDS[kind].words, in_words(exc, what="writing the report")
        )
        self._say(text, 15000)
        self.failed.emit(text)


def install(window: Any) -> ReportAction:
    return ReportAction(window)
