"""The rubric side of the workspace: criteria with their levels, the current one opened.

The panel is a view of a ScoreSheet: it reads the sheet and asks it for changes; it never
saves anything itself. ↑/↓, Tab and Shift+Tab move between criteria while it has focus; the
workspace binds the other keys.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from assessor.domain.rubric import Criterion
from assessor.ui import theme
from assessor.ui.scoring.criterion_card import CriterionCard, set_text, show_editor
from assessor.ui.scoring.sheet import ScoreSheet

COMMENT_DELAY_MS = 600  # typing pauses this long → the comment is saved


def _tr(text: str) -> str:
    return QCoreApplication.translate("RubricPanel", text)


class RubricPanel(QScrollArea):
    """Focusable list of criterion cards. `read_only`: why the sheet cannot change ("" when
    it can); a click on a level then emits `refused`, and changes nothing."""

    current_changed = Signal(int)
    refused = Signal()  # a level was clicked on a sheet that cannot change

    def __init__(
        self, sheet: ScoreSheet, read_only: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.sheet = sheet
        self.read_only = read_only
        self.setWidgetResizable(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(_tr("Rubric"))
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        body.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)
        self.cards = [CriterionCard(n + 1, c) for n, c in enumerate(sheet.rubric.criteria)]
        self._timers: dict[str, QTimer] = {}
        for card in self.cards:
            layout.addWidget(card)
            self._wire(card)
        self.overall_label = QLabel(_tr("Overall comment (O):"))
        self.overall = QPlainTextEdit(sheet.overall)
        self.overall.setTabChangesFocus(True)
        self.overall.setAccessibleName(_tr("Overall comment"))
        self.overall.setFixedHeight(self.overall.fontMetrics().lineSpacing() * 3 + 12)
        self.overall_label.setBuddy(self.overall)
        layout.addSpacing(8)
        layout.addWidget(self.overall_label)
        layout.addWidget(self.overall)
        layout.addStretch(1)
        self.setWidget(body)
        self._debounced(self.overall, "", lambda: sheet.set_overall(self.overall.toPlainText()))
        self.current = 0
        sheet.changed.connect(self.refresh)
        self.refresh()

    # -- moving -----------------------------------------------------------------------

    def set_current(self, index: int) -> None:
        index = max(0, min(index, len(self.cards) - 1))
        if index == self.current:
            return
        self.flush()
        self.current = index
        self.refresh()
        QTimer.singleShot(0, lambda: self.ensureWidgetVisible(self.cards[self.current], 0, 40))
        self.current_changed.emit(index)

    def step(self, step: int) -> None:
        self.set_current(self.current + step)

    def current_criterion(self) -> Criterion:
        return self.cards[self.current].criterion

    def set_read_only(self, reason: str) -> None:
        """The sheet can no longer change (signed): say why, draw it to be read."""
        self.read_only = reason
        self.refresh()

    def choose(self, key: int) -> bool:
        """Key `key` (1-based) picks that level of the current criterion."""
        card = self.cards[self.current]
        if not 1 <= key <= len(card.tiles) or not self.sheet.editable or self.read_only:
            return False
        self.flush()  # typed text first, so the saves keep the order of the person's acts
        self.sheet.choose_level(card.criterion.id, card.tiles[key - 1].level.id)
        return True

    def edit_comment(self) -> None:
        self.cards[self.current].comment.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def edit_overall(self) -> None:
        self.ensureWidgetVisible(self.overall)
        self.overall.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def editing_text(self) -> bool:
        editors = [c.comment for c in self.cards] + [self.overall]
        return any(e.hasFocus() for e in editors)

    def flush(self) -> None:
        """Save any comment typed but not yet saved (before moving on, finalizing, closing)."""
        for timer in self._timers.values():
            if timer.isActive():
                timer.stop()
                timer.timeout.emit()

    # -- keys -------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Down:
            self.step(1)
        elif key == Qt.Key.Key_Up:
            self.step(-1)
        else:
            super().keyPressEvent(event)

    def focusNextPrevChild(self, forward: bool) -> bool:
        # Tab / Shift+Tab move between criteria while the rubric has focus.
        last = len(self.cards) - 1
        if self.hasFocus() and (self.current < last if forward else self.current > 0):
            self.step(1 if forward else -1)
            return True
        return super().focusNextPrevChild(forward)  # past the ends: on to the next control

    def focusInEvent(self, event: QFocusEvent) -> None:
        self._show_focus(True)
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._show_focus(False)
        super().focusOutEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Esc leaves a comment field, back to the criteria.
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
        ):
            self.flush()
            self.setFocus(Qt.FocusReason.ShortcutFocusReason)
            return True
        return super().eventFilter(watched, event)

    # -- internals --------------------------------------------------------------------

    def _show_focus(self, focused: bool) -> None:
        colour = theme.ACCENT.name() if focused else "transparent"
        self.setStyleSheet(f"RubricPanel {{ border: 2px solid {colour}; }}")

    def _wire(self, card: CriterionCard) -> None:
        cid = card.criterion.id
        for n, tile in enumerate(card.tiles):
            tile.clicked.connect(lambda n=n, card=card: self._clicked(card, n))
        card.points.valueChanged.connect(
            lambda value, cid=cid: self.sheet.set_points(cid, Decimal(str(round(value, 2))))
        )
        self._debounced(
            card.comment, cid, lambda: self.sheet.set_comment(cid, card.comment.toPlainText())
        )

    def _debounced(self, editor: QPlainTextEdit, name: str, save: Callable[[], None]) -> None:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(COMMENT_DELAY_MS)
        timer.timeout.connect(save)
        self._timers[name] = timer
        editor.textChanged.connect(timer.start)
        editor.textChanged.connect(lambda: self.sheet.typing(name, True))
        timer.timeout.connect(lambda: self.sheet.typing(name, False))
        editor.installEventFilter(self)

    def _clicked(self, card: CriterionCard, n: int) -> None:
        self.set_current(self.cards.index(card))
        if self.read_only:
            self.refused.emit()
        else:
            self.choose(n + 1)
        self.setFocus(Qt.FocusReason.MouseFocusReason)

    def refresh(self, _criterion: str = "") -> None:
        for n, card in enumerate(self.cards):
            typing = self._timers[card.criterion.id].isActive()
            card.show_state(self.sheet, n == self.current, typing, self.read_only)
        if not self._timers[""].isActive() and not self.overall.hasFocus():
            set_text(self.overall, self.sheet.overall)
        show_editor(
            self.overall,
            self.overall_label,
            self.sheet.overall,
            self.read_only,
            (_tr("Overall comment (O):"), _tr("Overall comment:")),
        )
