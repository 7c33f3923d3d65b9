"""A one-line label that never widens its window: the text is elided to the width the layout
gives it, and the whole text is in its tooltip (and in `text()`)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class ElidedLabel(QLabel):
    def __init__(
        self,
        text: str = "",
        parent: QWidget | None = None,
        *,
        mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight,
        tip: str = "",
        keep: int = 6,
    ) -> None:
        """`tip`: a tooltip that says it all (then the whole text is not added to it).
        `keep`: about how many characters stay in view when room is short."""
        super().__init__(parent)
        self._keep = keep
        self._full = ""
        self._tip = tip
        self._tip_is_whole = bool(tip)
        self._mode = mode
        self.setTextFormat(Qt.TextFormat.PlainText)  # names, paths and errors are not markup
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setText(text)

    def setText(self, text: str) -> None:
        self._full = " ".join(text.split()) if "\n" in text else text  # one line
        self._show()
        self.updateGeometry()

    def set_tip(self, tip: str) -> None:
        """Extra words for the tooltip, after the whole text when it does not fit."""
        self._tip = tip
        self._show()

    def text(self) -> str:
        """The whole text (what the label says; `shown_text` is what fits)."""
        return self._full

    def shown_text(self) -> str:
        return super().text()

    def elided(self) -> bool:
        return self.shown_text() != self._full

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        margins = self.contentsMargins()
        wanted = self.fontMetrics().horizontalAdvance(self._full) + margins.left() + margins.right()
        return QSize(wanted + 2, hint.height())

    def minimumSizeHint(self) -> QSize:
        # A few characters at most: the layout may shrink it, never the window grow for it.
        hint = super().minimumSizeHint()
        keep = self.fontMetrics().averageCharWidth() * self._keep
        return QSize(min(keep, self.sizeHint().width()), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._show()

    def _show(self) -> None:
        width = max(0, self.contentsRect().width())
        shown = self.fontMetrics().elidedText(self._full, self._mode, width)
        QLabel.setText(self, shown)
        tips = [self._full] if shown != self._full and not self._tip_is_whole else []
        if self._tip:
            tips.append(self._tip)
        self.setToolTip("\n\n".join(tips))
