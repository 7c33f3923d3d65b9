"""Local profiles: one person on this machine with roles. Keys come with the identity issue."""

from __future__ import annotations

from dataclasses import dataclass

from assessor.domain.errors import DomainError, UnknownChoice
from assessor.domain.ids import uuid7
from assessor.store import models as m
from assessor.store import queries as q
from assessor.store.audit import append_event
from assessor.store.db import Database, Tx
from assessor.store.types import utcnow

ROLES = ("assessor", "manager", "proctor")


@dataclass(frozen=True)
class ProfileInfo:
    id: str
    name: str
    roles: tuple[str, ...]


def _info(p: m.Profile) -> ProfileInfo:
    return ProfileInfo(p.id, p.name, tuple(p.roles.split()))


def add_profile(tx: Tx, name: str, roles: list[str]) -> ProfileInfo:
    name = name.strip()
    if not name:
        raise DomainError("a profile needs a name")
    for role in roles:
        if role not in ROLES:
            raise UnknownChoice("role", role, ROLES)
    if q.profile_by_name(tx, name) is not None:
        raise DomainError(f"a profile named '{name}' already exists")
    profile = m.Profile(
        id=uuid7(), name=name, roles=" ".join(sorted(set(roles))), created_at=utcnow()
    )
    tx.add(profile)
    tx.flush()
    append_event(
        tx,
        actor=profile.id,
        action="profile.create",
        entity_type="profile",
        entity_id=profile.id,
        payload={"name": name, "roles": sorted(set(roles))},
    )
    return _info(profile)


def resolve_profile(db: Database, name: str | None, role: str) -> ProfileInfo:
    """The named profile, or the only one with the role; names the choices otherwise."""
    with db.read() as tx:
        holders = q.profiles_with_role(tx, role)
        if name is not None:
            for p in holders:
                if p.name == name or p.id == name:
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
