"""Signing what the screen shows: the sheet as shown, and the check on the serial lane that the
saved draft is exactly that before the record is signed."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from assessor.domain.errors import DomainError
from assessor.services.finalize import Finalized, finalize
from assessor.services.profiles import Signer
from assessor.services.scoring import EvaluationView, evaluation_for
from assessor.ui.scoring.sheet import ScoreSheet


def _tr(text: str) -> str:
    return QCoreApplication.translate("ScoringWorkspace", text)


Shown = tuple[dict[str, tuple[str | None, Decimal | None, str]], str]


def shown(sheet: ScoreSheet) -> Shown:
    """What the screen shows: level, points and comment per criterion, and the overall one."""
    criteria = {}
    for c in sheet.rubric.criteria:
        chosen = sheet.selections.get(c.id)
        level = chosen.level_id if chosen else None
        points = None
        if chosen is not None and level is not None:
            points = chosen.points if chosen.points is not None else c.level(level).points
        criteria[c.id] = (level, points, sheet.comments.get(c.id, ""))
    return criteria, sheet.overall


def finalize_as_shown(db: Any, submission_id: str, signer: Signer, expected: Shown) -> Finalized:
    """Sign only if the saved draft is what the person saw (runs on the serial lane, after
    every queued save): a save that failed must not let something else be signed."""
    view = evaluation_for(db, submission_id, signer.profile.id)
    saved = {c.id: (c.level_id, c.points, c.comment) for c in view.criteria}
    if (saved, view.overall_comment) != expected:
        raise DomainError(
            "what is saved differs from what the screen shows, so nothing was signed;"
            " check the scores and try again"
        )
    return finalize(db, submission_id, signer)


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
