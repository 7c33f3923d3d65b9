"""Credential inputs for the tests: a plain case, and ones with every optional part."""

from __future__ import annotations

import dataclasses
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from assessor.security.digests import digest_bytes
from issuer.issuance.credential import (
    AchievementDef,
    Alignment,
    CredentialInputs,
    CriterionDef,
    CriterionResult,
    EvidenceRef,
    IssuerProfile,
    LearnerRef,
    LevelDef,
    RenewalRef,
    RubricRef,
    ScoreResult,
    StatusEntry,
    build_credential,
)
from issuer.issuance.rdfc import sign

DOMAIN = "badges.example.org"
DID = "did:web:badges.example.org"
DIGEST_A = digest_bytes(b"rubric version")
DIGEST_B = digest_bytes(b"assessment record")
DIGEST_C = digest_bytes(b"sign-off record")
CREATED = "2026-03-04T10:11:12Z"

# A fixed key, so failures are reproducible.
SEED = bytes(range(32))


def private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(SEED)


def verification_method(did: str = DID) -> str:
    return f"{did}#key-1"


HOSTILE = "<font color=red>&amp; <para> \u202eRTL\u202c שלום 漢字 🎓 \"quoted\" 'single'\tx\ny"


def levels(prefix: str = "") -> tuple[LevelDef, ...]:
    return (
        LevelDef("beginning", f"{prefix}Beginning", "0"),
        LevelDef("developing", f"{prefix}Developing", "1"),
        LevelDef("proficient", f"{prefix}Proficient", "2", description="Meets the standard"),
        LevelDef("exemplary", f"{prefix}Exemplary", "3"),
    )


def case_alignment(name: str, item: str, kind: str = "CFItem") -> Alignment:
    return Alignment(
        target_name=name,
        target_url=f"https://case.example.net/ims/case/v1p1/CFItems/{item}",
        target_type=kind,
        target_code=item[:8],
        target_framework="Example Competency Framework",
    )


def plain(**changes: Any) -> CredentialInputs:
    """A badge with two criteria, no optional parts."""
    inputs = CredentialInputs(
        domain=DOMAIN,
        credential_id="0192d3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d",
        issuer=IssuerProfile(did=DID, name="Example Skills Board", url="https://example.org/"),
        achievement=AchievementDef(
            id="safe-lifting",
            name="Safe Lifting",
            description="Lifts loads safely in a warehouse.",
            criteria_narrative="Scored by a trained assessor against the Safe Lifting rubric.",
            level="badge",
            criteria=(
                CriterionDef("posture", "Posture", levels()),
                CriterionDef("planning", "Planning the lift", levels()),
            ),
        ),
        learner=LearnerRef(id="urn:uuid:0192d3c4-0000-7000-8000-000000000001"),
        results=(
            CriterionResult("posture", "proficient", "2"),
            CriterionResult("planning", "exemplary", "3"),
        ),
        rubric=RubricRef(
            url="https://badges.example.org/api/v1/rubrics/safe-lifting/versions/2",
            digest=DIGEST_A,
        ),
        evidence=(
            EvidenceRef(
                id="urn:uuid:0192d3c4-0000-7000-8000-0000000000a1",
                digest=DIGEST_B,
                kind="ArtifactAssessmentRecord",
                name="Assessment record",
            ),
        ),
        status=StatusEntry(list_url="https://badges.example.org/status/1", index=94567),
        valid_from="2026-03-04T10:00:00Z",
    )
    return dataclasses.replace(inputs, **changes)


def full(**changes: Any) -> CredentialInputs:
    """A micro-credential with every optional part: CASE alignments, a required level, a named
    learner, a score, a sign-off record, a validity period and a renewal."""
    base = plain()
    achievement = dataclasses.replace(
        base.achievement,
        level="micro-credential",
        validity_days=730,
        version="2",
        tags=("warehouse", "safety"),
        image_caption="Safe Lifting badge",
        alignment=(
            case_alignment("Safe Lifting", "3f2a1b7c-aaaa-bbbb-cccc-000000000001", "CFRubric"),
        ),
        criteria=(
            CriterionDef(
                "posture",
                "Posture",
                tuple(
                    dataclasses.replace(
                        level,
                        alignment=(
                            case_alignment(
                                level.name, f"3f2a1b7c-level-{level.id}", "CFRubricCriterionLevel"
                            ),
                        ),
                    )
                    for level in levels()
                ),
                required_level="developing",
                alignment=(
                    case_alignment(
                        "Posture", "3f2a1b7c-aaaa-bbbb-cccc-000000000002", "CFRubricCriterion"
                    ),
                ),
            ),
            CriterionDef("planning", "Planning the lift", levels()),
        ),
    )
    inputs = dataclasses.replace(
        base,
        credential_id="0192d3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6e",
        achievement=achievement,
        issuer=dataclasses.replace(base.issuer, email="badges@example.org"),
        learner=LearnerRef(
            id="urn:uuid:0192d3c4-0000-7000-8000-000000000001",
            name="Ada Lovelace",
            salt="6b1f0e2d9c8a7b6c",
        ),
        score=ScoreResult(total="5", maximum="6"),
        evidence=(
            *base.evidence,
            EvidenceRef(
                id="urn:uuid:0192d3c4-0000-7000-8000-0000000000b2",
                digest=DIGEST_C,
                kind="ProjectSignOffRecord",
                name="Manager sign-off",
            ),
        ),
        renews=RenewalRef(
            credential_url="https://badges.example.org/credentials/0192d3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d",
            digest=DIGEST_A,
        ),
    )
    return dataclasses.replace(inputs, **changes)


def hostile(**changes: Any) -> CredentialInputs:
    """Every free-text field carries markup, entities, bidi controls, CJK, emoji and quotes."""
    base = full()
    achievement = dataclasses.replace(
        base.achievement,
        name="Safe " + HOSTILE,
        description="Description " + HOSTILE,
        criteria_narrative="Narrative " + HOSTILE,
        criteria=tuple(
            dataclasses.replace(c, name=c.name + " " + HOSTILE, levels=levels(HOSTILE + " "))
            for c in base.achievement.criteria
        ),
    )
    inputs = dataclasses.replace(
        base,
        achievement=achievement,
        issuer=dataclasses.replace(base.issuer, name="Board " + HOSTILE),
        learner=dataclasses.replace(base.learner, name="Learner " + HOSTILE),
    )
    return dataclasses.replace(inputs, **changes)


ALL = {"plain": plain, "full": full, "hostile": hostile}


def signed(inputs: CredentialInputs) -> dict[str, Any]:
    return sign(build_credential(inputs), private_key(), verification_method(), CREATED)
