"""A sign-off made with the desktop's own service (`services/signoff.decide`, through
`sign_record`) is what the issuer accepts: returned, rescored by a correction, approved, and
only then issued."""

from __future__ import annotations

from typing import Any

from assessor.security.records import parse_record
from assessor.services.finalize import finalize, start_correction
from assessor.services.profiles import add_profile, unlock
from assessor.services.records import export_record
from assessor.services.signoff import decide
from assessor.store import models as dm
from assessor.sync import protocol as p
from issuer.store import models as m
from tests.conftest import PASSPHRASE, sealed_key
from tests.issuer.service.conftest import World


def exported(world: World, record_id: str) -> dict[str, Any]:
    """The desk's record, exported as a file and read back: what a device sends."""
    out = world.folder / f"{record_id.rsplit(':', 1)[-1]}.json"
    export_record(world.desk, record_id, out)
    return parse_record(out.read_bytes())


def test_the_desktops_signoff_records_are_accepted_and_the_approval_issues(
    world: World,
) -> None:
    with world.desk.write() as tx:
        assessment = tx.get(dm.Assessment, "wiring-b")
        assert assessment is not None
        assessment.signoff_required = True
        profile = add_profile(tx, world.manager.name, ["manager"], sealed_key())
    manager_signer = unlock(world.desk, profile.id, PASSPHRASE)
    assessor = world.device(world.assessor._key, world.assessor_name, "assessor")
    manager = world.device(manager_signer._key, world.manager.name, "manager")
    submission = world.assign("wiring-b")
    record = world.score(submission)
    assert assessor.send(record)[0].state is p.AnswerState.ACCEPTED

    returned = decide(
        world.desk,
        submission,
        manager_signer,
        approve=False,
        return_to="assessor",
        reason="Check the proving step again",
    )
    [answer] = manager.send(exported(world, returned.record_id))
    assert answer.state is p.AnswerState.ACCEPTED, answer
    assert world.issuer.count(m.Credential, record_id=record["id"]) == 0

    start_correction(world.desk, submission, world.assessor, "Returned: proving step")
    corrected = exported(world, finalize(world.desk, submission, world.assessor).record_id)
    assert assessor.send(corrected)[0].state is p.AnswerState.ACCEPTED
    approved = decide(world.desk, submission, manager_signer, approve=True, reason="Agreed.")
    [answer] = manager.send(exported(world, approved.record_id))
    assert answer.state is p.AnswerState.ACCEPTED, answer
    assert world.issuer.count(m.Credential, record_id=corrected["id"]) == 1
