"""The page in the queue's place for a person the policy does not let score (a manager, a
proctor): what scoring needs, why this profile cannot, and that their own desk comes later.

Nothing on it writes. A scoring key pressed here says why it does nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from assessor.domain.policy import Decision
from assessor.services.profiles import ProfileInfo
from assessor.ui.permissions import sentence
from assessor.ui.scoring.acts import act_of_key


def _tr(text: str) -> str:
    return QCoreApplication.translate("RolePage", text)


# What each role's own desk will do; it comes with a later release.
_DESKS = {
    "manager": (
        "The manager's desk, where you sign off finalized results, comes in a later release."
    ),
    "proctor": (
        "The proctor's desk, where you run exam sessions (check-in, incidents, outcomes),"
        " comes in a later release."
    ),
}


def _label(text: str, *, size: float = 1.0, bold: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)  # a profile's name is not markup
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    font = QFont(label.font())
    font.setBold(bold)
    if size != 1.0 and font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * size)
    label.setFont(font)
    return label


class RolePage(QWidget):
    """`scoring` is the policy's answer to "may this profile score?" (a refusal)."""

    refused = Signal(str)  # a scoring key was pressed: why it does nothing
    rubrics_requested = Signal()

    def __init__(
        self, profile: ProfileInfo, scoring: Decision, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.scoring = scoring
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # so its keys reach it
        roles = ", ".join(profile.roles)
        self.heading = _label(_tr("Scoring is for assessors"), size=1.5, bold=True)
        self.who = _label(
            _tr("You unlocked {0} ({1}). {2}").format(profile.name, roles, sentence(scoring.reason))
        )
        desks = [_tr(_DESKS[r]) for r in profile.roles if r in _DESKS]
        self.later = _label(" ".join(desks))
        self.later.setVisible(bool(desks))
        self.meanwhile = _label(
            _tr(
                "Until then you can read the rubric library (Ctrl+2). To score, quit (Ctrl+Q)"
                " and unlock a profile that has the assessor role."
            )
        )
        self.rubrics = QPushButton(_tr("Open the rubric library"))
        self.rubrics.clicked.connect(self.rubrics_requested)
        column = QWidget()
        # A readable measure (about 75 characters), whatever the window's width.
        column.setFixedWidth(self.fontMetrics().averageCharWidth() * 75)
        inner = QVBoxLayout(column)
        inner.setSpacing(12)
        for widget in (self.heading, self.who, self.later, self.meanwhile):
            inner.addWidget(widget)
        inner.addWidget(self.rubrics, 0, Qt.AlignmentFlag.AlignLeft)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(column)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        text = " ".join(w.text() for w in (self.heading, self.who, self.later, self.meanwhile))
        self.setAccessibleName(_tr("Scoring is for assessors"))
        self.setAccessibleDescription(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if act_of_key(event) is not None:
            self.refused.emit(_tr("Scoring keys do nothing here: {0}.").format(self.scoring.reason))
            event.accept()
            return
        super().keyPressEvent(event)
