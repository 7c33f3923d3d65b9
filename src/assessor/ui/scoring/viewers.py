"""What the evidence panel shows: a viewer for a PDF, an image or a text, or a page (loading,
cannot show, what a file is and why it is not shown).

Each viewer is a `Viewer`, so the panel drives pages, zoom and fit the same way whatever the
kind and listens to `changed` to keep its bottom bar true. Content arrives already read
(images and text already decoded) from a worker thread: nothing here reads a file.
"""

from __future__ import annotations

import codecs

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QPointF,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QFont,
    QGuiApplication,
    QImage,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
    QResizeEvent,
    QTransform,
)
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGraphicsScene,
    QGraphicsView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from assessor.services.workspace import ArtifactInfo
from assessor.ui import theme

ZOOM_STEP = 1.25
MIN_ZOOM = 0.1
MAX_ZOOM = 8.0
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


class Viewer(QWidget):
    """Shows one kind of content. The defaults suit content without pages or zoom."""

    changed = Signal()  # the page or the zoom moved
    has_pages = False
    min_zoom = MIN_ZOOM
    max_zoom = MAX_ZOOM

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def page(self) -> int:
        return 0

    def page_count(self) -> int:
        return 0

    def next_page(self) -> None:
        return None

    def previous_page(self) -> None:
        return None

    def zoom(self) -> float:
        return 1.0

    def set_zoom(self, zoom: float) -> None:
        return None

    def zoom_in(self) -> None:
        self.set_zoom(min(self.max_zoom, self.zoom() * ZOOM_STEP))

    def zoom_out(self) -> None:
        self.set_zoom(max(min(self.min_zoom, self.zoom()), self.zoom() / ZOOM_STEP))

    def fit(self) -> None:
        return None

    def fitted(self) -> bool:
        return True

    def clear(self) -> None:
        return None


_PDF_ERRORS = {
    QPdfDocument.Error.DataNotYetAvailable: "the PDF is incomplete",
    QPdfDocument.Error.InvalidFileFormat: "it is not a valid PDF",
    QPdfDocument.Error.IncorrectPassword: "the PDF is protected by a password",
    QPdfDocument.Error.UnsupportedSecurityScheme: "the PDF is protected in a way Assessor "
    "cannot open",
}


class PdfViewer(Viewer):
    """One page at a time, fitted to the width until the person zooms."""

    opened = Signal(object)  # None once the document shows, else why it cannot (str)
    has_pages = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document = QPdfDocument(self)
        self._buffer: QBuffer | None = None  # the document reads from it while it is open
        self._waiting = False
        self.view = QPdfView(self)
        self.view.setAccessibleName(_tr("PDF page"))
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.view.setPageMode(QPdfView.PageMode.SinglePage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        self.view.setFrameShape(QFrame.Shape.NoFrame)  # the panel frames it
        self._layout.addWidget(self.view)
        self.document.statusChanged.connect(self._status)
        self.view.pageNavigator().currentPageChanged.connect(self.changed)
        self.view.zoomFactorChanged.connect(self.changed)
        self.view.zoomModeChanged.connect(self.changed)

    def load(self, data: bytes) -> None:
        """Open `data`; `opened` tells when it shows, or why it cannot."""
        self.clear()
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(data))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self._waiting = True
        # From a buffer with every byte in it, loading finishes inside load(); the signal
        # also covers a QtPdf that finishes later.
        self.document.load(self._buffer)

    def _status(self, status: QPdfDocument.Status) -> None:
        if not self._waiting or status == QPdfDocument.Status.Loading:
            return
        if status == QPdfDocument.Status.Ready:
            self._waiting = False
            self.view.pageNavigator().clear()  # a new document starts at its first page
            self.opened.emit(None)
            self.changed.emit()
        elif status == QPdfDocument.Status.Error:
            reason = _PDF_ERRORS.get(self.document.error(), "the PDF could not be read")
            self.clear()
            self.opened.emit(_tr(reason))

    def clear(self) -> None:
        self._waiting = False
        self.document.close()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.deleteLater()
            self._buffer = None

    def page(self) -> int:
        return self.view.pageNavigator().currentPage() if self.page_count() else 0

    def page_count(self) -> int:
        ready = self.document.status() == QPdfDocument.Status.Ready
        return self.document.pageCount() if ready else 0

    def _go(self, page: int) -> None:
        # The navigator takes any number, even past the last page: keep it in range here.
        page = max(0, min(page, self.page_count() - 1))
        if self.page_count() and page != self.page():
            self.view.pageNavigator().jump(page, QPointF(0, 0))

    def next_page(self) -> None:
        self._go(self.page() + 1)

    def previous_page(self) -> None:
        self._go(self.page() - 1)

    def zoom(self) -> float:
        if self.view.zoomMode() == QPdfView.ZoomMode.Custom:
            return float(self.view.zoomFactor())
        # Fitted: the factor QPdfView works out for itself (it does not report it).
        points = self.document.pagePointSize(self.page()).width() if self.page_count() else 0
        if points <= 0:
            return 1.0
        screen = QGuiApplication.primaryScreen()
        per_point = screen.logicalDotsPerInch() / 72 if screen is not None else 1.0
        margins = self.view.documentMargins()
        usable = self.view.viewport().width() - margins.left() - margins.right()
        return max(0.01, usable / (points * per_point))

    def set_zoom(self, zoom: float) -> None:
        self.view.setZoomFactor(max(self.min_zoom, min(self.max_zoom, zoom)))
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)

    def fit(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    def fitted(self) -> bool:
        return self.view.zoomMode() != QPdfView.ZoomMode.Custom

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.fitted():
            self.changed.emit()  # the fitted zoom follows the width


class _ImageView(QGraphicsView):
    resized = Signal()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resized.emit()


class ImageViewer(Viewer):
    """The whole image fitted in the panel (never enlarged), until the person zooms."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scene = QGraphicsScene(self)
        # Made by the scene, so the scene alone owns and deletes it.
        self._item = self._scene.addPixmap(QPixmap())
        self._item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.view = _ImageView(self._scene, self)
        self.view.setAccessibleName(_tr("Image"))
        self.view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.view.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        self.view.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.view.viewport().setBackgroundRole(QPalette.ColorRole.Dark)  # as the PDF view
        self.view.setFrameShape(QFrame.Shape.NoFrame)
        self._layout.addWidget(self.view)
        self._scale = 1.0
        self._fitted = True
        self.view.resized.connect(self._refit)

    def show_image(self, image: QImage) -> None:
        self._item.setPixmap(QPixmap.fromImage(image))
        self._scene.setSceneRect(self._item.boundingRect())
        self.fit()

    def image_size(self) -> QSize:
        return self._item.pixmap().size()

    def clear(self) -> None:
        self._item.setPixmap(QPixmap())

    def _fit_scale(self) -> float:
        size, room = self.image_size(), self.view.viewport().size()
        if size.isEmpty() or room.isEmpty():
            return 1.0
        return max(
            0.01, min(1.0, (room.width() - 4) / size.width(), (room.height() - 4) / size.height())
        )

    def _apply(self, scale: float) -> None:
        self._scale = scale
        self.view.setTransform(QTransform.fromScale(scale, scale))
        self.changed.emit()

    def _refit(self) -> None:
        if self._fitted and abs(self._fit_scale() - self._scale) > 1e-6:
            self._apply(self._fit_scale())

    def zoom(self) -> float:
        return self._scale

    def set_zoom(self, zoom: float) -> None:
        self._fitted = False
        self._apply(max(min(self.min_zoom, self._fit_scale()), min(self.max_zoom, zoom)))

    def fit(self) -> None:
        self._fitted = True
        self._apply(self._fit_scale())

    def fitted(self) -> bool:
        return self._fitted


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


def _label(parent: QWidget, *, bold: bool = False, selectable: bool = False) -> QLabel:
    label = QLabel(parent)
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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.addStretch(1)
        for widget in (self.title, self.body, self.hint):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(widget)
        layout.addWidget(self.retry, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(2)

    def _set(self, title: str, body: str = "", hint: str = "", *, retry: bool = False) -> None:
        for label, text in ((self.title, title), (self.body, body), (self.hint, hint)):
            label.setText(text)
            label.setVisible(bool(text))
        self.retry.setVisible(retry)
        self.setAccessibleName(" ".join(t for t in (title, body, hint) if t))

    def show_loading(self, text: str) -> None:
        self._set(text)

    def show_text(self, title: str, body: str) -> None:
        self._set(title, body)

    def show_error(self, name: str, words: str, hint: str) -> None:
        self._set(name, f"⚠ {words}", hint, retry=True)


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
