"""The last line of defence: an unexpected exception is logged and shown, never silent.

`install_excepthook` replaces `sys.excepthook` and `threading.excepthook`. Each exception is
logged (traceback only: no local variables, so no passphrase that happened to be in scope)
and shown in one `ErrorDialog`: a plain sentence, the report (traceback and versions) and
"Copy report". An exception on another thread is handed to the GUI thread by a queued
signal. A second exception while the dialog is open is appended to it, not a second dialog.

The dialog is opened with `open()` (window-modal, no nested event loop), so the app keeps
running underneath and tests can find it as `hook.dialog` without blocking.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from assessor.ui import theme
from assessor.ui.dialogs.diagnostics import versions

__all__ = ["ErrorDialog", "ExceptHook", "format_report", "install_excepthook", "uninstall"]

log = logging.getLogger(__name__)

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]
_SEPARATOR = "\n" + "─" * 60 + "\n"


def _tr(text: str) -> str:
    return QCoreApplication.translate("ErrorDialog", text)


def format_report(
    exc_type: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    *,
    thread: str | None = None,
) -> str:
    """Traceback and versions, nothing else (no local variables, no settings)."""
    where = f" (in thread {thread})" if thread else ""
    lines = [f"Unexpected error{where}:", ""]
    lines.extend(line.rstrip("\n") for line in traceback.format_exception(exc_type, exc, tb))
    lines.append("")
    lines.extend(f"{what}: {version}" for what, version in versions())
    return "\n".join(lines)


class ErrorDialog(QDialog):
    """Says what happened in words, and holds the reports for support."""

    def __init__(self, report: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ErrorDialog")
        self.setWindowTitle(_tr("Something went wrong"))
        self._reports: list[str] = []

        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize, None, self)
        pixmap = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical)
        icon.setPixmap(pixmap.pixmap(size, size))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)

        self.headline = QLabel()
        bold = QFont(self.headline.font())
        bold.setBold(True)
        self.headline.setFont(bold)
        self.headline.setWordWrap(True)
        self.explanation = QLabel(
            _tr(
                "Your saved scores are safe: everything Assessor showed as “Saved” is in its "
                "database. The last thing you did may not have finished, so check it before "
                "you go on.\n\n"
                "You can keep working. If this happens again, click “Copy report” and send "
                "the report to whoever supports Assessor for you."
            )
        )
        self.explanation.setWordWrap(True)

        details_label = QLabel(_tr("&Details for support:"))
        self.details = QPlainTextEdit()
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setFont(theme.monospace())
        self.details.setAccessibleName(_tr("Error report"))
        self.details.setMinimumHeight(180)
        details_label.setBuddy(self.details)

        self.status = QLabel()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(_tr("&Copy report"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        close.setFocus()

        top = QHBoxLayout()
        top.addWidget(icon)
        words = QVBoxLayout()
        words.addWidget(self.headline)
        words.addWidget(self.explanation)
        top.addLayout(words, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(details_label)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(640, 460)
        self.add_report(report)

    @property
    def count(self) -> int:
        return len(self._reports)

    def add_report(self, report: str) -> None:
        self._reports.append(report)
        if self.count == 1:
            self.headline.setText(_tr("Something went wrong in Assessor."))
        else:
            self.headline.setText(
                _tr("Something went wrong in Assessor ({n} times).").format(n=self.count)
            )
        self.details.setPlainText(self.report_text())

    def report_text(self) -> str:
        return _SEPARATOR.join(self._reports) + "\n"

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.report_text())
        self.status.setText(_tr("Copied. Paste it into your message to support."))


class ExceptHook(QObject):
    """The installed hooks; `uninstall()` puts the previous ones back."""

    _report = Signal(str)

    def __init__(self, parent_getter: Callable[[], QWidget | None]) -> None:
        super().__init__()
        self._parent_getter = parent_getter
        self._dialog: ErrorDialog | None = None
        self._showing = False
        self._previous_sys = sys.excepthook
        self._previous_threading = threading.excepthook
        # Queued: whichever thread emits, `_show` runs on the thread this object lives on
        # (the GUI thread, where it was made).
        self._report.connect(self._show, Qt.ConnectionType.QueuedConnection)
        sys.excepthook = self._sys_hook
        threading.excepthook = self._threading_hook

    @property
    def dialog(self) -> ErrorDialog | None:
        """The error dialog while it is open (for tests and for the main window)."""
        return self._dialog

    def uninstall(self) -> None:
        # Only put back what is still ours: a hook installed after us stays.
        if sys.excepthook == self._sys_hook:
            sys.excepthook = self._previous_sys
        if threading.excepthook == self._threading_hook:
            threading.excepthook = self._previous_threading
        global _installed
        if _installed is self:
            _installed = None

    # -- hooks (any thread) ---------------------------------------------------------------

    def _sys_hook(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            self._previous_sys(exc_type, exc, tb)
            return
        self._handle((exc_type, exc, tb), thread=None)

    def _threading_hook(self, args: Any) -> None:
        if issubclass(args.exc_type, SystemExit):
            return  # threading's own hook ignores it too
        thread = args.thread.name if args.thread is not None else None
        value = args.exc_value if args.exc_value is not None else args.exc_type()
        self._handle((args.exc_type, value, args.exc_traceback), thread=thread)

    def _handle(self, exc_info: ExcInfo, *, thread: str | None) -> None:
        log.error("unexpected error%s", f" in thread {thread}" if thread else "", exc_info=exc_info)
        try:
            report = format_report(*exc_info, thread=thread)
        except Exception:
            report = "".join(traceback.format_exception(*exc_info))
        app = QCoreApplication.instance()
        if not isinstance(app, QApplication):
            return  # no GUI (yet, or any more): the log has it
        if QThread.currentThread() is app.thread():
            self._show(report)
        else:
            # RuntimeError: this object is already gone, the app is quitting; the log has it.
            with contextlib.suppress(RuntimeError):
                self._report.emit(report)

    # -- GUI thread -----------------------------------------------------------------------

    def _show(self, report: str) -> None:
        if self._dialog is not None:
            self._dialog.add_report(report)
            return
        if self._showing:  # an exception while building the dialog: the log has it
            return
        self._showing = True
        try:
            try:
                parent = self._parent_getter()
            except Exception:
                parent = None
            dialog = ErrorDialog(report, parent)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.finished.connect(self._closed)
            self._dialog = dialog
            dialog.open()
        finally:
            self._showing = False

    def _closed(self) -> None:
        self._dialog = None


_installed: ExceptHook | None = None


def install_excepthook(parent_getter: Callable[[], QWidget | None]) -> ExceptHook:
    """Log and show every unexpected exception; call on the GUI thread once the
    QApplication exists. `parent_getter` names the window the dialog belongs to (the main
    window, or None before there is one)."""
    global _installed
    if _installed is not None:
        _installed.uninstall()
    _installed = ExceptHook(parent_getter)
    return _installed


def uninstall() -> None:
    """Put back the hooks that were there before `install_excepthook`."""
    if _installed is not None:
        _installed.uninstall()
