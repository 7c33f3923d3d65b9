"""The evidence side of the scoring workspace: the submission's files in a compact list, the
chosen one in a viewer (PDF, image, text) or on a page that says what it is and why it is not
shown, and a bottom bar with its page, zoom and "Open in the system viewer…".

Learners' files are untrusted. Bytes are read (and images and text decoded) on the task
runner's parallel lane, never on the GUI thread; a file intake could not preview (it has a
`reason`) is never rendered; opening a file in another program asks first and hands that
program a copy, never the store's own file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLayout,
    QStackedWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from assessor.services.workspace import ArtifactInfo
from assessor.ui import theme
from assessor.ui.evidence.chrome import EvidenceBar, FocusFrame, tool_button
from assessor.ui.evidence.files import FileList, ask_before_opening, format_size
from assessor.ui.evidence.tasks import INTEGRITY, in_words, integrity_alarm, prepare, weakly
from assessor.ui.evidence.viewers import (
    ImageViewer,
    InfoPage,
    MessagePage,
    PdfViewer,
    TextViewer,
    Viewer,
)
from assessor.ui.tasks import Task, TaskRunner

__all__ = ["EvidencePanel", "ask_before_opening", "format_size"]

VIEWABLE = ("pdf", "image", "text")


def _tr(text: str) -> str:
    return QCoreApplication.translate("EvidencePanel", text)


class EvidencePanel(QWidget):
    """The evidence of one submission. The workspace binds its keys to the public methods."""

    loaded = Signal(object)  # ArtifactInfo: its viewer, or its info or error page, shows

    def __init__(
        self,
        runner: TaskRunner,
        read: Callable[[Any, ArtifactInfo], bytes],
        copy_out: Callable[[Any, ArtifactInfo], Path],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        # Seam for tests: the hand-over to the system (`confirm` is the other).
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
        self._runner = runner
        self._read = read
        self._copy_out = copy_out
        self._artifacts: tuple[ArtifactInfo, ...] = ()
        self._current: ArtifactInfo | None = None
        self._task: Task | None = None
        self._viewer: Viewer | None = None
        self._signed: str | None = None
        self._build()
        self.clear()

    # -- building ---------------------------------------------------------------------

    def _build(self) -> None:
        self._heading = QLabel(self)
        font = QFont(self._heading.font())
        font.setBold(True)
        self._heading.setFont(font)

        self._files = FileList(self)
        self._files.currentItemChanged.connect(self._picked)
        self._heading.setBuddy(self._files)

        self._message = MessagePage(self)
        self._message.retry.clicked.connect(self._retry)
        self._info = InfoPage(self)
        self._info.open_button.clicked.connect(self.open_external)
        self._pdf = PdfViewer(self)
        self._pdf.opened.connect(self._pdf_opened)
        self._image = ImageViewer(self)
        self._text = TextViewer(self)
        self._stack = QStackedWidget(self)
        for page in (self._message, self._info, self._pdf, self._image, self._text):
            self._stack.addWidget(page)
        for viewer in (self._pdf, self._image, self._text):
            viewer.changed.connect(self._update_bar)
        frame = FocusFrame(self)
        framed = QVBoxLayout(frame)
        framed.setContentsMargins(0, 0, 0, 0)
        framed.addWidget(self._stack)
        for widget in (
            self._pdf.view,
            self._image.view,
            self._text.view,
            self._info.open_button,
            self._message.retry,
        ):
            frame.watch(widget)

        self._note = QLabel(self)
        self._note.setTextFormat(Qt.TextFormat.PlainText)
        self._note.setWordWrap(True)
        self._note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self._bar = EvidenceBar(self, self)
        self._open = tool_button(
            self,
            _tr("Open in the system viewer…"),
            _tr("Open in the system viewer"),
            _tr("Open a copy of this file in another program (asks first)"),
            self.open_external,
        )
        self._open.setAutoRaise(False)  # a real button: it leaves the app
        policy = self._open.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # the list stays put when it hides
        self._open.setSizePolicy(policy)
        layout = QVBoxLayout(self)
        # The bar's minimum width changes with the file shown. Parents read minimumSizeHint();
        # pinning the panel's own minimum would only make a top-level panel (in tests) resize
        # its window at every file.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        top = QHBoxLayout()
        top.addWidget(self._heading, 1)
        top.addWidget(self._open)  # beside the list: it acts on the file chosen there
        layout.addLayout(top)
        layout.addWidget(self._files)
        layout.addWidget(frame, 1)
        layout.addWidget(self._note)
        layout.addWidget(self._bar)

    # -- public -----------------------------------------------------------------------

    def set_artifacts(
        self, artifacts: Sequence[ArtifactInfo], *, signed: str | None = None
    ) -> None:
        """List `artifacts` and open the first. `signed`: the digest of the record that
        signed the result ("" when not known), None while it is unsigned."""
        self.clear()
        self._signed = signed
        self._artifacts = tuple(artifacts)
        count = len(self._artifacts)
        self._heading.setText(
            _tr("Evidence · 1 file") if count == 1 else _tr("Evidence · {n} files").format(n=count)
        )
        self._files.fill(self._artifacts)
        first = self._files.topLevelItem(0)
        if first is not None:
            self._files.setCurrentItem(first)
        else:
            self._message.show_text(_tr("No evidence"), _tr("This submission has no files."))

    def clear(self) -> None:
        self._cancel()
        self._artifacts = ()
        self._current = None
        self._files.empty()
        self._heading.setText(_tr("Evidence"))
        for viewer in (self._pdf, self._image, self._text):
            viewer.clear()
        self._message.show_text("", "")
        self._show(self._message, None)
        self._set_note("")

    def set_signed(self, record_digest: str) -> None:
        """The result was signed: a file that changes from now on is an integrity alarm."""
        self._signed = record_digest

    def current_artifact(self) -> ArtifactInfo | None:
        return self._current

    def next_artifact(self) -> None:
        self._files.step(+1)

    def previous_artifact(self) -> None:
        self._files.step(-1)

    def next_page(self) -> None:
        if self._viewer is not None:
            self._viewer.next_page()

    def previous_page(self) -> None:
        if self._viewer is not None:
            self._viewer.previous_page()

    def zoom_in(self) -> None:
        if self._viewer is not None:
            self._viewer.zoom_in()

    def zoom_out(self) -> None:
        if self._viewer is not None:
            self._viewer.zoom_out()

    def fit(self) -> None:
        if self._viewer is not None:
            self._viewer.fit()
        self._update_bar()

    def page(self) -> int:
        return self._viewer.page() if self._viewer is not None else 0

    def page_count(self) -> int:
        return self._viewer.page_count() if self._viewer is not None else 0

    def zoom(self) -> float:
        return self._viewer.zoom() if self._viewer is not None else 1.0

    def confirm(self, question: str) -> bool:
        """The person's answer to the warning; tests replace it on the instance. A method,
        not an attribute holding `self`: the panel must not sit in a reference cycle, or the
        cycle collector could delete a top-level panel in the middle of a paint event."""
        return ask_before_opening(self, question)

    def open_external(self) -> None:
        """After the warning, copy the current file out and hand the copy to the system."""
        artifact = self._current
        if artifact is None:
            return
        question = _tr(
            "“{name}” comes from the learner and may be unsafe: the program that opens it, "
            "not Assessor, will read it.\n\nOpen a copy of it in the system viewer?"
        ).format(name=artifact.name)
        if not self.confirm(question):
            return
        self._set_note(_tr("Copying “{name}” for the system viewer…").format(name=artifact.name))
        self._runner.read(
            self._copy_out,
            artifact,
            on_done=weakly(self._hand_over, artifact),
            on_error=weakly(self._not_handed_over, artifact),
        )

    # -- opening an artifact ----------------------------------------------------------

    def _picked(self, item: QTreeWidgetItem | None, _old: QTreeWidgetItem | None) -> None:
        row = self._files.indexOfTopLevelItem(item) if item is not None else -1
        if 0 <= row < len(self._artifacts):
            self._open_artifact(self._artifacts[row])

    def _retry(self) -> None:
        if self._current is not None:
            self._open_artifact(self._current)

    def _cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def _open_artifact(self, artifact: ArtifactInfo) -> None:
        self._cancel()
        self._current = artifact
        self._set_note("")
        for viewer in (self._pdf, self._image, self._text):
            viewer.clear()  # nothing of the previous file stays in memory or on screen
        if artifact.reason is not None or artifact.kind not in VIEWABLE:
            self._info.show_artifact(artifact, format_size(artifact.size))
            self._show(self._info, artifact)
            return
        self._message.show_loading(_tr("Loading {name}…").format(name=artifact.name))
        self._show(self._message, None)
        task = self._runner.read(
            prepare,
            self._read,
            artifact,
            on_done=weakly(self._content, artifact),
            on_error=weakly(self._failed, artifact),
            key=("evidence", id(self)),
        )
        self._task = None if task.finished else task  # finished: synchronous mode

    def _content(self, artifact: ArtifactInfo, content: Any) -> None:
        if artifact is not self._current:
            return
        self._task = None
        if artifact.kind == "pdf":
            self._pdf.load(content)  # `opened` continues in _pdf_opened
        elif artifact.kind == "image":
            self._image.show_image(content)
            self._show(self._image, artifact)
        else:
            text, cut = content
            self._text.show_text(text)
            self._show(self._text, artifact)
            if cut:
                self._set_note(
                    _tr(
                        "Only the start of this file is shown; open it in the system viewer "
                        "to read it all."
                    )
                )

    def _pdf_opened(self, reason: str | None) -> None:
        artifact = self._current
        if artifact is None or artifact.kind != "pdf":
            return
        if reason is None:
            self._show(self._pdf, artifact)
        else:
            self._show_error(artifact, reason)

    def _failed(self, artifact: ArtifactInfo, exc: BaseException) -> None:
        if artifact is not self._current:
            return
        self._task = None
        code = getattr(exc, "code", None)
        actual = getattr(exc, "actual", None)
        words = in_words(exc)  # logged, with the paths
        if code in INTEGRITY:
            title, body, hint = integrity_alarm(
                artifact, actual if isinstance(actual, str) else None, self._signed
            )
            self._message.show_alarm(title, body, hint)
            self._show(self._message, artifact)
        else:
            self._show_error(artifact, words)

    def _show_error(self, artifact: ArtifactInfo, words: str) -> None:
        self._message.show_error(
            artifact.name,
            _tr("cannot show this file: {words}").format(words=words),
            _tr("Your scores are safe, and the rest of the submission can still be scored."),
        )
        self._show(self._message, artifact)

    def _show(self, page: QWidget, artifact: ArtifactInfo | None) -> None:
        """Show `page`; with `artifact`, it is that artifact's final state: say so."""
        self._stack.setCurrentWidget(page)
        self._viewer = page if isinstance(page, Viewer) else None
        self._update_bar()
        if artifact is not None:
            self.loaded.emit(artifact)

    def _update_bar(self) -> None:
        self._bar.show_viewer(self._viewer)
        # The details page has its own, larger button.
        showing_info = self._stack.currentWidget() is self._info
        # A stored copy that changed is not handed to another program either.
        alarm = self._stack.currentWidget() is self._message and self._message.alarm
        self._open.setVisible(self._current is not None and not showing_info and not alarm)

    # -- handing a copy to the system -------------------------------------------------

    def _hand_over(self, artifact: ArtifactInfo, path: Path) -> None:
        if self.open_url(QUrl.fromLocalFile(str(path))):
            self._set_note("")
        else:
            self._set_note(
                _tr("No program on this computer opened “{name}”. A copy is at {path}.").format(
                    name=artifact.name, path=path
                ),
                problem=True,
            )

    def _not_handed_over(self, artifact: ArtifactInfo, exc: BaseException) -> None:
        self._set_note(
            _tr("“{name}” was not opened: {words}").format(name=artifact.name, words=in_words(exc)),
            problem=True,
        )

    def _set_note(self, text: str, *, problem: bool = False) -> None:
        self._note.setText(f"⚠ {text}" if problem and text else text)
        palette = self._note.palette()
        plain = self.palette().color(QPalette.ColorRole.WindowText)
        colour = theme.text_colour("red", self.palette()) if problem else plain
        palette.setColor(QPalette.ColorRole.WindowText, colour)
        self._note.setPalette(palette)
        self._note.setVisible(bool(text))
