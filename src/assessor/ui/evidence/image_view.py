"""The evidence panel's image viewer. The image arrives already decoded, from a worker
thread."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPalette, QPixmap, QResizeEvent, QTransform
from PySide6.QtWidgets import QFrame, QGraphicsScene, QGraphicsView, QWidget

from assessor.ui.evidence.viewer_base import Viewer


def _tr(text: str) -> str:
    return QCoreApplication.translate("EvidenceViewers", text)


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
