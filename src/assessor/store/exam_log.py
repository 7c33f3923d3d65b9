"""An exam session's log in SQL: its entries, numbered by the session's own sequence (see
exam.py, which this completes). Appending is the hot path of logging an incident."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from json.encoder import encode_basestring_ascii
from typing import TYPE_CHECKING

from assessor.store.drafts import SqlOrSession, driver
from assessor.store.types import format_utc

if TYPE_CHECKING:
    from assessor.store.exam import SessionHead


@dataclass(frozen=True)
class Entry:
    seq: int
    at: str
    actor_id: str
    kind: str
    candidates: tuple[str, ...]
    value: str | None
    incident_type: str | None
    severity: str | None
    witness: str | None
    action: str | None
    notified: str | None
    text: str | None
    corrects: int | None
    clock_back: bool


_INSERT_ENTRY = """
INSERT INTO exam_entries (session_id, seq, at, actor_id, kind, candidates, value,
  incident_type, severity, witness, action_taken, notified, text, corrects, clock_back)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
_MOVE_ON = "UPDATE exam_runs SET last_seq = ?, last_at = ? WHERE session_id = ?"
_ENTRIES = """
SELECT seq, at, actor_id, kind, candidates, value, incident_type, severity, witness,
  action_taken, notified, text, corrects, clock_back
FROM exam_entries WHERE session_id = ? ORDER BY seq"""
_ENTRY_KIND = "SELECT kind FROM exam_entries WHERE session_id = ? AND seq = ?"


def entry_kind(tx: SqlOrSession, session_id: str, seq: int) -> str | None:
    row = driver(tx).execute(_ENTRY_KIND, (session_id, seq)).fetchone()
    return None if row is None else str(row[0])


def append_entry(
    tx: SqlOrSession,
    session: SessionHead,
    *,
    at: datetime,
    actor_id: str,
    kind: str,
    candidates: Sequence[str],
    value: str | None = None,
    incident: tuple[str, str, str | None, str | None, str | None, str, int | None] | None = None,
) -> tuple[int, str, bool]:
    """Number the entry with the session's next sequence and write it; (seq, at, clock_back).
    An entry whose time is before the latest time logged so far is flagged: the clock went
    back (the order is the sequence, never the time)."""
    seq = session.last_seq + 1
    stamp = format_utc(at)
    clock_back = session.last_at is not None and stamp < session.last_at
    latest = session.last_at if clock_back and session.last_at else stamp
    kind_, severity, witness, action, notified, text, corrects = incident or (
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    )
    conn = driver(tx)
    conn.execute(
        _INSERT_ENTRY,
        (
            session.id,
            seq,
            stamp,
            actor_id,
            kind,
            names_json(candidates),
            value,
            kind_,
            severity,
            witness,
            action,
            notified,
            text,
            corrects,
            int(clock_back),
        ),
    )
    conn.execute(_MOVE_ON, (seq, latest, session.id))
    return seq, stamp, clock_back


def entries(tx: SqlOrSession, session_id: str) -> list[Entry]:
    found = []
    for row in driver(tx).execute(_ENTRIES, (session_id,)):
        found.append(
            Entry(
                int(row[0]),
                str(row[1]),
                str(row[2]),
                str(row[3]),
                _names(row[4]),
                row[5],
                row[6],
                row[7],
                row[8],
                row[9],
                row[10],
                row[11],
                row[12],
                bool(row[13]),
            )
        )
    return found


def names_json(names: Sequence[str]) -> str:
    """`json.dumps(list(names))`, written out for strings: it runs on every entry logged."""
    if all(type(n) is str for n in names):
        return "[" + ", ".join(map(encode_basestring_ascii, names)) + "]"
    return json.dumps(list(names))


def _names(text: object) -> tuple[str, ...]:
    """Candidate ids as stored (a JSON array); anything else comes back as one odd value,
    never an exception: `verify` reads files an attacker may have written."""
    try:
        names = json.loads(str(text))
    except ValueError:
        names = None
    if isinstance(names, list) and all(isinstance(n, str) for n in names):
        return tuple(names)
    return (f"not a list of candidates: {text!r}",)
