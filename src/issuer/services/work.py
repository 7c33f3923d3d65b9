"""Assigning work: submissions to assessors (and optionally a manager), exam sessions to
proctors. Reassigning or withdrawing leaves a tombstone in the feed of whoever had it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessor.sync.protocol import ChangeKind
from issuer.errors import BadInput, NotFound
from issuer.services.blobs import put_blob
from issuer.services.catalogue import check_id
from issuer.services.people import person_by_name, roles_of
from issuer.store import feed
from issuer.store import models as m


@dataclass(frozen=True)
class Assignment:
    submission: str
    learner: str
    assessment: str
    assessor: str
    manager: str | None
    attempt: int
    evidence: tuple[tuple[str, bytes, str], ...] = ()


def _holder(session: Session, name: str, role: str) -> m.Person:
    person = person_by_name(session, name)
    if role not in roles_of(session, person.id):
        raise BadInput(f"{person.name} does not hold the role '{role}'")
    return person


def submission_change(session: Session, row: m.Submission) -> dict[str, Any]:
    learner = session.get(m.Learner, row.learner_id)
    assessor = session.get(m.Person, row.assessor_id)
    manager = session.get(m.Person, row.manager_id) if row.manager_id else None
    assert learner is not None and assessor is not None
    evidence = session.scalars(
        select(m.Evidence).where(m.Evidence.submission_id == row.id).order_by(m.Evidence.name)
    )
    return {
        "id": row.id,
        "learner": {"id": learner.id, "name": learner.name},
        "assessment": row.assessment_id,
        "attempt": row.attempt,
        "submittedAt": row.submitted_at.isoformat().replace("+00:00", "Z"),
        "assessor": assessor.name,
        "manager": manager.name if manager else None,
        "artifacts": [
            {
                "name": e.name,
                "mediaType": e.media_type,
                "size": e.size,
                "sha256": e.sha256,
                "path": f"/api/v1/blobs/sha256/{e.sha256}",
            }
            for e in evidence
        ],
    }


def assign_submission(
    session: Session, a: Assignment, learner_name: str | None, submitted_at: datetime
) -> tuple[m.Submission, bool]:
    """Create a submission assigned to an assessor, or reassign an existing one. (row,
    changed). Its learner, assessment and attempt never change once made."""
    assessor, manager = _check_assignment(session, a)
    learner = session.get(m.Learner, a.learner)
    if learner is None:
        learner = m.Learner(id=a.learner, name=(learner_name or a.learner).strip())
        session.add(learner)
    elif learner_name and learner_name.strip() != learner.name:
        learner.name = learner_name.strip()
    row = session.get(m.Submission, a.submission)
    if row is None:
        return _create_submission(session, a, submitted_at, assessor, manager), True
    if (row.learner_id, row.assessment_id, row.attempt) != (a.learner, a.assessment, a.attempt):
        raise BadInput(
            f"submission '{row.id}' exists for another learner, assessment or attempt; "
            "those never change"
        )
    if a.evidence:
        raise BadInput(f"submission '{row.id}' exists; its evidence is fixed")
    if row.withdrawn_at is not None:
        raise BadInput(f"submission '{row.id}' was withdrawn")
    return row, _reassign(session, row, assessor, manager)


def _check_assignment(session: Session, a: Assignment) -> tuple[m.Person, m.Person | None]:
    """(assessor, manager) of a valid assignment; BadInput naming the first fault."""
    check_id(a.submission, "submission id")
    check_id(a.learner, "learner id")
    if a.attempt < 1:
        raise BadInput("--attempt: a whole number from 1")
    if session.get(m.Assessment, a.assessment) is None:
        known = session.scalars(select(m.Assessment.id)).all()
        raise BadInput(
            f"unknown assessment '{a.assessment}'; valid: {', '.join(known) or '(none)'}"
        )
    assessor = _holder(session, a.assessor, "assessor")
    manager = _holder(session, a.manager, "manager") if a.manager else None
    if manager is not None and manager.id == assessor.id:
        raise BadInput("the manager who signs off cannot be the submission's assessor")
    return assessor, manager


def _create_submission(
    session: Session,
    a: Assignment,
    submitted_at: datetime,
    assessor: m.Person,
    manager: m.Person | None,
) -> m.Submission:
    row = m.Submission(
        id=a.submission,
        learner_id=a.learner,
        assessment_id=a.assessment,
        attempt=a.attempt,
        submitted_at=submitted_at,
        assessor_id=assessor.id,
        manager_id=manager.id if manager else None,
    )
    session.add(row)
    session.flush()
    for name, data, media_type in a.evidence:
        digest, _ = put_blob(session, data, device_id=None)
        session.add(
            m.Evidence(
                submission_id=row.id,
                name=name,
                sha256=digest,
                media_type=media_type,
                size=len(data),
            )
        )
    session.flush()
    for person in (assessor, manager):
        if person is not None:
            feed.append(
                session,
                ChangeKind.SUBMISSION,
                row.id,
                submission_change(session, row),
                person=person.id,
            )
    return row


def _reassign(
    session: Session, row: m.Submission, assessor: m.Person, manager: m.Person | None
) -> bool:
    """Give the submission to these people; tombstones for whoever loses it. Changed?"""
    before = (row.assessor_id, row.manager_id)
    after = (assessor.id, manager.id if manager else None)
    if before == after:
        return False
    for old in set(before) - set(after) - {None}:
        feed.append(
            session, ChangeKind.SUBMISSION, row.id, deleted_because="reassigned", person=old
        )
    row.assessor_id, row.manager_id = after
    session.flush()
    for new in set(after) - {None}:
        feed.append(
            session, ChangeKind.SUBMISSION, row.id, submission_change(session, row), person=new
        )
    return True


def withdraw_submission(session: Session, submission_id: str, now: datetime) -> m.Submission:
    row = session.get(m.Submission, submission_id)
    if row is None:
        raise NotFound(f"unknown submission '{submission_id}'")
    if row.withdrawn_at is None:
        row.withdrawn_at = now
        for person in {row.assessor_id, row.manager_id} - {None}:
            feed.append(
                session, ChangeKind.SUBMISSION, row.id, deleted_because="withdrawn", person=person
            )
    return row


def assign_session(
    session: Session,
    session_id: str,
    title: str,
    location: str,
    starts_at: datetime,
    proctor_name: str,
) -> m.ExamSession:
    """An exam session run by a proctor; a later call reassigns it (tombstone for the old)."""
    check_id(session_id, "session id")
    if not title.strip() or not location.strip():
        raise BadInput("an exam session needs a title and a location")
    proctor = _holder(session, proctor_name, "proctor")
    row = session.get(m.ExamSession, session_id)
    if row is not None and row.proctor_id != proctor.id:
        feed.append(
            session,
            ChangeKind.EXAM_SESSION,
            row.id,
            deleted_because="reassigned",
            person=row.proctor_id,
        )
    if row is None:
        row = m.ExamSession(id=session_id)
        session.add(row)
    row.title, row.location, row.starts_at, row.proctor_id = title, location, starts_at, proctor.id
    session.flush()
    data = {
        "id": row.id,
        "title": row.title,
        "location": row.location,
        "startsAt": starts_at.isoformat().replace("+00:00", "Z"),
        "proctor": proctor.name,
    }
    feed.append(session, ChangeKind.EXAM_SESSION, row.id, data, person=proctor.id)
    return row
