"""Sign-off on a real SQLite folder: the queue, approving and returning as signed
ProjectSignOffRecords, and every refusal of the policy (each fails without its guard)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from assessor.domain.errors import DomainError, NotAllowed
from assessor.security.records import parse_record, verify
from assessor.services.finalize import finalize, start_correction
from assessor.services.profiles import Signer, add_profile
from assessor.services.records import check_record_bytes
from assessor.services.scoring import save_draft, show_evaluation
from assessor.services.signoff import (
    SignOffFilter,
    decide,
    decision_for,
    signoff_page,
    signoff_queue,
)
from assessor.services.signoff_review import check_record
from assessor.services.verify import verify_store
from assessor.store import models as m
from assessor.store import records as r
from assessor.store.db import Database
from tests.conftest import Seed, sealed_key
from tests.services.test_finalize import score_all
from tests.services.test_verify import add_evidence, drop_guards

TABLES = ("records", "outbox_items", "audit_events", "signoffs")


def counts(db: Database) -> list[int]:
    con = sqlite3.connect(db.path)
    try:
        return [int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES]
    finally:
        con.close()


@dataclass
class Desk:
    db: Database
    seed: Seed
    manager: Signer

    def finalized(self, sub: str) -> str:
        score_all(self.db, self.seed, sub)
        return finalize(self.db, sub, self.seed.signer(self.db)).record_id

    def status(self, sub: str) -> str:
        with self.db.read() as tx:
            found = r.submission(tx, sub)
            assert found is not None
            return found.status


@pytest.fixture
def desk(db: Database, seeded: Seed) -> Iterator[Desk]:
    with db.write() as tx:
        assessment = tx.get(m.Assessment, "wiring-l2")
        assert assessment is not None
        assessment.signoff_required = True
    yield Desk(db, seeded, seeded.signer(db, seeded.manager_id))


def test_the_queue_lists_signed_work_awaiting_sign_off(desk: Desk) -> None:
    assert signoff_queue(desk.db) == []
    record = desk.finalized("sub-001")
    save_draft(desk.db, "sub-002", desk.seed.assessor_id, [])  # a draft is not in the queue
    [row] = signoff_queue(desk.db)
    assert (row.submission_id, row.learner, row.assessor, row.record_id, row.state) == (
        "sub-001",
        "Learner 0",
        "Test Assessor",
        record,
        "pending",
    )
    assert signoff_page(desk.db, SignOffFilter(), None, 0, 10).counts == {
        "pending": 1,
        "approved": 0,
        "returned": 0,
    }
    assert signoff_queue(desk.db, SignOffFilter(text="learner 0")) == [row]
    assert signoff_queue(desk.db, SignOffFilter(text="assessor")) == [row]
    assert signoff_queue(desk.db, SignOffFilter(text="nobody")) == []
    assert signoff_queue(desk.db, SignOffFilter(assessment_id="other")) == []
    decide(desk.db, "sub-001", desk.manager, approve=True)
    assert signoff_queue(desk.db) == []
    [approved] = signoff_queue(desk.db, SignOffFilter(state="approved"))
    assert approved.submission_id == "sub-001"
    assert signoff_page(desk.db, SignOffFilter(), None, 0, 10).counts == {
        "pending": 0,
        "approved": 1,
        "returned": 0,
    }


def test_the_queue_comes_a_page_at_a_time_with_its_total_and_counts_first(desk: Desk) -> None:
    desk.finalized("sub-001")
    desk.finalized("sub-002")
    f = SignOffFilter()
    first = signoff_page(desk.db, f, None, 0, 1)
    assert [row.id for row in first.rows] == ["sub-001"]  # the queue's id is the submission
    assert (first.total, first.counts) == (2, {"pending": 2, "approved": 0, "returned": 0})
    rest = signoff_page(desk.db, f, None, 1, 1)
    assert ([row.id for row in rest.rows], rest.total, rest.counts) == (["sub-002"], None, None)
    decide(desk.db, "sub-001", desk.manager, approve=True)
    approved = signoff_page(desk.db, SignOffFilter(state="approved"), None, 0, 10)
    assert ([row.id for row in approved.rows], approved.total) == (["sub-001"], 1)
    every = signoff_page(desk.db, SignOffFilter(state=None), None, 0, 10)
    assert ([row.id for row in every.rows], every.total) == (["sub-001", "sub-002"], 2)


def test_approval_is_a_signed_record_binding_the_assessment_record(desk: Desk) -> None:
    record = desk.finalized("sub-001")
    before = counts(desk.db)
    done = decide(desk.db, "sub-001", desk.manager, approve=True, reason="Well evidenced.")
    assert counts(desk.db) == [n + 1 for n in before]
    with desk.db.read() as tx:
        assessed = r.record_by_ref(tx, record)
        signed = r.record_by_ref(tx, done.record_id)
        assert assessed is not None and signed is not None
    document = parse_record(signed.body)
    verify(document)
    assert document["issuer"]["role"] == "manager"
    assert document["credentialSubject"] == {
        "id": "urn:assessor:learner:learner-0",
        "assessmentRecord": {
            "id": record,
            "digestMultibase": assessed.digest,
            "issuer": assessed.issuer,
        },
        "decision": "approved",
        "comment": "Well evidenced.",
    }
    assert desk.status("sub-001") == "signed_off"
    report = verify_store(desk.db)
    assert report.ok and report.records == 2, report.finding
    checked = check_record_bytes(signed.body)
    assert checked.ok and checked.kind == "ProjectSignOffRecord", checked.problem


def test_returned_to_the_assessor_it_is_rescored_and_comes_back(desk: Desk) -> None:
    desk.finalized("sub-001")
    done = decide(
        desk.db, "sub-001", desk.manager, approve=False, return_to="assessor", reason="Recheck c2"
    )
    assert done.decision == "returned" and done.return_to == "assessor"
    assert desk.status("sub-001") == "returned"
    said = decision_for(desk.db, "sub-001")
    assert said is not None
    assert (said.decision, said.return_to, said.reason, said.manager) == (
        "returned",
        "assessor",
        "Recheck c2",
        "Test Manager",
    )
    # The assessor's signed scores stay signed: a change is a correction, never a new draft.
    with pytest.raises(NotAllowed, match="start a correction"):
        save_draft(desk.db, "sub-001", desk.seed.assessor_id, [])
    assessor = desk.seed.signer(desk.db)
    start_correction(desk.db, "sub-001", assessor, "Returned by the manager: Recheck c2")
    assert signoff_queue(desk.db) == []  # a correction in progress is not signed work
    corrected = finalize(desk.db, "sub-001", assessor)
    [row] = signoff_queue(desk.db)
    assert row.record_id == corrected.record_id and row.state == "pending"
    assert signoff_queue(desk.db, SignOffFilter(state="returned")) == []  # superseded
    decide(desk.db, "sub-001", desk.manager, approve=True)
    assert desk.status("sub-001") == "signed_off"
    assert verify_store(desk.db).ok, verify_store(desk.db).finding


def test_returned_to_the_learner_it_awaits_resubmission(desk: Desk) -> None:
    desk.finalized("sub-001")
    done = decide(
        desk.db, "sub-001", desk.manager, approve=False, return_to="learner", reason="Photo blurred"
    )
    with desk.db.read() as tx:
        signed = r.record_by_ref(tx, done.record_id)
        assert signed is not None
    subject = parse_record(signed.body)["credentialSubject"]
    assert (subject["decision"], subject["returnTo"], subject["comment"]) == (
        "returned",
        "learner",
        "Photo blurred",
    )
    assert desk.status("sub-001") == "resubmit"
    assert show_evaluation(desk.db, "sub-001").status == "finalized"
    assert verify_store(desk.db).ok


def test_a_return_needs_a_reason(desk: Desk) -> None:
    desk.finalized("sub-001")
    before = counts(desk.db)
    for reason in (None, "", "   \n"):
        with pytest.raises(DomainError, match="needs a reason"):
            decide(
                desk.db, "sub-001", desk.manager, approve=False, return_to="assessor", reason=reason
            )
    with pytest.raises(DomainError, match="control character"):
        decide(
            desk.db, "sub-001", desk.manager, approve=False, return_to="learner", reason="a\x1bb"
        )
    assert counts(desk.db) == before


# ---- the policy's refusals: each names why, and writes nothing ---------------------------------


def test_only_a_manager_signs_off(desk: Desk) -> None:
    desk.finalized("sub-001")
    with desk.db.write() as tx:
        other = add_profile(tx, "Second Assessor", ["assessor"], sealed_key())
    before = counts(desk.db)
    with pytest.raises(NotAllowed, match="needs the manager role"):
        decide(desk.db, "sub-001", desk.seed.signer(desk.db, other.id), approve=True)
    assert counts(desk.db) == before and desk.status("sub-001") == "finalized"


def test_never_on_their_own_evaluation(desk: Desk) -> None:
    with desk.db.write() as tx:
        both = add_profile(tx, "Assessor And Manager", ["assessor", "manager"], sealed_key())
    score_all(desk.db, desk.seed, "sub-001", both.id)
    mine = desk.seed.signer(desk.db, both.id)
    finalize(desk.db, "sub-001", mine)
    before = counts(desk.db)
    with pytest.raises(NotAllowed, match="cannot sign off their own evaluation"):
        decide(desk.db, "sub-001", mine, approve=True)
    assert counts(desk.db) == before and desk.status("sub-001") == "finalized"


def test_never_on_a_draft(desk: Desk) -> None:
    score_all(desk.db, desk.seed, "sub-001")
    before = counts(desk.db)
    with pytest.raises(NotAllowed, match="draft evaluation cannot be signed off"):
        decide(desk.db, "sub-001", desk.manager, approve=True)
    assert counts(desk.db) == before
    # Nor while a correction of signed work is in progress.
    finalize(desk.db, "sub-001", desk.seed.signer(desk.db))
    start_correction(desk.db, "sub-001", desk.seed.signer(desk.db), "a second look")
    before = counts(desk.db)
    with pytest.raises(NotAllowed, match="draft evaluation cannot be signed off"):
        decide(desk.db, "sub-001", desk.manager, approve=True)
    assert counts(desk.db) == before


def test_never_on_a_superseded_evaluation(desk: Desk) -> None:
    reviewed = desk.finalized("sub-001")  # what the manager had on screen
    assessor = desk.seed.signer(desk.db)
    start_correction(desk.db, "sub-001", assessor, "c2 was misread")
    finalize(desk.db, "sub-001", assessor)
    before = counts(desk.db)
    with pytest.raises(NotAllowed, match="superseded evaluation cannot be signed off"):
        decide(desk.db, "sub-001", desk.manager, approve=True, record=reviewed)
    assert counts(desk.db) == before


def test_never_twice_on_the_same_evaluation(desk: Desk) -> None:
    record = desk.finalized("sub-001")
    decide(desk.db, "sub-001", desk.manager, approve=True)
    before = counts(desk.db)
    with pytest.raises(NotAllowed, match="already decided: approved by Test Manager"):
        decide(
            desk.db,
            "sub-001",
            desk.manager,
            approve=False,
            return_to="learner",
            reason="no",
            record=record,
        )
    assert counts(desk.db) == before


def test_only_where_the_assessment_requires_sign_off(desk: Desk) -> None:
    desk.finalized("sub-001")
    with desk.db.write() as tx:
        assessment = tx.get(m.Assessment, "wiring-l2")
        assert assessment is not None
        assessment.signoff_required = False
    before = counts(desk.db)
    with pytest.raises(NotAllowed, match="does not require sign-off"):
        decide(desk.db, "sub-001", desk.manager, approve=True)
    assert counts(desk.db) == before


def test_a_tampered_evidence_file_blocks_sign_off_and_is_named(desk: Desk) -> None:
    blobs = add_evidence(desk.db, "sub-001", b"evidence 0\n", b"evidence 1\n")
    desk.finalized("sub-001")
    path = desk.db.blobs.path_of(blobs[1].sha256)
    path.chmod(0o644)
    path.write_bytes(b"evidence X\n")  # the same size, other bytes
    before = counts(desk.db)
    with pytest.raises(NotAllowed) as caught:
        decide(desk.db, "sub-001", desk.manager, approve=True)
    message = str(caught.value)
    assert "evidence file 'file-1.txt' no longer matches" in message and str(path) in message
    assert counts(desk.db) == before and desk.status("sub-001") == "finalized"
    path.unlink()  # a missing file is refused too
    with pytest.raises(NotAllowed, match=r"'file-1\.txt' no longer matches"):
        decide(desk.db, "sub-001", desk.manager, approve=True)
    path.write_bytes(b"evidence 1\n")  # put back as it was: accepted
    decide(desk.db, "sub-001", desk.manager, approve=True)


def _tamper(db: Database, sql: str) -> None:
    con = sqlite3.connect(db.path)
    try:
        drop_guards(con)
        con.execute(sql)
        con.commit()
    finally:
        con.close()


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ("""body = replace(body, '"validFrom":"2', '"validFrom":"3')""", "does not verify"),
        ("digest = 'uEiAAAA'", "its bytes no longer match the digest stored with it"),
    ],
)
def test_an_assessment_record_that_no_longer_verifies_blocks_sign_off_as_the_review_says(
    desk: Desk, change: str, problem: str
) -> None:
    record = desk.finalized("sub-001")
    _tamper(desk.db, f"UPDATE records SET {change} WHERE id = '{record}'")
    checked = check_record(desk.db, record)
    assert not checked.verified and problem in checked.problem
    before = counts(desk.db)
    with pytest.raises(NotAllowed, match=f"record {record} does not verify.*{problem}"):
        decide(desk.db, "sub-001", desk.manager, approve=True)
    assert counts(desk.db) == before and desk.status("sub-001") == "finalized"


def test_a_record_signed_by_someone_other_than_the_assessor_blocks_sign_off(
    desk: Desk,
) -> None:
    record = desk.finalized("sub-001")
    _tamper(desk.db, f"UPDATE evaluations SET assessor_id = '{desk.seed.manager_id}'")
    checked = check_record(desk.db, record)
    assert checked.problem == "it was not signed by the evaluation's assessor"
    assert not checked.verified and checked.signed_by == "Test Manager"


def test_the_decision_names_the_record_as_signed_not_as_its_row_says(desk: Desk) -> None:
    """Someone with the file changes the record row's id and issuer columns: the sign-off still
    binds the assessment record as its signed bytes name it."""
    record = desk.finalized("sub-001")
    with desk.db.read() as tx:
        stored = r.record_by_ref(tx, record)
        assert stored is not None
    signed = parse_record(stored.body)
    _tamper(
        desk.db,
        "UPDATE records SET id = 'urn:uuid:00000000-0000-4000-8000-000000000000', "
        f"issuer = 'did:key:z6MkOther' WHERE id = '{record}'",
    )
    done = decide(desk.db, "sub-001", desk.manager, approve=True)
    with desk.db.read() as tx:
        made = r.record_by_ref(tx, done.record_id)
        assert made is not None
    bound = parse_record(made.body)["credentialSubject"]["assessmentRecord"]
    assert (bound["id"], bound["issuer"]) == (record, signed["issuer"]["id"])
    assert bound["digestMultibase"] == stored.digest


def test_an_unknown_submission_or_unscored_one_is_named(desk: Desk) -> None:
    with pytest.raises(DomainError, match="sub-999"):
        decide(desk.db, "sub-999", desk.manager, approve=True)
    with pytest.raises(DomainError, match="has not been scored yet"):
        decide(desk.db, "sub-002", desk.manager, approve=True)


def test_verify_names_a_decision_changed_after_it_was_signed(desk: Desk) -> None:
    desk.finalized("sub-001")
    decide(desk.db, "sub-001", desk.manager, approve=False, return_to="learner", reason="Blurred")
    assert verify_store(desk.db).ok
    con = sqlite3.connect(desk.db.path)
    try:
        drop_guards(con)
        con.execute("UPDATE signoffs SET reason = 'Approved after all', return_to = NULL")
        con.commit()
    finally:
        con.close()
    found = verify_store(desk.db).finding
    assert found is not None and found.table == "signoffs", found
    assert "whom it returns to differs from what was signed" in found.problem
