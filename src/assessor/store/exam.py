"""Exam sessions in SQL: the session, its roster and its append-only log.

Hand-written statements on the driver connection of the caller's write transaction (as
drafts.py does): logging an incident is a proctor's most frequent write and must cost little
more than the commit itself (benchmarks/bench_incident.py). Times are UTC text, as
`UTCDateTime` stores them, so they sort and compare as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from assessor.store.drafts import SqlOrSession, driver
from assessor.store.exam_log import Entry as Entry  # the log's names, as the session's
from assessor.store.exam_log import append_entry as append_entry
from assessor.store.exam_log import entries as entries
from assessor.store.exam_log import entry_kind as entry_kind
from assessor.store.types import format_utc


@dataclass(frozen=True)
class SessionHead:
    id: str
    title: str
    location: str
    kind: str
    starts_at: str
    ends_at: str
    status: str
    proctor_id: str | None
    last_seq: int
    last_at: str | None
    sealed_at: str | None
    record_id: str | None
    actor_roles: tuple[str, ...] | None  # the acting profile's roles; None: no such profile


@dataclass(frozen=True)
class Candidate:
    id: str
    name: str
    learner_id: str | None
    checked_in_at: str | None
    id_method: str | None
    outcome: str | None
    outcome_at: str | None


_HEAD = """
SELECT s.id, s.title, s.location, r.kind, s.starts_at, r.ends_at, s.status, s.proctor_id,
  r.last_seq, r.last_at, r.sealed_at, r.record_id,
  (SELECT roles FROM profiles WHERE id = ?)
FROM exam_sessions AS s JOIN exam_runs AS r ON r.session_id = s.id
WHERE s.id = ?"""
_INSERT_SESSION = """
INSERT INTO exam_sessions (id, title, assessment_id, location, starts_at, status, proctor_id)
VALUES (:id, :title, NULL, :location, :starts_at, 'open', :proctor)"""
_INSERT_RUN = """
INSERT INTO exam_runs (session_id, kind, ends_at, created_at, last_seq, last_at)
VALUES (:id, :kind, :ends_at, :now, 0, NULL)"""
_INSERT_CANDIDATE = """
INSERT INTO exam_roster (session_id, candidate_id, position, name, learner_id)
VALUES (?, ?, ?, ?, ?)"""
_CANDIDATES = """
SELECT candidate_id, name, learner_id, checked_in_at, id_method, outcome, outcome_at
FROM exam_roster WHERE session_id = ? ORDER BY position"""
_CANDIDATE = """
SELECT candidate_id, name, learner_id, checked_in_at, id_method, outcome, outcome_at
FROM exam_roster WHERE session_id = ? AND candidate_id = ?"""
_LAST_POSITION = "SELECT coalesce(max(position), 0) FROM exam_roster WHERE session_id = ?"
_CHECK_IN = """
UPDATE exam_roster SET checked_in_at = ?, id_method = ?,
  outcome = CASE WHEN outcome = 'no-show' THEN NULL ELSE outcome END,
  outcome_at = CASE WHEN outcome = 'no-show' THEN NULL ELSE outcome_at END
WHERE session_id = ? AND candidate_id = ?"""
_OUTCOME = """
UPDATE exam_roster SET outcome = ?, outcome_at = ? WHERE session_id = ? AND candidate_id = ?"""
_SEAL_RUN = "UPDATE exam_runs SET sealed_at = ?, record_id = ? WHERE session_id = ?"
_SEAL = "UPDATE exam_sessions SET status = 'sealed' WHERE id = ?"
_LIST = """
SELECT s.id, s.title, s.status, r.kind, s.starts_at, r.ends_at, s.proctor_id, r.last_seq,
  (SELECT count(*) FROM exam_roster AS c WHERE c.session_id = s.id),
  (SELECT count(*) FROM exam_roster AS c WHERE c.session_id = s.id AND c.outcome IS NULL)
FROM exam_sessions AS s JOIN exam_runs AS r ON r.session_id = s.id
ORDER BY s.status = 'sealed', s.starts_at, s.id"""
_INSERT_AMENDMENT = """
INSERT INTO exam_amendments (record_id, session_id, amends, manager_id, text, created_at)
VALUES (?, ?, ?, ?, ?, ?)"""
_AMENDMENTS = """
SELECT record_id, amends, manager_id, text, created_at FROM exam_amendments
WHERE session_id = ? ORDER BY rowid"""


def head(tx: SqlOrSession, session_id: str, actor_id: str | None = None) -> SessionHead | None:
    """The session and the acting profile's roles, in one query; None for an unknown one."""
    row = driver(tx).execute(_HEAD, (actor_id, session_id)).fetchone()
    if row is None:
        return None
    roles = row[-1]
    return SessionHead(
        str(row[0]),
        str(row[1]),
        str(row[2]),
        str(row[3]),
        str(row[4]),
        str(row[5]),
        str(row[6]),
        row[7],
        int(row[8]),
        row[9],
        row[10],
        row[11],
        None if roles is None else tuple(str(roles).split()),
    )


def insert_session(
    tx: SqlOrSession,
    *,
    id: str,
    title: str,
    location: str,
    kind: str,
    starts_at: datetime,
    ends_at: datetime,
    proctor_id: str,
    now: datetime,
) -> None:
    conn = driver(tx)
    conn.execute(
        _INSERT_SESSION,
        {
            "id": id,
            "title": title,
            "location": location,
            "starts_at": format_utc(starts_at),
            "proctor": proctor_id,
        },
    )
    conn.execute(
        _INSERT_RUN,
        {"id": id, "kind": kind, "ends_at": format_utc(ends_at), "now": format_utc(now)},
    )


def add_candidates(
    tx: SqlOrSession, session_id: str, rows: Sequence[tuple[str, str, str | None]]
) -> None:
    """Append (candidate, name, learner) rows to the roster, after those there."""
    conn = driver(tx)
    start = int(conn.execute(_LAST_POSITION, (session_id,)).fetchone()[0])
    conn.executemany(
        _INSERT_CANDIDATE,
        [(session_id, c, start + n, name, learner) for n, (c, name, learner) in enumerate(rows, 1)],
    )


def candidates(tx: SqlOrSession, session_id: str) -> list[Candidate]:
    return [Candidate(*row) for row in driver(tx).execute(_CANDIDATES, (session_id,))]


def candidate(tx: SqlOrSession, session_id: str, candidate_id: str) -> Candidate | None:
    row = driver(tx).execute(_CANDIDATE, (session_id, candidate_id)).fetchone()
    return None if row is None else Candidate(*row)


def on_roster(tx: SqlOrSession, session_id: str, candidate_id: str) -> bool:
    """`candidate(...) is not None`, without building the candidate: an incident names some."""
    return driver(tx).execute(_CANDIDATE, (session_id, candidate_id)).fetchone() is not None


def check_in(tx: SqlOrSession, session_id: str, candidate_id: str, at: str, method: str) -> None:
    driver(tx).execute(_CHECK_IN, (at, method, session_id, candidate_id))


def set_outcome(
    tx: SqlOrSession, session_id: str, candidate_id: str, outcome: str, at: str
) -> None:
    driver(tx).execute(_OUTCOME, (outcome, at, session_id, candidate_id))


def seal(tx: SqlOrSession, session_id: str, sealed_at: datetime, record_id: str) -> None:
    conn = driver(tx)
    conn.execute(_SEAL_RUN, (format_utc(sealed_at), record_id, session_id))
    conn.execute(_SEAL, (session_id,))


@dataclass(frozen=True)
class SessionRow:
    id: str
    title: str
    status: str
    kind: str
    starts_at: str
    ends_at: str
    proctor_id: str | None
    entries: int
    candidates: int
    without_outcome: int


def list_sessions(tx: SqlOrSession) -> list[SessionRow]:
    """Open sessions first, by planned start."""
    return [SessionRow(*row) for row in driver(tx).execute(_LIST)]


@dataclass(frozen=True)
class Amendment:
    record_id: str
    amends: str
    manager_id: str
    text: str
    created_at: str


def add_amendment(
    tx: SqlOrSession,
    *,
    record_id: str,
    session_id: str,
    amends: str,
    manager_id: str,
    text: str,
    at: datetime,
) -> None:
    driver(tx).execute(
        _INSERT_AMENDMENT, (record_id, session_id, amends, manager_id, text, format_utc(at))
    )


def amendments(tx: SqlOrSession, session_id: str) -> list[Amendment]:
    return [Amendment(*row) for row in driver(tx).execute(_AMENDMENTS, (session_id,))]


def profile_roles(tx: SqlOrSession, profile_id: str) -> tuple[str, ...] | None:
    row = driver(tx).execute("SELECT roles FROM profiles WHERE id = ?", (profile_id,)).fetchone()
    return None if row is None else tuple(str(row[0]).split())
