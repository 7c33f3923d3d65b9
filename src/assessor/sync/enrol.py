"""Enrolling a profile's key with a backend, and forgetting it again.

The device proves it holds the profile's key by signing the backend's challenge (bound to
the backend's did:web, so the proof is good for that backend only). The token the backend
gives back goes to the keyring (security/secrets.py), never to a file or the database; the
database keeps where and as whom the profile is enrolled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from assessor.domain.errors import DomainError
from assessor.security.secrets import SecretStore
from assessor.services.profiles import Signer
from assessor.store import sync_state as st
from assessor.store.audit import append_event
from assessor.store.db import Database
from assessor.store.types import utcnow
from assessor.sync import protocol as p
from assessor.sync.client import Backend, Refused, SyncError, normal_url

if TYPE_CHECKING:
    import httpx  # loaded by the client only when a request is made


class SyncProblem(DomainError):
    """A sync step that cannot go on, in words for the person."""

    code = "sync"


@dataclass(frozen=True)
class EnrolmentInfo:
    profile_id: str
    backend: str
    person: str
    roles: tuple[str, ...]
    device: str
    key: str
    key_status: str
    enrolled_at: datetime
    last_sync_at: datetime | None
    last_error: str | None

    def to_json(self) -> dict[str, object]:
        return {
            "profile": self.profile_id,
            "backend": self.backend,
            "person": self.person,
            "roles": list(self.roles),
            "device": self.device,
            "key": self.key,
            "keyStatus": self.key_status,
            "enrolledAt": self.enrolled_at.isoformat().replace("+00:00", "Z"),
            "lastSync": None
            if self.last_sync_at is None
            else self.last_sync_at.isoformat().replace("+00:00", "Z"),
            "lastError": self.last_error,
        }


def _info(value: st.Enrolment, key: str) -> EnrolmentInfo:
    return EnrolmentInfo(
        value.profile_id,
        value.backend,
        value.person,
        value.roles,
        value.device_id,
        key,
        value.key_status,
        value.enrolled_at,
        value.last_sync_at,
        value.last_error,
    )


def backend_url(url: str) -> str:
    try:
        return normal_url(url)
    except ValueError as exc:
        raise SyncProblem(f"backend URL: {exc}", location="URL") from None


def enrol(
    db: Database,
    secrets: SecretStore,
    url: str,
    code: str,
    signer: Signer,
    *,
    label: str = "",
    transport: httpx.BaseTransport | None = None,
) -> EnrolmentInfo:
    """Enrol the unlocked profile's key with the backend at `url` using a one-time `code`.
    Enrolling again (with a new code) replaces the old enrolment; the feed is read afresh."""
    base = backend_url(url)
    code = code.strip()
    if not code or len(code) > 64:
        raise SyncProblem(
            "enrolment code: give the code the backend's operator made (1-64 characters)"
        )
    try:
        with Backend(base, transport=transport) as backend:
            discovery = backend.discovery()
            challenge = backend.challenge(code)
            if challenge.audience != discovery.issuer:
                raise SyncProblem(
                    f"{base} asked to sign a challenge for {challenge.audience}, not for itself "
                    f"({discovery.issuer}); nothing was enrolled"
                )
            message = p.enrolment_message(challenge.challenge, signer.did, challenge.audience)
            request = p.EnrolmentRequest(
                code,
                signer.did,
                challenge.challenge,
                p.encode_signature(signer.prove(message)),
                label or f"Assessor: {signer.profile.name}",
            )
            answer = backend.enrol(request)
    except Refused as exc:
        raise SyncProblem(f"{base} refused the enrolment: {exc.message}") from None
    except SyncError as exc:
        raise SyncProblem(f"could not enrol: {exc.message}") from None
    if answer.key != signer.did:
        raise SyncProblem(f"{base} enrolled another key ({answer.key}); nothing was kept")
    # The keyring first: a database that says "enrolled" always has its token.
    secrets.set_token(base, answer.token, account=signer.profile.id)
    value = st.Enrolment(
        signer.profile.id,
        base,
        challenge.audience,
        answer.device,
        answer.person,
        answer.roles,
        "active",
        utcnow(),
        None,
        None,
        None,
        None,
    )
    with db.write() as tx:
        st.save_enrolment(tx, value)
        append_event(
            tx,
            actor=signer.profile.id,
            action="sync.enrol",
            entity_type="profile",
            entity_id=signer.profile.id,
            payload={"backend": base, "person": answer.person, "device": answer.device},
        )
    return _info(value, signer.did)


def unenrol(db: Database, secrets: SecretStore, profile_id: str) -> bool:
    """Forget the profile's enrolment and its token. Nothing signed or waiting is touched:
    after a new enrolment the outbox is sent as before. Whether it was enrolled."""
    with db.read() as tx:
        value = st.enrolment(tx, profile_id)
    if value is None:
        return False
    secrets.forget_token(value.backend, account=profile_id)
    with db.write() as tx:
        st.remove_enrolment(tx, profile_id)
        append_event(
            tx,
            actor=profile_id,
            action="sync.unenrol",
            entity_type="profile",
            entity_id=profile_id,
            payload={"backend": value.backend},
        )
    return True


def status(db: Database, profile_id: str, key: str) -> EnrolmentInfo | None:
    with db.read() as tx:
        value = st.enrolment(tx, profile_id)
    return None if value is None else _info(value, key)


def token_for(secrets: SecretStore, value: st.Enrolment) -> str:
    token = secrets.token(value.backend, account=value.profile_id)
    if token is None:
        raise SyncProblem(
            f"the keyring holds no token for {value.backend}; enrol this profile again "
            "(assessor enrol URL CODE)"
        )
    return token
