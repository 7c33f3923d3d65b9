"""What the proctor console shows of a session, and the signed subject made from exactly
that: the sealed record says what the screen said (names stay on this machine: a record
carries no personal data, only candidate ids and learner URIs)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assessor.domain import exam as x
from assessor.domain.subjects import learner_uri, session_uri
from assessor.store import exam as s


@dataclass(frozen=True)
class CandidateView:
    id: str
    name: str
    learner: str | None
    checked_in_at: str | None
    id_method: str | None
    outcome: str | None
    outcome_at: str | None

    def to_json(self) -> dict[str, Any]:
        checkin = (
            None
            if self.checked_in_at is None
            else {"at": self.checked_in_at, "method": self.id_method}
        )
        return {
            "id": self.id,
            "name": self.name,
            "learner": self.learner,
            "checkin": checkin,
            "outcome": self.outcome,
        }


@dataclass(frozen=True)
class EntryView:
    seq: int
    at: str
    actor: str
    kind: str
    candidates: tuple[str, ...]
    value: str | None  # identity method or outcome
    type: str | None = None
    severity: str | None = None
    witness: str | None = None
    action: str | None = None
    notified: str | None = None
    text: str | None = None
    corrects: int | None = None
    clock_back: bool = False

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "seq": self.seq,
            "at": self.at,
            "kind": self.kind,
            "candidates": list(self.candidates),
            "by": self.actor,
            "clockBackwards": self.clock_back,
        }
        if self.kind == x.EntryKind.INCIDENT:
            assert self.severity is not None
            found.update(
                type=self.type,
                severity=self.severity,
                severityMeans=x.SEVERITY_WORDS[x.Severity(self.severity)],
                witness=self.witness,
                action=self.action,
                notified=self.notified,
                text=self.text,
                corrects=self.corrects,
            )
        elif self.kind == x.EntryKind.CHECK_IN:
            found["idMethod"] = self.value
        elif self.kind == x.EntryKind.OUTCOME:
            found["outcome"] = self.value
        return found


@dataclass(frozen=True)
class SessionView:
    id: str
    title: str
    kind: str
    location: str
    state: str
    starts_at: str
    ends_at: str
    proctor_id: str | None
    sealed_at: str | None
    record_id: str | None
    candidates: tuple[CandidateView, ...]
    log: tuple[EntryView, ...]
    amendments: tuple[s.Amendment, ...] = ()

    @property
    def incidents(self) -> list[EntryView]:
        return [e for e in self.log if e.kind == x.EntryKind.INCIDENT]

    @property
    def clock_warnings(self) -> list[int]:
        """Sequence numbers of entries logged at a time before an earlier entry's."""
        return [e.seq for e in self.log if e.clock_back]

    @property
    def missing(self) -> list[str]:
        """What must be done before sealing; empty when it may be sealed."""
        return x.missing_for_seal(
            x.CandidateState(c.id, c.checked_in_at is not None, c.outcome) for c in self.candidates
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "location": self.location,
            "state": self.state,
            "startsAt": self.starts_at,
            "endsAt": self.ends_at,
            "proctor": self.proctor_id,
            "sealedAt": self.sealed_at,
            "record": self.record_id,
            "candidates": [c.to_json() for c in self.candidates],
            "incidents": [e.to_json() for e in self.incidents],
            "log": [e.to_json() for e in self.log],
            "clockWarnings": self.clock_warnings,
            "missing": self.missing if self.state == x.SessionStatus.OPEN else [],
            "amendments": [
                {"record": a.record_id, "amends": a.amends, "by": a.manager_id, "text": a.text}
                for a in self.amendments
            ],
        }


def view(
    head: s.SessionHead,
    candidates: Sequence[s.Candidate],
    entries: Sequence[s.Entry],
    amendments: Sequence[s.Amendment] = (),
) -> SessionView:
    return SessionView(
        head.id,
        head.title,
        head.kind,
        head.location,
        x.SessionStatus.SEALED if head.status == "sealed" else x.SessionStatus.OPEN,
        head.starts_at,
        head.ends_at,
        head.proctor_id,
        head.sealed_at,
        head.record_id,
        tuple(CandidateView(*vars(c).values()) for c in candidates),
        tuple(
            EntryView(
                e.seq,
                e.at,
                e.actor_id,
                e.kind,
                e.candidates,
                e.value,
                e.incident_type,
                e.severity,
                e.witness,
                e.action,
                e.notified,
                e.text,
                e.corrects,
                e.clock_back,
            )
            for e in entries
        ),
        tuple(amendments),
    )


@dataclass(frozen=True)
class SessionSummary:
    """One row of the session list."""

    id: str
    title: str
    state: str
    kind: str
    starts_at: str
    ends_at: str
    candidates: int
    without_outcome: int
    entries: int

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "state": self.state,
            "candidates": self.candidates,
            "kind": self.kind,
            "startsAt": self.starts_at,
            "endsAt": self.ends_at,
            "withoutOutcome": self.without_outcome,
            "entries": self.entries,
        }


def summaries(
    rows: Sequence[s.SessionRow], *, state: str | None = None, search: str | None = None
) -> list[SessionSummary]:
    needle = (search or "").casefold()
    found = []
    for r in rows:
        row_state = x.SessionStatus.SEALED if r.status == "sealed" else x.SessionStatus.OPEN
        if state is not None and row_state != state:
            continue
        if needle and needle not in r.title.casefold() and needle not in r.id.casefold():
            continue
        found.append(
            SessionSummary(
                r.id,
                r.title,
                row_state.value,
                r.kind,
                r.starts_at,
                r.ends_at,
                r.candidates,
                r.without_outcome,
                r.entries,
            )
        )
    return found


def record_subject(v: SessionView, sealed_at: str) -> dict[str, Any]:
    """The ExamSessionRecord's credentialSubject: the session exactly as shown, but names.
    Times go in as stored (UTC to the microsecond with 'Z': a date-time with a time zone), so
    the record says exactly what the log holds."""
    learners = {c.id: c.learner for c in v.candidates}
    incidents = []
    log = []
    for e in v.log:
        common = {"seq": e.seq, "at": e.at, "clockBackwards": e.clock_back}
        if e.kind == x.EntryKind.INCIDENT:
            first = learners.get(e.candidates[0]) if e.candidates else None
            incidents.append(
                {
                    **common,
                    "learner": None if first is None else learner_uri(first),
                    "description": e.text,
                    "candidates": list(e.candidates),
                    "type": e.type,
                    "severity": e.severity,
                    "witness": e.witness,
                    "action": e.action,
                    "notified": e.notified,
                    "corrects": e.corrects,
                }
            )
            continue
        entry: dict[str, Any] = {**common, "kind": e.kind, "candidates": list(e.candidates)}
        if e.kind == x.EntryKind.CHECK_IN:
            entry["idMethod"] = e.value
        elif e.kind == x.EntryKind.OUTCOME:
            entry["outcome"] = e.value
        log.append(entry)
    roster = []
    for c in v.candidates:
        roster.append(
            {
                "candidate": c.id,
                "learner": None if c.learner is None else learner_uri(c.learner),
                "checkedInAt": c.checked_in_at,
                "idMethod": c.id_method,
                "outcome": c.outcome,
                "outcomeAt": c.outcome_at,
            }
        )
    return {
        "id": session_uri(v.id),
        "session": {
            "id": v.id,
            "title": v.title,
            "kind": v.kind,
            "location": v.location,
            "startsAt": v.starts_at,
            "endsAt": v.ends_at,
            "sealedAt": sealed_at,
            "entries": len(v.log),
        },
        "roster": roster,
        "incidents": incidents,
        "log": log,
    }
