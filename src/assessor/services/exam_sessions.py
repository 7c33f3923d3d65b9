"""Running an exam session: create it, import its roster, check candidates in, log entries,
exits, breaks and incidents, record outcomes. Every call is one durable transaction with its
audit event (the "Saved" promise), checked against the policy table; a sealed session
refuses every change (and its triggers refuse it again below the service).

The log is numbered by the session's own sequence: that is its order, never the clock. An
entry whose time is before an earlier one's is flagged (the clock went back).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from assessor.domain import exam as x
from assessor.domain.errors import DomainError, NotAllowed
from assessor.domain.ids import uuid7
from assessor.domain.policy import Operation
from assessor.services.access import Actor, check, operation
from assessor.services.exam_checks import (
    MAX_NOTE,
    MAX_TITLE,
    candidate_of,
    check_incident,
    choice,
    now_utc,
    plain_text,
    session_for,
    session_head,
    unknown_candidate,
)
from assessor.services.exam_checks import Incident as Incident  # log_incident's argument
from assessor.services.exam_roster import parse_roster
from assessor.services.exam_views import SessionSummary, SessionView, summaries, view
from assessor.store import exam as s
from assessor.store.audit import append_event
from assessor.store.db import Database
from assessor.store.drafts import SqlOrSession

_PLACE = {x.SessionKind.SITE: "on site", x.SessionKind.REMOTE: "remote"}


@dataclass(frozen=True)
class Logged:
    """What the proctor was told was saved: the entry's place in the log and its time."""

    session_id: str
    seq: int
    at: str
    clock_back: bool


def _event(tx: SqlOrSession, actor_id: str, action: str, session_id: str, **payload: Any) -> None:
    append_event(
        tx,
        actor=actor_id,
        action=action,
        entity_type="exam_session",
        entity_id=session_id,
        payload=payload,
    )


def _log(
    tx: SqlOrSession,
    head: s.SessionHead,
    proctor_id: str,
    action: str,
    now: datetime | None,
    kind: str,
    candidates: Sequence[str],
    *,
    value: str | None = None,
    incident: tuple[str, str, str | None, str | None, str | None, str, int | None] | None = None,
    then: Callable[[str], None] | None = None,
) -> Logged:
    """Append the entry, let `then(at)` write what it changes on the roster, and audit both
    in one event (it carries the rows written before it)."""
    seq, at, back = s.append_entry(
        tx,
        head,
        at=now_utc(now),
        actor_id=proctor_id,
        kind=kind,
        candidates=candidates,
        value=value,
        incident=incident,
    )
    if then is not None:
        then(at)
    _event(tx, proctor_id, action, head.id, seq=seq)
    return Logged(head.id, seq, at, back)


@operation(Operation.EXAM_OPEN)
def create_session(
    db: Database,
    proctor_id: str,
    *,
    title: str,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    location: str | None = None,
    session_id: str | None = None,
    now: datetime | None = None,
) -> SessionView:
    """A new open session run by `proctor_id`; its id (new, unless `session_id` is given:
    the demo's fixed one) is returned in the view."""
    title = plain_text(title, "session title", MAX_TITLE)
    if not title:
        raise DomainError("a session needs a title")
    kind_ = choice(x.SessionKind, kind, "session kind")
    place = plain_text(location or "", "location", MAX_NOTE) or _PLACE[kind_]
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise DomainError("the planned start and end need a time zone (such as Z)")
    if ends_at <= starts_at:
        raise DomainError("the planned end must be after the planned start")
    if session_id is not None and not x.is_local_id(session_id):
        raise DomainError(f"'{session_id}' is not a session id")
    session_id = session_id or f"exam-{uuid7()}"
    with db.write_sql() as tx:
        if s.head(tx, session_id) is not None:
            raise DomainError(f"a session {session_id} exists already")
        roles = s.profile_roles(tx, proctor_id)
        if roles is None:
            raise NotAllowed(f"no profile '{proctor_id}': unlock a profile with the proctor role")
        check(Actor(proctor_id, roles), Operation.EXAM_OPEN)
        s.insert_session(
            tx,
            id=session_id,
            title=title,
            location=place,
            kind=kind_.value,
            starts_at=starts_at,
            ends_at=ends_at,
            proctor_id=proctor_id,
            now=now_utc(now),
        )
        _event(tx, proctor_id, "exam.create", session_id, title=title, kind=kind_.value)
    return show_session(db, session_id)


@operation(Operation.EXAM_ROSTER)
def import_roster(db: Database, proctor_id: str, session_id: str, path: Path) -> int:
    """Add the candidates of a CSV file (header `candidate,name`, optional `learner`) to the
    roster: all of them, or none when any line is wrong (ValidationFailed names each line).
    Returns how many were added."""
    with db.read() as tx:  # who may, before the file is read at all
        head = session_for(tx, session_id, proctor_id, Operation.EXAM_ROSTER)
        known = {c.id for c in s.candidates(tx, head.id)}
    rows = parse_roster(path, known)
    with db.write_sql() as tx:
        head = session_for(tx, session_id, proctor_id, Operation.EXAM_ROSTER)
        present = {c.id for c in s.candidates(tx, head.id)}
        if present != known:  # changed since read: check again against what is there
            rows = parse_roster(path, present)
        s.add_candidates(tx, head.id, [(r.candidate, r.name, r.learner) for r in rows])
        _event(tx, proctor_id, "exam.roster", head.id, added=len(rows), file=path.name)
    return len(rows)


@operation(Operation.EXAM_CHECK_IN)
def check_in(
    db: Database,
    proctor_id: str,
    session_id: str,
    candidate_id: str,
    id_method: str,
    *,
    now: datetime | None = None,
) -> Logged:
    """The candidate is here, and how their identity was checked; a late no-show may."""
    method = choice(x.IdMethod, id_method, "identity method")
    with db.write_sql() as tx:
        head = session_for(tx, session_id, proctor_id, Operation.EXAM_CHECK_IN)
        c = candidate_of(tx, head, candidate_id)
        problem = x.check_in_problem(c.checked_in_at is not None, c.outcome)
        if problem:
            raise NotAllowed(f"candidate {candidate_id} {problem}")
        return _log(
            tx,
            head,
            proctor_id,
            "exam.check-in",
            now,
            x.EntryKind.CHECK_IN,
            [c.id],
            value=method.value,
            then=lambda at: s.check_in(tx, head.id, c.id, at, method.value),
        )


@operation(Operation.EXAM_CHECK_IN)
def record_movement(
    db: Database,
    proctor_id: str,
    session_id: str,
    candidate_id: str,
    movement: str,
    *,
    now: datetime | None = None,
) -> Logged:
    """A checked-in candidate enters, leaves, or starts or ends a break."""
    kind = choice(x.Movement, movement, "movement")
    with db.write_sql() as tx:
        head = session_for(tx, session_id, proctor_id, Operation.EXAM_CHECK_IN)
        c = candidate_of(tx, head, candidate_id)
        if c.checked_in_at is None:
            raise NotAllowed(f"candidate {candidate_id} has not checked in")
        return _log(tx, head, proctor_id, "exam.movement", now, kind.value, [c.id])


@operation(Operation.EXAM_LOG_INCIDENT)
def log_incident(
    db: Database,
    proctor_id: str,
    session_id: str,
    incident: Incident,
    *,
    now: datetime | None = None,
) -> Logged:
    """Append an incident to the log (no candidate: the whole session). It returns only
    after the commit: what it returns is saved."""
    i = check_incident(incident)
    with db.write_sql() as tx:
        head = session_for(tx, session_id, proctor_id, Operation.EXAM_LOG_INCIDENT)
        for candidate_id in i.candidates:
            if not s.on_roster(tx, head.id, candidate_id):
                raise unknown_candidate(tx, head, candidate_id)
        if i.corrects is not None and s.entry_kind(tx, head.id, i.corrects) != "incident":
            raise DomainError(f"entry {i.corrects} of session {head.id} is not an incident")
        return _log(
            tx,
            head,
            proctor_id,
            "exam.incident",
            now,
            x.EntryKind.INCIDENT,
            i.candidates,
            incident=(i.type, i.severity, i.witness, i.action, i.notified, i.text, i.corrects),
        )


@operation(Operation.EXAM_SET_OUTCOME)
def set_outcome(
    db: Database,
    proctor_id: str,
    session_id: str,
    candidate_id: str,
    outcome: str,
    *,
    now: datetime | None = None,
) -> Logged:
    """The candidate's outcome; a terminal one (all but no-show) never changes."""
    value = choice(x.Outcome, outcome, "outcome")
    with db.write_sql() as tx:
        head = session_for(tx, session_id, proctor_id, Operation.EXAM_SET_OUTCOME)
        c = candidate_of(tx, head, candidate_id)
        problem = x.outcome_change_problem(c.outcome, value, checked_in=c.checked_in_at is not None)
        if problem:
            raise NotAllowed(f"candidate {candidate_id}: {problem}")
        return _log(
            tx,
            head,
            proctor_id,
            "exam.outcome",
            now,
            x.EntryKind.OUTCOME,
            [c.id],
            value=value.value,
            then=lambda at: s.set_outcome(tx, head.id, c.id, value.value, at),
        )


@operation(None)
def list_sessions(
    db: Database, *, state: str | None = None, search: str | None = None
) -> list[SessionSummary]:
    """Sessions like a queue: open ones first by planned start, then sealed ones; `state`
    (open | sealed) and `search` (in the title or id) narrow it."""
    with db.read() as tx:
        return summaries(s.list_sessions(tx), state=state, search=search)


@operation(None)
def show_session(db: Database, session_id: str) -> SessionView:
    """Everything about one session, as the console shows it and as a seal would sign it."""
    with db.read() as tx:
        head = session_head(tx, session_id)
        return view(
            head, s.candidates(tx, head.id), s.entries(tx, head.id), s.amendments(tx, head.id)
        )
