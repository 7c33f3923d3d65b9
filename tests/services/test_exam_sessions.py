"""Running an exam session through the services, on a real data folder: each act is saved
with its audit event; every refusal says why and writes nothing."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from assessor.domain.errors import DomainError, NotAllowed, UnknownChoice, ValidationFailed
from assessor.services import exam_sessions as es
from assessor.services.exam_seal import SealRefused, seal_session
from assessor.store.db import Database
from tests.services.exam_world import START, People, people, roster_file, session_with_roster


@pytest.fixture
def who(db: Database) -> People:
    return people(db)


@pytest.fixture
def session(db: Database, who: People, tmp_path: Path) -> str:
    return session_with_roster(db, who, tmp_path)


def audit(db: Database) -> list[tuple[str, str]]:
    con = sqlite3.connect(db.path)
    try:
        return con.execute("SELECT actor, action FROM audit_events ORDER BY seq").fetchall()
    finally:
        con.close()


def count(db: Database, table: str) -> int:
    con = sqlite3.connect(db.path)
    try:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        con.close()


def test_create_import_and_show(db: Database, who: People, session: str) -> None:
    shown = es.show_session(db, session)
    assert (shown.title, shown.kind, shown.location, shown.state) == (
        "Safe isolation — written paper",
        "site",
        "on site",
        "open",
    )
    assert shown.starts_at == "2026-12-02T09:00:00.000000Z"
    assert [(c.id, c.name, c.learner) for c in shown.candidates] == [
        ("C1", "Candidate 1", "l-1"),
        ("C2", "Candidate 2", None),
        ("C3", "Candidate 3", "l-3"),
    ]
    assert shown.missing == [f"candidate C{n} has no outcome" for n in (1, 2, 3)]
    assert audit(db)[-2:] == [(who.proctor, "exam.create"), (who.proctor, "exam.roster")]
    listed = es.list_sessions(db)
    assert [(r.id, r.state, r.candidates, r.without_outcome) for r in listed] == [
        (session, "open", 3, 3)
    ]
    assert es.list_sessions(db, state="sealed") == []
    assert es.list_sessions(db, search="ISOLATION") == listed
    assert es.list_sessions(db, search="nothing like it") == []


def test_a_bad_roster_names_every_line_and_imports_nothing(
    db: Database, who: People, session: str, tmp_path: Path
) -> None:
    before = es.show_session(db, session).candidates
    events = len(audit(db))
    bad = roster_file(
        tmp_path,
        [
            "candidate,name,learner",
            "C9,Nine Nine,l-9",
            "bad id!,Someone,",
            "C10,,",
            "C9,Again,",
            "C1,Already There,",
            "C11,Too,many,fields",
            "C12,Bell\x07,",
        ],
        "bad.csv",
    )
    with pytest.raises(ValidationFailed) as caught:
        es.import_roster(db, who.proctor, session, bad)
    lines = caught.value.lines()
    assert [line.split(": ")[1] for line in lines] == [
        "line 3",
        "line 4",
        "line 5",
        "line 6",
        "line 7",
        "line 8",
    ]
    assert all(line.startswith(f"{bad}: ") for line in lines)
    assert "'bad id!' is not an id" in lines[0]
    assert "name is empty" in lines[1]
    assert "on line 2 too" in lines[2]
    assert "already listed" in lines[3]
    assert "has 4 fields" in lines[4]
    assert "control character" in lines[5]
    assert es.show_session(db, session).candidates == before
    assert len(audit(db)) == events


def test_a_roster_header_must_name_its_columns(db: Database, who: People, session: str) -> None:
    path = roster_file(Path(db.data_dir).parent, ["id,name", "C9,Nine"], "header.csv")
    with pytest.raises(ValidationFailed) as caught:
        es.import_roster(db, who.proctor, session, path)
    assert caught.value.lines() == [
        f"{path}: line 1: the header has no 'candidate' column",
        f"{path}: line 1: unknown column 'id'; columns: candidate, name, learner",
    ]


def test_check_in_entries_and_breaks_are_logged_in_sequence(
    db: Database, who: People, session: str
) -> None:
    first = es.check_in(db, who.proctor, session, "C1", "passport", now=START)
    moved = es.record_movement(
        db, who.other_proctor, session, "C1", "break-start", now=START + timedelta(minutes=30)
    )
    assert (first.seq, moved.seq) == (1, 2)
    with pytest.raises(NotAllowed, match="already checked in"):
        es.check_in(db, who.proctor, session, "C1", "known")
    with pytest.raises(NotAllowed, match="has not checked in"):
        es.record_movement(db, who.proctor, session, "C2", "exit")
    with pytest.raises(UnknownChoice, match="identity method 'face'"):
        es.check_in(db, who.proctor, session, "C2", "face")
    with pytest.raises(UnknownChoice, match="candidate of session"):
        es.check_in(db, who.proctor, session, "C99", "known")
    shown = es.show_session(db, session)
    assert [(e.seq, e.kind, e.candidates, e.actor) for e in shown.log] == [
        (1, "check-in", ("C1",), who.proctor),
        (2, "break-start", ("C1",), who.other_proctor),
    ]
    assert shown.candidates[0].id_method == "passport"
    assert audit(db)[-2:] == [
        (who.proctor, "exam.check-in"),
        (who.other_proctor, "exam.movement"),
    ]


def test_a_clock_that_went_back_is_flagged_and_the_order_is_the_sequence(
    db: Database, who: People, session: str
) -> None:
    es.check_in(db, who.proctor, session, "C1", "passport", now=START + timedelta(hours=1))
    back = es.log_incident(
        db,
        who.proctor,
        session,
        es.Incident("disruption", "green", "Fire alarm test"),
        now=START,
    )
    assert back.clock_back and back.seq == 2
    later = es.check_in(db, who.proctor, session, "C2", "known", now=START + timedelta(hours=2))
    assert not later.clock_back
    shown = es.show_session(db, session)
    assert [e.seq for e in shown.log] == [1, 2, 3]
    assert shown.clock_warnings == [2]


def test_incidents_are_append_only_and_a_correction_points_at_the_old_one(
    db: Database, who: People, session: str
) -> None:
    first = es.log_incident(
        db,
        who.proctor,
        session,
        es.Incident(
            "prohibited-item",
            "red",
            "Phone on the desk",
            ["C1", "C3"],
            witness="Pat",
            action="Phone taken",
            notified="Centre manager",
        ),
    )
    fixed = es.log_incident(
        db,
        who.proctor,
        session,
        es.Incident("prohibited-item", "yellow", "Phone was switched off", ["C1"], corrects=1),
    )
    shown = es.show_session(db, session)
    old, new = shown.incidents
    assert (old.seq, old.severity, old.candidates, old.witness) == (
        first.seq,
        "red",
        ("C1", "C3"),
        "Pat",
    )
    assert (new.seq, new.corrects, new.text) == (fixed.seq, 1, "Phone was switched off")
    con = sqlite3.connect(db.path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("UPDATE exam_entries SET text = 'nothing' WHERE seq = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        con.execute("DELETE FROM exam_entries")
    con.close()


@pytest.mark.parametrize(
    ("incident", "message"),
    [
        (es.Incident("cheating", "red", "x"), "unknown incident type 'cheating'"),
        (es.Incident("other", "purple", "x"), "unknown severity 'purple'"),
        (es.Incident("other", "red", "   "), "needs a text"),
        (es.Incident("other", "red", "x", ["C1", "C1"]), "named twice"),
        (es.Incident("other", "red", "x", ["C9"]), "unknown candidate"),
        (es.Incident("other", "red", "x", witness="\x1b[2J"), "witness"),
        (es.Incident("other", "red", "x", corrects=7), "entry 7 of session"),
    ],
)
def test_a_wrong_incident_is_refused_and_nothing_is_written(
    db: Database, who: People, session: str, incident: es.Incident, message: str
) -> None:
    events = len(audit(db))
    with pytest.raises(DomainError, match=message):
        es.log_incident(db, who.proctor, session, incident)
    assert count(db, "exam_entries") == 0
    assert len(audit(db)) == events


def test_terminal_outcomes_never_change_and_a_late_no_show_may_check_in(
    db: Database, who: People, session: str
) -> None:
    es.check_in(db, who.proctor, session, "C1", "passport")
    with pytest.raises(NotAllowed, match="needs a check-in first"):
        es.set_outcome(db, who.proctor, session, "C2", "completed")
    with pytest.raises(NotAllowed, match="checked in is not a no-show"):
        es.set_outcome(db, who.proctor, session, "C1", "no-show")
    es.set_outcome(db, who.proctor, session, "C1", "terminated")
    for other in ("completed", "voided", "terminated"):
        with pytest.raises(NotAllowed, match=r"final|already"):
            es.set_outcome(db, who.proctor, session, "C1", other)
    es.set_outcome(db, who.proctor, session, "C3", "voided")  # voided before arriving
    with pytest.raises(NotAllowed, match="final outcome 'voided'"):
        es.check_in(db, who.proctor, session, "C3", "known")
    es.set_outcome(db, who.proctor, session, "C2", "no-show")
    es.check_in(db, who.proctor, session, "C2", "known")  # arrived late
    assert es.show_session(db, session).candidates[1].outcome is None
    con = sqlite3.connect(db.path)
    with pytest.raises(sqlite3.IntegrityError, match="terminal outcome"):
        con.execute("UPDATE exam_roster SET outcome = 'completed' WHERE candidate_id = 'C1'")
    con.close()


def test_sealing_is_refused_with_exactly_what_is_missing(
    db: Database, who: People, session: str
) -> None:
    es.check_in(db, who.proctor, session, "C1", "passport")
    es.set_outcome(db, who.proctor, session, "C1", "completed")
    signer = who.signer(db)
    with pytest.raises(SealRefused) as caught:
        seal_session(db, session, signer)
    assert caught.value.missing == ("candidate C2 has no outcome", "candidate C3 has no outcome")
    assert "C2 has no outcome; candidate C3 has no outcome" in caught.value.message
    assert es.show_session(db, session).state == "open"
    assert count(db, "records") == 0


def test_an_empty_roster_cannot_be_sealed(db: Database, who: People) -> None:
    view = es.create_session(
        db,
        who.proctor,
        title="Empty",
        kind="remote",
        starts_at=START,
        ends_at=START + timedelta(hours=1),
    )
    with pytest.raises(SealRefused, match="roster is empty"):
        seal_session(db, view.id, who.signer(db))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "hybrid"}, "unknown session kind"),
        ({"title": " "}, "needs a title"),
        ({"ends_at": START}, "end must be after"),
        ({"starts_at": START.replace(tzinfo=None)}, "time zone"),
    ],
)
def test_a_wrong_session_is_refused(
    db: Database, who: People, kwargs: dict[str, object], message: str
) -> None:
    given: dict[str, object] = {
        "title": "Paper",
        "kind": "site",
        "starts_at": START,
        "ends_at": START + timedelta(hours=1),
        **kwargs,
    }
    with pytest.raises(DomainError, match=message):
        es.create_session(db, who.proctor, **given)  # type: ignore[arg-type]
    assert count(db, "exam_sessions") == 0
