"""The evidence panel's PDF viewer. The document is read from bytes already in memory: nothing
here reads a file."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QCoreApplication, QIODevice, QPointF, Qt, Signal
from PySide6.QtGui import QGuiApplication, QResizeEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QFrame, QWidget

from assessor.ui.evidence.viewer_base import Viewer


def _tr(text: str) -> str:
    return QCoreApplication.translate("EvidenceViewers", text)


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
