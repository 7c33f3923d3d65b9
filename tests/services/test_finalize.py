"""Finalize, corrections and the immutability of what was signed, on a real SQLite file."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from assessor.domain.errors import DomainError, NotAllowed
from assessor.security import keys
from assessor.security.canonical import canonicalize
from assessor.security.records import parse_record, record_digest
from assessor.services import finalize as finalize_module
from assessor.services.finalize import finalize, saved_sheet, start_correction
from assessor.services.profiles import list_profiles, unlock
from assessor.services.records import check_record_bytes, export_record, list_records
from assessor.services.rubrics import rubric_by_digest
from assessor.services.scoring import SetComment, SetLevel, save_draft, show_evaluation
from assessor.store import queries as q
from assessor.store import records as r
from assessor.store.db import Database
from assessor.store.types import utcnow
from tests.conftest import PASSPHRASE, Seed

FULL = [
    SetLevel("plan", "competent"),
    SetLevel("terminate", "proficient"),
    SetLevel("prove-dead", "competent"),
    SetLevel("record", "partial", points=None),
]


def score_all(db: Database, seed: Seed, sub: str, profile_id: str | None = None) -> None:
    changes = [*FULL[:3], SetLevel("record", "full"), SetComment("plan", "Neat <b>route</b>")]
    save_draft(db, sub, profile_id or seed.assessor_id, changes)


def export_bytes(db: Database, record_id: str) -> bytes:
    with db.read() as tx:
        stored = r.record_by_ref(tx, record_id)
        assert stored is not None
        return stored.body


def count(db: Database, table: str) -> int:
    con = sqlite3.connect(db.path)
    try:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        con.close()


def test_finalize_writes_record_outbox_and_audit_together(db: Database, seeded: Seed) -> None:
    sub = seeded.submission_ids[0]
    score_all(db, seeded, sub)
    audit_before = count(db, "audit_events")
    done = finalize(db, sub, seeded.signer(db))
    assert (count(db, "records"), count(db, "outbox_items")) == (1, 1)
    assert count(db, "audit_events") == audit_before + 1
    view = show_evaluation(db, sub)
    assert view.status == "finalized" and view.record == (done.record_id, done.digest)
    [info] = list_records(db)
    assert (info.id, info.kind, info.digest, info.synced) == (
        done.record_id,
        "ArtifactAssessmentRecord",
        done.digest,
        False,
    )


def test_the_record_says_what_was_scored_and_verifies(
    db: Database, seeded: Seed, tmp_path: Path
) -> None:
    sub = seeded.submission_ids[0]
    score_all(db, seeded, sub)
    signer = seeded.signer(db)
    done = finalize(db, sub, signer)
    out = tmp_path / "record.json"
    export_record(db, done.record_id, out)
    data = out.read_bytes()
    document = parse_record(data)
    assert canonicalize(document) == data  # exported exactly as signed
    assert record_digest(document) == done.digest
    subject = document["credentialSubject"]
    assert subject["submission"]["id"] == sub
    assert subject["id"] == "urn:assessor:learner:learner-0"
    assert [(s["criterion"], s["level"], s["points"]) for s in subject["scores"]] == [
        ("plan", "competent", 2),
        ("terminate", "proficient", 3),
        ("prove-dead", "competent", 2),
        ("record", "full", 3),
    ]
    assert subject["scores"][0]["comment"] == "Neat <b>route</b>"
    assert subject["rubric"]["digestMultibase"] == view_digest(db, sub)
    assert (subject["total"], subject["maximum"], subject["outcome"]) == ("18.5", "22.5", "pass")
    assert document["issuer"] == {"id": signer.did, "name": "Test Assessor", "role": "assessor"}
    assert document["device"] == {"seq": 1, "prev": None}
    assert check_record_bytes(data, submission=sub, issuer=signer.did).ok


def view_digest(db: Database, sub: str) -> str:
    return show_evaluation(db, sub).rubric_digest


def test_seq_and_prev_chain_the_records_of_one_key(db: Database, seeded: Seed) -> None:
    signer = seeded.signer(db)
    digests = []
    for sub in seeded.submission_ids:
        score_all(db, seeded, sub)
        done = finalize(db, sub, signer)
        assert done.seq == len(digests) + 1
        digests.append(done.digest)
    con = sqlite3.connect(db.path)
    rows = con.execute("SELECT seq, prev, digest FROM records ORDER BY number").fetchall()
    con.close()
    assert rows == [(1, None, digests[0]), (2, digests[0], digests[1]), (3, digests[1], digests[2])]


def test_an_incomplete_draft_is_refused_and_nothing_is_written(db: Database, seeded: Seed) -> None:
    sub = seeded.submission_ids[0]
    save_draft(db, sub, seeded.assessor_id, FULL[:2])
    audit_before = count(db, "audit_events")
    with pytest.raises(NotAllowed, match="2 of 4 criteria not scored: 'Prove dead', 'Record"):
        finalize(db, sub, seeded.signer(db))
    assert (count(db, "records"), count(db, "outbox_items")) == (0, 0)
    assert count(db, "audit_events") == audit_before
    assert show_evaluation(db, sub).status == "draft"


def test_without_a_draft_finalize_says_to_score_first(db: Database, seeded: Seed) -> None:
    with pytest.raises(DomainError, match="no draft evaluation of sub-001; score it first"):
        finalize(db, "sub-001", seeded.signer(db))


def test_a_manager_cannot_score_or_finalize(db: Database, seeded: Seed) -> None:
    with pytest.raises(NotAllowed, match="manager"):
        save_draft(db, "sub-001", seeded.manager_id, FULL)
    assert count(db, "evaluations") == 0


def test_a_finalized_evaluation_never_changes(db: Database, seeded: Seed) -> None:
    sub = seeded.submission_ids[0]
    score_all(db, seeded, sub)
    finalize(db, sub, seeded.signer(db))
    with pytest.raises(NotAllowed, match="correction"):
        save_draft(db, sub, seeded.assessor_id, [SetLevel("plan", "expert")])
    statements = [
        "UPDATE evaluations SET overall_comment = 'x'",
        "DELETE FROM evaluations",
        "UPDATE evaluation_scores SET level_id = 'not-yet'",
        "DELETE FROM evaluation_scores",
        "UPDATE records SET kind = 'x'",
        "DELETE FROM records",
    ]
    for sql in statements:
        with pytest.raises(IntegrityError, match="immutable"), db.write() as tx:
            tx.connection().exec_driver_sql(sql)
    with pytest.raises(IntegrityError, match="immutable"), db.write() as tx:
        evaluation_id = show_evaluation(db, sub).evaluation_id
        tx.connection().exec_driver_sql(
            "INSERT INTO evaluation_scores VALUES (?, 'extra', 9, NULL, NULL, '')",
            (evaluation_id,),
        )


def test_a_correction_supersedes_with_a_reason_and_keeps_the_original(
    db: Database, seeded: Seed
) -> None:
    sub = seeded.submission_ids[0]
    signer = seeded.signer(db)
    score_all(db, seeded, sub)
    first = finalize(db, sub, signer)
    with pytest.raises(DomainError, match="needs a reason"):
        start_correction(db, sub, signer, "  ")
    start_correction(db, sub, signer, "Misread the test sheet")
    with pytest.raises(NotAllowed, match="already open"):
        start_correction(db, sub, signer, "a second one at the same time")
    draft = show_evaluation(db, sub)
    assert draft.status == "finalized"  # the signed one stays current until the correction is
    save_draft(db, sub, seeded.assessor_id, [SetLevel("prove-dead", "not-yet")])
    second = finalize(db, sub, signer)
    view = show_evaluation(db, sub)
    assert view.record == (second.record_id, second.digest)
    assert view.result.outcome.value == "not_yet"
    con = sqlite3.connect(db.path)
    bodies = [json.loads(b) for (b,) in con.execute("SELECT body FROM records ORDER BY number")]
    con.close()
    assert bodies[1]["supersedes"] == {
        "id": first.record_id,
        "digestMultibase": first.digest,
        "reason": "Misread the test sheet",
    }
    assert bodies[0]["credentialSubject"]["outcome"] == "pass"  # untouched
    # A further correction starts from the newest signed evaluation, the correction.
    third = start_correction(db, sub, signer, "Second look")
    assert third != second.evaluation_id


def test_wrong_passphrase_is_refused_and_throttled_after_five(db: Database, seeded: Seed) -> None:
    now = utcnow()
    for _ in range(4):
        with pytest.raises(keys.WrongPassphrase):
            unlock(db, seeded.assessor_id, "not it", now=now)
    assert keys.unlock_delay(4) == 0
    with pytest.raises(keys.WrongPassphrase):
        unlock(db, seeded.assessor_id, "not it", now=now)  # the 5th failure starts a delay
    with pytest.raises(keys.UnlockThrottled, match="try again"):
        unlock(db, seeded.assessor_id, PASSPHRASE, now=now)  # even the right one waits
    later = now + timedelta(seconds=keys.unlock_delay(5) + 1)
    with pytest.raises(keys.WrongPassphrase):
        unlock(db, seeded.assessor_id, "not it", now=later)
    longer = keys.unlock_delay(6)
    assert longer > keys.unlock_delay(5)
    with pytest.raises(keys.UnlockThrottled):
        unlock(db, seeded.assessor_id, PASSPHRASE, now=later + timedelta(seconds=longer - 1))
    signer = unlock(db, seeded.assessor_id, PASSPHRASE, now=later + timedelta(seconds=longer + 1))
    assert signer.profile.id == seeded.assessor_id
    [assessor] = [p for p in list_profiles(db) if p.id == seeded.assessor_id]
    assert assessor.did == signer.did
    # Success resets the count: one more wrong passphrase does not make the next attempt wait.
    with pytest.raises(keys.WrongPassphrase):
        unlock(db, seeded.assessor_id, "not it", now=later + timedelta(seconds=longer + 2))
    unlock(db, seeded.assessor_id, PASSPHRASE, now=later + timedelta(seconds=longer + 2))


def test_finalize_refuses_when_the_saved_sheet_differs_from_the_expected_one(
    db: Database, seeded: Seed
) -> None:
    sub = seeded.submission_ids[0]
    score_all(db, seeded, sub)
    signer = seeded.signer(db)
    with db.read() as tx:
        evaluation = q.draft_for(tx, sub, seeded.assessor_id)
        assert evaluation is not None
        screen = saved_sheet(evaluation, rubric_by_digest(tx, evaluation.rubric_version.digest))
    level, points, _ = screen[0]["plan"]
    assert level == "competent"
    # The screen showed a level whose save never landed; then another comment, then another
    # overall comment: each is refused, and nothing at all is written.
    wrong_sheets = [
        ({**screen[0], "plan": ("not-yet", points, "Neat <b>route</b>")}, screen[1]),
        ({**screen[0], "plan": (level, points, "typed, never saved")}, screen[1]),
        (screen[0], "an overall comment the draft does not have"),
    ]
    before = [count(db, t) for t in ("records", "outbox_items", "audit_events")]
    for wrong in wrong_sheets:
        with pytest.raises(NotAllowed, match="differs from what the screen shows"):
            finalize(db, sub, signer, wrong)
        assert [count(db, t) for t in ("records", "outbox_items", "audit_events")] == before
        assert show_evaluation(db, sub).status == "draft"
    done = finalize(db, sub, signer, screen)
    signed = parse_record(export_bytes(db, done.record_id))
    assert [(s["criterion"], s["level"]) for s in signed["credentialSubject"]["scores"]] == [
        (c, screen[0][c][0]) for c in ("plan", "terminate", "prove-dead", "record")
    ]


def test_the_expected_sheet_is_compared_inside_the_signing_transaction(
    db: Database, seeded: Seed, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save landing between a check and the signing could be signed unseen; the check and
    the signing share one BEGIN IMMEDIATE, so a writer queued behind it changes nothing."""
    sub = seeded.submission_ids[0]
    score_all(db, seeded, sub)
    signer = seeded.signer(db)
    with db.read() as tx:
        evaluation = q.draft_for(tx, sub, seeded.assessor_id)
        assert evaluation is not None
        screen = saved_sheet(evaluation, rubric_by_digest(tx, evaluation.rubric_version.digest))
    seen: list[str] = []
    real = finalize_module.saved_sheet

    def racing_compare(*args: Any) -> Any:
        # Right after the comparison, another writer tries to change the draft: the write
        # lock is held, so it waits and fails, and what is signed is what was compared.
        compared = real(*args)
        other = sqlite3.connect(db.path, timeout=0.1)
        try:
            other.execute("UPDATE evaluations SET overall_comment = 'sneaked in'")
        except sqlite3.OperationalError as exc:
            seen.append(str(exc))
        finally:
            other.close()
        return compared

    monkeypatch.setattr(finalize_module, "saved_sheet", racing_compare)
    done = finalize(db, sub, signer, screen)
    assert seen == ["database is locked"]
    signed = parse_record(export_bytes(db, done.record_id))
    assert signed["credentialSubject"]["overallComment"] == screen[1]
