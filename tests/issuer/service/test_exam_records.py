"""A session sealed on the desktop, and a manager's amendment to it, sent to a real issuer:
accepted when the session is assigned to the proctor who sealed it; the amendment only once
the session's record is there and accepted, and only naming it by its digest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from assessor.services import exam_sessions as es
from assessor.services.exam_seal import amend_session, seal_session
from assessor.services.profiles import Signer, add_profile, unlock
from assessor.sync import protocol as p
from tests.conftest import PASSPHRASE, sealed_key
from tests.issuer.service.conftest import World
from tests.issuer.service.harness import unique
from tests.issuer.service.test_desk_signoff import exported


def _desk_signer(world: World, name: str, role: str) -> Signer:
    with world.desk.write() as tx:
        profile = add_profile(tx, name, [role], sealed_key())
    return unlock(world.desk, profile.id, PASSPHRASE)


def _sealed_session(world: World, proctor: Signer, session: str, folder: Path) -> str:
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    es.create_session(
        world.desk,
        proctor.profile.id,
        title="Written paper",
        kind="site",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        location="Room 4",
        session_id=session,
    )
    roster = folder / "roster.csv"
    roster.write_text("candidate,name,learner\nC1,Ann,l-1\nC2,Bob,\n", encoding="utf-8")
    es.import_roster(world.desk, proctor.profile.id, session, roster)
    es.check_in(world.desk, proctor.profile.id, session, "C1", "passport")
    es.log_incident(
        world.desk,
        proctor.profile.id,
        session,
        es.Incident("technical-issue", "blue", "Screen froze for a minute", ["C1"]),
    )
    es.set_outcome(world.desk, proctor.profile.id, session, "C1", "completed")
    es.set_outcome(world.desk, proctor.profile.id, session, "C2", "no-show")
    return seal_session(world.desk, session, proctor).record_id


def test_a_sealed_session_and_its_amendment_are_accepted(world: World, tmp_path: Path) -> None:
    session = unique("exam")
    world.issuer.cli(
        "session",
        "assign",
        session,
        "--title",
        "Written paper",
        "--location",
        "Room 4",
        "--starts-at",
        "2026-11-24T09:00:00Z",
        "--proctor",
        world.proctor.name,
    )
    proctor = _desk_signer(world, world.proctor.name, "proctor")
    manager = _desk_signer(world, world.manager.name, "manager")
    proctor_device = world.device(proctor._key, world.proctor.name, "proctor")
    manager_device = world.device(manager._key, world.manager.name, "manager")
    sealed = exported(world, _sealed_session(world, proctor, session, tmp_path))
    amended = amend_session(world.desk, session, manager, "C2 had leave to be absent.")
    amendment = exported(world, amended.record_id)

    [early] = manager_device.send(amendment)
    assert (early.state, early.reason) == (p.AnswerState.DEFERRED, p.Reason.SESSION_UNKNOWN)
    [answer] = proctor_device.send(sealed)
    assert answer.state is p.AnswerState.ACCEPTED, answer.message
    [answer] = manager_device.send(amendment)
    assert answer.state is p.AnswerState.ACCEPTED, answer.message


def test_a_session_not_assigned_to_the_proctor_is_rejected(world: World, tmp_path: Path) -> None:
    session = unique("exam")
    proctor = _desk_signer(world, world.proctor.name, "proctor")
    device = world.device(proctor._key, world.proctor.name, "proctor")
    sealed = exported(world, _sealed_session(world, proctor, session, tmp_path))
    [answer] = device.send(sealed)
    assert (answer.state, answer.reason) == (p.AnswerState.REJECTED, p.Reason.SESSION_UNKNOWN)
    # A manager's amendment cannot make the rejected session count: it is rejected too.
    manager = _desk_signer(world, world.manager.name, "manager")
    manager_device = world.device(manager._key, world.manager.name, "manager")
    amended = amend_session(world.desk, session, manager, "C2 had leave to be absent.")
    [answer] = manager_device.send(exported(world, amended.record_id))
    assert (answer.state, answer.reason) == (p.AnswerState.REJECTED, p.Reason.SESSION_UNKNOWN)
    assert "was rejected here" in answer.message
