"""A hypothesis state machine over a desk and a real issuer process: an assessor scores and
finalizes, a manager signs off (approves or returns) what needs it, a proctor logs incidents
and seals the exam session; any of them syncs; the network drops and comes back; the client is
killed (mid-sync or idle) and restarted; the server is killed (SIGKILL) and restarted.
Whatever the order, once the network and server are back, the session sealed and a few rounds
run: the backend holds exactly the signed set of the three keys (ids and digests, the sealed
session with every incident logged), each record was marked synced once, nothing waits, no
credential was issued twice and each pass (signed off where needed) earned one; at every step
nothing signed is lost.

200 seeded runs by default; more with ASSESSOR_SYNC_RUNS=N. One server process and one handle
on its database serve all runs. A killed server's replacement is forked at once (the test
harness's zygote; under a second) and waited for only when the machine restarts it, so kills
are cheap enough to come in many runs: the rule kills on one draw in KILL_ONE_IN.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
from collections import Counter
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as s
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from assessor.services import exam_sessions as es
from assessor.services.exam_seal import seal_session
from assessor.services.finalize import finalize
from assessor.services.profiles import Signer
from assessor.services.scoring import save_draft
from assessor.services.signoff import decide
from assessor.store import sync_state as st
from assessor.store.db import Database
from assessor.store.records import all_records
from issuer.store import models as im
from issuer.store.db import Database as IssuerDatabase
from tests.issuer.service.harness import Issuer
from tests.sync import invariants
from tests.sync.fault_proxy import FaultProxy
from tests.sync.machine_world import (
    ROLES,
    WORK,
    Killed,
    KillingTransport,
    open_folder,
    open_session,
    pulled_template,
    seed,
    signer,
)
from tests.sync.world import PASSING

RUNS = int(os.environ.get("ASSESSOR_SYNC_RUNS", "200"))
KILL_ONE_IN = 4
IDLE = 7  # kill_client's `after` for a client killed between rounds
TIMEOUT = 5.0
role = s.sampled_from(ROLES)
job = s.integers(0, len(WORK) - 1)

pytestmark = pytest.mark.timeout(3600)


@pytest.fixture(scope="module")
def template(issuer: Issuer) -> Iterator[Path]:
    """The data folder copied for each run (migrating and the rubric's fetch are slow)."""
    with tempfile.TemporaryDirectory(prefix="sync-template-") as work:
        folder = Path(work) / "data"
        db = IssuerDatabase(issuer.db_url)
        try:
            pulled_template(issuer, db, folder)
        finally:
            db.close()
        yield folder


def sealed_incidents(db: IssuerDatabase, did: str) -> int | None:
    """How many incidents the proctor's sealed session record on the server carries."""
    with db.read() as session:
        body = session.scalar(
            select(im.Record.body).where(
                im.Record.did == did, im.Record.kind == "ExamSessionRecord"
            )
        )
    return None if body is None else len(json.loads(body)["credentialSubject"]["incidents"])


def test_sync_state_machine(issuer: Issuer, template: Path, tmp_path: Path) -> None:
    proxy = FaultProxy(issuer.port)
    server_db = IssuerDatabase(issuer.db_url)
    runs = count()
    tallies: Counter[str] = Counter()
    down = False  # the server was killed and the machine has not restarted it yet

    class SyncMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.run = next(runs)
            self.seeded = seed(server_db)
            self.f = open_folder(issuer, template, tmp_path / f"run-{self.run}", self.seeded)
            self.d, self.work = self.f.desk, self.seeded.work
            self.transport = KillingTransport()
            self.signers: dict[str, Signer] = {}
            self.enrolled: set[str] = set()
            proxy.heal()
            self.d.url = proxy.url
            self.offline = False
            self.enrol("assessor")
            assert self.service().sync(self.f.profiles["assessor"]).ok  # the work arrives
            self.signed: dict[str, str] = {}
            self.drafted: list[str] = []
            self.finalized: list[str] = []
            self.decided: set[str] = set()
            self.approved = 0
            self.incidents = 0
            self.session_open = self.sealed = False
            self.went_out = False  # a step used the network since the server was last read
            self.score(0)  # a run starts with work waiting for sign-off (WORK[0]) signed
            self.finalize(0)

        def signer(self, who: str) -> Signer:
            if who not in self.signers:  # unlocked once per client process
                self.signers[who] = signer(self.d.db, self.f.profiles[who])
            return self.signers[who]

        def service(self) -> Any:
            return self.d.service(transport=self.transport, timeout=TIMEOUT, batch_size=2)

        def enrol(self, who: str) -> bool:
            """Enrolled by the first round that needs it (enrolling takes the network): a
            manager or proctor who did nothing in a run costs it nothing."""
            if who not in self.enrolled and not self.offline and self.server_up():
                code = self.seeded.codes[who]
                self.service().enrol(proxy.url, code, self.signer(who))
                self.enrolled.add(who)
            return who in self.enrolled

        # Each job rule takes the n-th (cyclically) of the submissions it applies to.
        @rule(n=job)
        def score(self, n: int) -> None:
            fresh = [w for w in self.work if w not in self.drafted + self.finalized]
            if fresh:
                submission = fresh[n % len(fresh)]
                save_draft(self.d.db, submission, self.d.profile_id, PASSING)
                self.drafted.append(submission)
                tallies["scored"] += 1

        @rule(n=job)
        def finalize(self, n: int) -> None:
            if self.drafted:
                submission = self.drafted.pop(n % len(self.drafted))
                done = finalize(self.d.db, submission, self.signer("assessor"))
                self.signed[done.record_id] = done.digest
                self.finalized.append(submission)
                tallies["finalized"] += 1

        @rule(n=job, approve=s.booleans())
        def sign_off(self, n: int, approve: bool) -> None:
            needs = [w for w, a in zip(self.work, WORK, strict=True) if a == "wiring-b"]
            waiting = [w for w in self.finalized if w in needs and w not in self.decided]
            if not waiting:
                return
            submission = waiting[n % len(waiting)]
            back = None if approve else "assessor"
            reason = "Agreed." if approve else "Check the proving step again."
            made = decide(
                self.d.db, submission, self.signer("manager"), approve=approve,
                return_to=back, reason=reason,
            )  # fmt: skip
            self.signed[made.record_id] = made.digest
            self.decided.add(submission)
            self.approved += approve
            tallies["signed off"] += 1

        def proctor_session(self) -> str:
            if not self.session_open:  # opened by the proctor's first act in a run
                proctor = self.f.profiles["proctor"]
                open_session(self.d.db, proctor, self.f.session, self.d.folder.parent)
                self.session_open = True
            return self.f.session

        @precondition(lambda self: not self.sealed)
        @rule()
        def log_incident(self) -> None:
            self.incidents += 1
            text = f"Screen froze for a minute ({self.incidents})"
            incident = es.Incident("technical-issue", "blue", text)
            session = self.proctor_session()
            es.log_incident(self.d.db, self.f.profiles["proctor"], session, incident)
            tallies["incident logged"] += 1

        @precondition(lambda self: not self.sealed)
        @rule()
        def seal(self) -> None:
            session = self.proctor_session()
            done = seal_session(self.d.db, session, self.signer("proctor"))
            tallies["session sealed"] += 1
            self.signed[done.record_id] = done.digest
            self.sealed = True

        @rule(who=role)
        def sync_step(self, who: str) -> None:
            if not self.enrol(who):
                return
            self.went_out = True
            report = self.service().sync(self.f.profiles[who])
            if not self.offline and self.server_up():
                assert report.ok, report.error

        # `after` requests into a round (or, at IDLE, between rounds), then it restarts.
        @rule(after=s.integers(0, IDLE), who=role)
        def kill_client(self, after: int, who: str) -> None:
            if after < IDLE and who in self.enrolled:
                self.went_out = True
                self.transport.kill_after = after
                try:
                    self.service().sync(self.f.profiles[who])
                except Killed:
                    tallies["client killed mid-sync"] += 1
            self.d.db.close()  # the process is gone: its lock and connections with it
            self.d.db = Database.open(self.d.folder)
            self.transport = KillingTransport()
            self.signers.clear()

        @rule(up=s.booleans())
        def network(self, up: bool) -> None:
            if up:
                proxy.heal()
            else:
                proxy.arm(0, "refused")
                tallies["network dropped"] += 1
            self.offline = not up

        def server_up(self) -> bool:
            """Up as far as the model knows: a replacement may already answer while down."""
            return not down

        # Kills stay a minority of steps: the rule kills only when it draws the top value.
        @precondition(lambda self: self.server_up())
        @rule(draw=s.integers(0, KILL_ONE_IN - 1))
        def kill_server(self, draw: int) -> None:
            nonlocal down
            if draw != KILL_ONE_IN - 1:
                return
            assert issuer.process is not None
            issuer.process.send_signal(signal.SIGKILL)
            issuer.process.wait(timeout=30)
            issuer.launch()  # the same data folder and port, as after a crash
            down = True
            tallies["server killed"] += 1

        @precondition(lambda self: not self.server_up())
        @rule()
        def restart_server(self) -> None:
            nonlocal down
            issuer.wait_ready()
            down = False

        def waiting(self) -> list[str]:
            with self.d.db.read() as tx:
                outboxes = {who: st.outbox(tx, self.f.dids[who]) for who in ROLES}
            return [w for w in ROLES if any(o.state != st.SYNCED for o in outboxes[w])]

        @invariant()
        def nothing_signed_is_lost(self) -> None:
            with self.d.db.read() as tx:
                held = {r.id: r.digest for r in all_records(tx)}
            assert held == self.signed
            if self.went_out and self.server_up():
                self.went_out = False
                dids = self.f.dids.values()
                on_server = invariants.server_records(issuer, *dids, db=server_db)
                assert {k: v[0] for k, v in on_server.items()}.items() <= held.items()

        def teardown(self) -> None:
            try:
                self.network(up=True)
                if not self.server_up():
                    self.restart_server()
                if self.incidents and not self.sealed:  # the proctor ends the session
                    self.seal()
                # Rounds for whoever has records waiting, the assessor's first (sign-offs
                # name them), until nothing waits.
                for _ in range(4):
                    if not (waiting := self.waiting()):
                        break
                    for who in waiting:
                        assert self.enrol(who)
                        report = self.service().sync(self.f.profiles[who])
                        assert report.ok, report.error
                assert not self.waiting()
                # Every finalized score passes: those that need no sign-off earn a credential,
                # the others once approved.
                passing = self.approved + sum(
                    sub in self.finalized
                    for sub, w in zip(self.work, WORK, strict=True)
                    if w == "wiring-a"
                )
                others = [self.f.profiles[w] for w in ROLES[1:] if w in self.enrolled]
                invariants.check(issuer, self.d, passing=passing, profiles=others, db=server_db)
                if self.sealed:  # every incident logged travelled in the sealed record
                    assert sealed_incidents(server_db, self.f.dids["proctor"]) == self.incidents
            finally:
                self.d.close()
                shutil.rmtree(self.d.folder, ignore_errors=True)

    try:
        run_state_machine_as_test(
            SyncMachine,
            settings=settings(
                max_examples=RUNS,
                stateful_step_count=6,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            ),
        )
    finally:
        proxy.stop()
        server_db.close()
    print(f"\n{next(runs)} runs: {dict(tallies)}")
    if RUNS >= 100:  # the disruptions and the records this test is about did happen
        wanted = ["server killed", "client killed mid-sync", "signed off", "session sealed"]
        assert all(tallies[k] for k in wanted) and tallies["server killed"] > 1, tallies
