"""The top line of a screen opened from a list (a submission, a sign-off, an exam session):
its title, bold and elided to the room there is, and the button back to the list."""

from __future__ import annotations

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QHBoxLayout, QPushButton

from assessor.ui.elided import ElidedLabel


def heading(title: str, back: str, back_to: SignalInstance) -> tuple[ElidedLabel, QHBoxLayout]:
    """The title label (for the screen to set as it opens things) and the line holding it
    and a button `back` that emits `back_to`."""
    label = ElidedLabel(title)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    button = QPushButton(back)
    button.clicked.connect(back_to)
    line = QHBoxLayout()
    line.addWidget(label, 1)
    line.addWidget(button)
    return label, line
