"""Access control: one table of operation × role × ownership × state, deny by default.

Services ask `require` before every act; the UI only reflects the answer. A cell missing
from POLICY is denied, and so is an operation missing from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from itertools import product
from types import MappingProxyType
from typing import NamedTuple, TypeVar

from assessor.domain.errors import NotAllowed
from assessor.domain.roles import PROFILE_ROLES, Role


class Operation(StrEnum):
    PROFILE_CREATE = "profile.create"
    RUBRIC_IMPORT = "rubric.import"
    RUBRIC_PUBLISH = "rubric.publish"
    DEMO_WRITE = "demo.write"
    STORE_VERIFY = "store.verify"
    PACKAGE_IMPORT = "package.import"
    PACKAGE_EXPORT = "package.export"
    EVALUATION_EDIT = "evaluation.edit"  # start a draft; set a level, points or comment
    EVALUATION_FINALIZE = "evaluation.finalize"
    EVALUATION_SUPERSEDE = "evaluation.supersede"  # start a correction of a finalized one
    EVALUATION_VIEW = "evaluation.view"
    RECORD_EXPORT = "record.export"
    SIGNOFF_DECIDE = "signoff.decide"
    EXAM_OPEN = "exam.open"
    EXAM_ROSTER = "exam.roster"  # import candidates into an open session
    EXAM_CHECK_IN = "exam.check_in"
    EXAM_LOG_INCIDENT = "exam.log_incident"
    EXAM_SET_OUTCOME = "exam.set_outcome"
    EXAM_SEAL = "exam.seal"
    EXAM_AMEND = "exam.amend"  # a signed amendment linked to a sealed session's record
    SYNC_RUN = "sync.run"


class Ownership(StrEnum):
    OWN = "own"  # the subject was made by the acting profile
    OTHERS = "others"
    NONE = "none"  # no subject owner (e.g. creating a profile, starting a new draft)


class State(StrEnum):
    NONE = "none"  # no subject state
    DRAFT = "draft"
    FINALIZED = "finalized"
    SUPERSEDED = "superseded"
    OPEN = "open"  # exam session
    SEALED = "sealed"  # exam session


Cell = tuple[Role, Ownership, State]


def _cells(
    roles: Iterable[Role], ownerships: Iterable[Ownership], states: Iterable[State]
) -> frozenset[Cell]:
    return frozenset(product(roles, ownerships, states))


def _no_subject(*roles: Role) -> frozenset[Cell]:
    return _cells(roles, [Ownership.NONE], [State.NONE])


_A, _M, _P, _L = Role.ASSESSOR, Role.MANAGER, Role.PROCTOR, Role.LOCAL
_OWN, _OTHERS = Ownership.OWN, Ownership.OTHERS
_ANY_OWNER = tuple(Ownership)
_ANY_STATE = tuple(State)
# States in which a subject carries a signature: exporting it reveals nothing new.
_SIGNED = (State.FINALIZED, State.SUPERSEDED, State.SEALED)

POLICY: Mapping[Operation, frozenset[Cell]] = MappingProxyType(
    {
        # Bootstrap and maintenance: no subject, nothing signed, so no profile is needed.
        Operation.PROFILE_CREATE: _no_subject(_A, _M, _P, _L),
        Operation.RUBRIC_IMPORT: _no_subject(_A, _M, _P, _L),
        Operation.RUBRIC_PUBLISH: _no_subject(_A, _M, _P, _L),
        Operation.DEMO_WRITE: _no_subject(_A, _M, _P, _L),
        Operation.STORE_VERIFY: _no_subject(_A, _M, _P, _L),
        Operation.PACKAGE_IMPORT: _no_subject(_A, _M, _P, _L),
        Operation.PACKAGE_EXPORT: _no_subject(_A, _M, _L),
        # Scoring: only the author touches a draft (no subject = starting a new one); a
        # finalized evaluation changes only through a correction, which is a new draft.
        Operation.EVALUATION_EDIT: _cells([_A], [_OWN], [State.DRAFT]) | _no_subject(_A),
        Operation.EVALUATION_FINALIZE: _cells([_A], [_OWN], [State.DRAFT]),
        Operation.EVALUATION_SUPERSEDE: _cells([_A], [_OWN], [State.FINALIZED]),
        Operation.EVALUATION_VIEW: _cells([_A, _M], _ANY_OWNER, _ANY_STATE),
        # LOCAL owns nothing, so its records are always someone else's.
        Operation.RECORD_EXPORT: _cells([_A, _M, _P], [_OWN, _OTHERS], _SIGNED)
        | _cells([_L], [_OTHERS], _SIGNED),
        # Four eyes: a manager signs off someone else's finalized evaluation, never their own.
        Operation.SIGNOFF_DECIDE: _cells([_M], [_OTHERS], [State.FINALIZED]),
        # Any proctor may work an open session (rooms are often staffed by several).
        Operation.EXAM_OPEN: _no_subject(_P),
        Operation.EXAM_ROSTER: _cells([_P], _ANY_OWNER, [State.OPEN]),
        Operation.EXAM_CHECK_IN: _cells([_P], _ANY_OWNER, [State.OPEN]),
        Operation.EXAM_LOG_INCIDENT: _cells([_P], _ANY_OWNER, [State.OPEN]),
        Operation.EXAM_SET_OUTCOME: _cells([_P], _ANY_OWNER, [State.OPEN]),
        Operation.EXAM_SEAL: _cells([_P], _ANY_OWNER, [State.OPEN]),
        # A sealed session never changes: a manager may add a signed amendment to it.
        Operation.EXAM_AMEND: _cells([_M], _ANY_OWNER, [State.SEALED]),
        # Sync sends signed records under a profile's enrolled key.
        Operation.SYNC_RUN: _no_subject(_A, _M, _P),
    }
)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str


def decide(
    operation: Operation | str,
    roles: Iterable[Role | str],
    ownership: Ownership | str,
    state: State | str,
    *,
    policy: Mapping[Operation, frozenset[Cell]] = POLICY,
) -> Decision:
    """Whether any of `roles` may do `operation` on a subject of this ownership and state.

    Never raises: unknown names are denied with a reason. `policy` is for tests.
    """
    op = _parse(Operation, operation)
    if op is None:
        return _deny(f"unknown operation '{operation}'")
    own = _parse(Ownership, ownership)
    if own is None:
        return _deny(f"unknown ownership '{ownership}'; valid: {_names(Ownership)}")
    st = _parse(State, state)
    if st is None:
        return _deny(f"unknown state '{state}'; valid: {_names(State)}")
    # A bare string is one role, not a sequence of one-letter roles.
    given = [roles] if isinstance(roles, str) else list(roles)
    known = [r for r in Role if r in {_parse(Role, g) for g in given}]
    if not known:
        if given:
            return _deny(f"unknown role '{given[0]}'; valid: {_names(Role)}")
        return _deny(f"no role given: nobody may {_act(op).phrase} without one")

    cells = policy.get(op, frozenset())
    if not cells:
        return _deny(f"nobody may {_act(op).phrase}: '{op}' has no entry in the access policy")
    for role in known:
        if (role, own, st) in cells:
            return Decision(True, f"allowed as {role}")
    return _deny(_why_not(op, known, own, st, cells))


def require(
    operation: Operation | str,
    roles: Iterable[Role | str],
    ownership: Ownership | str,
    state: State | str,
) -> None:
    """Raise NotAllowed, with the reason in plain words, unless `decide` allows."""
    decision = decide(operation, roles, ownership, state)
    if not decision.allowed:
        raise NotAllowed(decision.reason)


class _Act(NamedTuple):
    phrase: str  # "an assessor cannot <phrase>"
    verb: str  # "... their own <subject>" / "there is no <subject> to <verb>"
    subject: str


_ACTS: Mapping[Operation, _Act] = {
    Operation.PROFILE_CREATE: _Act("create a profile", "create", "profile"),
    Operation.RUBRIC_IMPORT: _Act("import a rubric", "import", "rubric"),
    Operation.RUBRIC_PUBLISH: _Act("publish a rubric version", "publish", "rubric version"),
    Operation.DEMO_WRITE: _Act("write demo data", "write", "demo data"),
    Operation.STORE_VERIFY: _Act("verify the store", "verify", "store"),
    Operation.PACKAGE_IMPORT: _Act("import a package", "import", "package"),
    Operation.PACKAGE_EXPORT: _Act("export a package", "export", "package"),
    Operation.EVALUATION_EDIT: _Act("edit an evaluation", "edit", "evaluation"),
    Operation.EVALUATION_FINALIZE: _Act("finalize an evaluation", "finalize", "evaluation"),
    Operation.EVALUATION_SUPERSEDE: _Act("correct an evaluation", "correct", "evaluation"),
    Operation.EVALUATION_VIEW: _Act("view an evaluation", "view", "evaluation"),
    Operation.RECORD_EXPORT: _Act("export a signed record", "export", "record"),
    Operation.SIGNOFF_DECIDE: _Act("sign off an evaluation", "sign off", "evaluation"),
    Operation.EXAM_OPEN: _Act("open an exam session", "open", "exam session"),
    Operation.EXAM_ROSTER: _Act("import a roster", "import rosters into", "exam session"),
    Operation.EXAM_CHECK_IN: _Act("check in a candidate", "check candidates in to", "exam session"),
    Operation.EXAM_LOG_INCIDENT: _Act("log an incident", "log incidents in", "exam session"),
    Operation.EXAM_SET_OUTCOME: _Act(
        "record a candidate's outcome", "record outcomes in", "exam session"
    ),
    Operation.EXAM_SEAL: _Act("seal an exam session", "seal", "exam session"),
    Operation.EXAM_AMEND: _Act("amend a sealed exam session", "amend", "exam session"),
    Operation.SYNC_RUN: _Act("sync with the backend", "sync with", "backend"),
}

# The usual wrong-state attempts, said the way a person would want to hear them.
_STATE_REASONS: Mapping[tuple[Operation, State], str] = {
    (Operation.EVALUATION_EDIT, State.FINALIZED): (
        "a finalized evaluation cannot be edited; start a correction instead"
    ),
    (Operation.EVALUATION_EDIT, State.SUPERSEDED): (
        "a superseded evaluation cannot be edited; it was replaced by a correction"
    ),
    (Operation.EVALUATION_FINALIZE, State.FINALIZED): "this evaluation is already finalized",
    (Operation.EVALUATION_FINALIZE, State.SUPERSEDED): (
        "a superseded evaluation cannot be finalized; it was replaced by a correction"
    ),
    (Operation.EVALUATION_SUPERSEDE, State.DRAFT): (
        "a draft evaluation cannot be corrected; edit it instead"
    ),
    (Operation.EVALUATION_SUPERSEDE, State.SUPERSEDED): (
        "a superseded evaluation was already corrected; correct the one that replaced it"
    ),
    (Operation.SIGNOFF_DECIDE, State.DRAFT): (
        "a draft evaluation cannot be signed off; it must be finalized first"
    ),
    (Operation.SIGNOFF_DECIDE, State.SUPERSEDED): (
        "a superseded evaluation cannot be signed off; sign off the correction that replaced it"
    ),
    (Operation.RECORD_EXPORT, State.DRAFT): "a draft has no signed record yet; finalize it first",
    (Operation.RECORD_EXPORT, State.OPEN): (
        "an open exam session has no signed record yet; seal it first"
    ),
    (Operation.EXAM_ROSTER, State.SEALED): "a sealed exam session cannot change",
    (Operation.EXAM_CHECK_IN, State.SEALED): "a sealed exam session cannot change",
    (Operation.EXAM_LOG_INCIDENT, State.SEALED): "a sealed exam session cannot change",
    (Operation.EXAM_SET_OUTCOME, State.SEALED): "a sealed exam session cannot change",
    (Operation.EXAM_SEAL, State.SEALED): "this exam session is already sealed",
    (Operation.EXAM_AMEND, State.OPEN): (
        "an open exam session has nothing signed to amend; its proctor changes it until sealed"
    ),
}

_A_ROLE = {
    Role.ASSESSOR: "an assessor",
    Role.MANAGER: "a manager",
    Role.PROCTOR: "a proctor",
    Role.LOCAL: "someone with no profile",
}


def _why_not(
    op: Operation, known: list[Role], own: Ownership, st: State, cells: frozenset[Cell]
) -> str:
    """The first thing in the way, checked in the order a person fixes them: role, state,
    ownership."""
    act = _act(op)
    eligible = [r for r in known if any(cell[0] is r for cell in cells)]
    if not eligible:
        return _role_reason(act, known, cells)

    states = {s for r, _, s in cells if r in eligible}
    if st not in states:
        return _state_reason(op, act, st, states)

    named = [r for r in eligible if any(c[0] is r and c[2] is st for c in cells)]
    who = " or ".join(_A_ROLE[r] for r in named)
    owners = {o for r, o, s in cells if r in named and s is st}
    if own is Ownership.OWN and Ownership.OTHERS in owners:
        return f"{who} cannot {act.verb} their own {act.subject}"
    if own is Ownership.OTHERS and Ownership.OWN in owners:
        return f"{who} can only {act.verb} their own {act.subject}"
    if own is Ownership.NONE:
        return f"there is no {act.subject} to {act.verb}"
    return f"{who} cannot {act.phrase} with ownership '{own}' in state '{st}'"


def _role_reason(act: _Act, known: list[Role], cells: frozenset[Cell]) -> str:
    needed = [r for r in PROFILE_ROLES if any(cell[0] is r for cell in cells)]
    needs = " or ".join(needed)
    if known == [Role.LOCAL]:
        if not needed or len(needed) == len(PROFILE_ROLES):
            return f"no profile: unlock a profile first (needed to {act.phrase})"
        return f"no profile: unlock a profile with the {needs} role first (needed to {act.phrase})"
    who = " or ".join(_A_ROLE[r] for r in known if r is not Role.LOCAL)
    if not needed:
        return f"{who} cannot {act.phrase}; it is done with no profile unlocked"
    return f"{who} cannot {act.phrase}; it needs the {needs} role"


def _state_reason(op: Operation, act: _Act, st: State, states: set[State]) -> str:
    if (op, st) in _STATE_REASONS:
        return _STATE_REASONS[(op, st)]
    if st is State.NONE:
        return f"there is no {act.subject} to {act.verb}"
    if states == {State.NONE}:
        return f"cannot {act.phrase} on an existing subject (given one in state '{st}')"
    allowed = " or ".join(s for s in State if s in states and s is not State.NONE)
    return f"cannot {act.phrase} in state '{st}'; only when it is {allowed}"


def _act(op: Operation) -> _Act:
    return _ACTS.get(op) or _Act(f"do '{op}'", f"do '{op}' to", "subject")


def _deny(reason: str) -> Decision:
    return Decision(False, reason)


E = TypeVar("E", bound=StrEnum)


def _parse(kind: type[E], value: object) -> E | None:
    if not isinstance(value, str):
        return None
    try:
        return kind(value)
    except ValueError:
        return None


def _names(kind: type[StrEnum]) -> str:
    return ", ".join(sorted(member.value for member in kind))
