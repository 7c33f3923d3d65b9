"""The evidence panel's pages that are not viewers: a file being loaded or why it cannot be
shown (`MessagePage`), and what a file is and why it is not shown (`InfoPage`)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QFormLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from assessor.services.workspace import ArtifactInfo
from assessor.ui import theme


def _tr(text: str) -> str:
    return QCoreApplication.translate("EvidenceViewers", text)


def _label(parent: QWidget, *, bold: bool = False, selectable: bool = False) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)  # names and reasons come from the learner
    label.setWordWrap(True)
    if bold:
        font = QFont(label.font())
        font.setBold(True)
        label.setFont(font)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class MessagePage(QWidget):
    """A file being loaded, or why it cannot be shown (with a retry)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = _label(self, bold=True)
        self.body = _label(self, selectable=True)
        self.hint = _label(self)
        self.retry = QPushButton(_tr("Try again"), self)
        self.retry.setAccessibleName(_tr("Try loading the file again"))
        self.alarm = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.addStretch(1)
        for widget in (self.title, self.body, self.hint):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(widget)
        layout.addWidget(self.retry, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(2)

    def _set(
        self,
        title: str,
        body: str = "",
        hint: str = "",
        *,
        retry: bool = False,
        alarm: bool = False,
    ) -> None:
        for label, text in ((self.title, title), (self.body, body), (self.hint, hint)):
            label.setText(text)
            label.setVisible(bool(text))
        self.retry.setVisible(retry)
        self.alarm = alarm
        # An alarm is paragraphs to read: aligned left, like any text of that length.
        for label in (self.body, self.hint):
            label.setAlignment(
                Qt.AlignmentFlag.AlignLeft if alarm else Qt.AlignmentFlag.AlignCenter
            )
        palette = self.palette()
        if alarm:
            palette.setColor(QPalette.ColorRole.WindowText, theme.text_colour("red", palette))
        self.title.setPalette(palette)
        self.setAccessibleName(" ".join(t for t in (title, body, hint) if t))

    def show_loading(self, text: str) -> None:
        self._set(text)

    def show_text(self, title: str, body: str) -> None:
        self._set(title, body)

    def show_error(self, name: str, words: str, hint: str) -> None:
        self._set(name, f"⚠ {words}", hint, retry=True)

    def show_alarm(self, title: str, body: str, hint: str) -> None:
        """An integrity alarm: what changed and what to do. Nothing to try again."""
        self._set(f"⚠ {title}", body, hint, alarm=True)


class InfoPage(QWidget):
    """What a file is, why it is not shown, and the way to open it elsewhere (asks first)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(_tr("File details"))
        self.name_label = _label(self, bold=True, selectable=True)
        self.type_label = _label(self, selectable=True)
        self.size_label = _label(self, selectable=True)
        self.sha_label = _label(self, selectable=True)
        self.sha_label.setFont(theme.monospace())
        # 64 characters that cannot wrap must not set the panel's minimum width: in a narrow
        # panel the end is cut off, and the tooltip holds it all.
        self.sha_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.reason_label = _label(self, bold=True, selectable=True)
        self.explanation_label = _label(self)
        self.open_button = QPushButton(_tr("Open in the system viewer…"), self)
        self.open_button.setAccessibleName(_tr("Open in the system viewer"))
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(_tr("Type"), self.type_label)
        form.addRow(_tr("Size"), self.size_label)
        form.addRow(_tr("SHA-256"), self.sha_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(8)
        layout.addWidget(self.name_label)
        layout.addLayout(form)
        layout.addWidget(self.reason_label)
        layout.addWidget(self.explanation_label)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)

    def show_artifact(self, artifact: ArtifactInfo, size: str) -> None:
        self.name_label.setText(artifact.name)
        self.type_label.setText(artifact.media_type)
        self.size_label.setText(
            _tr("{size} ({bytes} bytes)").format(size=size, bytes=artifact.size)
        )
        self.sha_label.setText(artifact.sha256)
        self.sha_label.setToolTip(artifact.sha256)
        if artifact.reason is not None:
            self.reason_label.setText(
                _tr("⚠ cannot preview: {reason}").format(reason=artifact.reason)
            )
            why = _tr("Assessor does not show a file its checks could not read safely.")
        else:
            self.reason_label.setText(_tr("No preview for this kind of file."))
            why = _tr("Assessor has no viewer for this kind of file.")
        self.explanation_label.setText(
            why
            + " "
            + _tr(
                "You can still score the submission. The file comes from the learner: "
                "open it in another program only if you trust it."
            )
        )
