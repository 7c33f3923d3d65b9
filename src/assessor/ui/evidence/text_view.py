"""The evidence panel's text viewer: read-only, in the monospace font, with a gutter of line
numbers. The text arrives already decoded (by `decode_text`, on a worker thread)."""

from __future__ import annotations

import codecs

from PySide6.QtCore import QCoreApplication, QRect, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import QFrame, QPlainTextEdit, QWidget

from assessor.ui import theme
from assessor.ui.evidence.viewer_base import Viewer

TEXT_LIMIT = 2_000_000  # characters of a text file shown; the rest is for the system viewer


def _tr(text: str) -> str:
    return QCoreApplication.translate("EvidenceViewers", text)


def decode_text(data: bytes, encoding: str | None) -> tuple[str, bool]:
    """`data` as text in intake's encoding (UTF-8 when it named none, or one Python does not
    know), undecodable bytes replaced. A final newline is dropped, so the viewer shows as many
    lines as intake counted. True when the text was cut at TEXT_LIMIT characters."""
    try:
        codec = codecs.lookup(encoding or "utf-8").name
    except LookupError:
        codec = "utf-8"
    text = data.decode(codec, errors="replace").removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    cut = len(text) > TEXT_LIMIT
    if cut:
        text = text[:TEXT_LIMIT]
    return text.removesuffix("\n"), cut


class _Gutter(QWidget):
    """The line numbers beside a CodeView's text (painted by the view)."""

    def __init__(self, editor: CodeView) -> None:
        super().__init__(editor)
        self._editor = editor
        self.setAccessibleName(_tr("Line numbers"))

    def sizeHint(self) -> QSize:
        return QSize(self._editor.gutter_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self._editor.paint_gutter(event)


class CodeView(QPlainTextEdit):
    """Read-only text, not wrapped, with line numbers (Qt's "code editor" example)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.document().setDocumentMargin(6)  # room between the numbers and the text
        self.gutter = _Gutter(self)
        self.blockCountChanged.connect(self.update_gutter_width)
        self.updateRequest.connect(self._update_gutter)
        self.update_gutter_width()

    def gutter_width(self) -> int:
        digits = max(2, len(str(max(1, self.blockCount()))))
        return 14 + self.fontMetrics().horizontalAdvance("9") * digits

    def update_gutter_width(self) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)
        left, text = self.contentsRect().left(), self.viewport().geometry()
        self.gutter.setGeometry(QRect(left, text.top(), self.gutter_width(), text.height()))

    def _update_gutter(self, rect: QRect, dy: int) -> None:
        if dy:
            self.gutter.scroll(0, dy)
        else:
            self.gutter.update(0, rect.y(), self.gutter.width(), rect.height())
        if rect.contains(self.viewport().rect()):
            self.update_gutter_width()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.update_gutter_width()

    def paint_gutter(self, event: QPaintEvent) -> None:
        painter = QPainter(self.gutter)
        palette = self.palette()
        painter.fillRect(event.rect(), palette.color(QPalette.ColorRole.AlternateBase))
        painter.setPen(palette.color(QPalette.ColorRole.Midlight))
        edge = self.gutter.width() - 1
        painter.drawLine(edge, event.rect().top(), edge, event.rect().bottom())
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        painter.setFont(self.font())
        block = self.firstVisibleBlock()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        width, height = self.gutter.width() - 8, self.fontMetrics().height()
        while block.isValid() and top <= event.rect().bottom():
            bottom = top + round(self.blockBoundingRect(block).height())
            if block.isVisible() and bottom >= event.rect().top():
                align = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                painter.drawText(0, top, width, height, align, str(block.blockNumber() + 1))
            block, top = block.next(), bottom
        painter.end()


class TextViewer(Viewer):
    """Text in the monospace font; zoom changes the font size and is kept between files."""

    min_zoom = 0.5
    max_zoom = 4.0

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = CodeView(self)
        self.view.setAccessibleName(_tr("Text"))
        self.view.setFrameShape(QFrame.Shape.NoFrame)
        self._layout.addWidget(self.view)
        self._base = theme.monospace()
        self._zoom = 1.0
        self.set_zoom(1.0)

    def show_text(self, text: str) -> None:
        self.view.setPlainText(text)
        self.changed.emit()

    def line_count(self) -> int:
        return self.view.blockCount()

    def clear(self) -> None:
        self.view.clear()

    def zoom(self) -> float:
        return self._zoom

    def set_zoom(self, zoom: float) -> None:
        self._zoom = max(self.min_zoom, min(self.max_zoom, zoom))
        font = theme.monospace()
        if self._base.pointSizeF() > 0:
            font.setPointSizeF(self._base.pointSizeF() * self._zoom)
        else:
            font.setPixelSize(max(1, round(self._base.pixelSize() * self._zoom)))
        self.view.setFont(font)
        self.view.update_gutter_width()
        self.changed.emit()

    def fit(self) -> None:
        self.set_zoom(1.0)

    def fitted(self) -> bool:
        return abs(self._zoom - 1.0) < 1e-9
