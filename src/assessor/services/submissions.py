"""The work queue: submissions with their status and rubric version."""

from __future__ import annotations

from assessor.services.access import operation
from assessor.store import queries as q
from assessor.store.db import Database
from assessor.store.queries import QueueFilter
from assessor.store.queries import QueueRow as SubmissionRow

__all__ = [
    "QueueFilter",
    "SubmissionRow",
    "assessments",
    "list_submissions",
    "outbox_waiting",
    "status_counts",
    "to_json",
]


def to_json(row: SubmissionRow) -> dict[str, object]:
    """The `submission list --json` shape of DESIGN.md."""
    return {
        "id": row.id,
        "learner": row.learner,
        "assessment": row.assessment_id,
        "status": row.status,
        "submittedAt": row.submitted_at.isoformat().replace("+00:00", "Z"),
        "rubric": {"id": row.rubric_id, "version": row.rubric_version, "digest": row.rubric_digest},
    }


@operation(None)
def list_submissions(
    db: Database,
    f: QueueFilter | None = None,
    *,
    limit: int = 200,
    offset: int = 0,
    assessor_id: str | None = None,
) -> list[SubmissionRow]:
    """A page of the queue; learners of blind-marked assessments appear by anonymous code.
    With `assessor_id`, each row carries that assessor's progress (criteria scored / total)."""
    with db.read() as tx:
        return q.queue_page(
            tx, f or QueueFilter(), limit=limit, offset=offset, assessor_id=assessor_id
        )


@operation(None)
def status_counts(db: Database, f: QueueFilter | None = None) -> dict[str, int]:
    with db.read() as tx:
        return q.status_counts(tx, f or QueueFilter())


@operation(None)
def assessments(db: Database) -> list[tuple[str, str]]:
    """(id, title) of every assessment, for the queue's filter."""
    with db.read() as tx:
        return q.assessments(tx)


@operation(None)
def outbox_waiting(db: Database) -> int:
    """How many signed records wait to be sent to the backend."""
    with db.read() as tx:
        return q.outbox_waiting(tx)
