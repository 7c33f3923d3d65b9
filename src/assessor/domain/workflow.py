"""Workflow states of submissions and evaluations, and the moves between them."""

from __future__ import annotations

from enum import StrEnum


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
