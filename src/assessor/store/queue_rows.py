"""The work queue's filter and rows: plain data, shared by the service's read
(store/queries.py) and the first paint's (store/first_page.py), without SQLAlchemy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class QueueFilter:
    status: str | None = None
    assessment_id: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class QueueRow:
    id: str
    learner: str  # the anonymous code when the assessment is blind-marked
    assessment_id: str
    assessment: str
    status: str
    submitted_at: datetime
    due_at: datetime | None
    rubric_id: str
    rubric_version: int
    rubric_digest: str
    # "My progress": criteria with a level in the asking assessor's evaluation (their draft,
    # else their newest finalized one), out of the criteria of that evaluation's rubric.
    criteria_scored: int = 0
    criteria_total: int = 0
    blind: bool = False  # the assessment is blind-marked: `learner` is the anonymous code
