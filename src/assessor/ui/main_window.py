"""The main window: queue, scoring workspace and rubric library on one stack; menus; status bar."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoGroup, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from assessor.domain.changes import EVERYTHING
from assessor.services.finalize import Finalized
from assessor.ui import desks
from assessor.ui.desk import Desk
from assessor.ui.errors import in_words
from assessor.ui.permissions import sentence
from assessor.ui.queue.view import QueueView
from assessor.ui.role_page import RolePage
from assessor.ui.rubrics.library import RubricLibrary
from assessor.ui.saves import SaveState
from assessor.ui.scoring.workspace import ScoringWorkspace
from assessor.ui.scoring_elsewhere import ScoringKeysElsewhere
from assessor.ui.status import StatusBar
from assessor.ui.tasks import Task


def _tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


class MainWindow(QMainWindow):
    """`desk` carries the store, the runner and the person. Dialog openers are attributes so
    the app wires the real ones and tests can watch them."""

    workspace_opened = Signal(str)
    closed = Signal()  # the close went through (not cancelled at a question)

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.on_settings: Callable[[], None] | None = None
        self.on_diagnostics: Callable[[], None] | None = None
        self.on_shortcuts: Callable[[], None] | None = None
        self.on_unlock: Callable[[], None] | None = None
        self.sync: Any = None  # the sync's pages and controller (ui/sync/install.py)
        self.setObjectName("mainWindow")
        self.resize(1280, 760)

        self.queue = QueueView(desk)
        self.workspace = ScoringWorkspace(desk)
        self.rubrics = RubricLibrary(desk.runner)
        # Each person's desk: the pages their roles allow, their own first (ui/desks.py).
        # Someone with no role desk at all gets a page saying so in the queue's place.
        self.scoring = desk.permissions.scoring()
        self.pages = desks.build(self)
        self.role_page: RolePage | None = None
        if not desks.role_pages(desk.permissions):
            self.role_page = RolePage(desk.identity.profile, self.scoring)
            self.role_page.rubrics_requested.connect(lambda: self.show_page(self.rubrics))
            self.pages = {desks.QUEUE: self.role_page, **self.pages}
        self.home: QWidget = next(iter(self.pages.values()))
        self.stack = QStackedWidget()
        for page in (*self.pages.values(), self.workspace):
            self.stack.addWidget(page)

        self.search = QLineEdit()
        self.search.setPlaceholderText(_tr("Search learner, code or submission…  (Ctrl+F)"))
        self.search.setAccessibleName(_tr("Search the queue"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(300)
        self.search.setMaximumWidth(420)
        self.search.textChanged.connect(self.queue.controller.set_text)
        self.search.returnPressed.connect(self.queue.focus_table)
        if not self.scoring.allowed:
            self.search.setEnabled(False)  # no queue to search
            self.search.hide()

        # Each button shows whether its page is on screen; while the workspace is, none is
        # (so no exclusive group: that would always keep one checked).
        self.nav: dict[str, QToolButton] = {}
        top = QHBoxLayout()
        top.setContentsMargins(8, 6, 8, 0)
        for name, page in self.pages.items():
            button = QToolButton()
            button.setText(desks.title(name))
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.clicked.connect(lambda _c=False, p=page: self.show_page(p))
            top.addWidget(button)
            self.nav[name] = button
        self.top = top
        top.addStretch(1)
        self.whose = QLabel()  # whose desk this is
        self.whose.setTextFormat(Qt.TextFormat.PlainText)  # a profile's name is not markup
        top.addWidget(self.whose)
        top.addWidget(self.search)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.status = StatusBar(desk)
        self.setStatusBar(self.status)
        if self.role_page is not None:  # a scoring key there says why it does nothing
            self.role_page.refused.connect(lambda text: self.status.showMessage(text, 8000))
        elif not self.scoring.allowed:  # so does one on a manager's or a proctor's desk
            own = [p for p in self.pages.values() if isinstance(p, desks.DeskPage)]
            say = partial(self.status.showMessage, timeout=8000)
            ScoringKeysElsewhere(self, own, self.scoring.reason, say)
        self.undo_group = QUndoGroup(self)
        self._menus()
        self._wire()
        self._title()
        self.show_page(self.home)

    # -- building ---------------------------------------------------------------------

    def _add(
        self, menu_name: str, text: str, keys: list[str], slot: Callable[[], object]
    ) -> QAction:
        action = QAction(text, self)
        if keys:
            action.setShortcuts([QKeySequence(k) for k in keys])
        action.triggered.connect(lambda _checked=False: slot())
        self.menus[menu_name].addAction(action)
        return action

    def _menus(self) -> None:
        bar = self.menuBar()
        self.menus = {
            name: bar.addMenu(text)
            for name, text in (
                ("file", _tr("&File")),
                ("edit", _tr("&Edit")),
                ("view", _tr("&View")),
                ("scoring", _tr("&Scoring")),
                ("help", _tr("&Help")),
            )
        }
        self.unlock_action = self._add("file", _tr("&Unlock my key…"), ["Ctrl+U"], self._unlock)
        self.status.unlock_keys = self.unlock_action.shortcut()  # the hint names this key
        self.lock_action = self._add(
            "file", _tr("&Lock my key"), ["Ctrl+L"], self.desk.identity.lock
        )
        self._add("file", _tr("&Retry the save"), ["Ctrl+S"], self.desk.saves.retry)
        self._add("file", _tr("&Forget my remembered passphrase"), [], self.forget_passphrase)
        self.menus["file"].addSeparator()
        self._add("file", _tr("&Settings…"), ["Ctrl+,"], lambda: self._call(self.on_settings))
        self.menus["file"].addSeparator()
        self._add("file", _tr("&Quit"), ["Ctrl+Q"], self.close)

        undo = self.undo_group.createUndoAction(self, _tr("&Undo"))
        undo.setShortcuts([QKeySequence("Ctrl+Z")])
        redo = self.undo_group.createRedoAction(self, _tr("&Redo"))
        redo.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        self.menus["edit"].addActions([undo, redo])
        self.menus["edit"].addSeparator()
        self.find_action = self._add("edit", _tr("&Find in queue"), ["Ctrl+F"], self.find_in_queue)

        for n, (name, page) in enumerate(self.pages.items(), 1):  # Ctrl+1: the own desk
            text = _tr("&Rubric library") if name == desks.RUBRICS else desks.title(name)
            self._add("view", text, [f"Ctrl+{n}"], partial(self.show_page, page))
        self._add("view", _tr("Re&fresh"), ["F5"], self.refresh)

        self.next_action = self._add(
            "scoring", _tr("Open &next to score"), ["Ctrl+N"], lambda: self.open_next(None)
        )
        ws = self.workspace.actions_by_name
        for name in ("finalize", "next", "previous", "comment", "overall"):
            self.menus["scoring"].addAction(ws[name])  # active while the workspace has focus
        self.menus["scoring"].setToolTipsVisible(True)  # why an act is off
        if not self.scoring.allowed:
            for action in (self.next_action, self.find_action):
                action.setEnabled(False)
                action.setToolTip(sentence(self.scoring.reason))
            self.menus["scoring"].menuAction().setVisible(False)  # not this person's work

        self._add("help", _tr("&Keyboard shortcuts"), ["F1"], lambda: self._call(self.on_shortcuts))
        self._add("help", _tr("&Diagnostics"), [], lambda: self._call(self.on_diagnostics))

    def _wire(self) -> None:
        ws, queue = self.workspace, self.queue
        queue.controller.open_row.connect(self.open_submission)
        queue.nothing_left.connect(self._nothing_left)
        queue.controller.failed.connect(lambda text: self.status.showMessage(text, 8000))
        ws.back_requested.connect(self.back_to_queue)
        ws.step_requested.connect(self._step)
        ws.finalized.connect(self._finalized)
        ws.loaded.connect(self.workspace_opened)
        ws.shortcuts_requested.connect(lambda: self._call(self.on_shortcuts))
        ws.undo_stack_changed.connect(self._undo_stack)
        self.desk.saves.changed.connect(lambda: self.status.show_save(self.desk.saves))
        ws.failed.connect(lambda text: self.status.showMessage(text, 8000))
        ws.ask_unlock = lambda _w: self._unlock()
        self.status.retry.connect(self.desk.saves.retry)
        self.desk.identity.changed.connect(self._title)
        self.desk.runner.failed.connect(self._task_failed)

    def _task_failed(self, task: Task, exc: BaseException) -> None:
        """A task that did not say what to do when it fails: tell the person in the status
        bar, and show the error report (which logs it)."""
        words = in_words(exc, what=task.name)
        self.status.showMessage(_tr("Something failed ({0}): {1}").format(task.name, words), 10000)
        sys.excepthook(type(exc), exc, exc.__traceback__)

    def _call(self, fn: Callable[[], None] | None) -> None:
        if fn is not None:
            fn()

    def _title(self) -> None:
        identity = self.desk.identity
        self.setWindowTitle(
            _tr("Assessor — {0} ({1})").format(identity.profile.name, identity.role)
        )
        self.unlock_action.setEnabled(identity.locked)
        self.lock_action.setEnabled(not identity.locked)
        self.status.show_identity()
        self.whose.setText(desks.whose(identity.profile.name, identity.role))

    # -- navigation -------------------------------------------------------------------

    def start(self) -> None:
        if self.scoring.allowed:  # nobody else is shown the queue
            self.queue.start()
        elif self.role_page is not None and self.stack.currentWidget() is self.role_page:
            self.role_page.setFocus(Qt.FocusReason.OtherFocusReason)  # its keys say why
        self.rubrics.refresh()
        for page in self.pages.values():
            if isinstance(page, desks.DeskPage):
                page.start()
        self.status.refresh_outbox()

    def show_page(self, page: QWidget) -> None:
        in_workspace = page is self.workspace
        if not in_workspace:
            self.workspace.leave()
            self.queue.cancel_next()  # the person left: a "next" still on its way is not wanted
        # Undo and the scoring commands act on the submission on screen, never a hidden one.
        sheet = self.workspace.sheet
        self._activate(sheet.undo_stack if in_workspace and sheet else None)
        self.workspace.set_active(in_workspace)
        self.stack.setCurrentWidget(page)
        for name, target in self.pages.items():  # the desk's pages and those added
            self.nav[name].setChecked(target is page)
        if page is self.queue:
            self.queue.focus_table()
        elif isinstance(page, desks.DeskPage):
            page.enter()
        elif page in (self.rubrics, self.role_page, *self.pages.values()):
            page.setFocus(Qt.FocusReason.OtherFocusReason)

    def add_page(self, name: str, text: str, page: QWidget, keys: list[str]) -> QAction:
        """A page of another area on the stack, with its button and its View menu entry."""
        self.stack.addWidget(page)
        self.pages[name] = page
        button = QToolButton()
        button.setText(text)
        button.setCheckable(True)
        button.setAutoRaise(True)
        button.clicked.connect(lambda _c=False: self.show_page(page))
        self.top.insertWidget(len(self.nav), button)
        self.nav[name] = button
        return self._add("view", text, keys, lambda: self.show_page(page))

    def find_in_queue(self) -> None:
        if not self.scoring.allowed:
            return
        self.show_page(self.queue)
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def refresh(self) -> None:
        """F5: every screen looks at the data again (each decides how)."""
        self.desk.runner.announce(EVERYTHING)

    def open_submission(self, submission_id: str) -> None:
        if not self.scoring.allowed:  # not offered; should anything still ask, say why
            self.status.showMessage(sentence(self.scoring.reason), 8000)
            return
        self.show_page(self.workspace)
        self.workspace.open(submission_id)
        self.queue.select(submission_id)

    def open_next(self, after_id: str | None) -> None:
        if not self.scoring.allowed:
            self.status.showMessage(sentence(self.scoring.reason), 8000)
            return
        self.queue.open_next(after_id)  # opens through the controller, or says nothing is left

    def _nothing_left(self) -> None:
        self.status.showMessage(_tr("Nothing left to score in this list."), 8000)
        self.back_to_queue()

    def back_to_queue(self) -> None:
        self.show_page(self.home)  # the queue reloads itself if a write changed it

    def _step(self, after_id: str, direction: int) -> None:
        if direction > 0:
            self.open_next(after_id)
            return
        if self.scoring.allowed:
            self.queue.open_previous(after_id)

    def _finalized(self, done: Finalized) -> None:
        self.status.showMessage(
            _tr("Finalized & signed: record {0}").format(done.digest[:12] + "…"), 10000
        )
        # The write announced what it changed: the queue and the outbox count follow.
        QTimer.singleShot(0, lambda: self.open_next(done.submission_id))

    def _undo_stack(self, stack: QUndoStack) -> None:
        for old in self.undo_group.stacks():
            if old is not stack:
                self.undo_group.removeStack(old)  # a sheet left behind is not undone from here
        if stack not in self.undo_group.stacks():
            self.undo_group.addStack(stack)
        self._activate(stack if self.stack.currentWidget() is self.workspace else None)

    def _activate(self, stack: QUndoStack | None) -> None:
        self.undo_group.setActiveStack(stack)  # type: ignore[arg-type]  # None: no stack

    def _unlock(self) -> None:
        self._call(self.on_unlock)

    def forget_passphrase(self) -> None:
        """Remove the passphrase "Remember on this computer" stored for this profile."""
        secrets, say = self.desk.secrets, self.status.showMessage
        if secrets is None:
            why = self.desk.secrets_problem
            say(_tr("Nothing is remembered on this computer") + (f": {why}" if why else "."))
            return

        def failed(exc: BaseException) -> None:
            words = in_words(exc, what="forgetting the passphrase")  # "could not forget …"
            say(words[:1].upper() + words[1:])

        self.desk.runner.run_parallel(  # the keyring may stop to ask the person
            secrets.forget_unlock,
            self.desk.identity.profile.id,
            on_done=lambda _none: say(
                _tr("Your passphrase is no longer remembered on this computer."), 10000
            ),
            on_error=failed,
        )

    # -- closing ----------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        # Comments typed but not yet saved are queued now; the runner finishes every queued
        # write before the program exits (TaskRunner.shutdown on aboutToQuit).
        self.workspace.leave()
        if self.desk.saves.state is SaveState.FAILED and not self.quit_unsaved(
            self.desk.saves.error or ""
        ):
            event.ignore()
            return
        super().closeEvent(event)
        if event.isAccepted():
            self.closed.emit()

    def quit_unsaved(self, error: str) -> bool:
        """Ask before quitting with changes a failed save did not write. True: quit anyway."""
        box = QMessageBox(QMessageBox.Icon.Warning, _tr("Not saved"), "", parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            _tr(
                "Some of your changes are not saved ({0}). If you quit now they are lost."
                " Retry the save first, or quit without them."
            ).format(error)
        )
        retry = box.addButton(_tr("Retry the save"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(_tr("Quit without them"), QMessageBox.ButtonRole.DestructiveRole)
        stay = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(retry)
        box.exec()
        if box.clickedButton() is retry:
            self.desk.saves.retry()
        return box.clickedButton() not in (retry, stay)
