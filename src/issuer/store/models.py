"""The issuer's tables (SQLAlchemy 2 typed models). Alembic's head equals these (a test checks).

Uniqueness that the service relies on lives here, as constraints, so that several workers on
one PostgreSQL behave as one: a record id and digest are stored once; a key's chain has one
record per seq; a credential's `basis` (what earned it) is issued once; a status list index is
used once. The issuer's signing keys are never in the database (issuance.keys keeps them).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes as 'YYYY-MM-DDTHH:MM:SS.ffffffZ': the same text (and order) on SQLite
    and PostgreSQL, so no driver turns them naive or local."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store times in UTC with a timezone")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else datetime.fromisoformat(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Setting(Base):
    """The issuer's identity: domain, did:web, when it was made."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Person(Base):
    __tablename__ = "people"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PersonRole(Base):
    __tablename__ = "person_roles"
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class EnrolmentCode(Base):
    """A one-time code, stored as its SHA-256; a challenge is asked with it, then spent."""

    __tablename__ = "enrolment_codes"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    challenge_hash: Mapped[str | None] = mapped_column(String(64))
    challenge_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    device_id: Mapped[str | None] = mapped_column(String(36))


class Device(Base):
    """An enrolled profile key (did:key) of one person, with the roles its codes granted."""

    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    did: Mapped[str] = mapped_column(String(100), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoke_reason: Mapped[str | None] = mapped_column(Text)


class DeviceRole(Base):
    __tablename__ = "device_roles"
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class Token(Base):
    """A device's bearer token, as its SHA-256 (the token itself has 256 random bits)."""

    __tablename__ = "tokens"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Achievement(Base):
    __tablename__ = "achievements"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    level: Mapped[str] = mapped_column(String(30))
    validity_days: Mapped[int | None] = mapped_column(Integer)
    document: Mapped[str] = mapped_column(Text)  # the published definition, canonical JSON
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Prerequisite(Base):
    __tablename__ = "prerequisites"
    achievement_id: Mapped[str] = mapped_column(ForeignKey("achievements.id"), primary_key=True)
    prerequisite_id: Mapped[str] = mapped_column(ForeignKey("achievements.id"), primary_key=True)


class RubricVersion(Base):
    """Immutable: a new content under the same rubric id is the next version."""

    __tablename__ = "rubric_versions"
    __table_args__ = (UniqueConstraint("rubric_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rubric_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(20))
    document: Mapped[str] = mapped_column(Text)  # RFC 8785 canonical JSON: the digest's bytes
    source_format: Mapped[str] = mapped_column(String(40))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Assessment(Base):
    __tablename__ = "assessments"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    achievement_id: Mapped[str] = mapped_column(ForeignKey("achievements.id"))
    rubric_version_id: Mapped[int] = mapped_column(ForeignKey("rubric_versions.id"))
    signoff_required: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Learner(Base):
    __tablename__ = "learners"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))


class Submission(Base):
    __tablename__ = "submissions"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id"))
    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessments.id"))
    attempt: Mapped[int] = mapped_column(Integer)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    assessor_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    manager_id: Mapped[str | None] = mapped_column(ForeignKey("people.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Evidence(Base):
    """A file the learner submitted, by content; the bytes are in `blobs` once uploaded."""

    __tablename__ = "evidence"
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(300), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)


class ExamSession(Base):
    __tablename__ = "exam_sessions"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    title: Mapped[str] = mapped_column(String(500))
    location: Mapped[str] = mapped_column(String(500))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    proctor_id: Mapped[str] = mapped_column(ForeignKey("people.id"))


class Blob(Base):
    """Evidence bytes by SHA-256, in the database so every worker on every host sees them."""

    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    device_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Record(Base):
    """A signed record received from a device, as signed (canonical JSON).

    `state`: accepted; rejected (authentic but refused: kept so the key's chain goes on and the
    answer to a resend is the same); held (a fork of the key's chain, for review).
    `chain_seq` is the seq for accepted and rejected records and NULL for held ones, so
    (did, chain_seq) is unique: one record per place in a key's chain, whichever worker wins.
    """

    __tablename__ = "records"
    # Few indexes: each is written on every accept. The digest needs none of its own: it
    # covers the id, so two rows with one digest would have one id, which is unique.
    __table_args__ = (UniqueConstraint("did", "chain_seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[str] = mapped_column(String(60), unique=True)
    digest: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(40))
    did: Mapped[str] = mapped_column(String(100))
    seq: Mapped[int] = mapped_column(Integer)
    chain_seq: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(40))
    message: Mapped[str | None] = mapped_column(Text)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"))
    person_id: Mapped[str] = mapped_column(ForeignKey("people.id"))
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submission_id: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str | None] = mapped_column(String(20))  # pass / not_yet; a sign-off's decision
    subject_record: Mapped[str | None] = mapped_column(String(60))  # a sign-off's assessment
    superseded_by: Mapped[str | None] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(Text)


class StatusList(Base):
    """A W3C Bitstring Status List: the bits, and the signed list credential served as is."""

    __tablename__ = "status_lists"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    bits: Mapped[bytes] = mapped_column(LargeBinary)
    used: Mapped[int] = mapped_column(Integer)
    credential: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Credential(Base):
    """An issued OpenBadgeCredential. `basis` names what earned it (an assessment record's
    submission, or a stack of held credentials) and is unique: exactly one per earning."""

    __tablename__ = "credentials"
    __table_args__ = (
        UniqueConstraint("status_list_id", "status_index"),
        Index("ix_credentials_learner", "learner_id", "achievement_id"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    basis: Mapped[str] = mapped_column(String(200), unique=True)
    achievement_id: Mapped[str] = mapped_column(ForeignKey("achievements.id"))
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id"))
    record_id: Mapped[str | None] = mapped_column(String(60))
    renews_id: Mapped[str | None] = mapped_column(String(36))
    status_list_id: Mapped[str] = mapped_column(ForeignKey("status_lists.id"))
    status_index: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    document: Mapped[str] = mapped_column(Text)


class CredentialSource(Base):
    """Which devices' work a credential rests on (for `GET /api/v1/credentials`)."""

    __tablename__ = "credential_sources"
    credential_id: Mapped[str] = mapped_column(ForeignKey("credentials.id"), primary_key=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)  # feed position of the issuance: the cursor


class PendingCheck(Base):
    """A learner whose stacked achievements must be looked at, written in the transaction
    that issued a credential and removed by the check after it: survives a crash between."""

    __tablename__ = "pending_checks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FeedCounter(Base):
    """One row. Taking the next feed position updates it, which locks it until commit: feed
    positions are committed in the order they are taken, so a reader never skips one."""

    __tablename__ = "feed_counter"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class Change(Base):
    """One entry of the change feed. No audience: everyone; else one person or one device."""

    __tablename__ = "changes"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str] = mapped_column(String(300))
    deleted: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(60))
    payload: Mapped[str | None] = mapped_column(Text)
    audience_person: Mapped[str | None] = mapped_column(String(36))
    audience_device: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RateWindow(Base):
    """Requests per device per minute, counted in the database so all workers share one."""

    __tablename__ = "rate_windows"
    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    window: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
