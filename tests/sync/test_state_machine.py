"""A hypothesis state machine over a desk and a real issuer process: score, finalize, sync,
drop and restore the network, kill the client (mid-sync or idle) and restart it, kill the
server (SIGKILL) and restart it. Whatever the order, once the network and server are back and
a few rounds have run: the backend holds exactly the signed set, each record was marked synced
once, nothing waits, no credential was issued twice; at every step nothing signed is lost.

200 seeded runs by default; more with ASSESSOR_SYNC_RUNS=N. One server process serves all
runs; a run kills it only now and then (a restart takes seconds).
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from typing import Any

import httpx
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

from assessor.services.finalize import finalize
from assessor.services.profiles import add_profile, unlock
from assessor.services.scoring import save_draft
from assessor.store import models as dm
from assessor.store.db import Database
from assessor.store.records import all_records
from issuer.services.people import add_person, create_code
from issuer.services.work import Assignment, assign_submission
from issuer.store.db import Database as IssuerDatabase
from tests.conftest import PASSPHRASE, sealed_key
from tests.issuer.service.harness import Issuer, unique
from tests.sync import invariants
from tests.sync.fault_proxy import FaultProxy
from tests.sync.world import PASSING, Desk

RUNS = int(os.environ.get("ASSESSOR_SYNC_RUNS", "200"))
WORK = 3  # submissions assigned to each run's person
TIMEOUT = 5.0

pytestmark = pytest.mark.timeout(3600)


class Killed(BaseException):
    """The client process dying: nothing after this point runs, nothing is committed."""


class KillingTransport(httpx.HTTPTransport):
    """The client's own network stack, which can die once a request has been answered."""

    def __init__(self) -> None:
        super().__init__()
        self.kill_after: int | None = None
        self.done = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        response.read()
        self.done += 1
        if self.kill_after is not None and self.done > self.kill_after:
            self.kill_after = None
            raise Killed
        return response


def seed(issuer: Issuer) -> tuple[str, str, list[str]]:
    """A person with WORK submissions and an enrolment code, through the issuer's services."""
    name = unique("Run")
    db = IssuerDatabase(issuer.db_url)
    try:
        with db.write() as session:
            add_person(session, name, ["assessor"])
            submissions = []
            for _ in range(WORK):
                submission = unique("sub")
                learner = unique("learner")
                assign_submission(
                    session,
                    Assignment(submission, learner, "wiring-a", name, None, 1),
                    f"Learner {learner[-4:]}",
                    datetime.now(UTC),
                )
                submissions.append(submission)
            code, _ = create_code(session, name, "assessor", datetime.now(UTC))
    finally:
        db.close()
    return name, code, submissions


@pytest.fixture(scope="module")
def template() -> Iterator[Path]:
    """An empty data folder at the current schema, copied for each run (migrating is slow)."""
    folder = Path(tempfile.mkdtemp(prefix="sync-template-")) / "data"
    Database.open(folder).close()
    try:
        yield folder
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)


def test_sync_state_machine(issuer: Issuer, template: Path, tmp_path: Path) -> None:
    proxy = FaultProxy(issuer.port)
    runs = count()
    tallies: Counter[str] = Counter()

    class SyncMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            run = next(runs)
            folder = tmp_path / f"run-{run}"
            shutil.copytree(template, folder)
            name, code, self.work = seed(issuer)
            db = Database.open(folder)
            with db.write() as tx:
                profile = add_profile(tx, name, ["assessor"], sealed_key())
            self.d = Desk(issuer, folder, name, db, profile.id)
            self.transport = KillingTransport()
            proxy.heal()
            self.d.url = proxy.url
            self.service().enrol(proxy.url, code, self.signer())
            self.signed: dict[str, str] = {}
            self.drafted: set[str] = set()
            self.offline = False
            self.server_kills = 0

        def signer(self) -> Any:
            return unlock(self.d.db, self.d.profile_id, PASSPHRASE)

        def service(self) -> Any:
            return self.d.service(transport=self.transport, timeout=TIMEOUT, batch_size=2)

        def local(self) -> set[str]:
            with self.d.db.read() as tx:
                return {s.id for s in tx.query(dm.Submission)}

        @rule(n=s.integers(0, WORK - 1))
        def score(self, n: int) -> None:
            submission = self.work[n]
            if submission in self.local() and submission not in self.drafted:
                save_draft(self.d.db, submission, self.d.profile_id, PASSING)
                self.drafted.add(submission)

        @rule(n=s.integers(0, WORK - 1))
        def finalize(self, n: int) -> None:
            submission = self.work[n]
            if submission in self.drafted:
                done = finalize(self.d.db, submission, self.signer())
                self.signed[done.record_id] = done.digest
                self.drafted.discard(submission)

        @rule()
        def sync_step(self) -> None:
            report = self.service().sync()
            if not self.offline and self.server_up():
                assert report.ok, report.error

        @rule(after=s.integers(0, 6))
        def kill_client_mid_sync(self, after: int) -> None:
            self.transport.kill_after = after
            try:
                self.service().sync()
            except Killed:
                tallies["client killed mid-sync"] += 1
            self.transport.kill_after = None
            self.restart_client()

        @rule()
        def restart_client(self) -> None:
            self.d.db.close()  # the process is gone: its lock and connections with it
            self.d.db = Database.open(self.d.folder)
            self.transport = KillingTransport()

        @rule()
        def drop_network(self) -> None:
            proxy.arm(0, "refused")
            self.offline = True
            tallies["network dropped"] += 1

        @rule()
        def restore_network(self) -> None:
            proxy.heal()
            self.offline = False

        def server_up(self) -> bool:
            return issuer.process is not None and issuer.process.poll() is None

        # A restart takes seconds: the rule kills only when it draws 9, once a run.
        @precondition(lambda self: self.server_up() and not self.server_kills)
        @rule(draw=s.integers(0, 9))
        def kill_server(self, draw: int) -> None:
            if draw != 9:
                return
            self.server_kills += 1
            assert issuer.process is not None
            issuer.process.send_signal(signal.SIGKILL)
            issuer.process.wait(timeout=30)
            tallies["server killed"] += 1

        @precondition(lambda self: not self.server_up())
        @rule()
        def restart_server(self) -> None:
            issuer.start()

        @invariant()
        def nothing_signed_is_lost(self) -> None:
            with self.d.db.read() as tx:
                held = {r.id: r.digest for r in all_records(tx)}
            assert held == self.signed
            if self.server_up():
                on_server = invariants.server_records(issuer, self.signer().did)
                assert {k: v[0] for k, v in on_server.items()}.items() <= held.items()

        def teardown(self) -> None:
            try:
                proxy.heal()
                if not self.server_up():
                    issuer.start()
                for _ in range(4):
                    report = self.service().sync()
                    if report.ok and not report.pushed.batches:
                        break
                assert report.ok, report.error
                invariants.check(issuer, self.d, passing=len(self.signed))
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
    print(f"\n{next(runs)} runs: {dict(tallies)}")
    if RUNS >= 100:  # the disruptions this test is about did happen
        assert tallies["server killed"] and tallies["client killed mid-sync"], tallies
