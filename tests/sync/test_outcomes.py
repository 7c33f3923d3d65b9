"""What a sync never does: drop a rejected record, take a rubric whose bytes are not its
digest, delete work the backend withdrew, keep only one of two markings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assessor.services.scoring import SetLevel, save_draft
from assessor.store import models as m
from assessor.store.db import Database
from assessor.store.records import all_records
from assessor.store.types import utcnow
from tests.issuer.service.harness import Issuer, unique
from tests.sync import invariants
from tests.sync.fault_proxy import FaultProxy
from tests.sync.world import desk, make_desk


@pytest.fixture
def proxy(issuer: Issuer) -> Iterator[FaultProxy]:
    made = FaultProxy(issuer.port)
    try:
        yield made
    finally:
        made.stop()


def _local_only_submission(db: Database, assessment: str = "wiring-a") -> str:
    """Work the backend never assigned (typed in here): it will be rejected."""
    submission, learner = unique("sub"), unique("learner")
    with db.write() as tx:
        tx.add(m.Learner(id=learner, name="Lee", anonymous_code=learner[-8:]))
        tx.add(
            m.Submission(
                id=submission,
                learner_id=learner,
                assessment_id=assessment,
                attempt=1,
                submitted_at=utcnow(),
                status="to_score",
            )
        )
    return submission


def test_a_rejected_record_stays_with_its_reason(issuer: Issuer, tmp_path: Path) -> None:
    with desk(issuer, tmp_path / "desk") as d:
        d.enrol()
        [assigned] = d.assign()
        service = d.service()
        assert service.sync().ok
        stray = _local_only_submission(d.db)
        rejected = d.score(stray)
        accepted = d.score(assigned)
        report = service.sync()
        assert report.ok, report.error
        # The chain goes on past the rejected record: the next one is still accepted.
        assert (report.pushed.rejected, report.pushed.accepted) == (1, 1)
        for _ in range(2):  # later rounds never send it again, nor drop it
            again = service.sync()
            assert again.ok and again.pushed.batches == 0
        items = {x.record_id: x for x in service.outbox()}
        assert items[rejected].state == "rejected" and items[rejected].attempts == 1
        assert items[rejected].reason == "submission-unknown"
        assert stray in (items[rejected].message or "")
        assert items[accepted].state == "acknowledged"
        with d.db.read() as tx:
            assert rejected in {r.id for r in all_records(tx)}
        server = invariants.server_records(issuer, d.signer.did)
        assert server[rejected][1] == "rejected" and server[accepted][1] == "accepted"


def test_a_rubric_whose_bytes_are_not_its_digest_is_refused_and_named(
    issuer: Issuer, proxy: FaultProxy, tmp_path: Path
) -> None:
    def forge(line: str, body: bytes) -> bytes:
        if line.startswith("GET /api/v1/rubrics/"):
            return body.replace(b"Wiring a ring final circuit", b"Wiring a ring final circus")
        return body

    proxy.tamper = forge
    with desk(issuer, tmp_path / "desk") as d:
        d.enrol(proxy.url)
        [submission] = d.assign()
        report = d.service().sync()
        assert report.ok, report.error
        [refused, *_] = report.pulled.refused
        assert refused.startswith("rubric wiring@1 refused: its bytes hash to uEi")
        assert "not to its digest uEi" in refused
        flags = {(f.kind, f.subject) for f in d.service().flags()}
        assert ("rubric", "wiring@1") in flags
        with d.db.read() as tx:
            assert tx.query(m.RubricVersion).count() == 0  # nothing of it was stored
            assert tx.get(m.Submission, submission) is None  # its work waits
        # Once the bytes arrive unharmed, the rubric is taken and the work comes.
        proxy.tamper = None
        d.service().read_feed_again(d.profile_id)
        again = d.service().sync()
        assert again.ok and again.pulled.rubrics == 1 and again.pulled.submissions == 1


def test_withdrawn_and_reassigned_work_is_kept_and_flagged(issuer: Issuer, tmp_path: Path) -> None:
    other = unique("Bea")
    issuer.cli("person", "add", other, "--role", "assessor")
    with desk(issuer, tmp_path / "desk") as d:
        d.enrol()
        drafted, untouched, moved = d.assign(3)
        service = d.service()
        assert service.sync().pulled.submissions == 3
        save_draft(d.db, drafted, d.profile_id, [SetLevel("plan", "competent")])
        save_draft(d.db, moved, d.profile_id, [SetLevel("plan", "competent")])
        with d.db.read() as tx:
            row = tx.get(m.Submission, moved)
            assert row is not None
            learner = row.learner_id
        issuer.cli("submission", "withdraw", drafted)
        issuer.cli("submission", "withdraw", untouched)
        issuer.cli(
            "submission", "assign", moved, "--learner", learner, "--assessment", "wiring-a",
            "--assessor", other,
        )  # fmt: skip
        report = service.sync()
        assert report.ok, report.error
        flags = {f.subject: (f.kind, f.local_work) for f in service.flags()}
        assert flags == {
            drafted: ("withdrawn", True),
            untouched: ("withdrawn", False),
            moved: ("reassigned", True),
        }
        with d.db.read() as tx:
            for submission in (drafted, untouched, moved):
                assert tx.get(m.Submission, submission) is not None
            drafts = tx.query(m.Evaluation).filter_by(status="draft").count()
        assert drafts == 2
        assert service.sync().pulled.flagged == []  # flagged once


def test_double_marking_on_two_devices_both_arrive(issuer: Issuer, tmp_path: Path) -> None:
    first = make_desk(issuer, tmp_path / "laptop")
    second = make_desk(issuer, tmp_path / "tablet", first.name)  # the same person
    try:
        first.enrol()
        second.enrol()
        [submission] = first.assign()
        assert first.service().sync().ok and second.service().sync().ok
        # Both score offline, differently, then both sync.
        a = first.score(submission)
        b = second.score(
            submission,
            [
                SetLevel("plan", "proficient"),
                SetLevel("terminate", "proficient"),
                SetLevel("prove-dead", "proficient"),
                SetLevel("record", "full"),
            ],
        )
        assert first.service().sync().pushed.accepted == 1
        assert second.service().sync().pushed.accepted == 1
        held = invariants.server_records(issuer, first.signer.did)
        held |= invariants.server_records(issuer, second.signer.did)
        assert {a, b} <= set(held) and held[a][1] == held[b][1] == "accepted"
        for d in (first, second):
            invariants.check(issuer, d)
        with first.db.read() as tx:
            row = tx.get(m.Submission, submission)
            assert row is not None
            learners = {row.learner_id}
        assert sum(invariants.server_credentials(issuer, learners).values()) == 1
    finally:
        first.close()
        second.close()


def test_deferred_for_missing_evidence_is_retried_until_synced(
    issuer: Issuer, tmp_path: Path
) -> None:
    with desk(issuer, tmp_path / "desk") as d:
        d.enrol()
        [submission] = d.assign()
        service = d.service()
        assert service.sync().ok
        # A photo taken here, part of the work the record vouches for.
        photo = d.db.blobs.put_bytes(b"a photo of the consumer unit\n")
        with d.db.write() as tx:
            tx.add(
                m.Artifact(
                    submission_id=submission,
                    position=0,
                    name="unit.jpg",
                    media_type="image/jpeg",
                    size=photo.size,
                    sha256=photo.sha256,
                )
            )
        record = d.score(submission)
        # The file goes missing before it could be sent: the backend says "later".
        kept = d.db.blobs.path_of(photo.sha256).read_bytes()
        d.db.blobs.path_of(photo.sha256).unlink()
        first = service.sync()
        assert first.ok and (first.pushed.deferred, first.pushed.batches) == (1, 1)
        [item] = service.outbox()
        assert (item.state, item.answer, item.reason) == ("pending", "deferred", "evidence-missing")
        assert item.next_attempt_at is not None
        assert service.sync().pushed.deferred == 1  # "Sync now" tries it again
        d.db.blobs.put_bytes(kept)
        last = service.sync()
        assert last.ok and (last.pushed.accepted, last.pushed.evidence_uploaded) == (1, 1)
        assert invariants.server_records(issuer, d.signer.did)[record][1] == "accepted"
        invariants.check(issuer, d)
