"""Who acts: the roles a profile can hold, and the local user with no profile unlocked."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ASSESSOR = "assessor"
    MANAGER = "manager"
    PROCTOR = "proctor"
    # The person at the OS account with no profile unlocked. Only bootstrap and maintenance
    # acts that sign nothing (create a profile, import a rubric, verify the store, ...).
    LOCAL = "local"


# What a profile can hold; LOCAL is never stored on a profile.
PROFILE_ROLES: tuple[Role, ...] = (Role.ASSESSOR, Role.MANAGER, Role.PROCTOR)
