"""The whole path against a real server: enrol, receive the desktop's finalized record,
issue, answer a resend, sign-off, stacking, renewal, revocation."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import httpx

from assessor.security.multibase import public_key_from_multibase
from assessor.security.records import record_digest
from assessor.sync import protocol as p
from issuer.issuance import did_web, rdfc
from issuer.issuance.status_list import decode
from issuer.store import models as m
from tests.issuer import independent_verifier as independent
from tests.issuer.issuance.test_credential import schema_errors
from tests.issuer.service.conftest import FAILING, World
from tests.issuer.service.harness import Device


def verify_with_published_did(issuer_url: str, credential: dict[str, Any]) -> None:
    """Verify as a third party would, with the DID document fetched over HTTP: the issuance
    library's verifier, the independent one written from the W3C text, and (for an
    OpenBadgeCredential) the official OB 3.0 JSON Schema."""
    document = httpx.get(f"{issuer_url}/.well-known/did.json").json()
    rdfc.verify(credential, did_web.key_resolver(document))
    keys = {m["id"]: m["publicKeyMultibase"] for m in document["verificationMethod"]}
    independent.verify(credential, lambda method: public_key_from_multibase(keys[method]))
    if "OpenBadgeCredential" in credential["type"]:
        assert schema_errors(credential) == []


def test_a_passing_record_from_the_desktop_is_accepted_and_earns_one_credential(
    world: World,
) -> None:
    device = world.device(world.assessor._key, world.assessor_name, "assessor")
    submission = world.assign("wiring-a")
    record = world.score(submission)
    [answer] = device.send(record)
    assert (answer.state, answer.id, answer.digest) == (
        p.AnswerState.ACCEPTED,
        record["id"],
        record_digest(record),
    )
    [again] = device.send(record)  # the answer was lost; the desktop sends it again
    assert again.state is p.AnswerState.DUPLICATE
    credentials = device.credentials().credentials
    assert [(c.achievement, c.status) for c in credentials] == [
        ("badge-a", p.CredentialStatus.ACTIVE)
    ]
    assert world.issuer.count(m.Credential, record_id=record["id"]) == 1
    page = httpx.get(credentials[0].url, headers={"Accept": "application/json"})
    credential = page.json()
    assert credential["credentialSubject"]["id"] == record["credentialSubject"]["id"]
    assert credential["evidence"][0]["digestMultibase"] == record_digest(record)
    assert "validUntil" in credential  # badge-a is valid 365 days
    verify_with_published_did(world.issuer.base_url, credential)


def test_a_failing_record_is_accepted_and_earns_nothing(world: World) -> None:
    device = world.device(world.assessor._key, world.assessor_name, "assessor")
    record = world.score(world.assign("wiring-a"), FAILING)
    [answer] = device.send(record)
    assert answer.state is p.AnswerState.ACCEPTED
    assert world.issuer.count(m.Credential, record_id=record["id"]) == 0


def test_signoff_required_issues_only_after_an_approving_signoff(world: World) -> None:
    assessor = world.device(world.assessor._key, world.assessor_name, "assessor")
    manager = world.device(world.manager.private, world.manager.name, "manager")
    record = world.score(world.assign("wiring-b"))
    assert assessor.send(record)[0].state is p.AnswerState.ACCEPTED
    assert world.issuer.count(m.Credential, record_id=record["id"]) == 0
    returned = world.signoff(record, "returned")
    assert manager.send(returned)[0].state is p.AnswerState.ACCEPTED
    assert world.issuer.count(m.Credential, record_id=record["id"]) == 0
    approved = world.signoff(record, "approved")
    assert manager.send(approved)[0].state is p.AnswerState.ACCEPTED
    assert world.issuer.count(m.Credential, record_id=record["id"]) == 1
    [item] = manager.credentials().credentials  # the manager's device sees it too
    credential = httpx.get(item.url, headers={"Accept": "application/json"}).json()
    assert [e["digestMultibase"] for e in credential["evidence"]] == [
        record_digest(record),
        record_digest(approved),
    ]


def test_a_signoff_before_its_assessment_record_is_deferred_then_accepted(world: World) -> None:
    assessor = world.device(world.assessor._key, world.assessor_name, "assessor")
    manager = world.device(world.manager.private, world.manager.name, "manager")
    record = world.score(world.assign("wiring-b"))
    approved = world.signoff(record)
    [early] = manager.send(approved)
    assert (early.state, early.reason) == (
        p.AnswerState.DEFERRED,
        p.Reason.ASSESSMENT_RECORD_PENDING,
    )
    assert world.issuer.count(m.Record, record_id=approved["id"]) == 0
    assert assessor.send(record)[0].state is p.AnswerState.ACCEPTED
    assert manager.send(approved)[0].state is p.AnswerState.ACCEPTED
    assert world.issuer.count(m.Credential, record_id=record["id"]) == 1


def test_holding_both_badges_stacks_the_micro_credential_once(world: World) -> None:
    assessor = world.device(world.assessor._key, world.assessor_name, "assessor")
    manager = world.device(world.manager.private, world.manager.name, "manager")
    learner = "stacker-" + world.folder.name[-8:]
    a = world.score(world.assign("wiring-a", learner=learner))
    b = world.score(world.assign("wiring-b", learner=learner))
    assert [x.state for x in assessor.send(a, b)] == [p.AnswerState.ACCEPTED] * 2
    assert world.issuer.count(m.Credential, learner_id=learner, achievement_id="micro-ab") == 0
    assert manager.send(world.signoff(b))[0].state is p.AnswerState.ACCEPTED
    assert world.issuer.count(m.Credential, learner_id=learner, achievement_id="micro-ab") == 1
    listed = {c.achievement for c in assessor.credentials().credentials}
    assert listed == {"badge-a", "badge-b", "micro-ab"}  # the stack rests on its work too
    micro = next(c for c in assessor.credentials().credentials if c.achievement == "micro-ab")
    credential = httpx.get(micro.url, headers={"Accept": "application/json"}).json()
    assert credential["credentialSubject"]["achievement"]["achievementType"] == "MicroCredential"
    assert len(credential["evidence"]) == 2
    verify_with_published_did(world.issuer.base_url, credential)


def test_a_new_passing_submission_renews_the_credential(world: World) -> None:
    assessor = world.device(world.assessor._key, world.assessor_name, "assessor")
    learner = "renewer-" + world.folder.name[-8:]
    first = world.score(world.assign("wiring-a", learner=learner))
    second = world.score(world.assign("wiring-a", learner=learner))
    assert [x.state for x in assessor.send(first, second)] == [p.AnswerState.ACCEPTED] * 2
    items = sorted(assessor.credentials().credentials, key=lambda c: c.issued_at)
    assert len(items) == 2
    old, new = (httpx.get(c.url, headers={"Accept": "application/json"}).json() for c in items)
    renewed = [r for r in new["relatedResource"] if r["id"] == old["id"]]
    assert renewed and renewed[0]["digestMultibase"]
    assert new["validUntil"] >= old["validUntil"]


def test_revoking_sets_the_bit_in_the_signed_status_list(world: World) -> None:
    assessor = world.device(world.assessor._key, world.assessor_name, "assessor")
    record = world.score(world.assign("wiring-a"))
    assessor.send(record)
    [item] = assessor.credentials().credentials
    credential = httpx.get(item.url, headers={"Accept": "application/json"}).json()
    entry = credential["credentialStatus"]
    index = int(entry["statusListIndex"])
    before = httpx.get(entry["statusListCredential"]).json()
    assert not decode(before["credentialSubject"]["encodedList"]).get(index)
    world.issuer.cli("credential", "revoke", item.id, "--reason", "issued in error")
    after = httpx.get(entry["statusListCredential"]).json()
    assert decode(after["credentialSubject"]["encodedList"]).get(index)
    assert decode(after["credentialSubject"]["encodedList"]).size >= 131_072
    verify_with_published_did(world.issuer.base_url, after)
    [listed] = assessor.credentials().credentials
    assert listed.status is p.CredentialStatus.REVOKED
    kinds = [(c.kind, c.data) for c in assessor.changes().changes if c.id == item.id]
    assert kinds[-1][1] is not None and kinds[-1][1]["status"] == "revoked"


def test_the_change_feed_brings_work_and_tombstones(world: World) -> None:
    assessor = world.device(world.assessor._key, world.assessor_name, "assessor")
    first = assessor.changes()
    kinds = {c.kind for c in first.changes}
    assert {p.ChangeKind.RUBRIC_VERSION, p.ChangeKind.ASSESSMENT, p.ChangeKind.KEY} <= kinds
    submission = world.assign("wiring-a")
    page = assessor.changes(first.cursor)
    assert [(c.kind, c.id) for c in page.changes] == [(p.ChangeKind.SUBMISSION, submission)]
    world.issuer.cli("person", "add", world.assessor_name + " two", "--role", "assessor")
    world.issuer.cli(
        "submission",
        "assign",
        submission,
        "--learner",
        json.loads(json.dumps(page.changes[0].data))["learner"]["id"],
        "--assessment",
        "wiring-a",
        "--assessor",
        world.assessor_name + " two",
    )
    gone = assessor.changes(page.cursor).changes
    assert [(c.id, c.deleted, c.reason) for c in gone] == [(submission, True, "reassigned")]
    assert assessor.changes(assessor.changes(page.cursor).cursor).changes == ()


def test_rubric_versions_are_served_by_digest(world: World) -> None:
    from assessor.security.digests import digest_bytes

    device = world.device(world.assessor._key, world.assessor_name, "assessor")
    [change] = [c for c in device.changes().changes if c.kind is p.ChangeKind.RUBRIC_VERSION]
    assert change.data is not None
    answer = device.client.get(change.data["path"], headers=device.headers)
    assert answer.status_code == 200
    assert answer.headers["etag"] == f'"{change.data["digest"]}"'
    assert digest_bytes(answer.content) == change.data["digest"]  # the bytes the digest covers
    again = {**device.headers, "If-None-Match": answer.headers["etag"]}
    cached = device.client.get(change.data["path"], headers=again)
    assert cached.status_code == 304
    assert device.client.get(change.data["path"]).status_code == 401  # the API wants a token


def test_secrets_are_kept_only_as_hashes(world: World) -> None:
    import hashlib

    from sqlalchemy import select

    from issuer.store.db import Database

    code = world.code(world.assessor_name, "assessor")
    device = Device(world.issuer, world.assessor._key)
    device.enrol(code)
    assert device.token is not None
    db = Database(world.issuer.db_url)
    try:
        with db.read() as session:
            hashes = set(session.scalars(select(m.Token.token_hash)))
            codes = set(session.scalars(select(m.EnrolmentCode.code_hash)))
    finally:
        db.close()
    assert hashlib.sha256(device.token.encode()).hexdigest() in hashes
    assert device.token not in hashes and code not in codes
    if world.issuer.db_url.startswith("sqlite"):
        raw = Path(world.issuer.db_url.removeprefix("sqlite:///"))
        assert device.token.encode() not in raw.read_bytes()


def test_evidence_is_read_only_by_those_it_concerns(world: World, tmp_path: Path) -> None:
    evidence = tmp_path / "work.txt"
    evidence.write_bytes(b"a learner's work\n")
    device = world.device(world.assessor._key, world.assessor_name, "assessor")
    world.assign("wiring-a", evidence=[evidence])
    digest = hashlib.sha256(evidence.read_bytes()).hexdigest()
    url = p.BLOB_PATH.format(sha256=digest)
    assert device.client.get(url, headers=device.headers).content == evidence.read_bytes()
    stranger = world.device(world.proctor.private, world.proctor.name, "proctor")
    refused = stranger.client.get(url, headers=stranger.headers)
    assert refused.status_code == 404
