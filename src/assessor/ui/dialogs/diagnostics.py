"""What support needs to know about this installation, in one copyable text.

`collect` reads files (the tail of the log) and may ask the keyring which backend it would
use: run it on the task runner's parallel lane and give the result to `DiagnosticsDialog`.
Nothing secret is in it: versions, paths, the keyring backend's name and log lines (which
never hold a token, key or passphrase).
"""

from __future__ import annotations

import platform
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import PySide6
from PySide6.QtCore import QCoreApplication, QUrl, qVersion
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

import assessor
from assessor import paths
from assessor.ui import theme

__all__ = ["LOG_LINES", "Diagnostics", "DiagnosticsDialog", "collect", "versions"]

LOG_LINES = 200


def _tr(text: str) -> str:
    return QCoreApplication.translate("DiagnosticsDialog", text)


def versions() -> list[tuple[str, str]]:
    """(what, version) for Assessor, Python, Qt, PySide6 and the platform."""
    return [
        ("Assessor", assessor.__version__),
        ("Python", f"{platform.python_version()} ({platform.python_implementation()})"),
        ("Qt", qVersion()),
        ("PySide6", PySide6.__version__),
        ("Platform", platform.platform()),
    ]


@dataclass(frozen=True)
class Diagnostics:
    versions: tuple[tuple[str, str], ...]
    data_dir: Path
    log_file: Path
    keyring_backend: str
    schema_revision: str | None
    log_lines: tuple[str, ...]

    def report(self) -> str:
        """The whole text, as shown and as copied."""
        rows = [
            *self.versions,
            ("Data folder", str(self.data_dir)),
            ("Database schema", self.schema_revision or "(not read)"),
            ("Keyring", self.keyring_backend),
        ]
        width = max(len(what) for what, _ in rows)
        lines = [f"{what + ':':<{width + 1}} {value}" for what, value in rows]
        lines.append("")
        if self.log_lines:
            lines.append(f"Last {len(self.log_lines)} lines of {self.log_file}:")
            lines.extend(self.log_lines)
        else:
            lines.append(f"No log lines yet in {self.log_file}.")
        return "\n".join(lines) + "\n"


def _tail(path: Path, count: int) -> tuple[str, ...]:
    try:
        with path.open(encoding="utf-8", errors="replace") as f:
            return tuple(line.rstrip("\r\n") for line in deque(f, maxlen=count))
    except FileNotFoundError:
        return ()
    except OSError as exc:
        return (f"(the log could not be read: {exc.strerror or type(exc).__name__})",)


def _keyring_backend() -> str:
    # Which backend keyring would use, and whether Assessor accepts it (secrets.py refuses
    # anything that stores in plaintext or nowhere).
    from assessor.security.secrets import describe_backend

    return describe_backend()


def collect(
    data_dir: Path,
    *,
    schema_revision: str | None = None,
    keyring_backend: str | None = None,
    lines: int = LOG_LINES,
) -> Diagnostics:
    """Gather the diagnostics for `data_dir`: file IO, so call it off the GUI thread.

    `schema_revision` comes from the caller that holds the database; `keyring_backend`
    None means ask keyring which backend it would use."""
    log_file = paths.log_file(data_dir)
    return Diagnostics(
        versions=tuple(versions()),
        data_dir=data_dir,
        log_file=log_file,
        keyring_backend=keyring_backend if keyring_backend is not None else _keyring_backend(),
        schema_revision=schema_revision,
        log_lines=_tail(log_file, lines),
    )


class DiagnosticsDialog(QDialog):
    """Read-only report with "Copy to clipboard" and "Open data folder"."""

    def __init__(
        self,
        info: Diagnostics,
        parent: QWidget | None = None,
        *,
        open_url: Callable[[QUrl], object] = QDesktopServices.openUrl,
    ) -> None:
        super().__init__(parent)
        self._info = info
        self._open_url = open_url
        self.setWindowTitle(_tr("Diagnostics"))
        self.setObjectName("DiagnosticsDialog")

        intro = QLabel(
            _tr(
                "If you ask for help with Assessor, copy this text into your message. "
                "It holds versions, folder names and recent log lines; never your "
                "passphrase."
            )
        )
        intro.setWordWrap(True)

        self.text = QPlainTextEdit(info.report())
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(theme.monospace())
        self.text.setAccessibleName(_tr("Diagnostics report"))
        self.text.setMinimumSize(640, 320)

        self.status = QLabel()
        self.status.setAccessibleName(_tr("Status"))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(_tr("&Copy to clipboard"))
        self.open_button = QPushButton(_tr("&Open data folder"))
        self.open_button.setToolTip(str(info.data_dir))
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.copy_button.clicked.connect(self.copy)
        self.open_button.clicked.connect(self.open_data_folder)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(760, 480)

    def report_text(self) -> str:
        return self._info.report()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.report_text())
        self.status.setText(_tr("Copied. Paste it into your message to support."))

    def open_data_folder(self) -> None:
        if not self._open_url(QUrl.fromLocalFile(str(self._info.data_dir))):
            self.status.setText(
                _tr("Could not open the folder. Its path is at the top of the report.")
            )
