"""Signing what the screen shows: the sheet as shown, which `services.finalize.finalize`
compares with the saved draft in the transaction that signs it."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from assessor.domain.scoring import selected_points
from assessor.services.finalize import Finalized, Sheet
from assessor.services.scoring import EvaluationView
from assessor.ui.scoring.sheet import ScoreSheet


def _tr(text: str) -> str:
    return QCoreApplication.translate("ScoringWorkspace", text)


Shown = Sheet


def shown(sheet: ScoreSheet) -> Shown:
    """What the screen shows: level, points and comment per criterion, and the overall one."""
    criteria = {}
    for c in sheet.rubric.criteria:
        chosen = sheet.selections.get(c.id)
        level = chosen.level_id if chosen else None
        points = None
        if chosen is not None and level is not None:
            points = selected_points(c.level(level), chosen)
        criteria[c.id] = (level, points, sheet.comments.get(c.id, ""))
    return criteria, sheet.overall


def with_record(view: EvaluationView, done: Finalized) -> EvaluationView:
    """`view` once `done` signed it: finalized, with its record."""
    return replace(view, record=(done.record_id, done.digest), status="finalized")


def confirm_box(parent: QWidget, title: str, text: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # learner names are not markup
    sign = box.addButton(_tr("Finalize && sign"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(sign)
    box.exec()
    return box.clickedButton() is sign
