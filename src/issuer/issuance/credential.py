"""The unsigned Open Badges 3.0 `OpenBadgeCredential` the issuer signs for an earned achievement.

Pure: plain frozen dataclasses in, a JSON-ready dict out, same inputs → same document. The
caller signs it with `rdfc.sign`. What goes where (see README.md in this folder):

- `id` https://{domain}/credentials/{id}; `issuer` the did:web Profile (name, url).
- `credentialSubject.id` the learner's opaque URI from the assessment record (no personal
  data); the learner's name only as a salted SHA-256 `IdentityObject`, when given.
- `achievement` with `resultDescription` (one `RubricCriterionLevel` entry per criterion),
  `alignment` to CASE items; `result` one `achievedLevel` per criterion.
- `relatedResource` the rubric version by digest, and for a renewal the credential renewed.
- `evidence` the assessor's record (and the sign-off record) by digest.
- `credentialStatus` a `BitstringStatusListEntry` (revocation).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from assessor.security.digests import decode_multibase_digest

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3P0 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
CONTEXTS = (VC_V2, OB_V3P0, OB_EXTENSIONS)

# Achievement level (as the issuer's catalogue says it) → OB 3.0 achievementType.
ACHIEVEMENT_TYPES = {
    "badge": "Badge",
    "micro-credential": "MicroCredential",
    "credential": "Certificate",
}
CASE_TARGET_TYPES = frozenset({"CFItem", "CFRubric", "CFRubricCriterion", "CFRubricCriterionLevel"})
CREDENTIAL_MEDIA_TYPE = "application/vc"
RUBRIC_MEDIA_TYPE = "application/json"

_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]{0,127}\Z")
_HOST = re.compile(r"(?:[A-Za-z0-9-]{1,63}\.)*[A-Za-z0-9-]{1,63}(?::[0-9]{1,5})?\Z")
_DIGEST = re.compile(r"uEi[A-Za-z0-9_-]{44}\Z")
_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?\Z")
_UTC = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\Z")


class InvalidInputs(ValueError):
    """The inputs cannot make a credential; the message names the field."""


# ---- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Alignment:
    """A link to a framework item, e.g. the CASE CFItem a rubric criterion was imported from."""

    target_name: str
    target_url: str
    target_type: str | None = None  # CFItem, CFRubric, CFRubricCriterion, CFRubricCriterionLevel
    target_code: str | None = None
    target_framework: str | None = None
    target_description: str | None = None


@dataclass(frozen=True)
class LevelDef:
    """One performance level of a criterion, lowest first in `CriterionDef.levels`."""

    id: str
    name: str
    points: str | None = None  # a decimal string, never a float
    description: str | None = None
    alignment: tuple[Alignment, ...] = ()


@dataclass(frozen=True)
class CriterionDef:
    id: str
    name: str
    levels: tuple[LevelDef, ...]
    required_level: str | None = None  # a level id: the minimum for a critical criterion
    alignment: tuple[Alignment, ...] = ()


@dataclass(frozen=True)
class AchievementDef:
    id: str  # a URL path segment: the achievement's URL is {base}/achievements/{id}
    name: str
    description: str
    criteria_narrative: str
    level: str  # "badge", "micro-credential" or "credential"
    criteria: tuple[CriterionDef, ...]
    image_url: str | None = None  # default {base}/achievements/{id}/badge.png
    image_caption: str | None = None
    alignment: tuple[Alignment, ...] = ()  # e.g. the CASE CFRubric / CFItem
    validity_days: int | None = None  # validUntil = validFrom + this many days
    version: str | None = None
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class IssuerProfile:
    did: str  # did:web:…
    name: str
    url: str  # the organisation's home page
    email: str | None = None


@dataclass(frozen=True)
class LearnerRef:
    """The learner: their opaque URI (from the assessment record) and, optionally, a name that
    goes into the credential only salted and hashed (a verifier told the name can check it)."""

    id: str
    name: str | None = None
    salt: str | None = None  # required with a name; random, at least 16 characters


@dataclass(frozen=True)
class CriterionResult:
    criterion_id: str
    level_id: str
    points: str | None = None


@dataclass(frozen=True)
class ScoreResult:
    """The rubric total, when the rubric has points."""

    total: str
    maximum: str


@dataclass(frozen=True)
class RubricRef:
    url: str  # where the issuer serves the rubric version document
    digest: str  # uEi… of its canonical JSON
    name: str | None = None


@dataclass(frozen=True)
class EvidenceRef:
    """A signed record that supports the award, named by id and digest."""

    id: str  # the record's id (urn:uuid:…)
    digest: str  # uEi… of the record
    kind: str  # ArtifactAssessmentRecord, ProjectSignOffRecord, ExamSessionRecord
    name: str


@dataclass(frozen=True)
class StatusEntry:
    list_url: str  # the BitstringStatusListCredential's URL
    index: int


@dataclass(frozen=True)
class RenewalRef:
    """The credential this one renews."""

    credential_url: str
    digest: str | None = None  # uEi… of the renewed credential as issued (RFC 8785 JSON)


@dataclass(frozen=True)
class CredentialInputs:
    domain: str  # host[:port] of the issuer
    credential_id: str  # a URL path segment
    issuer: IssuerProfile
    achievement: AchievementDef
    learner: LearnerRef
    results: tuple[CriterionResult, ...]
    rubric: RubricRef
    evidence: tuple[EvidenceRef, ...]
    status: StatusEntry
    valid_from: str  # UTC, "YYYY-MM-DDTHH:MM:SSZ"
    score: ScoreResult | None = None
    renews: RenewalRef | None = None
    base_url: str | None = None  # default https://{domain}

    @property
    def base(self) -> str:
        return (self.base_url or f"https://{self.domain}").rstrip("/")


# ---- URLs -------------------------------------------------------------------------------------


def credential_url(base: str, credential_id: str) -> str:
    return f"{base.rstrip('/')}/credentials/{quote(credential_id, safe='')}"


def achievement_url(base: str, achievement_id: str) -> str:
    return f"{base.rstrip('/')}/achievements/{quote(achievement_id, safe='')}"


def result_description_id(achievement: str, criterion_id: str) -> str:
    return f"{achievement}#criterion-{quote(criterion_id, safe='')}"


def level_id(achievement: str, criterion_id: str, level: str) -> str:
    return f"{achievement}#criterion-{quote(criterion_id, safe='')}-level-{quote(level, safe='')}"


def identity_hash(name: str, salt: str) -> str:
    """OB 3.0 IdentityHash: 'sha256$' + hex(sha256(utf8(name + salt)))."""
    return "sha256$" + hashlib.sha256((name + salt).encode("utf-8")).hexdigest()


def add_days(timestamp: str, days: int) -> str:
    start = datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return (start + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---- checks -----------------------------------------------------------------------------------


def _text(name: str, value: object, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputs(f"{name}: must be non-empty text")


def _segment(name: str, value: object) -> None:
    if not isinstance(value, str) or not _SEGMENT.match(value):
        raise InvalidInputs(f"{name}: must be 1-128 letters, digits, '.', '_', '~' or '-'")


def _url(name: str, value: object, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if (
        not isinstance(value, str)
        or not re.match(r"[a-z][a-z0-9+.-]*:\S+\Z", value)
        or any(ch in value for ch in '<>"{}|\\^` ')
    ):
        raise InvalidInputs(f"{name}: must be an absolute URL or URI")


def _digest(name: str, value: object) -> None:
    try:
        if not isinstance(value, str) or not _DIGEST.match(value):
            raise ValueError
        decode_multibase_digest(value)
    except ValueError:
        raise InvalidInputs(f"{name}: must be a 'uEi…' sha2-256 multibase digest") from None


def _decimal(name: str, value: object) -> None:
    if value is not None and (not isinstance(value, str) or not _DECIMAL.match(value)):
        raise InvalidInputs(f"{name}: must be a decimal string such as '3' or '2.5'")


def _check(c: CredentialInputs) -> None:
    if not isinstance(c.domain, str) or not _HOST.match(c.domain):
        raise InvalidInputs("domain: must be host or host:port")
    _url("base_url", c.base_url, optional=True)
    _segment("credential_id", c.credential_id)
    if not isinstance(c.issuer.did, str) or not c.issuer.did.startswith("did:web:"):
        raise InvalidInputs("issuer.did: must be a did:web DID")
    _text("issuer.name", c.issuer.name)
    _url("issuer.url", c.issuer.url)
    _text("issuer.email", c.issuer.email, optional=True)
    criteria = _check_achievement(c.achievement)
    _check_learner(c.learner)
    _check_results(c.results, criteria)
    if c.score is not None:
        _decimal("score.total", c.score.total)
        _decimal("score.maximum", c.score.maximum)
    _url("rubric.url", c.rubric.url)
    _digest("rubric.digest", c.rubric.digest)
    _text("rubric.name", c.rubric.name, optional=True)
    _check_evidence(c)
    if not isinstance(c.valid_from, str) or not _UTC.match(c.valid_from):
        raise InvalidInputs("valid_from: must be UTC, YYYY-MM-DDTHH:MM:SSZ")
    if c.renews is not None:
        _url("renews.credential_url", c.renews.credential_url)
        if c.renews.digest is not None:
            _digest("renews.digest", c.renews.digest)
        if c.renews.credential_url == credential_url(c.base, c.credential_id):
            raise InvalidInputs("renews.credential_url: a credential cannot renew itself")


def _check_achievement(a: AchievementDef) -> dict[str, CriterionDef]:
    """The achievement checked; its criteria by id."""
    _segment("achievement.id", a.id)
    _text("achievement.name", a.name)
    _text("achievement.description", a.description)
    _text("achievement.criteria_narrative", a.criteria_narrative)
    if a.level not in ACHIEVEMENT_TYPES:
        raise InvalidInputs(f"achievement.level: must be one of {', '.join(ACHIEVEMENT_TYPES)}")
    _url("achievement.image_url", a.image_url, optional=True)
    if a.validity_days is not None and (
        not isinstance(a.validity_days, int) or isinstance(a.validity_days, bool)
        or not 1 <= a.validity_days <= 36_500
    ):  # fmt: skip
        raise InvalidInputs("achievement.validity_days: must be a whole number of days, 1-36500")
    _check_alignments("achievement.alignment", a.alignment)
    if not a.criteria:
        raise InvalidInputs("achievement.criteria: at least one criterion")
    criteria: dict[str, CriterionDef] = {}
    for i, criterion in enumerate(a.criteria):
        _check_criterion(f"achievement.criteria[{i}]", criterion, criteria)
    return criteria


def _check_criterion(
    where: str, criterion: CriterionDef, criteria: dict[str, CriterionDef]
) -> None:
    """Check one criterion and add it to `criteria` (those before it)."""
    _text(f"{where}.id", criterion.id)
    _text(f"{where}.name", criterion.name)
    if criterion.id in criteria:
        raise InvalidInputs(f"{where}.id: {criterion.id!r} appears twice")
    criteria[criterion.id] = criterion
    if not criterion.levels:
        raise InvalidInputs(f"{where}.levels: at least one level")
    seen: set[str] = set()
    for j, level in enumerate(criterion.levels):
        _text(f"{where}.levels[{j}].id", level.id)
        _text(f"{where}.levels[{j}].name", level.name)
        _decimal(f"{where}.levels[{j}].points", level.points)
        _check_alignments(f"{where}.levels[{j}].alignment", level.alignment)
        if level.id in seen:
            raise InvalidInputs(f"{where}.levels[{j}].id: {level.id!r} appears twice")
        seen.add(level.id)
    if criterion.required_level is not None and criterion.required_level not in seen:
        raise InvalidInputs(f"{where}.required_level: not one of the criterion's levels")
    _check_alignments(f"{where}.alignment", criterion.alignment)


def _check_results(given: tuple[CriterionResult, ...], criteria: dict[str, CriterionDef]) -> None:
    results: set[str] = set()
    for i, result in enumerate(given):
        where = f"results[{i}]"
        scored = criteria.get(result.criterion_id)
        if scored is None:
            raise InvalidInputs(f"{where}.criterion_id: {result.criterion_id!r} is not a criterion")
        if result.criterion_id in results:
            raise InvalidInputs(f"{where}.criterion_id: {result.criterion_id!r} appears twice")
        results.add(result.criterion_id)
        if result.level_id not in {level.id for level in scored.levels}:
            raise InvalidInputs(f"{where}.level_id: {result.level_id!r} is not a level of it")
        _decimal(f"{where}.points", result.points)
    if results != set(criteria):
        missing = sorted(set(criteria) - results)[0]
        raise InvalidInputs(f"results: no result for criterion {missing!r}")


def _check_evidence(c: CredentialInputs) -> None:
    if not c.evidence:
        raise InvalidInputs("evidence: at least the assessor's record")
    for i, evidence in enumerate(c.evidence):
        _url(f"evidence[{i}].id", evidence.id)
        _digest(f"evidence[{i}].digest", evidence.digest)
        _text(f"evidence[{i}].kind", evidence.kind)
        _text(f"evidence[{i}].name", evidence.name)
    _url("status.list_url", c.status.list_url)
    if not isinstance(c.status.index, int) or isinstance(c.status.index, bool) or (
        c.status.index < 0
    ):  # fmt: skip
        raise InvalidInputs("status.index: must be a whole number, 0 or more")


def _check_learner(learner: LearnerRef) -> None:
    _url("learner.id", learner.id)
    if learner.name is None:
        if learner.salt is not None:
            raise InvalidInputs("learner.salt: only with a name")
        return
    _text("learner.name", learner.name)
    if not isinstance(learner.salt, str) or len(learner.salt) < 16:
        raise InvalidInputs("learner.salt: a name needs a random salt of 16 characters or more")


def _check_alignments(where: str, alignments: tuple[Alignment, ...]) -> None:
    for i, alignment in enumerate(alignments):
        _text(f"{where}[{i}].target_name", alignment.target_name)
        _url(f"{where}[{i}].target_url", alignment.target_url)
        if alignment.target_type is not None and not (
            alignment.target_type in CASE_TARGET_TYPES
            or alignment.target_type in {"ceasn:Competency", "ceterms:Credential", "CTDL"}
            or re.match(r"ext:[A-Za-z0-9.|_-]+\Z", alignment.target_type)
        ):
            raise InvalidInputs(f"{where}[{i}].target_type: not an OB 3.0 alignment target type")
        for name in ("target_code", "target_framework", "target_description"):
            _text(f"{where}[{i}].{name}", getattr(alignment, name), optional=True)


# ---- building ---------------------------------------------------------------------------------


def _alignment(alignment: Alignment) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": ["Alignment"],
        "targetName": alignment.target_name,
        "targetUrl": alignment.target_url,
    }
    if alignment.target_type is not None:
        out["targetType"] = alignment.target_type
    if alignment.target_code is not None:
        out["targetCode"] = alignment.target_code
    if alignment.target_framework is not None:
        out["targetFramework"] = alignment.target_framework
    if alignment.target_description is not None:
        out["targetDescription"] = alignment.target_description
    return out


def _result_description(achievement: str, criterion: CriterionDef) -> dict[str, Any]:
    rd_id = result_description_id(achievement, criterion.id)
    levels = []
    for level in criterion.levels:
        entry: dict[str, Any] = {
            "id": level_id(achievement, criterion.id, level.id),
            "type": ["RubricCriterionLevel"],
            "name": level.name,
        }
        if level.description is not None:
            entry["description"] = level.description
        if level.points is not None:
            entry["points"] = level.points
        if level.alignment:
            entry["alignment"] = [_alignment(a) for a in level.alignment]
        levels.append(entry)
    out: dict[str, Any] = {
        "id": rd_id,
        "type": ["ResultDescription"],
        "name": criterion.name,
        "resultType": "RubricCriterionLevel",
        "allowedValue": [level.name for level in criterion.levels],
        "rubricCriterionLevel": levels,
    }
    if criterion.required_level is not None:
        out["requiredLevel"] = level_id(achievement, criterion.id, criterion.required_level)
    if criterion.alignment:
        out["alignment"] = [_alignment(a) for a in criterion.alignment]
    return out


def achievement_json(
    base: str, a: AchievementDef, score_maximum: str | None = None
) -> dict[str, Any]:
    """The OB 3.0 `Achievement` for `a`, as embedded in credentials and served at its URL."""
    url = achievement_url(base, a.id)
    image: dict[str, Any] = {"id": a.image_url or f"{url}/badge.png", "type": "Image"}
    if a.image_caption is not None:
        image["caption"] = a.image_caption
    descriptions = [_result_description(url, criterion) for criterion in a.criteria]
    if score_maximum is not None:
        descriptions.append(
            {
                "id": f"{url}#score",
                "type": ["ResultDescription"],
                "name": "Rubric score",
                "resultType": "RubricScore",
                "valueMin": "0",
                "valueMax": score_maximum,
            }
        )
    out: dict[str, Any] = {
        "id": url,
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPES[a.level],
        "name": a.name,
        "description": a.description,
        "criteria": {"narrative": a.criteria_narrative},
        "image": image,
        "resultDescription": descriptions,
    }
    if a.alignment:
        out["alignment"] = [_alignment(x) for x in a.alignment]
    if a.version is not None:
        out["version"] = a.version
    if a.tags:
        out["tag"] = list(a.tags)
    return out


def _results(c: CredentialInputs) -> list[dict[str, Any]]:
    url = achievement_url(c.base, c.achievement.id)
    by_id = {result.criterion_id: result for result in c.results}
    results = []
    for criterion in c.achievement.criteria:  # in the rubric's order, whatever the input order
        result = by_id[criterion.id]
        entry: dict[str, Any] = {
            "type": ["Result"],
            "resultDescription": result_description_id(url, criterion.id),
            "achievedLevel": level_id(url, criterion.id, result.level_id),
        }
        if result.points is not None:
            entry["value"] = result.points
        results.append(entry)
    if c.score is not None:
        results.append(
            {
                "type": ["Result"],
                "resultDescription": f"{url}#score",
                "value": c.score.total,
                "status": "Completed",
            }
        )
    return results


def _subject(c: CredentialInputs) -> dict[str, Any]:
    subject: dict[str, Any] = {"id": c.learner.id, "type": ["AchievementSubject"]}
    if c.learner.name is not None and c.learner.salt is not None:
        subject["identifier"] = [
            {
                "type": "IdentityObject",
                "identityType": "name",
                "hashed": True,
                "identityHash": identity_hash(c.learner.name, c.learner.salt),
                "salt": c.learner.salt,
            }
        ]
    score_maximum = c.score.maximum if c.score is not None else None
    subject["achievement"] = achievement_json(c.base, c.achievement, score_maximum)
    subject["result"] = _results(c)
    return subject


def build_credential(c: CredentialInputs) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential for `c` (InvalidInputs naming the first bad field)."""
    _check(c)
    issuer: dict[str, Any] = {
        "id": c.issuer.did,
        "type": ["Profile"],
        "name": c.issuer.name,
        "url": c.issuer.url,
    }
    if c.issuer.email is not None:
        issuer["email"] = c.issuer.email
    related: list[dict[str, Any]] = [
        {"id": c.rubric.url, "digestMultibase": c.rubric.digest, "mediaType": RUBRIC_MEDIA_TYPE}
    ]
    if c.renews is not None:
        renewed: dict[str, Any] = {
            "id": c.renews.credential_url,
            "mediaType": CREDENTIAL_MEDIA_TYPE,
        }
        if c.renews.digest is not None:
            renewed["digestMultibase"] = c.renews.digest
        related.append(renewed)
    evidence = [
        {
            "id": item.id,
            "type": ["Evidence"],
            "name": item.name,
            "genre": item.kind,
            "digestMultibase": item.digest,
        }
        for item in c.evidence
    ]
    credential: dict[str, Any] = {
        "@context": list(CONTEXTS),
        "id": credential_url(c.base, c.credential_id),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": c.achievement.name,
        "issuer": issuer,
        "validFrom": c.valid_from,
    }
    if c.achievement.validity_days is not None:
        credential["validUntil"] = add_days(c.valid_from, c.achievement.validity_days)
    credential["awardedDate"] = c.valid_from
    credential["credentialSubject"] = _subject(c)
    credential["evidence"] = evidence
    credential["relatedResource"] = related
    credential["credentialStatus"] = {
        "id": f"{c.status.list_url}#{c.status.index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(c.status.index),
        "statusListCredential": c.status.list_url,
    }
    return credential
