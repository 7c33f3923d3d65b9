"""What the credential page and the certificate show, read from the signed credential itself.

`credential_view` takes the signed credential (not the issuer's database rows), so every
achievement, result, evidence digest and date a person sees is one the signature covers. The
only things from outside it are the ones a credential cannot hold about itself: its current
status, the server's own verification result, the download links, and the learner's name,
which is shown only when it matches the salted hash inside the credential.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Any

from issuer.issuance.credential import CREDENTIAL_MEDIA_TYPE, identity_hash

ACTIVE, REVOKED, EXPIRED = "active", "revoked", "expired"
ACHIEVEMENT_TYPE_WORDS = {
    "Badge": "Badge",
    "MicroCredential": "Micro-credential",
    "Certificate": "Credential",
}


class ViewError(ValueError):
    """The credential lacks something the page needs (it was not made by build_credential)."""


@dataclass(frozen=True)
class ProofCheck:
    """The server's own verification of the credential's proof, done just before showing it."""

    ok: bool
    detail: str  # e.g. the verification method, or ProofInvalid's message
    checked_at: str  # UTC, YYYY-MM-DDTHH:MM:SSZ


@dataclass(frozen=True)
class Links:
    json: str
    png: str
    svg: str
    pdf: str

    @classmethod
    def for_credential(cls, credential_url: str) -> Links:
        """The default layout: {credential URL}.json, /badge.png, /badge.svg, /certificate.pdf."""
        return cls(
            json=f"{credential_url}.json",
            png=f"{credential_url}/badge.png",
            svg=f"{credential_url}/badge.svg",
            pdf=f"{credential_url}/certificate.pdf",
        )


@dataclass(frozen=True)
class CriterionLine:
    name: str
    level: str  # the level achieved
    points: str | None
    levels: tuple[str, ...]  # every level, lowest first
    required_level: str | None


@dataclass(frozen=True)
class EvidenceLine:
    name: str
    kind: str
    id: str
    digest: str


@dataclass(frozen=True)
class AlignmentLine:
    name: str
    url: str
    kind: str | None


@dataclass(frozen=True)
class CredentialView:
    credential_url: str
    name: str  # the achievement's name
    achievement_type: str  # in words: Badge, Micro-credential, Credential
    description: str
    criteria_narrative: str
    achievement_url: str
    image_url: str
    alignments: tuple[AlignmentLine, ...]
    issuer_name: str
    issuer_url: str
    issuer_did: str
    learner_id: str
    learner_name: str | None  # only when it matches the credential's hashed identity
    valid_from: str
    valid_until: str | None
    awarded: str | None
    status: str  # ACTIVE, REVOKED or EXPIRED
    status_reason: str | None
    criteria: tuple[CriterionLine, ...]
    score: str | None  # "5 of 6"
    evidence: tuple[EvidenceLine, ...]
    rubric_url: str | None
    rubric_digest: str | None
    renews_url: str | None
    proof: ProofCheck
    links: Links


def _text(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise ViewError(f"{where}: expected text")
    return value


def _optional(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _list(value: object) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _name_matches(subject: dict[str, Any], name: str | None) -> bool:
    if name is None:
        return False
    for identity in _list(subject.get("identifier")):
        if not isinstance(identity, dict) or identity.get("identityType") != "name":
            continue
        salt = identity.get("salt")
        expected = identity.get("identityHash")
        if (
            identity.get("hashed") is True
            and isinstance(salt, str)
            and isinstance(expected, str)
            and hmac.compare_digest(identity_hash(name, salt), expected)
        ):
            return True
    return False


def _criteria(achievement: dict[str, Any], results: list[Any]) -> tuple[CriterionLine, ...]:
    descriptions = {
        d.get("id"): d for d in _list(achievement.get("resultDescription")) if isinstance(d, dict)
    }
    lines = []
    for result in results:
        if not isinstance(result, dict) or "achievedLevel" not in result:
            continue
        description = descriptions.get(result.get("resultDescription"))
        if description is None:
            raise ViewError("a result names a resultDescription the achievement does not have")
        levels = {
            level.get("id"): level
            for level in _list(description.get("rubricCriterionLevel"))
            if isinstance(level, dict)
        }
        achieved = levels.get(result["achievedLevel"])
        if achieved is None:
            raise ViewError("a result's achievedLevel is not one of its criterion's levels")
        required = levels.get(description.get("requiredLevel"))
        lines.append(
            CriterionLine(
                name=_text(description.get("name"), "resultDescription.name"),
                level=_text(achieved.get("name"), "rubricCriterionLevel.name"),
                points=_optional(result.get("value")),
                levels=tuple(str(level.get("name")) for level in levels.values()),
                required_level=_optional(required.get("name")) if required else None,
            )
        )
    return tuple(lines)


def _score(achievement: dict[str, Any], results: list[Any]) -> str | None:
    for result in results:
        if not isinstance(result, dict) or "achievedLevel" in result:
            continue
        for description in _list(achievement.get("resultDescription")):
            if (
                isinstance(description, dict)
                and description.get("id") == result.get("resultDescription")
                and description.get("resultType") == "RubricScore"
            ):
                return f"{result.get('value')} of {description.get('valueMax')}"
    return None


def credential_view(
    credential: dict[str, Any],
    *,
    proof: ProofCheck,
    links: Links,
    now: str,
    revoked: bool = False,
    revocation_reason: str | None = None,
    learner_name: str | None = None,
) -> CredentialView:
    """The page's view of a signed credential. `now` (UTC, ISO) decides "expired"."""
    subject = credential.get("credentialSubject")
    if not isinstance(subject, dict) or not isinstance(subject.get("achievement"), dict):
        raise ViewError("credentialSubject.achievement: missing")
    achievement = subject["achievement"]
    issuer = credential.get("issuer")
    if not isinstance(issuer, dict):
        raise ViewError("issuer: expected a profile")
    results = _list(subject.get("result"))
    valid_until = _optional(credential.get("validUntil"))
    if revoked:
        status = REVOKED
    elif valid_until is not None and now >= valid_until:
        status = EXPIRED
    else:
        status = ACTIVE
    rubric = renews = None
    for related in _list(credential.get("relatedResource")):
        if not isinstance(related, dict):
            continue
        if related.get("mediaType") == CREDENTIAL_MEDIA_TYPE:
            renews = related
        elif rubric is None:
            rubric = related
    image = achievement.get("image")
    return CredentialView(
        credential_url=_text(credential.get("id"), "id"),
        name=_text(achievement.get("name"), "achievement.name"),
        achievement_type=ACHIEVEMENT_TYPE_WORDS.get(
            str(achievement.get("achievementType")), str(achievement.get("achievementType"))
        ),
        description=_text(achievement.get("description"), "achievement.description"),
        criteria_narrative=_text(
            (achievement.get("criteria") or {}).get("narrative"), "achievement.criteria"
        ),
        achievement_url=_text(achievement.get("id"), "achievement.id"),
        image_url=_text(image.get("id") if isinstance(image, dict) else image, "image"),
        alignments=tuple(
            AlignmentLine(
                name=_text(a.get("targetName"), "alignment.targetName"),
                url=_text(a.get("targetUrl"), "alignment.targetUrl"),
                kind=_optional(a.get("targetType")),
            )
            for a in _list(achievement.get("alignment"))
            if isinstance(a, dict)
        ),
        issuer_name=_text(issuer.get("name"), "issuer.name"),
        issuer_url=_text(issuer.get("url"), "issuer.url"),
        issuer_did=_text(issuer.get("id"), "issuer.id"),
        learner_id=_text(subject.get("id"), "credentialSubject.id"),
        learner_name=learner_name if _name_matches(subject, learner_name) else None,
        valid_from=_text(credential.get("validFrom"), "validFrom"),
        valid_until=valid_until,
        awarded=_optional(credential.get("awardedDate")),
        status=status,
        status_reason=revocation_reason if revoked else None,
        criteria=_criteria(achievement, results),
        score=_score(achievement, results),
        evidence=tuple(
            EvidenceLine(
                name=str(e.get("name", "Evidence")),
                kind=str(e.get("genre", "")),
                id=_text(e.get("id"), "evidence.id"),
                digest=str(e.get("digestMultibase", "")),
            )
            for e in _list(credential.get("evidence"))
            if isinstance(e, dict)
        ),
        rubric_url=_optional(rubric.get("id")) if rubric else None,
        rubric_digest=_optional(rubric.get("digestMultibase")) if rubric else None,
        renews_url=_optional(renews.get("id")) if renews else None,
        proof=proof,
        links=links,
    )
