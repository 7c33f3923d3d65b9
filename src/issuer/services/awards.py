"""When a credential is earned, and exactly once.

- A passing assessment record earns its assessment's achievement, at once when no sign-off is
  required, else when an accepted approving sign-off names it. The credential's `basis` is the
  submission: one credential per submission, enforced by a unique constraint, so the same
  record (or two sign-offs) arriving on two workers at once still makes one.
- A later passing submission for the same learner and achievement issues a fresh credential
  that names the one it renews.
- A correction (a record that supersedes) that no longer passes revokes what the old one earned.
- Stacking: a learner's held credentials may complete an achievement's prerequisites. That is
  looked at after the commit that issued a credential (a `PendingCheck` row written in that
  commit survives a crash), in its own transaction: two workers issuing the last two
  prerequisites at once each commit first and then look, so the later one sees both.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from issuer.services.record_checks import Facts
from issuer.store import models as m
from issuer.store.db import Database


@dataclass(frozen=True)
class Earned:
    """What a credential is issued for."""

    basis: str
    learner_id: str
    achievement_id: str
    renews: m.Credential | None
    assessment: m.Assessment | None = None  # None for a stacked achievement
    record: m.Record | None = None  # the assessment record
    signoff: m.Record | None = None
    prerequisites: tuple[m.Credential, ...] = ()


class Issuer(Protocol):
    """Builds, signs and stores a credential (issuer.services.credentials)."""

    def issue(self, session: Session, earned: Earned, now: datetime) -> m.Credential: ...

    def revoke(
        self, session: Session, credential: m.Credential, reason: str, now: datetime
    ) -> None: ...


def after_accept(
    session: Session, issuer: Issuer, row: m.Record, facts: Facts, now: datetime
) -> None:
    """What an accepted record earns or undoes, in its own transaction."""
    if row.kind == "ArtifactAssessmentRecord":
        if facts.supersedes:
            _supersede(session, issuer, facts.supersedes, row, now)
        if facts.outcome == "pass":
            submission = session.get(m.Submission, row.submission_id)
            assert submission is not None
            assessment = session.get(m.Assessment, submission.assessment_id)
            assert assessment is not None
            if not assessment.signoff_required:
                _award(session, issuer, submission, assessment, row, None, now)
    elif row.kind == "ProjectSignOffRecord" and facts.outcome == "approved":
        target = session.scalar(select(m.Record).where(m.Record.record_id == facts.subject_record))
        assert target is not None  # checked before accepting
        submission = session.get(m.Submission, target.submission_id)
        assert submission is not None
        assessment = session.get(m.Assessment, submission.assessment_id)
        assert assessment is not None
        if target.outcome == "pass" and assessment.signoff_required:
            _award(session, issuer, submission, assessment, target, row, now)


def _supersede(session: Session, issuer: Issuer, old_id: str, new: m.Record, now: datetime) -> None:
    old = session.scalar(select(m.Record).where(m.Record.record_id == old_id))
    assert old is not None
    old.superseded_by = new.record_id
    if new.outcome == "pass":
        return
    for credential in session.scalars(
        select(m.Credential).where(
            m.Credential.record_id == old_id, m.Credential.revoked_at.is_(None)
        )
    ):
        issuer.revoke(
            session, credential, f"corrected: record {new.record_id} no longer passes", now
        )


def _award(
    session: Session,
    issuer: Issuer,
    submission: m.Submission,
    assessment: m.Assessment,
    record: m.Record,
    signoff: m.Record | None,
    now: datetime,
) -> None:
    basis = f"submission:{submission.id}"
    if session.scalar(select(m.Credential.id).where(m.Credential.basis == basis)) is not None:
        return
    earned = Earned(
        basis=basis,
        learner_id=submission.learner_id,
        achievement_id=assessment.achievement_id,
        renews=latest_held(session, submission.learner_id, assessment.achievement_id, now),
        assessment=assessment,
        record=record,
        signoff=signoff,
    )
    issuer.issue(session, earned, now)
    session.add(m.PendingCheck(learner_id=submission.learner_id, created_at=now))


def latest_held(
    session: Session, learner_id: str, achievement_id: str, now: datetime
) -> m.Credential | None:
    """The newest credential the learner holds for the achievement: not revoked, not expired."""
    return session.scalar(
        select(m.Credential)
        .where(
            m.Credential.learner_id == learner_id,
            m.Credential.achievement_id == achievement_id,
            m.Credential.revoked_at.is_(None),
            or_(m.Credential.valid_until.is_(None), m.Credential.valid_until > now),
        )
        .order_by(m.Credential.issued_at.desc(), m.Credential.id.desc())
        .limit(1)
    )


def stack(session: Session, issuer: Issuer, learner_id: str, now: datetime) -> int:
    """Issue every stacked achievement whose prerequisites the learner now all holds (and
    those that completes in turn). The number issued."""
    issued = 0
    progress = True
    while progress:
        progress = False
        rows = session.execute(
            select(m.Prerequisite.achievement_id, m.Prerequisite.prerequisite_id)
        ).all()
        needs: dict[str, list[str]] = {}
        for goal, prerequisite in rows:
            needs.setdefault(goal, []).append(prerequisite)
        for goal in sorted(needs):
            if latest_held(session, learner_id, goal, now) is not None:
                continue
            held = [latest_held(session, learner_id, p, now) for p in sorted(needs[goal])]
            if any(c is None for c in held):
                continue
            parts = tuple(c for c in held if c is not None)
            key = hashlib.sha256(json.dumps(sorted(c.id for c in parts)).encode()).hexdigest()[:32]
            basis = f"stack:{goal}:{key}"
            if session.scalar(select(m.Credential.id).where(m.Credential.basis == basis)):
                continue  # issued for this very set before (and since revoked or expired)
            renews = session.scalar(
                select(m.Credential)
                .where(m.Credential.learner_id == learner_id, m.Credential.achievement_id == goal)
                .order_by(m.Credential.issued_at.desc())
                .limit(1)
            )
            earned = Earned(basis[:200], learner_id, goal, renews, prerequisites=parts)
            issuer.issue(session, earned, now)
            issued += 1
            progress = True
    return issued


def settle_pending(db: Database, issuer: Issuer, *, limit: int = 100) -> int:
    """Run the stacking checks left by committed issuances (also at start-up, for those a
    crash left behind). Returns how many credentials were issued."""
    issued = 0
    with db.read() as session:
        pending = session.execute(
            select(m.PendingCheck.id, m.PendingCheck.learner_id)
            .order_by(m.PendingCheck.id)
            .limit(limit)
        ).all()
    for row_id, learner_id in pending:
        for attempt in range(4):
            try:
                with db.write() as session:
                    now = datetime.now(UTC)
                    issued += stack(session, issuer, learner_id, now)
                    session.execute(
                        delete(m.PendingCheck).where(
                            m.PendingCheck.learner_id == learner_id, m.PendingCheck.id <= row_id
                        )
                    )
                break
            except IntegrityError:  # another worker issued the same stack first: look again
                if attempt == 3:
                    raise
    return issued
