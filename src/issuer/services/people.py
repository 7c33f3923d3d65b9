"""People, their roles, enrolment codes and devices (enrolled profile keys) with their tokens.

Secrets the backend hands out (enrolment codes, challenges, tokens) are random and stored only
as SHA-256: someone who reads the database cannot use them. They carry at least 80 random bits,
so a fast hash is enough (a KDF protects low-entropy passphrases, not these).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from assessor.domain.errors import UnknownChoice
from assessor.domain.ids import uuid7
from assessor.security.did import public_key_from_did
from assessor.sync.protocol import (
    ChangeKind,
    Enrolment,
    EnrolmentRequest,
    decode_signature,
    enrolment_message,
)
from issuer.errors import BadInput
from issuer.store import feed
from issuer.store import models as m

ROLES = ("assessor", "manager", "proctor")
CODE_LIFETIME = timedelta(hours=24)
CHALLENGE_LIFETIME = timedelta(minutes=5)
# Crockford's base32 without I, L, O, U: read aloud or typed from paper without confusion.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class EnrolmentRefused(Exception):
    """Why an enrolment step was refused; `kind` picks the problem type."""

    def __init__(self, kind: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.status = status


def digest_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _normalize_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UnknownChoice("role", role, ROLES)
    return role


def person_by_name(session: Session, name: str) -> m.Person:
    person = session.scalar(select(m.Person).where(m.Person.name == name))
    if person is None:
        names = session.scalars(select(m.Person.name)).all()
        raise UnknownChoice("person", name, names)
    return person


def roles_of(session: Session, person_id: str) -> set[str]:
    rows = session.scalars(select(m.PersonRole.role).where(m.PersonRole.person_id == person_id))
    return set(rows)


def add_person(session: Session, name: str, roles: list[str]) -> m.Person:
    """A new person, or more roles for an existing one (roles are never removed here)."""
    name = " ".join(name.split())
    if not name:
        raise BadInput("a person needs a name")
    if len(name) > 200:
        raise BadInput("a person's name is at most 200 characters")
    for role in roles:
        check_role(role)
    person = session.scalar(select(m.Person).where(m.Person.name == name))
    if person is None:
        person = m.Person(id=uuid7(), name=name, created_at=m.utcnow())
        session.add(person)
        session.flush()
    held = roles_of(session, person.id)
    for role in sorted(set(roles) - held):
        session.add(m.PersonRole(person_id=person.id, role=role))
    session.flush()
    return person


def create_code(
    session: Session, person_name: str, role: str, now: datetime
) -> tuple[str, datetime]:
    """A one-time enrolment code for the person in that role (which they must hold), valid
    for 24 hours. The code is returned once; only its hash is kept."""
    check_role(role)
    person = person_by_name(session, person_name)
    if role not in roles_of(session, person.id):
        raise BadInput(f"{person.name} does not hold the role '{role}'; add it with person add")
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(20))  # 100 bits
    code = "-".join(raw[i : i + 5] for i in range(0, 20, 5))
    expires = now + CODE_LIFETIME
    session.add(
        m.EnrolmentCode(
            id=uuid7(),
            code_hash=digest_secret(_normalize_code(code)),
            person_id=person.id,
            role=role,
            created_at=now,
            expires_at=expires,
        )
    )
    return code, expires


def _live_code(session: Session, code: str, now: datetime) -> m.EnrolmentCode:
    row = session.scalar(
        select(m.EnrolmentCode)
        .where(m.EnrolmentCode.code_hash == digest_secret(_normalize_code(code)))
        .with_for_update()
    )
    if row is None or row.used_at is not None or row.expires_at <= now:
        # One answer for unknown, used and expired: a guesser learns nothing.
        raise EnrolmentRefused(
            "enrolment-code-invalid",
            "the enrolment code is unknown, used or expired; ask for a new one",
            403,
        )
    return row


def issue_challenge(session: Session, code: str, now: datetime) -> tuple[str, datetime]:
    """A fresh challenge for a live code (replacing any earlier one), valid 5 minutes."""
    row = _live_code(session, code, now)
    challenge = secrets.token_urlsafe(32)
    row.challenge_hash = digest_secret(challenge)
    row.challenge_expires_at = now + CHALLENGE_LIFETIME
    return challenge, row.challenge_expires_at


def enrol(session: Session, request: EnrolmentRequest, audience: str, now: datetime) -> Enrolment:
    """Check the code, the challenge and the proof that the device holds the key, then
    enrol the key (or add the code's role to it) and give the device a new token. The code
    is spent; the device's earlier tokens are revoked."""
    row = _live_code(session, request.code, now)
    fresh = row.challenge_expires_at is not None and row.challenge_expires_at > now
    if not (fresh and row.challenge_hash and _same(row.challenge_hash, request.challenge)):
        raise EnrolmentRefused(
            "challenge-invalid", "the challenge is unknown or expired; ask for a new one", 400
        )
    try:
        public = Ed25519PublicKey.from_public_bytes(public_key_from_did(request.key))
    except ValueError as exc:
        raise EnrolmentRefused("invalid-request", f"key: {exc}", 400) from None
    signature = decode_signature(request.signature)
    try:
        public.verify(signature, enrolment_message(request.challenge, request.key, audience))
    except InvalidSignature:
        raise EnrolmentRefused(
            "proof-invalid", "the signature does not prove possession of the key", 400
        ) from None
    device = session.scalar(select(m.Device).where(m.Device.did == request.key).with_for_update())
    if device is not None and (device.person_id != row.person_id or device.revoked_at):
        raise EnrolmentRefused(
            "key-taken", "this key is enrolled for someone else or was revoked", 409
        )
    person = session.get(m.Person, row.person_id)
    assert person is not None  # foreign key
    if row.role not in roles_of(session, person.id):
        raise EnrolmentRefused("enrolment-code-invalid", "the person no longer holds the role", 403)
    if device is None:
        device = m.Device(
            id=uuid7(),
            person_id=person.id,
            did=request.key,
            label=request.label or "",
            enrolled_at=now,
        )
        session.add(device)
        session.flush()
    held = set(
        session.scalars(select(m.DeviceRole.role).where(m.DeviceRole.device_id == device.id))
    )
    if row.role not in held:
        session.add(m.DeviceRole(device_id=device.id, role=row.role))
        held.add(row.role)
    row.used_at, row.device_id, row.challenge_hash = now, device.id, None
    for old in session.scalars(
        select(m.Token).where(m.Token.device_id == device.id, m.Token.revoked_at.is_(None))
    ):
        old.revoked_at = now
    token = "asr_" + secrets.token_urlsafe(32)
    session.add(
        m.Token(id=uuid7(), device_id=device.id, token_hash=digest_secret(token), created_at=now)
    )
    session.flush()
    feed.append(
        session,
        ChangeKind.KEY,
        device.did,
        {"status": "active", "roles": sorted(held), "person": person.name},
        device=device.id,
    )
    return Enrolment(device.id, token, person.name, tuple(sorted(held)), device.did)


def _same(stored_hash: str, given: str) -> bool:
    return hmac.compare_digest(stored_hash, digest_secret(given))


@dataclass(frozen=True)
class Caller:
    """The device a request's token belongs to."""

    device_id: str
    person_id: str
    did: str


def authenticate(session: Session, token: str) -> Caller | None:
    """The device of a live token, or None (unknown, revoked, or its device revoked)."""
    if not token.startswith("asr_") or len(token) > 100:
        return None
    row = session.execute(
        select(m.Token, m.Device)
        .join(m.Device, m.Device.id == m.Token.device_id)
        .where(m.Token.token_hash == digest_secret(token))
    ).first()
    if row is None:
        return None
    token_row, device = row
    if token_row.revoked_at is not None or device.revoked_at is not None:
        return None
    return Caller(device.id, device.person_id, device.did)


def revoke_device(session: Session, ref: str, reason: str, now: datetime) -> m.Device:
    """Revoke an enrolled key (by device id or did:key) and every token of it."""
    device = session.scalar(
        select(m.Device).where((m.Device.id == ref) | (m.Device.did == ref)).with_for_update()
    )
    if device is None:
        known = session.scalars(select(m.Device.id)).all()
        raise UnknownChoice("device", ref, known)
    if device.revoked_at is None:
        device.revoked_at, device.revoke_reason = now, reason
        for token in session.scalars(select(m.Token).where(m.Token.device_id == device.id)):
            token.revoked_at = token.revoked_at or now
        feed.append(
            session,
            ChangeKind.KEY,
            device.did,
            {"status": "revoked", "reason": reason},
            device=device.id,
        )
    return device


def prune_rate_windows(session: Session, before: int) -> None:
    session.execute(delete(m.RateWindow).where(m.RateWindow.window < before))
