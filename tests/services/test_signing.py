"""`sign_record`, the one way to make a signed record: any kind, the signer's role, chained per
key, stored with its outbox item and audit event in the caller's transaction."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import pytest

from assessor.domain.errors import NotAllowed
from assessor.domain.ids import uuid7
from assessor.security.records import parse_record, verify
from assessor.services.finalize import finalize
from assessor.services.signing import SignedRecord, sign_record
from assessor.services.verify import verify_store
from assessor.store import models as m
from assessor.store import queries as q
from assessor.store import records as r
from assessor.store.db import Database
from assessor.store.types import utcnow
from tests.conftest import Seed
from tests.services.test_finalize import score_all

TABLES = ("records", "outbox_items", "audit_events")


def counts(db: Database) -> list[int]:
    con = sqlite3.connect(db.path)
    try:
        return [int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES]
    finally:
        con.close()


def signoff_subject(db: Database, seeded: Seed) -> dict[str, Any]:
    """A finalized assessment of the first submission, and a sign-off subject binding it."""
    sub = seeded.submission_ids[0]
    score_all(db, seeded, sub)
    done = finalize(db, sub, seeded.signer(db))
    with db.read() as tx:
        stored = r.record_by_ref(tx, done.record_id)
        assert stored is not None
    return {
        "id": "urn:assessor:learner:learner-0",
        "assessmentRecord": {
            "id": done.record_id,
            "digestMultibase": done.digest,
            "issuer": stored.issuer,
        },
        "decision": "approved",
        "comment": "Well evidenced.",
    }


def test_any_kind_is_signed_as_the_role_that_makes_it(db: Database, seeded: Seed) -> None:
    subject = signoff_subject(db, seeded)
    manager = seeded.signer(db, seeded.manager_id)
    sub = seeded.submission_ids[0]
    before = counts(db)
    linked: list[str] = []

    def link(made: SignedRecord) -> None:
        # A row naming the record, written before its audit event so the event carries it.
        linked.append(made.id)
        evaluation = q.finalized_by(tx, sub, seeded.assessor_id)
        assert evaluation is not None
        tx.add(
            m.SignOff(
                id=uuid7(),
                submission_id=sub,
                evaluation_id=evaluation.id,
                record_id=made.id,
                manager_id=manager.profile.id,
                decision="approved",
                return_to=None,
                reason="Well evidenced.",
                decided_at=utcnow(),
            )
        )
        tx.flush()

    with db.write() as tx:
        made = sign_record(
            tx,
            manager,
            "ProjectSignOffRecord",
            subject,
            action="signoff.decide",
            entity=("submission", sub),
            submission_id=sub,
            payload={"decision": "approved"},
            link=link,
        )
    assert linked == [made.id]
    assert counts(db) == [n + 1 for n in before]
    with db.read() as tx:
        event = tx.query(m.AuditEvent).order_by(m.AuditEvent.seq.desc()).first()
        assert event is not None and event.actor == manager.profile.id
        assert any(change[1] == "signoffs" for change in json.loads(event.payload)["rows"])
    with db.read() as tx:
        stored = r.record_by_ref(tx, made.id)
        assert stored is not None
    document = parse_record(stored.body)
    verify(document)
    assert document["issuer"]["role"] == "manager"
    assert document["device"] == {"seq": 1, "prev": None}  # the manager key's first record
    assert "relatedResource" not in document
    assert verify_store(db).ok, verify_store(db).finding


def test_a_signer_without_the_kinds_role_is_refused_and_nothing_is_written(
    db: Database, seeded: Seed
) -> None:
    subject = signoff_subject(db, seeded)
    assessor = seeded.signer(db)  # holds "assessor" only: a sign-off is a manager's
    before = counts(db)
    with pytest.raises(NotAllowed, match="signed by a manager"), db.write() as tx:
        sign_record(
            tx,
            assessor,
            "ProjectSignOffRecord",
            subject,
            action="signoff.decide",
            entity=("submission", seeded.submission_ids[0]),
        )
    assert counts(db) == before


def test_a_record_its_schema_refuses_is_never_chained(db: Database, seeded: Seed) -> None:
    subject = {**signoff_subject(db, seeded), "decision": "maybe"}
    manager = seeded.signer(db, seeded.manager_id)
    before = counts(db)
    with pytest.raises(NotAllowed, match="/credentialSubject/decision"), db.write() as tx:
        sign_record(
            tx,
            manager,
            "ProjectSignOffRecord",
            subject,
            action="signoff.decide",
            entity=("submission", seeded.submission_ids[0]),
        )
    assert counts(db) == before


def test_the_record_goes_with_the_callers_transaction(db: Database, seeded: Seed) -> None:
    subject = signoff_subject(db, seeded)
    manager = seeded.signer(db, seeded.manager_id)
    before = counts(db)
    with pytest.raises(RuntimeError), db.write() as tx:
        sign_record(
            tx,
            manager,
            "ProjectSignOffRecord",
            subject,
            action="signoff.decide",
            entity=("submission", seeded.submission_ids[0]),
        )
        raise RuntimeError("the caller fails after signing")
    assert counts(db) == before
    with db.read() as tx:
        assert r.chain_tail(tx, manager.did) is None  # the next record is seq 1 again


def test_an_action_verify_would_not_read_is_refused(db: Database, seeded: Seed) -> None:
    subject = signoff_subject(db, seeded)
    manager = seeded.signer(db, seeded.manager_id)
    with pytest.raises(ValueError, match="RECORD_ACTIONS"), db.write() as tx:
        sign_record(
            tx,
            manager,
            "ProjectSignOffRecord",
            subject,
            action="signoff.approve",
            entity=("submission", seeded.submission_ids[0]),
        )
