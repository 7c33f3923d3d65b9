"""Local profiles: one person on this machine with roles and a signing key sealed under their
passphrase. Unlocking is throttled after repeated wrong passphrases, across processes."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from assessor.domain.errors import DomainError, UnknownChoice
from assessor.domain.ids import uuid7
from assessor.domain.policy import Operation
from assessor.domain.roles import PROFILE_ROLES
from assessor.domain.text import require_plain
from assessor.security import keys
from assessor.security.did import did_key, verification_method
from assessor.security.records import sign
from assessor.security.secrets import KeyringUnavailable, SecretStore
from assessor.services.access import Actor, check, operation
from assessor.store import models as m
from assessor.store import queries as q
from assessor.store.audit import append_event
from assessor.store.db import Database, Tx
from assessor.store.types import utcnow

ROLES = tuple(str(r) for r in PROFILE_ROLES)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProfileInfo:
    id: str
    name: str
    roles: tuple[str, ...]
    did: str | None = None

    def to_json(self) -> dict[str, object]:
        """The `profile create/list --json` shape, which `record verify --roster` reads."""
        return {"id": self.id, "name": self.name, "roles": list(self.roles), "did": self.did}


@dataclass(frozen=True)
class Signer:
    """An unlocked profile: the private key lives only in this object, in memory."""

    profile: ProfileInfo
    _key: Ed25519PrivateKey = field(repr=False)

    @property
    def did(self) -> str:
        assert self.profile.did is not None  # unlock refuses a profile without a key
        return self.profile.did

    @property
    def actor(self) -> Actor:
        return Actor(self.profile.id, self.profile.roles)

    def sign(self, document: Mapping[str, Any], created: str) -> dict[str, Any]:
        public = self._key.public_key().public_bytes_raw()
        return sign(document, self._key, verification_method(public), created=created)

    def prove(self, message: bytes) -> bytes:
        """An Ed25519 signature over a backend's enrolment challenge (protocol.
        enrolment_message): proof that this profile holds its key. Never over a record."""
        return self._key.sign(message)


def _info(p: m.Profile) -> ProfileInfo:
    return ProfileInfo(p.id, p.name, tuple(p.roles.split()), p.did)


def profile_name(name: str) -> str:
    """The name as stored (runs of spaces made one), or DomainError: no control characters,
    not even a newline or a tab, which would otherwise pass as spaces."""
    require_plain(name, "profile name")
    return " ".join(name.split())


@operation(Operation.PROFILE_CREATE)
def add_profile(
    tx: Tx, name: str, roles: list[str], sealed: keys.SealedKey | None = None
) -> ProfileInfo:
    """Store a profile (with its sealed key) in the caller's transaction."""
    name = profile_name(name)
    if not name:
        raise DomainError("a profile needs a name")
    if not roles:
        raise DomainError("a profile needs at least one role: " + ", ".join(ROLES))
    for role in roles:
        if role not in ROLES:
            raise UnknownChoice("role", role, ROLES)
    check(Actor.local(), Operation.PROFILE_CREATE)
    if q.profile_by_name(tx, name) is not None:
        raise DomainError(f"a profile named '{name}' already exists")
    did = did_key(sealed.public_key) if sealed else None
    profile = m.Profile(
        id=uuid7(),
        name=name,
        roles=" ".join(sorted(set(roles))),
        created_at=utcnow(),
        did=did,
        sealed_key=sealed.to_json() if sealed else None,
        failed_unlocks=0,
    )
    tx.add(profile)
    tx.flush()
    append_event(
        tx,
        actor=profile.id,
        action="profile.create",
        entity_type="profile",
        entity_id=profile.id,
        payload={"name": name, "roles": sorted(set(roles)), "did": did},
    )
    return _info(profile)


@operation(Operation.PROFILE_CREATE)
def create_profile(
    db: Database,
    name: str,
    roles: list[str],
    passphrase: str,
    *,
    cost: tuple[int, int, int] | None = None,
) -> ProfileInfo:
    """A new profile with a fresh Ed25519 key sealed under `passphrase` (Argon2id)."""
    profile_name(name)  # a name that will be refused costs no key
    sealed, _ = keys.create_key(passphrase, cost=cost)  # before the write: it takes ~0.3 s
    with db.write() as tx:
        return add_profile(tx, name, roles, sealed)


@operation(None)
def list_profiles(db: Database) -> list[ProfileInfo]:
    with db.read() as tx:
        return [_info(p) for p in q.all_profiles(tx)]


def _find(tx: Tx, ref: str) -> m.Profile:
    for p in q.all_profiles(tx):
        if ref in (p.id, p.name, p.did):
            return p
    raise UnknownChoice("profile", ref, [p.name for p in q.all_profiles(tx)])


@operation(None)  # authentication, not an authorised act
def unlock(db: Database, ref: str, passphrase: str, *, now: datetime | None = None) -> Signer:
    """Open the profile's key. After 5 wrong passphrases each further attempt must wait
    longer (`keys.unlock_delay`); the count is kept in the database, so restarting the
    program does not reset it."""
    now = now or utcnow()
    with db.read() as tx:
        profile = _find(tx, ref)
        info, sealed_json = _info(profile), profile.sealed_key
        blocked = profile.unlock_blocked_until
    if sealed_json is None:
        raise DomainError(f"profile '{info.name}' has no signing key (made by an older release)")
    if blocked is not None and blocked > now:
        raise keys.UnlockThrottled((blocked - now).total_seconds())
    try:
        sealed = keys.SealedKey.from_json(sealed_json)
    except ValueError as exc:  # e.g. a small-order public key written into the file
        raise DomainError(f"profile '{info.name}': its stored key is unusable ({exc})") from None
    if did_key(sealed.public_key) != info.did:
        raise DomainError(f"profile '{info.name}': its sealed key is not the key of its identity")
    try:
        key = keys.unseal(sealed, passphrase)
    except keys.WrongPassphrase:
        _count_failure(db, info.id, now)
        raise
    with db.write() as tx:
        row = tx.get(m.Profile, info.id)
        if row is not None and (row.failed_unlocks or row.unlock_blocked_until is not None):
            row.failed_unlocks, row.unlock_blocked_until = 0, None
            append_event(  # the throttle's count starts again: the log says why
                tx,
                actor=info.id,
                action="profile.unlock",
                entity_type="profile",
                entity_id=info.id,
                payload={"failuresCleared": True},
            )
    return Signer(info, key)


@operation(None)  # authentication, not an authorised act
def unlock_remembered(
    db: Database, profile_id: str, secret: str, secrets: SecretStore
) -> Signer | None:
    """Unlock with the secret `secrets` remembered for the profile (read beforehand, on the
    keyring's own lane). A remembered secret that no longer opens the profile (the passphrase
    was changed) is forgotten, and None returned: ask the person. It counts as a failed
    unlock like any other. UnlockThrottled and other errors pass through: the secret may still
    be right, so it is kept."""
    try:
        return unlock(db, profile_id, secret)
    except keys.WrongPassphrase:
        log.info("the remembered unlock secret no longer opens the profile; forgetting it")
        try:
            secrets.forget_unlock(profile_id)
        except KeyringUnavailable as exc:
            log.warning("could not forget the unlock secret: %s", exc)
        return None


def _count_failure(db: Database, profile_id: str, now: datetime) -> None:
    with db.write() as tx:
        row = tx.get(m.Profile, profile_id)
        if row is None:
            return
        row.failed_unlocks += 1
        delay = keys.unlock_delay(row.failed_unlocks)
        row.unlock_blocked_until = now + timedelta(seconds=delay) if delay > 0 else None
        append_event(
            tx,
            actor=profile_id,
            action="profile.unlock-failed",
            entity_type="profile",
            entity_id=profile_id,
            payload={"failures": row.failed_unlocks},
        )


@operation(None)
def resolve_profile(db: Database, name: str | None, role: str) -> ProfileInfo:
    """The named profile, or the only one with the role; names the choices otherwise."""
    with db.read() as tx:
        holders = q.profiles_with_role(tx, role)
        if name is not None:
            for p in holders:
                if name in (p.name, p.id, p.did):
                    return _info(p)
            raise UnknownChoice(f"{role} profile", name, [p.name for p in holders])
        if len(holders) == 1:
            return _info(holders[0])
        if not holders:
            raise DomainError(f"no profile has the role '{role}'; create one first")
        names = ", ".join(p.name for p in holders)
        raise DomainError(
            f"several profiles have the role '{role}' ({names}); choose one with --profile NAME"
        )
