"""What the evidence panel puts around its viewer: a frame that shows where the keyboard is,
and the bar with the page and the zoom of what the viewer shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from assessor.ui.evidence.viewers import Viewer


def _tr(text: str) -> str:
    return QCoreApplication.translate("EvidencePanel", text)


class FocusFrame(QFrame):
    """Frames the viewer, in the accent colour while the keyboard is in it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setContentsMargins(2, 2, 2, 2)

    def watch(self, widget: QWidget) -> None:
        """Repaint when `widget` gains or loses the focus. (Not QApplication.focusChanged: a
        connection from the application outlives the panel in PySide.)"""
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
            self.update()
        return False

    def paintEvent(self, event: QPaintEvent) -> None:
        focus = QApplication.focusWidget()
        inside = focus is not None and self.isAncestorOf(focus)
        role = QPalette.ColorRole.Highlight if inside else QPalette.ColorRole.Mid
        painter = QPainter(self)
        pen = painter.pen()
        pen.setColor(self.palette().color(role))
        width = 2 if inside else 1
        pen.setWidth(width)
        painter.setPen(pen)
        painter.drawRect(self.rect().adjusted(width // 2, width // 2, -1, -1))
        painter.end()


def tool_button(
    parent: QWidget, text: str, name: str, tip: str, slot: Callable[[], None]
) -> QToolButton:
    button = QToolButton(parent)
    button.setText(text)
    button.setAccessibleName(name)
    button.setToolTip(tip)
    button.setAutoRaise(True)
    button.clicked.connect(slot)
    return button


class BarControls(Protocol):
    """What the bar's buttons do: the panel's methods of the same names."""

    def previous_page(self) -> None: ...
    def next_page(self) -> None: ...
    def zoom_out(self) -> None: ...
    def zoom_in(self) -> None: ...
    def fit(self) -> None: ...


class EvidenceBar(QWidget):
    """Under the viewer: its page and zoom, with the buttons that move them."""

    def __init__(self, controls: BarControls, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._previous = tool_button(
            self,
            _tr("◂ PgUp"),
            _tr("Previous page"),
            _tr("Previous page (PgUp)"),
            controls.previous_page,
        )
        self._page_label = QLabel(self)
        self._next = tool_button(
            self, _tr("PgDn ▸"), _tr("Next page"), _tr("Next page (PgDn)"), controls.next_page
        )
        self._smaller = tool_button(
            self, "−", _tr("Zoom out"), _tr("Zoom out (-)"), controls.zoom_out
        )
        self._zoom_label = QLabel(self)
        self._zoom_label.setMinimumWidth(self._zoom_label.fontMetrics().horizontalAdvance("800 %"))
        self._zoom_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._larger = tool_button(self, "+", _tr("Zoom in"), _tr("Zoom in (+)"), controls.zoom_in)
        self._fit = tool_button(
            self, _tr("Fit"), _tr("Fit"), _tr("Fit to the panel (0)"), controls.fit
        )
        self._fit.setCheckable(True)
        bar = QHBoxLayout(self)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(2)
        for part in (self._previous, self._page_label, self._next):
            bar.addWidget(part)
        bar.addSpacing(12)
        for part in (self._smaller, self._zoom_label, self._larger, self._fit):
            bar.addWidget(part)
        bar.addStretch(1)
        # As tall when its controls are hidden (loading, details): the viewer does not jump.
        self.setFixedHeight(self.sizeHint().height())

    def show_viewer(self, viewer: Viewer | None) -> None:
        """Show the page and the zoom of `viewer`; hide what it does not have."""
        paged = viewer is not None and viewer.has_pages and viewer.page_count() > 0
        for widget in (self._previous, self._page_label, self._next):
            widget.setVisible(paged)
        if viewer is not None and paged:
            page, count = viewer.page(), viewer.page_count()
            self._page_label.setText(_tr("page {n} / {count}").format(n=page + 1, count=count))
            self._previous.setEnabled(page > 0)
            self._next.setEnabled(page < count - 1)
        for widget in (self._smaller, self._zoom_label, self._larger, self._fit):
            widget.setVisible(viewer is not None)
        if viewer is not None:
            zoom = viewer.zoom()
            self._zoom_label.setText(f"{round(zoom * 100)} %")
            self._zoom_label.setAccessibleName(
                _tr("Zoom {percent} %").format(percent=round(zoom * 100))
            )
            self._smaller.setEnabled(zoom > viewer.min_zoom + 1e-9)
            self._larger.setEnabled(zoom < viewer.max_zoom - 1e-9)
            self._fit.setChecked(viewer.fitted())
