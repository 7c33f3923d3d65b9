"""The demo's exam session in progress: the same from the same seed, open, with a roster,
check-ins, incidents (one corrected) and outcomes still to record; it verifies, and it can
be finished and sealed like any session."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from assessor.services import exam_sessions as es
from assessor.services.exam_demo import seed_session_in_progress
from assessor.services.exam_seal import seal_session
from assessor.services.verify import verify_store
from assessor.store.db import Database
from tests.services.exam_world import people

NOW = datetime(2026, 12, 2, 10, 30, tzinfo=UTC)


def test_the_same_seed_gives_the_same_session(tmp_path: Path) -> None:
    shown = []
    for name in ("a", "b"):
        with Database.open(tmp_path / name) as db:
            who = people(db)
            session = seed_session_in_progress(db, who.proctor, now=NOW)
            v = es.show_session(db, session).to_json()
            for entry in v["log"] + v["incidents"]:
                entry.pop("by")  # the profile's id is new in each folder
            v.pop("proctor")
            shown.append(v)
    assert shown[0] == shown[1]


def test_a_session_in_progress_to_try(db: Database) -> None:
    who = people(db)
    session = seed_session_in_progress(db, who.proctor, now=NOW)
    v = es.show_session(db, session)
    assert v.state == "open" and len(v.candidates) == 12
    assert sum(c.checked_in_at is not None for c in v.candidates) == 11
    assert [c.outcome for c in v.candidates].count("no-show") == 1
    assert [c.outcome for c in v.candidates].count("completed") == 3
    assert len(v.missing) == 8  # still sitting
    corrected = [e for e in v.incidents if e.corrects is not None]
    assert len(v.incidents) == 4 and len(corrected) == 1
    assert {e.severity for e in v.incidents} == {"red", "yellow", "blue", "green"}
    assert {e.kind for e in v.log} >= {"check-in", "break-start", "break-end", "exit", "outcome"}
    assert v.clock_warnings == []
    assert verify_store(db).ok
    for c in v.candidates:
        if c.outcome is None:
            es.set_outcome(db, who.proctor, session, c.id, "completed")
    seal_session(db, session, who.signer(db))
    assert verify_store(db).ok


def test_learners_given_are_the_roster(db: Database) -> None:
    who = people(db)
    learners = [(f"learner-{n}", f"Learner {n}") for n in range(4)]
    session = seed_session_in_progress(db, who.proctor, learners=learners, now=NOW)
    v = es.show_session(db, session)
    assert sorted((c.learner, c.name) for c in v.candidates) == learners
