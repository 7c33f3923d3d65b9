"""Workflow states of submissions and evaluations, and the moves between them."""

from __future__ import annotations

from enum import StrEnum

from assessor.domain.errors import NotAllowed


class SubmissionStatus(StrEnum):
    TO_SCORE = "to_score"
    IN_PROGRESS = "in_progress"
    FINALIZED = "finalized"


class EvaluationStatus(StrEnum):
    DRAFT = "draft"
    FINALIZED = "finalized"


# Words for people; the same word for a state everywhere (UI.md).
STATUS_WORDS = {
    SubmissionStatus.TO_SCORE: "To score",
    SubmissionStatus.IN_PROGRESS: "Draft",
    SubmissionStatus.FINALIZED: "Finalized & signed",
}


def require_draft(status: EvaluationStatus) -> None:
    """A finalized evaluation never changes; a correction is a new evaluation."""
    if status is not EvaluationStatus.DRAFT:
        raise NotAllowed(
            "this evaluation is finalized and cannot change; make a correction instead"
        )
