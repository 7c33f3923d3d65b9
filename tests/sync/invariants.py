"""What must hold after any sync, whatever failed on the way: the backend holds exactly the
records this desk signed (ids and digests), each was marked synced exactly once, nothing waits,
and no credential was issued twice."""

from __future__ import annotations

import json
from collections import Counter

from sqlalchemy import select

from assessor.store import models as dm
from assessor.store import sync_state as st
from assessor.store.records import all_records
from issuer.store import models as im
from issuer.store.db import Database as IssuerDatabase
from tests.issuer.service.harness import Issuer
from tests.sync.world import Desk


def server_records(issuer: Issuer, did: str) -> dict[str, tuple[str, str]]:
    db = IssuerDatabase(issuer.db_url)
    try:
        with db.read() as session:
            rows = session.execute(
                select(im.Record.record_id, im.Record.digest, im.Record.state).where(
                    im.Record.did == did
                )
            ).all()
        return {str(r[0]): (str(r[1]), str(r[2])) for r in rows}
    finally:
        db.close()


def server_credentials(issuer: Issuer, learners: set[str]) -> Counter[tuple[str, str]]:
    db = IssuerDatabase(issuer.db_url)
    try:
        with db.read() as session:
            rows = session.execute(
                select(im.Credential.achievement_id, im.Credential.learner_id).where(
                    im.Credential.learner_id.in_(learners)
                )
            ).all()
        return Counter((str(a), str(b)) for a, b in rows)
    finally:
        db.close()


def synced_marks(d: Desk) -> Counter[str]:
    """How many times each record was marked synced, from the audit log."""
    marks: Counter[str] = Counter()
    with d.db.read() as tx:
        for event in tx.query(dm.AuditEvent).filter_by(action="sync.push"):
            for record, answer in json.loads(event.payload)["answers"].items():
                if answer in ("accepted", "duplicate"):
                    marks[record] += 1
    return marks


def check(issuer: Issuer, d: Desk, *, passing: int | None = None) -> None:
    with d.db.read() as tx:
        did = st.profile_key(tx, d.profile_id)
        local = {r.id: r.digest for r in all_records(tx) if r.issuer == did}
        outbox = st.outbox(tx, did)
        learners = {s.learner_id for s in tx.query(dm.Submission)}
    assert did is not None
    server = server_records(issuer, did)
    assert {k: v[0] for k, v in server.items()} == local
    assert all(state == "accepted" for _, state in server.values()), server
    assert [o for o in outbox if o.state != st.SYNCED] == []
    assert all(o.synced_at is not None for o in outbox)
    marks = synced_marks(d)
    assert marks == Counter(dict.fromkeys(local, 1)), marks
    issued = server_credentials(issuer, learners)
    assert all(n == 1 for n in issued.values()), issued
    if passing is not None:
        assert sum(issued.values()) == passing, issued
