"""The base of the evidence panel's viewers: a `Viewer` shows one kind of content, so the
panel drives pages, zoom and fit the same way whatever the kind and listens to `changed` to
keep its bottom bar true."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

ZOOM_STEP = 1.25
MIN_ZOOM = 0.1
MAX_ZOOM = 8.0


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
