"""The work queue: submissions with their status and rubric version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from assessor.store import queries as q
from assessor.store.db import Database
from assessor.store.queries import QueueFilter

__all__ = ["QueueFilter", "SubmissionRow", "list_submissions", "status_counts"]


@dataclass(frozen=True)
class SubmissionRow:
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

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "learner": self.learner,
            "assessment": self.assessment_id,
            "status": self.status,
            "submittedAt": self.submitted_at.isoformat().replace("+00:00", "Z"),
            "rubric": {
                "id": self.rubric_id,
                "version": self.rubric_version,
                "digest": self.rubric_digest,
            },
        }


def list_submissions(
    db: Database, f: QueueFilter | None = None, *, limit: int = 200, offset: int = 0
) -> list[SubmissionRow]:
    with db.read() as tx:
        rows = q.queue_page(tx, f or QueueFilter(), limit=limit, offset=offset)
    return [
        SubmissionRow(
            r.id,
            r.anonymous_code if r.blind else r.learner_name,
            r.assessment_id,
            r.assessment_title,
            r.status,
            r.submitted_at,
            r.due_at,
            r.rubric_id,
            r.rubric_version,
            r.rubric_digest,
        )
        for r in rows
    ]


def status_counts(db: Database, f: QueueFilter | None = None) -> dict[str, int]:
    with db.read() as tx:
        return q.status_counts(tx, f or QueueFilter())
