"""What every exam session operation checks first (services/exam_sessions.py): the text a
proctor typed, the choices named, the session and the policy's word on it, the candidates
named. Each raises DomainError, UnknownChoice or NotAllowed in the proctor's words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import TypeVar

from assessor.domain import exam as x
from assessor.domain.errors import DomainError, NotAllowed, UnknownChoice
from assessor.domain.policy import Operation, State
from assessor.domain.text import first_control, require_plain
from assessor.services.access import Actor, check, operation
from assessor.store import exam as s
from assessor.store.drafts import SqlOrSession

MAX_TITLE = 500
MAX_NOTE = 500  # a witness, an action, who was notified
MAX_TEXT = 10_000
E = TypeVar("E", bound=StrEnum)


def now_utc(now: datetime | None) -> datetime:
    return datetime.now(UTC) if now is None else now.astimezone(UTC)


def plain_text(value: str, what: str, limit: int, *, multiline: bool = False) -> str:
    if first_control(value, multiline=multiline) is not None:
        require_plain(value, what, multiline=multiline)  # raises, naming the character
    text = value.strip()
    if len(text) > limit:
        raise DomainError(f"the {what} is longer than {limit} characters")
    return text


def choice(enum: type[E], value: str, what: str) -> E:
    """`value` as one of `enum`'s members, or UnknownChoice naming the valid ones."""
    try:
        return enum(value)
    except ValueError:
        raise UnknownChoice(what, value, list(enum)) from None


def optional_note(value: str | None, what: str) -> str | None:
    if value is None:
        return None
    return plain_text(value, what, MAX_NOTE) or None


@operation(None)  # a read inside the caller's transaction
def session_head(tx: SqlOrSession, session_id: str, actor_id: str | None = None) -> s.SessionHead:
    """The session (with `actor_id`'s roles), or UnknownChoice naming the sessions there are."""
    head = s.head(tx, session_id, actor_id)
    if head is None:
        raise UnknownChoice("exam session", session_id, [r.id for r in s.list_sessions(tx)])
    return head


def allow(actor: Actor, op: Operation, head: s.SessionHead) -> None:
    """NotAllowed unless the policy lets `actor` do `op` to the session, as it stands."""
    state = State.SEALED if head.status == x.SessionStatus.SEALED else State.OPEN
    check(actor, op, owner=head.proctor_id, state=state)


@operation(None)  # a read inside the caller's transaction
def session_for(tx: SqlOrSession, session_id: str, actor_id: str, op: Operation) -> s.SessionHead:
    """The session, after the policy allowed `op` to this actor on it."""
    head = session_head(tx, session_id, actor_id)
    if head.actor_roles is None:
        raise NotAllowed(f"no profile '{actor_id}': unlock a profile with the proctor role first")
    allow(Actor(actor_id, head.actor_roles), op, head)
    return head


@operation(None)  # a read inside the caller's transaction
def candidate_of(tx: SqlOrSession, head: s.SessionHead, candidate_id: str) -> s.Candidate:
    found = s.candidate(tx, head.id, candidate_id)
    if found is None:
        raise unknown_candidate(tx, head, candidate_id)
    return found


@operation(None)  # a read inside the caller's transaction
def unknown_candidate(tx: SqlOrSession, head: s.SessionHead, candidate_id: str) -> UnknownChoice:
    ids = [c.id for c in s.candidates(tx, head.id)]
    return UnknownChoice(f"candidate of session {head.id}", candidate_id, ids)


@dataclass(frozen=True)
class Incident:
    """What a proctor logs: the type, severity, who witnessed, what was done, who was told,
    what happened; `corrects` is the sequence number of an incident this one corrects."""

    type: str
    severity: str
    text: str
    candidates: Sequence[str] = ()
    witness: str | None = None
    action: str | None = None
    notified: str | None = None
    corrects: int | None = None


def check_incident(incident: Incident) -> Incident:
    """The incident as it will be stored, or DomainError naming what is wrong."""
    kind = choice(x.IncidentType, incident.type, "incident type")
    severity = choice(x.Severity, incident.severity, "severity")
    text = plain_text(incident.text, "incident text", MAX_TEXT, multiline=True)
    if not text:
        raise DomainError("an incident needs a text saying what happened")
    if len(set(incident.candidates)) != len(incident.candidates):
        raise DomainError("a candidate is named twice in the incident")
    return Incident(
        kind.value,
        severity.value,
        text,
        tuple(incident.candidates),
        optional_note(incident.witness, "witness"),
        optional_note(incident.action, "action"),
        optional_note(incident.notified, "notified"),
        incident.corrects,
    )
