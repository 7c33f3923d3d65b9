"""Every service operation goes through the domain policy table (domain/policy.py).

`@operation(Operation.X)` marks a public service function with what it does; `check` asks the
policy. tests/services/test_access.py fails when a public service function is unmarked or its
operation has no entry in the table. Reads (`operation(None)`) change nothing and are open to
whoever can open the data folder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from assessor.domain.errors import NotAllowed
from assessor.domain.policy import Decision, Operation, Ownership, State, decide
from assessor.domain.roles import Role

F = TypeVar("F", bound=Callable[..., object])

OPERATIONS: dict[str, Operation | None] = {}


def operation(op: Operation | None) -> Callable[[F], F]:
    def mark(fn: F) -> F:
        OPERATIONS[f"{fn.__module__}.{fn.__qualname__}"] = op
        return fn

    return mark


@dataclass(frozen=True)
class Actor:
    """Who is acting: a profile with its roles, or the local user with no profile."""

    profile_id: str | None
    roles: tuple[str, ...]

    @classmethod
    def local(cls) -> Actor:
        return cls(None, (Role.LOCAL.value,))


def check(
    actor: Actor, op: Operation, *, owner: str | None = None, state: State = State.NONE
) -> None:
    """Raise NotAllowed unless the policy allows `op` for this actor on a subject made by
    `owner` (None: no owner) in `state`."""
    if owner is None:
        ownership = Ownership.NONE
    elif owner == actor.profile_id:
        ownership = Ownership.OWN
    else:
        ownership = Ownership.OTHERS
    decision = _decide(op, tuple(actor.roles), ownership, state)
    if not decision.allowed:
        raise NotAllowed(decision.reason)


@lru_cache(maxsize=1024)
def _decide(op: Operation, roles: tuple[str, ...], ownership: Ownership, state: State) -> Decision:
    """`decide`, remembered: the policy table is immutable, so a decision depends only on
    these (and every save asks it)."""
    return decide(op, roles, ownership, state)
