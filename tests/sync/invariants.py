"""What must hold after any sync, whatever failed on the way: the backend holds exactly the
records this desk signed (ids and digests), each was marked synced exactly once, nothing waits,
and no credential was issued twice.

The issuer's database is read directly; a caller checking often passes its own open handle."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import select

from assessor.store import models as dm
from assessor.store import sync_state as st
from assessor.store.records import all_records
from issuer.store import models as im
from issuer.store.db import Database as IssuerDatabase
from tests.issuer.service.harness import Issuer
from tests.sync.world import Desk


@contextmanager
def _reading(issuer: Issuer, db: IssuerDatabase | None) -> Iterator[IssuerDatabase]:
    if db is not None:
        yield db
        return
    made = IssuerDatabase(issuer.db_url)
    try:
        yield made
    finally:
        made.close()


def server_records(
    issuer: Issuer, *dids: str, db: IssuerDatabase | None = None
) -> dict[str, tuple[str, str]]:
    """Record id → (digest, state) of the records these keys signed, as the issuer holds them."""
    with _reading(issuer, db) as found, found.read() as session:
        rows = session.execute(
            select(im.Record.record_id, im.Record.digest, im.Record.state).where(
                im.Record.did.in_(dids)
            )
        ).all()
    return {str(r[0]): (str(r[1]), str(r[2])) for r in rows}


def server_credentials(
    issuer: Issuer, learners: set[str], db: IssuerDatabase | None = None
) -> Counter[tuple[str, str]]:
    with _reading(issuer, db) as found, found.read() as session:
        rows = session.execute(
            select(im.Credential.achievement_id, im.Credential.learner_id).where(
                im.Credential.learner_id.in_(learners)
            )
        ).all()
    return Counter((str(a), str(b)) for a, b in rows)


def synced_marks(d: Desk) -> Counter[str]:
    """How many times each record was marked synced, from the audit log."""
    marks: Counter[str] = Counter()
    with d.db.read() as tx:
        for event in tx.query(dm.AuditEvent).filter_by(action="sync.push"):
            for record, answer in json.loads(event.payload)["answers"].items():
                if answer in ("accepted", "duplicate"):
                    marks[record] += 1
    return marks


def check(
    issuer: Issuer,
    d: Desk,
    *,
    passing: int | None = None,
    profiles: Iterable[str] = (),
    db: IssuerDatabase | None = None,
) -> None:
    """The invariants for the desk's profile and any other `profiles` of its data folder
    (each enrolled with its own key): `passing` is how many credentials must be issued."""
    local: dict[str, str] = {}
    dids = []
    with d.db.read() as tx:
        for profile in (d.profile_id, *profiles):
            did = st.profile_key(tx, profile)
            assert did is not None
            dids.append(did)
            local |= {r.id: r.digest for r in all_records(tx) if r.issuer == did}
            outbox = st.outbox(tx, did)
            assert [o for o in outbox if o.state != st.SYNCED] == []
            assert all(o.synced_at is not None for o in outbox)
        learners = {s.learner_id for s in tx.query(dm.Submission)}
    server = server_records(issuer, *dids, db=db)
    assert {k: v[0] for k, v in server.items()} == local
    assert all(state == "accepted" for _, state in server.values()), server
    marks = synced_marks(d)
    assert marks == Counter(dict.fromkeys(local, 1)), marks
    issued = server_credentials(issuer, learners, db)
    assert all(n == 1 for n in issued.values()), issued
    if passing is not None:
        assert sum(issued.values()) == passing, issued
