"""Enrol, pull work, finalize, sync, see the credential: against a real issuer process."""

from __future__ import annotations

from pathlib import Path

from assessor.store import models as m
from tests.issuer.service.harness import Issuer
from tests.sync.world import desk, server_credentials, server_records


def test_enrol_pull_finalize_sync_lists_the_credential(issuer: Issuer, tmp_path: Path) -> None:
    with desk(issuer, tmp_path / "desk") as d:
        d.enrol()
        [submission] = d.assign()
        service = d.service()
        first = service.sync()
        assert first.ok, first.error
        assert {"submissions", "rubrics"} <= first.changed
        with d.db.read() as tx:
            pulled = tx.get(m.Submission, submission)
            assert pulled is not None and pulled.assessment_id == "wiring-a"
        record = d.score(submission)
        second = service.sync()
        assert second.ok, second.error
        assert second.pushed.accepted == 1 and "credentials" in second.changed
        assert server_records(issuer)[record][1] == "accepted"
        [credential] = service.credentials()
        assert credential.achievement == "badge-a" and credential.status == "active"
        assert record in credential.records
        # The achievement's name came with the pulled assessment; an id not here has none.
        names = service.achievement_names({"badge-a", "no-such-badge"})
        assert names == {"badge-a": "Safe isolation"}
        assert credential.id in {c["id"] for c in server_credentials(issuer)}
        [item] = service.outbox()
        assert (item.record_id, item.state, item.answer) == (record, "acknowledged", "accepted")
