"""Every way a record or request is refused: the right answer and reason, and nothing taken.

"Nothing taken" is counted in the database: no accepted record, no credential, no feed entry,
no blob. A refused record that is authentic (signed by the sending device's own enrolled key)
is kept as `rejected` (or `held`, for a fork) so the key's chain goes on and a resend gets the
same answer; anything else leaves no row at all (decision 0017)."""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from assessor.domain import subjects
from assessor.security.digests import multibase_digest
from assessor.sync import protocol as p
from issuer.store import models as m
from tests.issuer.service.conftest import World, _make_issuer, make_world
from tests.issuer.service.harness import Device, HandKey, Issuer, stamp, unique

A, R, C, D = (
    p.AnswerState.ACCEPTED,
    p.AnswerState.REJECTED,
    p.AnswerState.CONFLICT,
    p.AnswerState.DEFERRED,
)


class Eve:
    """A second assessor whose records are made by hand from desktop-made ones."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.key = HandKey(unique("Eve"), "assessor")
        world.issuer.cli("person", "add", self.key.name, "--role", "assessor")
        self.device = world.device(self.key.private, self.key.name, "assessor")

    def template(self, assessment: str = "wiring-a") -> dict[str, Any]:
        """A desktop-finalized record for a submission the issuer assigns to Eve."""
        submission = self.world.assign(assessment)
        self.world.issuer.cli(
            "submission", "assign", submission, "--learner", self.learner_of(submission),
            "--assessment", assessment, "--assessor", self.key.name,
        )  # fmt: skip
        return self.world.score(submission)

    def learner_of(self, submission: str) -> str:
        from assessor.store import models as dm

        with self.world.desk.read() as tx:
            row = tx.get(dm.Submission, submission)
            assert row is not None
            return row.learner_id

    def record(self, **changes: Any) -> dict[str, Any]:
        return self.key.resign(self.template(), **changes)


def taken(issuer: Issuer) -> dict[str, int]:
    """What acceptance would change."""
    counts = issuer.counts()
    counts["accepted"] = issuer.count(m.Record, state="accepted")
    counts.pop("records")
    return counts


def refused_record_rows(issuer: Issuer) -> dict[str, int]:
    return {state: issuer.count(m.Record, state=state) for state in ("rejected", "held")}


@pytest.fixture
def eve(world: World) -> Eve:
    return Eve(world)


def check(
    device: Device,
    issuer: Issuer,
    record: dict[str, Any],
    state: p.AnswerState,
    reason: p.Reason,
    *,
    kept: str | None,
) -> p.ItemAnswer:
    before, rows = taken(issuer), refused_record_rows(issuer)
    [answer] = device.send(record)
    assert (answer.state, answer.reason) == (state, reason), answer.message
    assert answer.message
    assert taken(issuer) == before
    after = refused_record_rows(issuer)
    expected = dict(rows)
    if kept:
        expected[kept] += 1
    assert after == expected
    return answer


def test_unknown_key(world: World, eve: Eve) -> None:
    stranger = HandKey("Stranger", "assessor")  # never enrolled
    record = stranger.resign(eve.template())
    check(eve.device, world.issuer, record, R, p.Reason.KEY_UNKNOWN, kept=None)


def test_revoked_key_loses_its_token_and_its_records(world: World, eve: Eve) -> None:
    first = eve.record()
    assert eve.device.send(first)[0].state is A
    world.issuer.cli("device", "revoke", eve.key.did, "--reason", "laptop lost")
    late = eve.record()
    before = taken(world.issuer)
    answer = eve.device.post_records([late])
    assert answer.status_code == 401
    assert p.parse_problem(answer.json()).type is p.ProblemType.UNAUTHORIZED
    assert taken(world.issuer) == before
    relayed = Device(world.issuer, world.assessor._key)
    relayed.enrol(world.code(world.assessor_name, "assessor"))
    check(relayed, world.issuer, late, R, p.Reason.KEY_REVOKED, kept=None)


def test_a_record_signed_by_another_enrolled_key(world: World, eve: Eve) -> None:
    other = world.device(world.assessor._key, world.assessor_name, "assessor")
    check(other, world.issuer, eve.record(), R, p.Reason.KEY_NOT_DEVICE, kept=None)


def test_wrong_role(world: World, eve: Eve) -> None:
    template = eve.template()
    signoff = world.signoff(template, key=eve.key)  # an assessor's key signing as manager
    check(eve.device, world.issuer, signoff, R, p.Reason.ROLE_NOT_HELD, kept="rejected")


def test_a_role_the_key_was_not_enrolled_for(world: World) -> None:
    both = HandKey(unique("Sam"), "manager")
    world.issuer.cli("person", "add", both.name, "--role", "assessor", "--role", "manager")
    device = world.device(both.private, both.name, "assessor")  # enrolled as assessor only
    eve = Eve(world)
    eve.device.send(record := eve.record())
    check(
        device,
        world.issuer,
        world.signoff(record, key=both),
        R,
        p.Reason.ROLE_NOT_HELD,
        kept="rejected",
    )


def test_unassigned_work(world: World, eve: Eve) -> None:
    submission = world.assign("wiring-a")  # assigned to the world's assessor, not Eve
    record = eve.key.resign(world.score(submission))
    check(eve.device, world.issuer, record, R, p.Reason.NOT_ASSIGNED, kept="rejected")


def test_unknown_rubric_digest(world: World, eve: Eve) -> None:
    template = eve.template()
    other = multibase_digest(hashlib.sha256(b"a rubric never published").digest())
    rubric = {**template["credentialSubject"]["rubric"], "digestMultibase": other}
    record = copy.deepcopy(template)
    record["relatedResource"][0]["digestMultibase"] = other
    check(
        eve.device,
        world.issuer,
        eve.key.resign(record, rubric=rubric),
        R,
        p.Reason.RUBRIC_UNKNOWN,
        kept="rejected",
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("total", "21"),
        ("maximum", "30"),
        ("percentage", "99.00"),
        ("outcome", "not_yet"),
        ("band", None),
    ],
)
def test_a_score_that_does_not_recompute(world: World, eve: Eve, field: str, value: Any) -> None:
    check(
        eve.device,
        world.issuer,
        eve.record(**{field: value}),
        R,
        p.Reason.SCORE_MISMATCH,
        kept="rejected",
    )


def test_points_that_do_not_match_the_level(world: World, eve: Eve) -> None:
    template = eve.template()
    scores = copy.deepcopy(template["credentialSubject"]["scores"])
    scores[0]["points"] = scores[0]["points"] + 1
    check(
        eve.device,
        world.issuer,
        eve.key.resign(template, scores=scores),
        R,
        p.Reason.SCORE_MISMATCH,
        kept="rejected",
    )


def test_a_changed_field_breaks_the_proof(world: World, eve: Eve) -> None:
    record = eve.record()
    record["credentialSubject"]["overallComment"] = "changed after signing"
    check(eve.device, world.issuer, record, R, p.Reason.PROOF_INVALID, kept=None)


def test_replay_is_a_duplicate_and_stores_nothing_more(world: World, eve: Eve) -> None:
    record = eve.record()
    assert eve.device.send(record)[0].state is A
    before = world.issuer.counts()
    [again] = eve.device.send(record)
    assert again.state is p.AnswerState.DUPLICATE and again.reason is None
    assert world.issuer.counts() == before


def test_a_rejected_record_sent_again_gets_the_same_answer(world: World, eve: Eve) -> None:
    record = eve.record(total="1")
    first = check(eve.device, world.issuer, record, R, p.Reason.SCORE_MISMATCH, kept="rejected")
    second = check(eve.device, world.issuer, record, R, p.Reason.SCORE_MISMATCH, kept=None)
    assert second.message == first.message


def test_same_id_other_content_is_a_conflict(world: World, eve: Eve) -> None:
    record = eve.record()
    assert eve.device.send(record)[0].state is A
    clash = eve.key.resign(eve.template(), record_id=record["id"])  # next in the chain
    check(eve.device, world.issuer, clash, C, p.Reason.ID_CONFLICT, kept=None)


def test_a_fork_is_held_for_review(world: World, eve: Eve) -> None:
    first = eve.record()
    assert eve.device.send(first)[0].state is A
    eve.key.seq, eve.key.prev = 0, None  # a second record also claiming seq 1: a cloned folder
    fork = eve.record()
    check(eve.device, world.issuer, fork, C, p.Reason.CHAIN_FORK, kept="held")
    listed = {r["id"]: r for r in world.issuer.cli("record", "list")}
    assert (listed[fork["id"]]["state"], listed[fork["id"]]["reason"]) == ("held", "chain-fork")
    check(eve.device, world.issuer, fork, C, p.Reason.CHAIN_FORK, kept=None)  # resend: same


def test_a_wrong_prev_is_a_fork(world: World, eve: Eve) -> None:
    assert eve.device.send(eve.record())[0].state is A
    eve.key.prev = multibase_digest(hashlib.sha256(b"not the previous record").digest())
    check(eve.device, world.issuer, eve.record(), C, p.Reason.CHAIN_FORK, kept="held")


def test_a_gap_is_deferred_until_it_fills(world: World, eve: Eve) -> None:
    one = eve.record()
    two = eve.record()
    check(eve.device, world.issuer, two, D, p.Reason.CHAIN_GAP, kept=None)
    assert [a.state for a in eve.device.send(one, two)] == [A, A]


def test_evidence_the_issuer_already_holds_is_accepted(world: World, tmp_path: Path) -> None:
    evidence = tmp_path / "report.txt"
    evidence.write_bytes(b"the learner's report\n")
    eve = Eve(world)
    submission = world.assign("wiring-a", evidence=[evidence])
    world.issuer.cli(
        "submission",
        "assign",
        submission,
        "--learner",
        eve.learner_of(submission),
        "--assessment",
        "wiring-a",
        "--assessor",
        eve.key.name,
    )
    template = world.score(submission)
    digest = multibase_digest(hashlib.sha256(evidence.read_bytes()).digest())
    artifacts = [
        {
            "name": "report.txt",
            "mediaType": "text/plain",
            "size": evidence.stat().st_size,
            "digestMultibase": digest,
        }
    ]
    submitted = {**template["credentialSubject"]["submission"], "artifacts": artifacts}
    record = eve.key.resign(template, submission=submitted)
    # The issuer holds the evidence already (the admin gave it): accepted at once.
    assert eve.device.send(record)[0].state is A


def test_evidence_not_yet_uploaded_is_deferred(world: World, eve: Eve) -> None:
    template = eve.template()
    data = b"uploaded by the desktop later\n"
    artifacts = [
        {
            "name": "photo.txt",
            "mediaType": "text/plain",
            "size": len(data),
            "digestMultibase": multibase_digest(hashlib.sha256(data).digest()),
        }
    ]
    submitted = {**template["credentialSubject"]["submission"], "artifacts": artifacts}
    record = eve.key.resign(template, submission=submitted)
    check(eve.device, world.issuer, record, D, p.Reason.EVIDENCE_MISSING, kept=None)
    url = p.BLOB_PATH.format(sha256=hashlib.sha256(data).hexdigest())
    wrong = eve.device.client.put(url, content=data + b"x", headers=eve.device.headers)
    assert (
        wrong.status_code == 422
        and p.parse_problem(wrong.json()).type is p.ProblemType.DIGEST_MISMATCH
    )
    assert eve.device.client.put(url, content=data, headers=eve.device.headers).status_code == 201
    assert eve.device.send(record)[0].state is A
    assert eve.device.client.get(url, headers=eve.device.headers).content == data


def test_evidence_other_than_the_submissions_is_rejected(world: World, tmp_path: Path) -> None:
    evidence = tmp_path / "report.txt"
    evidence.write_bytes(b"the real report\n")
    eve = Eve(world)
    submission = world.assign("wiring-a", evidence=[evidence])
    world.issuer.cli(
        "submission",
        "assign",
        submission,
        "--learner",
        eve.learner_of(submission),
        "--assessment",
        "wiring-a",
        "--assessor",
        eve.key.name,
    )
    template = world.score(submission)
    check(
        eve.device,
        world.issuer,
        eve.key.resign(template),
        R,
        p.Reason.EVIDENCE_MISMATCH,
        kept="rejected",
    )


def test_self_signoff(world: World) -> None:
    both = HandKey(unique("Kim"), "assessor")
    world.issuer.cli("person", "add", both.name, "--role", "assessor", "--role", "manager")
    as_assessor = world.device(both.private, both.name, "assessor")
    world.code(both.name, "manager")
    manager_key = HandKey(both.name, "manager")
    as_manager = world.device(manager_key.private, both.name, "manager")
    eve = Eve(world)
    submission_record = eve.template("wiring-b")
    world.issuer.cli(
        "submission",
        "assign",
        submission_record["credentialSubject"]["submission"]["id"],
        "--learner",
        eve.learner_of(submission_record["credentialSubject"]["submission"]["id"]),
        "--assessment",
        "wiring-b",
        "--assessor",
        both.name,
    )
    record = both.resign(submission_record)
    assert as_assessor.send(record)[0].state is A
    check(
        as_manager,
        world.issuer,
        world.signoff(record, key=manager_key),
        R,
        p.Reason.SELF_SIGNOFF,
        kept="rejected",
    )


def test_an_exam_session_record_from_its_proctor(world: World) -> None:
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
    device = world.device(world.proctor.private, world.proctor.name, "proctor")
    subject = {
        "id": subjects.session_uri(session),
        "session": {
            "id": session,
            "title": "Written paper",
            "location": "Room 4",
            "startsAt": "2026-11-24T09:00:00Z",
            "sealedAt": stamp(),
        },
        "roster": [
            {"learner": subjects.learner_uri("l-1"), "checkedInAt": stamp(), "outcome": "completed"}
        ],
        "incidents": [],
    }
    assert device.send(world.proctor.sign("ExamSessionRecord", subject))[0].state is A
    other = unique("exam")
    world.issuer.cli("person", "add", "Other " + other, "--role", "proctor")
    world.issuer.cli(
        "session",
        "assign",
        other,
        "--title",
        "Paper",
        "--location",
        "Hall",
        "--starts-at",
        "2026-11-24T09:00:00Z",
        "--proctor",
        "Other " + other,
    )
    theirs = {
        **subject,
        "id": subjects.session_uri(other),
        "session": {**subject["session"], "id": other},
    }
    check(
        device,
        world.issuer,
        world.proctor.sign("ExamSessionRecord", theirs),
        R,
        p.Reason.NOT_ASSIGNED,
        kept="rejected",
    )


def test_a_malformed_record_names_the_place(world: World, eve: Eve) -> None:
    record = eve.record()
    record["credentialSubject"]["scores"][0]["points"] = 2.5  # a float: never
    answer = check(eve.device, world.issuer, record, R, p.Reason.MALFORMED, kept=None)
    assert answer.location == "/credentialSubject/scores/0/points"


# ---- request limits -----------------------------------------------------------------------------


def test_an_oversized_batch(world: World, eve: Eve) -> None:
    record = eve.record()
    before = world.issuer.counts()
    answer = eve.device.post_records([record] * 101)
    assert answer.status_code == 413
    assert p.parse_problem(answer.json()).type is p.ProblemType.BATCH_TOO_LARGE
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert world.issuer.counts() == before


@pytest.mark.parametrize("token", ["asr_" + "A" * 43, "not-even-a-token", ""])
def test_a_bad_token(world: World, token: str) -> None:
    before = world.issuer.counts()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = httpx.post(
        world.issuer.base_url + p.RECORDS_BATCH_PATH, json={"records": [{}]}, headers=headers
    )
    assert answer.status_code == 401 and answer.headers["www-authenticate"].startswith("Bearer")
    assert p.parse_problem(answer.json()).type is p.ProblemType.UNAUTHORIZED
    assert world.issuer.counts() == before


def test_a_body_too_large(world: World, eve: Eve) -> None:
    before = world.issuer.counts()
    body = b'{"records": ["' + b"x" * (4 * 1024 * 1024) + b'"]}'
    headers = {**eve.device.headers, "Content-Type": "application/json"}
    declared = eve.device.client.post(p.RECORDS_BATCH_PATH, content=body, headers=headers)
    assert declared.status_code == 413
    assert p.parse_problem(declared.json()).type is p.ProblemType.BODY_TOO_LARGE

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while read
        for start in range(0, len(body), 65536):
            yield body[start : start + 65536]

    streamed = eve.device.client.post(p.RECORDS_BATCH_PATH, content=chunks(), headers=headers)
    assert streamed.status_code == 413
    assert p.parse_problem(streamed.json()).type is p.ProblemType.BODY_TOO_LARGE
    assert world.issuer.counts() == before


def test_enrolment_codes_are_one_time(world: World) -> None:
    code = world.code(world.assessor_name, "assessor")
    Device(world.issuer, world.assessor._key).enrol(code)
    again = httpx.post(world.issuer.base_url + p.CHALLENGE_PATH, json={"code": code})
    assert again.status_code == 403
    assert p.parse_problem(again.json()).type is p.ProblemType.ENROLMENT_CODE_INVALID


def test_enrolment_needs_the_key_holder(world: World) -> None:
    code = world.code(world.assessor_name, "assessor")
    device = Device(world.issuer, world.assessor._key)
    challenge = p.parse_challenge(device.client.post(p.CHALLENGE_PATH, json={"code": code}).json())
    impostor = HandKey("x", "assessor").private  # signs for a key it does not hold
    message = p.enrolment_message(challenge.challenge, device.did, challenge.audience)
    request = p.EnrolmentRequest(
        code, device.did, challenge.challenge, p.encode_signature(impostor.sign(message))
    )
    answer = device.client.post(p.DEVICES_PATH, json=request.to_json())
    assert answer.status_code == 400
    assert p.parse_problem(answer.json()).type is p.ProblemType.PROOF_INVALID
    assert world.issuer.count(m.Device, did=device.did) == 0


@pytest.fixture(scope="module")
def slow_server(request: pytest.FixtureRequest) -> Iterator[Issuer]:
    issuer = _make_issuer("sqlite", request, requests_per_minute=3)
    issuer.start()
    try:
        yield issuer
    finally:
        issuer.close()


def test_rate_limit_per_device(slow_server: Issuer, tmp_path: Path) -> None:
    world = make_world(slow_server, tmp_path)
    device = world.device(world.assessor._key, world.assessor_name, "assessor")
    answers = [device.client.get(p.CHANGES_PATH, headers=device.headers) for _ in range(4)]
    assert [a.status_code for a in answers[:3]] == [200, 200, 200]
    limited = answers[3]
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    problem = p.parse_problem(limited.json())
    assert problem.type is p.ProblemType.RATE_LIMITED and problem.retry_after == int(
        limited.headers["retry-after"]
    )
    other = world.device(world.manager.private, world.manager.name, "manager")
    assert other.client.get(p.CHANGES_PATH, headers=other.headers).status_code == 200  # per device
    world.desk.close()
