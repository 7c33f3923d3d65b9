"""The criteria of the rubric panel: a criterion's card (its line; when current, its levels,
points and comment), the level tiles in it, and the comment boxes that become read-only text
on a sheet that cannot change."""

from __future__ import annotations

import html

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from assessor.domain.numbers import fmt
from assessor.domain.rubric import Criterion, Level
from assessor.domain.scoring import selected_points
from assessor.ui import theme
from assessor.ui.scoring.sheet import ScoreSheet


def _tr(text: str) -> str:
    return QCoreApplication.translate("RubricPanel", text)


def points_text(level: Level) -> str:
    span = level.span_text()
    return _tr("{0} pts").format(span) if span != "1" else _tr("1 pt")


def _escape(text: str) -> str:
    return html.escape(text, quote=False)  # rubric text in rich-text labels


def show_editor(
    editor: QPlainTextEdit,
    label: QLabel,
    text: str,
    refused: str,
    labels: tuple[str, str],
    placeholder: str = "",
) -> None:
    """A comment box to write in; or, when the sheet cannot change (`refused` says why), the
    comment as it was written, or nothing at all: no empty box, no placeholder."""
    editor.setReadOnly(bool(refused))
    editor.setPlaceholderText("" if refused else placeholder)
    editor.setToolTip(refused)
    editor.setAccessibleDescription(refused)
    label.setText(labels[1] if refused else labels[0])
    shown = not refused or bool(text)
    editor.setVisible(shown)
    label.setVisible(shown)


def set_text(editor: QPlainTextEdit, text: str) -> None:
    """Show the sheet's text without it counting as the person's edit."""
    if editor.toPlainText() != text:
        editor.blockSignals(True)
        editor.setPlainText(text)
        editor.blockSignals(False)


class LevelTile(QFrame):
    """One level: key, title, points, full descriptor. Click or press its number.

    A tile that cannot be chosen (a signed sheet, a person the policy does not let score) is
    inert but drawn as readable as any text: never greyed out like a disabled widget."""

    clicked = Signal()

    def __init__(self, key: int, level: Level, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.level = level
        self.refused = ""  # why it cannot be chosen ("" when it can)
        self.setObjectName("levelTile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAccessibleName(
            _tr("Level {0}: {1}, {2}").format(key, level.title, points_text(level))
        )
        self.setAccessibleDescription(level.descriptor)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(2)
        top = QHBoxLayout()
        self.title = QLabel(f"<b>[{key}]</b> {_escape(level.title)}")
        self.title.setWordWrap(True)
        top.addWidget(self.title, 1)
        top.addWidget(QLabel(points_text(level)), 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.descriptor: QLabel | None = None
        if level.descriptor:
            self.descriptor = QLabel(level.descriptor)
            self.descriptor.setWordWrap(True)
            self.descriptor.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(self.descriptor)
        self.chosen = False
        self.set_chosen(False)

    def set_chosen(self, chosen: bool) -> None:
        self.chosen = chosen
        border = theme.ACCENT.name()
        # From the application's palette: the tile's own already carries this background.
        background = theme.chosen_background().name()
        self.setStyleSheet(
            f"#levelTile {{ background: {background};"
            f" border: 2px solid {border}; border-radius: 4px; }}"
            if chosen
            else "#levelTile { border-radius: 4px; }"
        )
        mark = "● " if chosen else ""
        name = self.accessibleName().removeprefix("● ")
        self.setAccessibleName(mark + name)

    def set_refused(self, reason: str) -> None:
        """`reason` why this level cannot be chosen ("": it can)."""
        self.refused = reason
        self.setCursor(Qt.CursorShape.ArrowCursor if reason else Qt.CursorShape.PointingHandCursor)
        self.setToolTip(reason)
        described = [self.level.descriptor, reason]
        self.setAccessibleDescription(" ".join(d for d in described if d))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mousePressEvent(event)


class CriterionCard(QFrame):
    """A criterion's line; when current, also its levels, points and comment."""

    def __init__(self, number: int, criterion: Criterion, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.number = number
        self.criterion = criterion
        self.setObjectName("criterionCard")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        layout.addWidget(self.header)
        self.note = QLabel()  # the comment, shown when the card is closed
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setIndent(18)
        layout.addWidget(self.note)

        self.details = QWidget()
        grid = QGridLayout(self.details)
        grid.setContentsMargins(18, 2, 0, 2)
        first = 0
        if criterion.description:
            about = QLabel(criterion.description)
            about.setWordWrap(True)
            about.setTextFormat(Qt.TextFormat.PlainText)
            grid.addWidget(about, 0, 0, 1, 2)
            first = 1
        self.tiles = [LevelTile(n + 1, lv) for n, lv in enumerate(criterion.levels)]
        for n, tile in enumerate(self.tiles):
            grid.addWidget(tile, first + n // 2, n % 2)
        row = first + (len(self.tiles) + 1) // 2
        self.points = QDoubleSpinBox()
        self.points.setDecimals(2)
        self.points.setAccessibleName(_tr("Points within the level"))
        self.points_label = QLabel(_tr("&Points within the level:"))
        self.points_label.setBuddy(self.points)
        grid.addWidget(self.points_label, row, 0)
        grid.addWidget(self.points, row, 1)
        self.comment_label = QLabel(_tr("Comment (C):"))
        comment_label = self.comment_label
        self.comment = QPlainTextEdit()
        self.comment.setTabChangesFocus(True)
        self.comment.setAccessibleName(_tr("Comment on {0}").format(criterion.title))
        self.comment.setFixedHeight(self.comment.fontMetrics().lineSpacing() * 3 + 12)
        comment_label.setBuddy(self.comment)
        grid.addWidget(comment_label, row + 1, 0, 1, 2)
        grid.addWidget(self.comment, row + 2, 0, 1, 2)
        layout.addWidget(self.details)
        self.details.hide()

    def _worth(self) -> str:
        """'up to 2 pts', with the weight when it is not 1."""
        c = self.criterion
        best = c.levels[-1].top
        top = _tr("up to 1 pt") if best == 1 else _tr("up to {0} pts").format(fmt(best))
        if c.weight == 1:
            return top
        return _tr("weight {0} · {1}").format(fmt(c.weight), top)

    def show_state(
        self, sheet: ScoreSheet, current: bool, typing: bool = False, refused: str = ""
    ) -> None:
        """`typing`: the comment field holds text not yet handed to the sheet; keep it.
        `refused`: why the sheet cannot be changed ("" when it can)."""
        c = self.criterion
        level_id = sheet.level_of(c.id)
        chosen = c.level(level_id) if level_id else None
        marker = "▶" if current else "&nbsp;&nbsp;"
        critical = ""
        if c.minimum_level:
            red = theme.text_colour("red", self.palette())
            critical = (
                f" <span style='color:{red.name()}'><b>"
                + _tr("CRITICAL ≥ {0}").format(_escape(c.level(c.minimum_level).title))
                + "</b></span>"
            )
        if chosen is not None:
            selection = sheet.selections[c.id]
            pts = fmt(selected_points(chosen, selection))
            state = f"● {_escape(chosen.title)} ({pts})"
        else:
            state = "○ —"
        self.header.setText(
            f"<table width='100%'><tr><td>{marker} <b>{self.number}</b> {_escape(c.title)}"
            f"{critical}</td><td align='right' style='white-space:nowrap'>"
            + self._worth()
            + f"&nbsp;&nbsp;&nbsp;{state}</td></tr></table>"
        )
        self.setAccessibleName(
            _tr("Criterion {0}: {1}, {2}").format(
                self.number, c.title, chosen.title if chosen else _tr("no level yet")
            )
        )
        for tile in self.tiles:
            tile.set_chosen(chosen is not None and tile.level.id == chosen.id)
            tile.set_refused(refused)
        ranged = chosen is not None and chosen.is_range
        self.points.setVisible(ranged)
        self.points_label.setVisible(ranged)
        self.points.setReadOnly(bool(refused))
        self.points.setButtonSymbols(
            QAbstractSpinBox.ButtonSymbols.NoButtons
            if refused
            else QAbstractSpinBox.ButtonSymbols.UpDownArrows
        )
        self.points.setToolTip(refused)
        if ranged and chosen is not None:
            self.points.blockSignals(True)
            self.points.setRange(float(chosen.points), float(chosen.top))
            value = sheet.selections[c.id].points
            self.points.setValue(float(value if value is not None else chosen.points))
            self.points.blockSignals(False)
        text = sheet.comments.get(c.id, "")
        if not typing and not self.comment.hasFocus():
            set_text(self.comment, text)
        show_editor(
            self.comment,
            self.comment_label,
            text,
            refused,
            (_tr("Comment (C):"), _tr("Comment:")),
            _tr("What the learner should know about this criterion"),
        )
        self.note.setText(_tr("Comment: {0}").format(text) if text and not current else "")
        self.note.setVisible(bool(text) and not current)
        self.details.setVisible(current)
