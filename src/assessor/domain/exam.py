"""Exam sessions: the words a proctor picks from, which outcomes are final, and what a
session still lacks before it can be sealed. Pure rules; the service applies them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from assessor.domain.errors import DomainError


class SessionKind(StrEnum):
    SITE = "site"
    REMOTE = "remote"


class IdMethod(StrEnum):
    PASSPORT = "passport"
    DRIVING_LICENCE = "driving-licence"
    INSTITUTION_CARD = "institution-card"
    KNOWN = "known"  # known to the proctor


class IncidentType(StrEnum):
    PROHIBITED_ITEM = "prohibited-item"
    COMMUNICATION = "communication"
    IDENTITY_CONCERN = "identity-concern"
    TECHNICAL_ISSUE = "technical-issue"
    DISRUPTION = "disruption"
    ILLNESS = "illness"
    OTHER = "other"


class Severity(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    BLUE = "blue"


# Colour and word together, never colour alone (UI.md): what each severity means.
SEVERITY_WORDS = {
    Severity.GREEN: "no incident",
    Severity.YELLOW: "rule broken, cheating unlikely",
    Severity.RED: "suspected cheating",
    Severity.BLUE: "technical",
}


class Movement(StrEnum):
    ENTRY = "entry"
    EXIT = "exit"
    BREAK_START = "break-start"
    BREAK_END = "break-end"


class Outcome(StrEnum):
    COMPLETED = "completed"
    NO_SHOW = "no-show"
    WITHDREW = "withdrew"
    TERMINATED = "terminated"
    VOIDED = "voided"


# A no-show may still arrive late; every other outcome is final once recorded.
TERMINAL_OUTCOMES = frozenset(
    {Outcome.COMPLETED, Outcome.WITHDREW, Outcome.TERMINATED, Outcome.VOIDED}
)


class SessionStatus(StrEnum):
    OPEN = "open"
    SEALED = "sealed"


# Entry kinds in a session's log.
class EntryKind(StrEnum):
    CHECK_IN = "check-in"
    ENTRY = "entry"
    EXIT = "exit"
    BREAK_START = "break-start"
    BREAK_END = "break-end"
    INCIDENT = "incident"
    OUTCOME = "outcome"


# Ids travel in signed records (the schema's localId): letters, digits and . _ : @ / + -.
_LOCAL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@/+-]{0,199}\Z")


def is_local_id(text: str) -> bool:
    return bool(_LOCAL_ID.match(text))


# Outcomes that say the candidate sat (some of) the exam: they need a check-in first.
NEEDS_CHECK_IN = frozenset({Outcome.COMPLETED, Outcome.WITHDREW, Outcome.TERMINATED})


def outcome_change_problem(old: str | None, new: Outcome, *, checked_in: bool) -> str | None:
    """Why a candidate's outcome `old` may not become `new`, or None when it may."""
    if old is not None and old in TERMINAL_OUTCOMES:
        if old == new:
            return f"the outcome is already '{old}'"
        return f"the outcome '{old}' is final and cannot become '{new}'"
    if new in NEEDS_CHECK_IN and not checked_in:
        return f"'{new}' needs a check-in first"
    if new is Outcome.NO_SHOW and checked_in:
        return "a candidate who checked in is not a no-show"
    return None


def check_in_problem(checked_in: bool, outcome: str | None) -> str | None:
    """Why a candidate may not check in, or None. A no-show who arrives late may."""
    if checked_in:
        return "is already checked in"
    if outcome is not None and outcome in TERMINAL_OUTCOMES:
        return f"has the final outcome '{outcome}'"
    return None


@dataclass(frozen=True)
class CandidateState:
    id: str
    checked_in: bool
    outcome: str | None


def missing_for_seal(candidates: Iterable[CandidateState]) -> list[str]:
    """What must be done before the session can be sealed, one line per candidate, in
    roster order; empty when nothing is missing."""
    missing = []
    listed = False
    for c in candidates:
        listed = True
        if c.outcome is None:
            missing.append(f"candidate {c.id} has no outcome")
    if not listed:
        missing.append("the roster is empty: import it first")
    return missing


def planned_time(text: str) -> datetime:
    """A session's planned start or end as typed (the CLI's --start, the window's dialog): an
    ISO 8601 date and time with its time zone. DomainError in the same words for both."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00")) if len(text) < 40 else None
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise DomainError(
            f"'{text[:40]}' is not a date and time with a time zone, such as 2026-12-02T09:00Z"
        )
    return moment
