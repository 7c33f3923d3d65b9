"""Logging an incident → durable commit, through the exam session service, vs raw sqlite3
running the same SQL the service needs (the session and the actor's roles, each candidate
named, the entry insert, the session's sequence update, the audit capture's TEMP triggers and
the statement that takes their notes, the audit tail read and append) with the same pragmas,
in one BEGIN IMMEDIATE … COMMIT. The session has 300 candidates and 2,000 incidents already.

The floor writes the same rows with values of the same size: the entry names both candidates
and carries the same text, and the audit row's payload holds the rows written (the entry's
JSON as the capture noted it, the run's two changed columns; joined as text: no parsing, no
canonical form, no hash). The payload sizes
are printed side by side. The floor is the database work itself (statements + fsync); the
ratio is what our layers (validation, the policy check, canonical JSON and the audit hash)
add on top.

Run: python3 benchmarks/bench_incident.py [N]
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _common import interleaved_medians, report
from assessor.services import exam_sessions as es
from assessor.services.profiles import add_profile
from assessor.store import capture
from assessor.store.db import Database

N = int(sys.argv[1]) if len(sys.argv) > 1 else 300
CANDIDATES = 300
INCIDENTS = 2000
STAMP = "2026-12-02T10:00:00.000000Z"

HEAD_SQL = """
SELECT s.id, s.title, s.location, r.kind, s.starts_at, r.ends_at, s.status, s.proctor_id,
  r.last_seq, r.last_at, r.sealed_at, r.record_id, (SELECT roles FROM profiles WHERE id = ?)
FROM exam_sessions AS s JOIN exam_runs AS r ON r.session_id = s.id WHERE s.id = ?"""
CANDIDATE_SQL = """
SELECT candidate_id, name, learner_id, checked_in_at, id_method, outcome, outcome_at
FROM exam_roster WHERE session_id = ? AND candidate_id = ?"""
ENTRY_SQL = """
INSERT INTO exam_entries (session_id, seq, at, actor_id, kind, candidates, value,
  incident_type, severity, witness, action_taken, notified, text, corrects, clock_back)
VALUES (?, ?, ?, ?, 'incident', ?, NULL, 'communication', 'yellow', 'Pat', 'Moved', NULL, ?,
  NULL, 0)"""
MOVE_SQL = "UPDATE exam_runs SET last_seq = ?, last_at = ? WHERE session_id = ?"
TAKE_SQL = "DELETE FROM temp.audit_pending RETURNING n, tbl, op, key, old_key, new, changed"
TAIL_SQL = "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1"
AUDIT_SQL = """INSERT INTO audit_events (seq, at, actor, action, entity_type, entity_id, payload,
prev_hash, hash) VALUES (?, ?, ?, 'exam.incident', 'exam_session', ?, ?, ?, ?)"""


def seeded(folder: Path) -> tuple[Database, str, str]:
    db = Database.open(folder)
    with db.write() as tx:
        proctor = add_profile(tx, "Bench Proctor", ["proctor"]).id
    start = datetime(2026, 12, 2, 9, tzinfo=UTC)
    view = es.create_session(
        db, proctor, title="Bench", kind="site", starts_at=start, ends_at=start + timedelta(1)
    )
    roster = folder.parent / "roster.csv"
    lines = ["candidate,name"] + [f"C{n},Candidate {n}" for n in range(1, CANDIDATES + 1)]
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    es.import_roster(db, proctor, view.id, roster)
    for n in range(INCIDENTS):
        es.log_incident(db, proctor, view.id, incident(n))
    return db, proctor, view.id


def incident(n: int) -> es.Incident:
    return es.Incident(
        "communication",
        "yellow",
        text(n),
        [f"C{n % CANDIDATES + 1}", f"C{(n + 7) % CANDIDATES + 1}"],
        witness="Pat",
        action="Moved",
    )


def text(n: int) -> str:
    return f"Talking during the paper ({n})"


def raw_floor(db_path: Path, proctor: str, session: str) -> Callable[[], None]:
    con = sqlite3.connect(db_path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
        con.execute(f"PRAGMA {pragma}")
    capture.install(con)  # SQL only: TEMP triggers noting every row written

    def one() -> None:
        con.execute("BEGIN IMMEDIATE")
        last = con.execute(HEAD_SQL, (proctor, session)).fetchone()
        seq = int(last[8]) + 1
        n = seq
        named = [f"C{n % CANDIDATES + 1}", f"C{(n + 7) % CANDIDATES + 1}"]
        for c in named:
            con.execute(CANDIDATE_SQL, (session, c)).fetchone()
        listed = f'["{named[0]}", "{named[1]}"]'  # as json.dumps writes it
        con.execute(ENTRY_SQL, (session, seq, STAMP, proctor, listed, text(n)))
        con.execute(MOVE_SQL, (seq, STAMP, session))
        notes = con.execute(TAKE_SQL).fetchall()
        moved = f'{{"last_at":"{STAMP}","last_seq":{seq}}}'  # the columns the update changed
        rows = ",".join(
            f'["insert","{tbl}",{key},{new}]' if op == "i" else f'["update","{tbl}",{key},{moved}]'
            for _, tbl, op, key, _, new, _ in notes
        )
        payload = f'{{"rows":[{rows}],"seq":{seq}}}'
        tail, prev = con.execute(TAIL_SQL).fetchone()
        con.execute(AUDIT_SQL, (tail + 1, STAMP, proctor, session, payload, prev, f"{tail:064x}"))
        con.execute("COMMIT")

    return one


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        db, proctor, session = seeded(data)
        try:
            state = {"n": INCIDENTS}

            def ours() -> None:
                state["n"] += 1
                es.log_incident(db, proctor, session, incident(state["n"]))

            floor = raw_floor(data / "assessor.db", proctor, session)
            start = last_event(data / "assessor.db")
            ours_s, floor_s = interleaved_medians(ours, floor, N)
            sizes = payload_sizes(data / "assessor.db", start)
        finally:
            db.close()
    print(
        f"{N} incidents each way, interleaved, into a session of {CANDIDATES} candidates and "
        f"{INCIDENTS}+ incidents; every one a durable transaction (synchronous=FULL, WAL)"
    )
    print("audit payload, mean bytes: assessor {:.0f}, floor {:.0f}".format(*sizes))
    report("median incident → commit", ours_s, floor_s, 2.0)


def last_event(db_path: Path) -> int:
    with sqlite3.connect(db_path) as con:
        return int(con.execute("SELECT max(seq) FROM audit_events").fetchone()[0])


def payload_sizes(db_path: Path, after: int) -> tuple[float, float]:
    """Mean payload length of the events each side wrote (the floor's say 'exam.incident'
    too: they are told apart by their hash, which for the floor is the tail's number)."""
    with sqlite3.connect(db_path) as con:
        rows = con.execute(
            "SELECT length(payload), hash GLOB '0000000000*' FROM audit_events WHERE seq > ?",
            (after,),
        ).fetchall()
    ours = [n for n, floor in rows if not floor]
    floor = [n for n, floor in rows if floor]
    return sum(ours) / len(ours), sum(floor) / len(floor)


if __name__ == "__main__":
    main()
