"""SQLAlchemy 2 typed models for the whole data model of DESIGN.md.

Schema changes go through Alembic (`store/migrations`); a test checks the head revision equals
these models. Rows that must never change (published rubric versions, audit events) are also
protected by SQLite triggers created in the migrations.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from assessor.store.types import DecimalText, UTCDateTime

# Named constraints, so migrations can refer to them (SQLite batch mode needs names).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Profile(Base):
    """One person on this machine, with their signing key sealed under their passphrase."""

    __tablename__ = "profiles"
    __table_args__ = (Index("uq_profiles_did", "did", unique=True),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    roles: Mapped[str] = mapped_column(String(100))  # space-separated: assessor manager proctor
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Null only for profiles written by schema 0001, which had no keys.
    did: Mapped[str | None] = mapped_column(String(100))
    sealed_key: Mapped[str | None] = mapped_column(Text)  # security.keys.SealedKey JSON
    failed_unlocks: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    unlock_blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Rubric(Base):
    __tablename__ = "rubrics"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    versions: Mapped[list[RubricVersion]] = relationship(
        back_populates="rubric", order_by="RubricVersion.version"
    )


class RubricVersion(Base):
    """Immutable once `published_at` is set (service check and SQLite triggers)."""

    __tablename__ = "rubric_versions"
    __table_args__ = (UniqueConstraint("rubric_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rubric_id: Mapped[str] = mapped_column(ForeignKey("rubrics.id"))
    version: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(20))
    document: Mapped[str] = mapped_column(Text)  # RFC 8785 canonical JSON; digest covers it
    source_format: Mapped[str] = mapped_column(String(40))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    issuer_signature: Mapped[str | None] = mapped_column(Text)
    rubric: Mapped[Rubric] = relationship(back_populates="versions")


class Achievement(Base):
    """What a pass earns; stackable through prerequisites."""

    __tablename__ = "achievements"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(40))  # badge | micro-credential | credential
    level: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(Text, default="")


class AchievementPrerequisite(Base):
    __tablename__ = "achievement_prerequisites"
    achievement_id: Mapped[str] = mapped_column(ForeignKey("achievements.id"), primary_key=True)
    prerequisite_id: Mapped[str] = mapped_column(ForeignKey("achievements.id"), primary_key=True)


class Assessment(Base):
    __tablename__ = "assessments"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    achievement_id: Mapped[str] = mapped_column(ForeignKey("achievements.id"))
    rubric_version_id: Mapped[int] = mapped_column(ForeignKey("rubric_versions.id"))
    evidence_expected: Mapped[str] = mapped_column(Text, default="")
    signoff_required: Mapped[bool] = mapped_column(Boolean, default=False)
    double_marking: Mapped[bool] = mapped_column(Boolean, default=False)
    blind_marking: Mapped[bool] = mapped_column(Boolean, default=False)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rubric_version: Mapped[RubricVersion] = relationship()


class Learner(Base):
    __tablename__ = "learners"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    anonymous_code: Mapped[str] = mapped_column(String(40), unique=True)


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (
        Index("ix_submissions_status_assessment", "status", "assessment_id", "submitted_at"),
        Index("ix_submissions_assessment_submitted", "assessment_id", "submitted_at"),
        Index("ix_submissions_submitted_id", "submitted_at", "id"),  # the queue's order
    )
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id"), index=True)
    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessments.id"))
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20), server_default=text("'to_score'"))
    learner: Mapped[Learner] = relationship()
    assessment: Mapped[Assessment] = relationship()
    artifacts: Mapped[list[Artifact]] = relationship(order_by="Artifact.position")


class Artifact(Base):
    """A file of a submission; its bytes live in the blob store under `sha256`."""

    __tablename__ = "artifacts"
    __table_args__ = (UniqueConstraint("submission_id", "name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(500))  # original name: metadata, never a path
    media_type: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # JSON from services/preview.py; null until prepared (and in files written before 0003).
    preview: Mapped[str | None] = mapped_column(Text)


class Evaluation(Base):
    """One assessor's scoring of one submission. Draft until finalized."""

    __tablename__ = "evaluations"
    __table_args__ = (
        Index(
            "uq_evaluations_one_draft",
            "submission_id",
            "assessor_id",
            unique=True,
            sqlite_where=text("status = 'draft'"),
        ),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), index=True)
    assessor_id: Mapped[str] = mapped_column(ForeignKey("profiles.id"))
    rubric_version_id: Mapped[int] = mapped_column(ForeignKey("rubric_versions.id"))
    status: Mapped[str] = mapped_column(String(20))
    overall_comment: Mapped[str] = mapped_column(Text, default="")
    total: Mapped[Decimal | None] = mapped_column(DecimalText())
    maximum: Mapped[Decimal | None] = mapped_column(DecimalText())
    outcome: Mapped[str | None] = mapped_column(String(20))
    band: Mapped[str | None] = mapped_column(String(200))
    engine_version: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finalized_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    supersedes_id: Mapped[str | None] = mapped_column(ForeignKey("evaluations.id"))
    supersede_reason: Mapped[str | None] = mapped_column(Text)
    rubric_version: Mapped[RubricVersion] = relationship()
    scores: Mapped[list[EvaluationScore]] = relationship(
        order_by="EvaluationScore.position", cascade="all, delete-orphan"
    )


class EvaluationScore(Base):
    """The level, points and comment of one criterion in one evaluation."""

    __tablename__ = "evaluation_scores"
    evaluation_id: Mapped[str] = mapped_column(ForeignKey("evaluations.id"), primary_key=True)
    criterion_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    level_id: Mapped[str | None] = mapped_column(String(200))
    points: Mapped[Decimal | None] = mapped_column(DecimalText())
    comment: Mapped[str] = mapped_column(Text, default="")


class AuditEvent(Base):
    """Append-only and hash-chained: `hash` covers the event and `prev_hash`."""

    __tablename__ = "audit_events"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    entity_type: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str] = mapped_column(String(200))
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class Record(Base):
    """A signed record, stored as the exact bytes that were signed (RFC 8785 JCS)."""

    __tablename__ = "records"
    __table_args__ = (
        # Unique indexes rather than table constraints, so tests can drop them as an attacker
        # with the file would (see services/verify.py).
        Index("uq_records_id", "id", unique=True),
        Index("uq_records_digest", "digest", unique=True),
        Index("uq_records_issuer_seq", "issuer", "seq", unique=True),
    )
    number: Mapped[int] = mapped_column(Integer, primary_key=True)  # local order of writing
    id: Mapped[str] = mapped_column(String(100))  # urn:uuid:…
    kind: Mapped[str] = mapped_column(String(60))
    issuer: Mapped[str] = mapped_column(String(100))  # did:key
    seq: Mapped[int] = mapped_column(Integer)
    prev: Mapped[str | None] = mapped_column(String(60))
    digest: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(Text)
    evaluation_id: Mapped[str | None] = mapped_column(ForeignKey("evaluations.id"), index=True)
    submission_id: Mapped[str | None] = mapped_column(ForeignKey("submissions.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SignOff(Base):
    """A manager's signed decision on a finalized evaluation: approved, or returned to the
    assessor (rescoring) or the learner (resubmission) with a reason. `record_id` is the
    ProjectSignOffRecord saying so. Never changes (triggers); one per evaluation."""

    __tablename__ = "signoffs"
    __table_args__ = (Index("uq_signoffs_evaluation_id", "evaluation_id", unique=True),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), index=True)
    evaluation_id: Mapped[str] = mapped_column(ForeignKey("evaluations.id"))
    record_id: Mapped[str] = mapped_column(ForeignKey("records.id"))
    manager_id: Mapped[str] = mapped_column(ForeignKey("profiles.id"))
    decision: Mapped[str] = mapped_column(String(20))  # approved | returned
    return_to: Mapped[str | None] = mapped_column(String(20))  # assessor | learner
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ChainHead(Base):
    """Length and last hash of the audit chain and of the record log, kept by triggers: a
    truncated tail shows as a head that points past the end."""

    __tablename__ = "chain_heads"
    chain: Mapped[str] = mapped_column(String(20), primary_key=True)  # audit | records
    length: Mapped[int] = mapped_column(Integer)
    head: Mapped[str] = mapped_column(String(64))


class OutboxItem(Base):
    """A signed envelope waiting for the backend, written with what it reports."""

    __tablename__ = "outbox_items"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), server_default=text("'pending'"))
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)  # the backend's words, or a fault's
    # From 0006 (sync): the backend's last answer and its reason code; when it was synced.
    answer: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(60))
    synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ExamSession(Base):
    __tablename__ = "exam_sessions"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    assessment_id: Mapped[str | None] = mapped_column(ForeignKey("assessments.id"))
    location: Mapped[str] = mapped_column(String(300), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20))  # planned | open | sealed
    proctor_id: Mapped[str | None] = mapped_column(ForeignKey("profiles.id"))


class ExamCandidate(Base):
    __tablename__ = "exam_candidates"
    session_id: Mapped[str] = mapped_column(ForeignKey("exam_sessions.id"), primary_key=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id"), primary_key=True)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[str | None] = mapped_column(String(20))


class ExamRun(Base):
    """What running a session adds to it (0008): kind, planned end, the log's sequence and
    last time, the seal."""

    __tablename__ = "exam_runs"
    session_id: Mapped[str] = mapped_column(ForeignKey("exam_sessions.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # site | remote
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seq: Mapped[int] = mapped_column(Integer)
    last_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    record_id: Mapped[str | None] = mapped_column(String(60))


class ExamRosterEntry(Base):
    """A candidate on a session's roster and what is true of them now."""

    __tablename__ = "exam_roster"
    session_id: Mapped[str] = mapped_column(ForeignKey("exam_sessions.id"), primary_key=True)
    candidate_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    learner_id: Mapped[str | None] = mapped_column(String(200))
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    id_method: Mapped[str | None] = mapped_column(String(30))
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ExamEntry(Base):
    """One line of a session's log, numbered by the session's sequence; insert only."""

    __tablename__ = "exam_entries"
    session_id: Mapped[str] = mapped_column(ForeignKey("exam_sessions.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[str] = mapped_column(ForeignKey("profiles.id"))
    kind: Mapped[str] = mapped_column(String(20))
    candidates: Mapped[str] = mapped_column(Text)  # JSON array of candidate ids
    value: Mapped[str | None] = mapped_column(String(30))  # id method, outcome
    incident_type: Mapped[str | None] = mapped_column(String(30))
    severity: Mapped[str | None] = mapped_column(String(10))
    witness: Mapped[str | None] = mapped_column(Text)
    action_taken: Mapped[str | None] = mapped_column(Text)
    notified: Mapped[str | None] = mapped_column(Text)
    corrects: Mapped[int | None] = mapped_column(Integer)
    clock_back: Mapped[bool] = mapped_column(Boolean, server_default=text("0"))
    text: Mapped[str | None] = mapped_column(Text)  # (after clock_back: it shadows sql text)


class ExamAmendment(Base):
    """A manager's signed amendment to a sealed session."""

    __tablename__ = "exam_amendments"
    record_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("exam_sessions.id"))
    amends: Mapped[str] = mapped_column(String(60))
    manager_id: Mapped[str] = mapped_column(ForeignKey("profiles.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SyncEnrolment(Base):
    """A profile enrolled with a backend: where, as whom, and how far it has read the feed.
    The device token is never here: it lives in the keyring (security/secrets.py)."""

    __tablename__ = "sync_enrolments"
    profile_id: Mapped[str] = mapped_column(ForeignKey("profiles.id"), primary_key=True)
    backend: Mapped[str] = mapped_column(String(500))
    audience: Mapped[str] = mapped_column(String(300))  # the backend's did:web
    device_id: Mapped[str] = mapped_column(String(100))
    person: Mapped[str] = mapped_column(String(300))
    roles: Mapped[str] = mapped_column(String(200))  # space-separated
    key_status: Mapped[str] = mapped_column(String(20), server_default=text("'active'"))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime())
    cursor: Mapped[str | None] = mapped_column(String(200))
    credentials_cursor: Mapped[str | None] = mapped_column(String(200))
    last_sync_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)


class SyncCredential(Base):
    """A credential the backend issued from this profile's work, as last reported."""

    __tablename__ = "sync_credentials"
    id: Mapped[str] = mapped_column(String(300), primary_key=True)
    profile_id: Mapped[str] = mapped_column(ForeignKey("profiles.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    achievement: Mapped[str] = mapped_column(String(300))
    learner: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20))
    issued_at: Mapped[str] = mapped_column(String(40))
    valid_until: Mapped[str | None] = mapped_column(String(40))
    records: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of record ids
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SyncFlag(Base):
    """Something a sync found that a person should look at; never resolved by deleting work:
    a withdrawn or reassigned submission (with local work or not), a conflicting record, a
    pulled rubric refused for its digest."""

    __tablename__ = "sync_flags"
    __table_args__ = (UniqueConstraint("profile_id", "kind", "subject"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    profile_id: Mapped[str] = mapped_column(ForeignKey("profiles.id"))
    kind: Mapped[str] = mapped_column(String(40))  # withdrawn | reassigned | conflict | rubric
    subject: Mapped[str] = mapped_column(String(300))  # submission id, record id, rubric ref
    reason: Mapped[str] = mapped_column(Text)
    local_work: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SyncPendingWork(Base):
    """A pulled submission waiting for its evidence: it becomes a local submission only when
    every file has been downloaded and hash-checked."""

    __tablename__ = "sync_pending_work"
    submission_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    profile_id: Mapped[str] = mapped_column(ForeignKey("profiles.id"))
    payload: Mapped[str] = mapped_column(Text)  # the change's data, JSON
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SyncUpload(Base):
    """An evidence file the backend has confirmed holding (sent, or given by it)."""

    __tablename__ = "sync_uploads"
    backend: Mapped[str] = mapped_column(String(500), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
