"""The wire shapes both sides share: every message reads back as written, and a message of
the wrong shape is refused with the place that is wrong."""

from __future__ import annotations

import json

import pytest

from assessor.domain import subjects
from assessor.sync import protocol as p

KEY = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


def roundtrip(value: object, parse: object) -> object:
    return parse(json.loads(json.dumps(value.to_json())))  # type: ignore[attr-defined, operator]


def test_every_message_reads_back_as_written() -> None:
    limits = p.Limits(requests_per_minute=7)
    assert roundtrip(p.Discovery("did:web:x", ("v1",), limits), p.parse_discovery) == p.Discovery(
        "did:web:x", ("v1",), limits
    )
    enrolment = p.Enrolment("dev", "asr_t", "Ada", ("assessor",), KEY)
    assert roundtrip(enrolment, p.parse_enrolment) == enrolment
    request = p.EnrolmentRequest("CODE", KEY, "c", p.encode_signature(bytes(64)), "laptop")
    assert roundtrip(request, p.parse_enrolment_request) == request
    page = p.ChangesPage(
        (
            p.Change(p.ChangeKind.SUBMISSION, "s", {"a": 1}),
            p.Change(p.ChangeKind.SUBMISSION, "t", None, True, "withdrawn"),
        ),
        "c1.MQ",
        False,
    )
    assert roundtrip(page, p.parse_changes_page) == page
    item = p.CredentialItem(
        "id",
        "https://x/credentials/id",
        "badge",
        "urn:assessor:learner:l",
        p.CredentialStatus.ACTIVE,
        "2026-01-01T00:00:00Z",
        None,
        ("urn:uuid:r",),
    )
    assert roundtrip(
        p.CredentialsPage((item,), "c1.MQ", True), p.parse_credentials_page
    ).credentials == (item,)  # type: ignore[attr-defined]
    answers = p.BatchResponse(
        (
            p.ItemAnswer(0, p.AnswerState.ACCEPTED, "urn:uuid:a", "uEi"),
            p.ItemAnswer(1, p.AnswerState.REJECTED, None, None, p.Reason.MALFORMED, "why", "/x"),
        )
    )
    assert p.parse_batch_response(json.loads(json.dumps(answers.to_json())), 2) == answers
    problem = p.Problem(p.ProblemType.RATE_LIMITED, "Too many requests", 429, "slow down", 12)
    assert roundtrip(problem, p.parse_problem) == problem


@pytest.mark.parametrize(
    ("value", "location"),
    [
        (
            {
                "results": [
                    {
                        "index": 0,
                        "state": "accepted",
                        "id": None,
                        "digest": None,
                        "reason": "proof-invalid",
                    }
                ]
            },
            "/results/0/reason",
        ),
        (
            {"results": [{"index": 0, "state": "rejected", "id": None, "digest": None}]},
            "/results/0",
        ),
        (
            {"results": [{"index": 0, "state": "maybe", "id": None, "digest": None}]},
            "/results/0/state",
        ),
        (
            {"results": [{"index": 1, "state": "accepted", "id": None, "digest": None}]},
            "/results/0/index",
        ),
        ({"results": []}, "/results"),
        ({"results": [], "extra": 1}, "/extra"),
    ],
)
def test_a_batch_answer_of_the_wrong_shape_is_refused_in_place(
    value: object, location: str
) -> None:
    with pytest.raises(p.ProtocolError) as caught:
        p.parse_batch_response(value, 1)
    assert caught.value.location == location


def test_a_batch_over_the_limit_is_its_own_error() -> None:
    with pytest.raises(p.BatchTooLarge):
        p.parse_batch_request({"records": [{}] * 101}, p.Limits())
    assert len(p.parse_batch_request({"records": [{}] * 100}, p.Limits()).records) == 100


def test_the_enrolment_message_binds_challenge_key_and_audience() -> None:
    one = p.enrolment_message("c", KEY, "did:web:a")
    assert one == p.enrolment_message("c", KEY, "did:web:a")
    assert (
        one
        != p.enrolment_message("c", KEY, "did:web:b")
        != p.enrolment_message("d", KEY, "did:web:a")
    )
    assert json.loads(one)["purpose"] == p.ENROLMENT_PURPOSE


def test_only_deferred_answers_are_sent_again() -> None:
    assert [s for s in p.AnswerState if not s.final] == [p.AnswerState.DEFERRED]


def test_learner_and_session_uris_hold_no_character_a_uri_cannot_and_read_back() -> None:
    for ident in ("l-1", "a b/c?d", "ünï", "x:y@z"):
        for uri in (subjects.learner_uri(ident), subjects.session_uri(ident)):
            assert all(ch.isascii() and ch not in " /?#" for ch in uri), uri
        assert subjects.session_id_of(subjects.session_uri(ident)) == ident
    assert subjects.session_id_of(subjects.learner_uri("l-1")) is None
