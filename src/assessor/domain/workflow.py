"""Workflow states of submissions and evaluations, and the moves between them."""

from __future__ import annotations

from enum import StrEnum


class SubmissionStatus(StrEnum):
    TO_SCORE = "to_score"
    IN_PROGRESS = "in_progress"
    FINALIZED = "finalized"
    RETURNED = "returned"  # a manager sent it back to the assessor for rescoring
    RESUBMIT = "resubmit"  # a manager sent it back to the learner: awaiting resubmission
    SIGNED_OFF = "signed_off"  # a manager approved the signed evaluation


class EvaluationStatus(StrEnum):
    DRAFT = "draft"
    FINALIZED = "finalized"


# A signed evaluation stands for the submission: its scores change only by a correction.
SIGNED_STATUSES = frozenset(
    {
        SubmissionStatus.FINALIZED,
        SubmissionStatus.RETURNED,
        SubmissionStatus.RESUBMIT,
        SubmissionStatus.SIGNED_OFF,
    }
)
# Work an assessor still has to do ("next to score" picks among these).
TO_SCORE_STATUSES = frozenset(
    {SubmissionStatus.TO_SCORE, SubmissionStatus.IN_PROGRESS, SubmissionStatus.RETURNED}
)

# Words for people; the same word for a state everywhere (UI.md).
STATUS_WORDS = {
    SubmissionStatus.TO_SCORE: "To score",
    SubmissionStatus.IN_PROGRESS: "Draft",
    SubmissionStatus.FINALIZED: "Finalized & signed",
    SubmissionStatus.RETURNED: "Returned",
    SubmissionStatus.RESUBMIT: "Awaiting resubmission",
    SubmissionStatus.SIGNED_OFF: "Signed off",
}
