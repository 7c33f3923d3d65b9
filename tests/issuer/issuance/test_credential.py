"""build_credential: OB 3.0 shape, the official schema, safe mode, and input checks."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from datetime import datetime
from typing import Any

import jsonschema
import pytest

from issuer.issuance.credential import (
    ACHIEVEMENT_TYPES,
    CONTEXTS,
    InvalidInputs,
    LearnerRef,
    StatusEntry,
    build_credential,
)
from issuer.issuance.rdfc import dropped_terms, verify
from tests.conftest import CONFORMANCE
from tests.issuer.issuance import factory

SCHEMA = json.loads(
    (CONFORMANCE / "openbadges" / "schema" / "achievementcredential.json").read_text("utf-8")
)
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})\Z")


# jsonschema checks "date-time" only with an optional package; a copy of its checker that
# checks it here (the library's own checker is left alone).
FORMATS = jsonschema.FormatChecker()
FORMATS.checkers = dict(jsonschema.Draft201909Validator.FORMAT_CHECKER.checkers)


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _RFC3339.match(value):
        raise ValueError(f"{value!r} is not an RFC 3339 date-time")
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


def schema_errors(document: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft201909Validator(SCHEMA, format_checker=FORMATS)
    return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(document)]


def test_the_schema_check_catches_a_broken_credential() -> None:
    signed = factory.signed(factory.plain())
    assert schema_errors(signed) == []
    broken = json.loads(json.dumps(signed))
    broken["validFrom"] = "yesterday"
    broken["credentialSubject"]["achievement"]["achievementType"] = "Trophy"
    del broken["credentialSubject"]["achievement"]["criteria"]
    assert len(schema_errors(broken)) == 3


@pytest.mark.parametrize("name", sorted(factory.ALL))
def test_every_built_credential_signed_validates_against_the_official_schema(name: str) -> None:
    signed = factory.signed(factory.ALL[name]())
    assert schema_errors(signed) == []
    assert isinstance(signed["proof"], list)


@pytest.mark.parametrize("name", sorted(factory.ALL))
def test_nothing_in_a_built_credential_is_dropped_by_json_ld(name: str) -> None:
    assert dropped_terms(build_credential(factory.ALL[name]())) == []


@pytest.mark.parametrize("name", sorted(factory.ALL))
def test_every_built_credential_verifies(name: str) -> None:
    signed = factory.signed(factory.ALL[name]())
    result = verify(signed, lambda vm: factory.private_key().public_key())
    assert result.verification_method == factory.verification_method()


def test_plain_credential_shape() -> None:
    inputs = factory.plain()
    c = build_credential(inputs)
    assert c["@context"] == list(CONTEXTS)
    assert c["id"] == f"https://{factory.DOMAIN}/credentials/{inputs.credential_id}"
    assert c["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert c["issuer"] == {
        "id": factory.DID,
        "type": ["Profile"],
        "name": "Example Skills Board",
        "url": "https://example.org/",
    }
    assert c["validFrom"] == "2026-03-04T10:00:00Z"
    assert "validUntil" not in c
    subject = c["credentialSubject"]
    assert subject["id"] == inputs.learner.id
    assert subject["type"] == ["AchievementSubject"]
    assert "identifier" not in subject  # no name given, none published
    achievement = subject["achievement"]
    assert achievement["id"] == f"https://{factory.DOMAIN}/achievements/safe-lifting"
    assert achievement["achievementType"] == "Badge"
    assert achievement["criteria"] == {"narrative": inputs.achievement.criteria_narrative}
    assert achievement["image"] == {"id": achievement["id"] + "/badge.png", "type": "Image"}
    assert "alignment" not in achievement
    assert c["credentialStatus"] == {
        "id": "https://badges.example.org/status/1#94567",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "94567",
        "statusListCredential": "https://badges.example.org/status/1",
    }
    assert c["relatedResource"] == [
        {
            "id": inputs.rubric.url,
            "digestMultibase": factory.DIGEST_A,
            "mediaType": "application/json",
        }
    ]
    assert c["evidence"] == [
        {
            "id": "urn:uuid:0192d3c4-0000-7000-8000-0000000000a1",
            "type": ["Evidence"],
            "name": "Assessment record",
            "genre": "ArtifactAssessmentRecord",
            "digestMultibase": factory.DIGEST_B,
        }
    ]


def test_per_criterion_results_name_their_rubric_criterion_level() -> None:
    c = build_credential(factory.full())
    achievement = c["credentialSubject"]["achievement"]
    descriptions = {d["id"]: d for d in achievement["resultDescription"]}
    results = c["credentialSubject"]["result"]
    criterion_results = [r for r in results if "achievedLevel" in r]
    assert len(criterion_results) == 2
    achieved = []
    for result in criterion_results:
        description = descriptions[result["resultDescription"]]
        assert description["resultType"] == "RubricCriterionLevel"
        levels = {level["id"]: level for level in description["rubricCriterionLevel"]}
        achieved.append(
            (description["name"], levels[result["achievedLevel"]]["name"], result["value"])
        )
    assert achieved == [("Posture", "Proficient", "2"), ("Planning the lift", "Exemplary", "3")]
    posture = descriptions[criterion_results[0]["resultDescription"]]
    assert posture["requiredLevel"].endswith("#criterion-posture-level-developing")
    assert [lvl["points"] for lvl in posture["rubricCriterionLevel"]] == ["0", "1", "2", "3"]
    score = [r for r in results if "achievedLevel" not in r]
    assert score == [
        {
            "type": ["Result"],
            "resultDescription": achievement["id"] + "#score",
            "value": "5",
            "status": "Completed",
        }
    ]
    assert descriptions[achievement["id"] + "#score"]["valueMax"] == "6"


def test_results_follow_the_rubric_order_whatever_the_input_order() -> None:
    inputs = factory.plain()
    swapped = dataclasses.replace(inputs, results=tuple(reversed(inputs.results)))
    assert build_credential(swapped) == build_credential(inputs)


def test_case_alignments_travel_on_achievement_criteria_and_levels() -> None:
    achievement = build_credential(factory.full())["credentialSubject"]["achievement"]
    assert [a["targetType"] for a in achievement["alignment"]] == ["CFRubric"]
    posture = achievement["resultDescription"][0]
    assert posture["alignment"][0]["targetType"] == "CFRubricCriterion"
    assert posture["alignment"][0]["targetUrl"].startswith("https://case.example.net/")
    assert {lvl["alignment"][0]["targetType"] for lvl in posture["rubricCriterionLevel"]} == {
        "CFRubricCriterionLevel"
    }


def test_validity_period_gives_valid_until() -> None:
    c = build_credential(factory.full())
    assert c["validFrom"] == "2026-03-04T10:00:00Z"
    assert c["validUntil"] == "2028-03-03T10:00:00Z"  # 730 days (2028 is a leap year)


def test_renewal_names_the_renewed_credential_by_url_and_digest() -> None:
    inputs = factory.full()
    assert inputs.renews is not None
    related = build_credential(inputs)["relatedResource"]
    assert related[1] == {
        "id": inputs.renews.credential_url,
        "mediaType": "application/vc",
        "digestMultibase": inputs.renews.digest,
    }
    with pytest.raises(InvalidInputs, match="cannot renew itself"):
        build_credential(
            dataclasses.replace(
                inputs,
                renews=dataclasses.replace(
                    inputs.renews, credential_url=build_credential(inputs)["id"]
                ),
            )
        )


def test_learner_name_is_published_only_salted_and_hashed() -> None:
    inputs = factory.full()
    c = build_credential(inputs)
    text = json.dumps(c, ensure_ascii=False)
    assert "Ada Lovelace" not in text
    identity = c["credentialSubject"]["identifier"][0]
    expected = hashlib.sha256(b"Ada Lovelace6b1f0e2d9c8a7b6c").hexdigest()
    assert identity == {
        "type": "IdentityObject",
        "identityType": "name",
        "hashed": True,
        "identityHash": f"sha256${expected}",
        "salt": "6b1f0e2d9c8a7b6c",
    }


@pytest.mark.parametrize(("level", "kind"), sorted(ACHIEVEMENT_TYPES.items()))
def test_achievement_type_follows_the_level(level: str, kind: str) -> None:
    inputs = factory.plain()
    inputs = dataclasses.replace(
        inputs, achievement=dataclasses.replace(inputs.achievement, level=level)
    )
    assert build_credential(inputs)["credentialSubject"]["achievement"]["achievementType"] == kind


def test_the_same_inputs_build_the_same_document() -> None:
    assert build_credential(factory.full()) == build_credential(factory.full())


def _achievement(**changes: Any) -> Any:
    inputs = factory.plain()
    return dataclasses.replace(
        inputs, achievement=dataclasses.replace(inputs.achievement, **changes)
    )


BAD_INPUTS = {
    "domain": (lambda: factory.plain(domain="bad host"), "domain"),
    "credential_id": (lambda: factory.plain(credential_id="../etc"), "credential_id"),
    "issuer did": (
        lambda: factory.plain(issuer=dataclasses.replace(factory.plain().issuer, did="did:key:z")),
        "issuer.did",
    ),
    "level": (lambda: _achievement(level="diploma"), "achievement.level"),
    "validity": (lambda: _achievement(validity_days=0), "achievement.validity_days"),
    "no criteria": (lambda: _achievement(criteria=()), "achievement.criteria"),
    "missing result": (
        lambda: factory.plain(results=factory.plain().results[:1]),
        "no result for criterion 'planning'",
    ),
    "unknown level": (
        lambda: factory.plain(
            results=(
                factory.plain().results[0],
                dataclasses.replace(factory.plain().results[1], level_id="x"),
            )
        ),
        "results[1].level_id",
    ),
    "float points": (
        lambda: factory.plain(
            results=(
                dataclasses.replace(factory.plain().results[0], points="2.5e3"),
                factory.plain().results[1],
            )
        ),
        "results[0].points",
    ),
    "digest": (
        lambda: factory.plain(rubric=dataclasses.replace(factory.plain().rubric, digest="uEiXYZ")),
        "rubric.digest",
    ),
    "no evidence": (lambda: factory.plain(evidence=()), "evidence"),
    "negative index": (
        lambda: factory.plain(status=StatusEntry("https://badges.example.org/status/1", -1)),
        "status.index",
    ),
    "valid_from": (lambda: factory.plain(valid_from="2026-03-04 10:00"), "valid_from"),
    "learner id": (lambda: factory.plain(learner=LearnerRef(id="Ada")), "learner.id"),
    "name without salt": (
        lambda: factory.plain(learner=LearnerRef(id="urn:uuid:1", name="Ada")),
        "learner.salt",
    ),
    "url with space": (lambda: _achievement(image_url="https://x.org/a b.png"), "image_url"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_inputs_are_refused_naming_the_field(case: str) -> None:
    make, field = BAD_INPUTS[case]
    with pytest.raises(InvalidInputs, match=re.escape(field)):
        build_credential(make())
