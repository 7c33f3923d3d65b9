"""Sealing an exam session: a signed ExamSessionRecord that says what the console showed,
accepted by `verify` and by the offline record check; after it nothing changes. Every
refusal of the policy table, by role and by state."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from assessor.domain.errors import DomainError, NotAllowed
from assessor.domain.subjects import learner_uri, session_uri
from assessor.security.records import parse_record
from assessor.services import exam_sessions as es
from assessor.services.exam_seal import Sealed, amend_session, seal_session
from assessor.services.records import check_record_bytes, local_roster
from assessor.services.verify import verify_store
from assessor.store import exam as store_exam
from assessor.store.audit import append_event
from assessor.store.db import Database
from tests.services.exam_world import START, People, people, roster_file, session_with_roster


@pytest.fixture
def who(db: Database) -> People:
    return people(db)


@pytest.fixture
def session(db: Database, who: People, tmp_path: Path) -> str:
    return session_with_roster(db, who, tmp_path)


def run(db: Database, who: People, session: str) -> None:
    es.check_in(db, who.proctor, session, "C1", "passport")
    es.check_in(db, who.other_proctor, session, "C3", "institution-card")
    es.log_incident(
        db,
        who.proctor,
        session,
        es.Incident("communication", "yellow", "Whispering", ["C1", "C3"], witness="Pat"),
    )
    es.record_movement(db, who.proctor, session, "C3", "exit")
    es.set_outcome(db, who.proctor, session, "C1", "completed")
    es.set_outcome(db, who.proctor, session, "C2", "no-show")
    es.set_outcome(db, who.proctor, session, "C3", "withdrew")


def record_of(db: Database, sealed: Sealed) -> bytes:
    con = sqlite3.connect(db.path)
    try:
        body = con.execute("SELECT body FROM records WHERE id = ?", (sealed.record_id,))
        return str(body.fetchone()[0]).encode("utf-8")
    finally:
        con.close()


def test_the_sealed_record_is_the_session_as_shown_and_verifies(
    db: Database, who: People, session: str
) -> None:
    run(db, who, session)
    shown = es.show_session(db, session)
    sealed = seal_session(db, session, who.signer(db), expected=shown)
    data = record_of(db, sealed)
    record = parse_record(data)
    subject = record["credentialSubject"]
    assert record["issuer"]["role"] == "proctor"
    assert subject["id"] == session_uri(session)
    assert [
        (r["candidate"], r["learner"], r["checkedInAt"], r["idMethod"], r["outcome"])
        for r in subject["roster"]
    ] == [
        (
            c.id,
            None if c.learner is None else learner_uri(c.learner),
            c.checked_in_at,
            c.id_method,
            c.outcome,
        )
        for c in shown.candidates
    ]
    assert [
        (i["seq"], i["candidates"], i["description"], i["severity"]) for i in subject["incidents"]
    ] == [(e.seq, list(e.candidates), e.text, e.severity) for e in shown.incidents]
    assert [e["seq"] for e in subject["log"]] == [e.seq for e in shown.log if e.kind != "incident"]
    assert "Candidate 1" not in data.decode()  # names stay on this machine
    after = es.show_session(db, session)
    assert (after.state, after.record_id, after.sealed_at) == (
        "sealed",
        sealed.record_id,
        sealed.sealed_at,
    )
    report = verify_store(db)
    assert report.ok, report.finding
    assert report.records == 1
    found = check_record_bytes(data, roster=local_roster(db))
    assert found.ok and found.roster_checked, found.problem
    assert found.kind == "ExamSessionRecord"


def test_seal_refuses_a_session_that_changed_since_it_was_shown(
    db: Database, who: People, session: str
) -> None:
    run(db, who, session)
    shown = es.show_session(db, session)
    es.log_incident(db, who.other_proctor, session, es.Incident("other", "green", "Quiet room"))
    with pytest.raises(NotAllowed, match="changed since it was shown"):
        seal_session(db, session, who.signer(db), expected=shown)
    assert es.show_session(db, session).state == "open"


def sealed_session(db: Database, who: People, session: str) -> Sealed:
    run(db, who, session)
    return seal_session(db, session, who.signer(db))


def changes(actor: str, session: str, tmp_path: Path) -> dict[str, Callable[[Database], Any]]:
    """Each kind of change to a session, made by `actor`."""
    roster = roster_file(tmp_path, ["candidate,name", "C9,Late Comer"], "late.csv")
    return {
        "roster": lambda db: es.import_roster(db, actor, session, roster),
        "check-in": lambda db: es.check_in(db, actor, session, "C2", "known"),
        "movement": lambda db: es.record_movement(db, actor, session, "C1", "entry"),
        "incident": lambda db: es.log_incident(
            db, actor, session, es.Incident("other", "green", "After the end")
        ),
        "outcome": lambda db: es.set_outcome(db, actor, session, "C2", "voided"),
    }


@pytest.mark.parametrize("change", ["roster", "check-in", "movement", "incident", "outcome"])
def test_a_sealed_session_never_changes(
    db: Database, who: People, session: str, tmp_path: Path, change: str
) -> None:
    sealed_session(db, who, session)
    before = es.show_session(db, session)
    with pytest.raises(NotAllowed, match="a sealed exam session cannot change"):
        changes(who.proctor, session, tmp_path)[change](db)
    assert es.show_session(db, session) == before
    with pytest.raises(NotAllowed, match="already sealed"):
        seal_session(db, session, who.signer(db))
    assert verify_store(db).ok


def test_the_triggers_refuse_a_change_to_a_sealed_session(
    db: Database, who: People, session: str
) -> None:
    sealed_session(db, who, session)
    con = sqlite3.connect(db.path)
    for sql in (
        "UPDATE exam_sessions SET title = 'Other'",
        "UPDATE exam_runs SET last_seq = 99",
        "UPDATE exam_roster SET name = 'Other'",
        "DELETE FROM exam_roster",
        f"INSERT INTO exam_roster VALUES ('{session}', 'C9', 9, 'Nine', NULL, NULL, NULL, NULL, "
        "NULL)",
        "INSERT INTO exam_entries (session_id, seq, at, actor_id, kind, candidates) "
        f"VALUES ('{session}', 99, 'x', '{who.proctor}', 'incident', '[]')",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="sealed exam session never changes"):
            con.execute(sql)
    con.close()


@pytest.mark.parametrize("role", ["assessor", "manager"])
@pytest.mark.parametrize("change", ["roster", "check-in", "movement", "incident", "outcome"])
def test_only_a_proctor_works_a_session(
    db: Database, who: People, session: str, tmp_path: Path, role: str, change: str
) -> None:
    es.check_in(db, who.proctor, session, "C1", "passport")
    before = es.show_session(db, session)
    actor = who.assessor if role == "assessor" else who.manager
    act = changes(actor, session, tmp_path)[change]
    with pytest.raises(NotAllowed, match=f"a{'n' if role == 'assessor' else ''} {role} cannot"):
        act(db)
    assert es.show_session(db, session) == before


@pytest.mark.parametrize("role", ["assessor", "manager"])
def test_only_a_proctor_creates_or_seals(
    db: Database, who: People, session: str, role: str
) -> None:
    actor = who.assessor if role == "assessor" else who.manager
    with pytest.raises(NotAllowed, match=f"{role} cannot open an exam session"):
        es.create_session(
            db, actor, title="X", kind="site", starts_at=START, ends_at=START + timedelta(hours=1)
        )
    run(db, who, session)
    with pytest.raises(NotAllowed, match=f"{role} cannot seal an exam session"):
        seal_session(db, session, who.signer(db, actor))
    assert es.show_session(db, session).state == "open"
    assert len(es.list_sessions(db)) == 1


def test_another_proctor_may_seal(db: Database, who: People, session: str) -> None:
    run(db, who, session)
    sealed = seal_session(db, session, who.signer(db, who.other_proctor))
    assert parse_record(record_of(db, sealed))["issuer"]["name"] == "Quinn Proctor"
    assert verify_store(db).ok


@pytest.mark.parametrize("seal", [True, False])
def test_verify_names_a_log_entry_changed_behind_the_triggers(
    db: Database, who: People, session: str, seal: bool
) -> None:
    if seal:
        sealed_session(db, who, session)
    else:
        run(db, who, session)
    con = sqlite3.connect(db.path)
    con.execute("DROP TRIGGER exam_entries_no_update")
    con.execute("UPDATE exam_entries SET severity = 'green' WHERE kind = 'incident'")
    con.execute(
        "CREATE TRIGGER exam_entries_no_update BEFORE UPDATE ON exam_entries BEGIN SELECT "
        "RAISE(ABORT, 'the exam session log is append-only; a correction is a new entry'); END"
    )
    con.commit()
    con.close()
    found = verify_store(db).finding
    assert found is not None and found.table == "exam_entries"
    # A sealed session is checked against its record; any session against the audit log.
    wanted = "differs from what was sealed" if seal else "severity differs"
    assert wanted in found.problem


def test_verify_names_an_entry_logged_under_another_profile(
    db: Database, who: People, session: str
) -> None:
    with db.write_sql() as tx:
        head = store_exam.head(tx, session)
        assert head is not None
        store_exam.append_entry(
            tx, head, at=START, actor_id=who.other_proctor, kind="incident", candidates=[]
        )
        append_event(
            tx,
            actor=who.proctor,
            action="exam.incident",
            entity_type="exam_session",
            entity_id=session,
            payload={},
        )
    found = verify_store(db).finding
    assert found is not None and "but its actor is" in found.problem


def test_a_manager_amends_a_sealed_session_with_a_linked_signed_record(
    db: Database, who: People, session: str
) -> None:
    sealed = sealed_session(db, who, session)
    before = es.show_session(db, session)
    amended = amend_session(db, session, who.signer(db, who.manager), "C2 was excused.")
    assert amended.amends == sealed.record_id
    con = sqlite3.connect(db.path)
    body = con.execute("SELECT body FROM records WHERE id = ?", (amended.record_id,)).fetchone()
    con.close()
    record = parse_record(str(body[0]).encode())
    assert record["credentialSubject"]["amends"] == {
        "id": sealed.record_id,
        "digestMultibase": sealed.digest,
    }
    after = es.show_session(db, session)
    assert after.log == before.log and after.candidates == before.candidates
    assert [(a.record_id, a.text) for a in after.amendments] == [
        (amended.record_id, "C2 was excused.")
    ]
    assert verify_store(db).ok
    found = check_record_bytes(str(body[0]).encode(), roster=local_roster(db))
    assert found.ok and found.role == "manager", found.problem


def test_only_a_manager_amends_and_only_a_sealed_session(
    db: Database, who: People, session: str
) -> None:
    run(db, who, session)
    with pytest.raises(NotAllowed, match="open exam session has nothing signed to amend"):
        amend_session(db, session, who.signer(db, who.manager), "Too early")
    seal_session(db, session, who.signer(db))
    for actor, role in ((who.proctor, "proctor"), (who.assessor, "assessor")):
        with pytest.raises(NotAllowed, match=f"{role} cannot amend a sealed exam session"):
            amend_session(db, session, who.signer(db, actor), "Not mine to amend")
    with pytest.raises(DomainError, match="needs a text"):
        amend_session(db, session, who.signer(db, who.manager), "  ")
    assert es.show_session(db, session).amendments == ()


def test_a_roster_is_not_read_for_someone_who_may_not_import_it(
    db: Database, who: People, session: str, tmp_path: Path
) -> None:
    bad = roster_file(tmp_path, ["not,a,roster"], "bad.csv")
    with pytest.raises(NotAllowed, match="an assessor cannot import a roster"):
        es.import_roster(db, who.assessor, session, bad)
