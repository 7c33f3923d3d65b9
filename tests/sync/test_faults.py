"""A fault at every request boundary of a scripted sync, for each kind of failure: after the
rounds that follow, the backend holds exactly what was signed, each record was marked synced
once, the outbox is empty and no credential was issued twice.

The scripted sync: K = 4 signed records (one with an evidence file, uploaded first) sent in
B = 2 batches of 2, after the discovery and change-feed reads, before the credentials read.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from assessor.store.db import Database
from issuer.services.people import add_person, create_code
from issuer.services.work import Assignment, assign_submission
from issuer.store.db import Database as IssuerDatabase
from tests.issuer.service.harness import ROOT, Issuer, unique
from tests.sync import invariants
from tests.sync.fault_proxy import KINDS, FaultProxy
from tests.sync.world import Desk, make_desk

K, BATCH, TIMEOUT = 4, 2, 3.0

pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def proxy(issuer: Issuer) -> Iterator[FaultProxy]:
    made = FaultProxy(issuer.port, slow_seconds=TIMEOUT + 1.5)

    def kill_server() -> None:
        assert issuer.process is not None
        issuer.process.send_signal(signal.SIGKILL)
        issuer.process.wait(timeout=30)

    made.on_server_kill = kill_server
    try:
        yield made
    finally:
        made.stop()


def _heal(issuer: Issuer, proxy: FaultProxy) -> None:
    proxy.heal()
    if issuer.process is not None and issuer.process.poll() is not None:
        issuer.start()  # the same data folder and port: a restart after a crash


def _seed(db: IssuerDatabase, report: bytes) -> tuple[str, str, list[str]]:
    """A new assessor on the issuer with K submissions (the first with an evidence file)
    and an enrolment code, through the issuer's services in one transaction: (name, code,
    submissions)."""
    name, now = unique("Ada"), datetime.now(UTC)
    submissions = [unique("sub") for _ in range(K)]
    with db.write() as session:
        add_person(session, name, ["assessor"])
        for n, submission in enumerate(submissions):
            evidence = (("report.txt", report, "text/plain"),) if n == 0 else ()
            learner = unique("learner")
            assignment = Assignment(submission, learner, "wiring-a", name, None, 1, evidence)
            assign_submission(session, assignment, f"Learner {learner[-4:]}", now)
        code = create_code(session, name, "assessor", now)[0]
    return name, code, submissions


def _prepared(issuer: Issuer, proxy: FaultProxy, folder: Path) -> tuple[Desk, list[str]]:
    """A desk enrolled through the proxy, its work pulled, K records signed and waiting."""
    db = IssuerDatabase(issuer.db_url)
    try:
        name, code, submissions = _seed(
            db, b"The installation report of " + folder.name.encode() + b"\n"
        )
    finally:
        db.close()
    d = make_desk(issuer, folder, name)
    proxy.disarm()
    d.url = proxy.url
    d.service().enrol(proxy.url, code, d.signer)
    first = d.service(batch_size=BATCH, timeout=TIMEOUT).sync()
    assert first.ok and first.pulled.submissions == K, first
    records = [d.score(s) for s in submissions]
    return d, records


def _kill_client_round(d: Desk, proxy: FaultProxy) -> None:
    """The round in a child process that the proxy kills once the server has answered."""
    token = d.secrets.token(d.url, account=d.profile_id)
    d.db.close()
    command = [sys.executable, "-m", "tests.sync.child_sync", str(d.folder), d.profile_id]
    child = subprocess.Popen(
        [*command, str(BATCH), str(TIMEOUT)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    proxy.on_client_kill = lambda: os.kill(child.pid, signal.SIGKILL)
    child.communicate(f"{token}\n".encode(), timeout=120)
    d.db = Database.open(d.folder)


def _scenario(issuer: Issuer, proxy: FaultProxy, folder: Path, kind: str, n: int) -> None:
    d, records = _prepared(issuer, proxy, folder)
    try:
        proxy.arm(n, kind)
        if kind == "client_killed":
            _kill_client_round(d, proxy)
        else:
            d.service(batch_size=BATCH, timeout=TIMEOUT).sync()
        assert proxy.fired == [(n, kind)], (proxy.fired, proxy.seen)
        _heal(issuer, proxy)
        for _ in range(4):
            report = d.service(batch_size=BATCH, timeout=TIMEOUT).sync()
            if report.ok and not report.pushed.batches:
                break
        assert report.ok, (report.error, proxy.seen, n)
        invariants.check(issuer, d, passing=K)
        assert [x.record_id for x in d.service().outbox()] == records
        assert [c.achievement for c in d.service().credentials()] == ["badge-a"] * K
    finally:
        proxy.fired.clear()
        _heal(issuer, proxy)
        d.close()


def _boundaries(issuer: Issuer, proxy: FaultProxy, folder: Path) -> list[str]:
    """The requests of the scripted sync, from a run without a fault."""
    d, _ = _prepared(issuer, proxy, folder)
    try:
        proxy.disarm()
        # A generous timeout: a busy machine must not add a retry to the script itself.
        report = d.service(batch_size=BATCH, timeout=60).sync()
        assert report.ok and report.pushed.accepted == K
        invariants.check(issuer, d, passing=K)
        return list(proxy.seen)
    finally:
        d.close()


@pytest.fixture(scope="module")
def boundaries(
    issuer: Issuer, proxy: FaultProxy, tmp_path_factory: pytest.TempPathFactory
) -> list[str]:
    found = _boundaries(issuer, proxy, tmp_path_factory.mktemp("reference") / "desk")
    batches = [r for r in found if r.endswith("records:batch")]
    assert len(batches) == K // BATCH and any(r.startswith("PUT") for r in found), found
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_a_fault_at_every_boundary(
    issuer: Issuer, proxy: FaultProxy, boundaries: list[str], tmp_path: Path, kind: str
) -> None:
    for n in range(len(boundaries)):
        _scenario(issuer, proxy, tmp_path / f"desk-{n}", kind, n)
