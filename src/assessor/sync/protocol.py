"""The sync protocol's wire shapes, shared by the desktop's client and the issuing backend.

Plain dataclasses with `to_json()` and `parse_*` functions that check a decoded JSON value
and say where it is wrong (`ProtocolError` with a JSON pointer). No web framework here: the
desktop imports this module. docs/issuer.md describes the exchange; the backend's decision
note (docs/decisions/0017-issuer-backend.md) says what the cursor, tokens and answers promise.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from assessor.security.canonical import canonicalize

API_VERSION = "v1"
API_PREFIX = "/api/v1"
MEDIA_JSON = "application/json"
MEDIA_PROBLEM = "application/problem+json"

DISCOVERY_PATH = "/.well-known/assessor-api"
CHALLENGE_PATH = f"{API_PREFIX}/devices/challenge"
DEVICES_PATH = f"{API_PREFIX}/devices"
CHANGES_PATH = f"{API_PREFIX}/changes"
RUBRIC_VERSION_PATH = API_PREFIX + "/rubrics/{rubric_id}/versions/{version}"
BLOB_PATH = API_PREFIX + "/blobs/sha256/{sha256}"
RECORDS_BATCH_PATH = f"{API_PREFIX}/records:batch"
CREDENTIALS_PATH = f"{API_PREFIX}/credentials"

PROBLEM_BASE = "https://assessor.example/problems/"
ENROLMENT_PURPOSE = "assessor-device-enrolment"
_SHA256_HEX = re.compile(r"[0-9a-f]{64}\Z")
_DID_KEY = re.compile(r"did:key:z6Mk[1-9A-HJ-NP-Za-km-z]{44}\Z")


class ProtocolError(ValueError):
    """A message that does not have the protocol's shape; `location` is a JSON pointer."""

    def __init__(self, location: str, message: str) -> None:
        super().__init__(f"{location or '/'}: {message}")
        self.location = location
        self.message = message


class AnswerState(StrEnum):
    """The backend's answer for one record of a batch."""

    ACCEPTED = "accepted"  # stored; the outbox item is done
    DUPLICATE = "duplicate"  # same id and digest already stored: success, also done
    CONFLICT = "conflict"  # same id with another digest, or a fork of the key's chain: held
    REJECTED = "rejected"  # will never be accepted; `reason` says why
    DEFERRED = "deferred"  # not yet: send again later (missing evidence, a gap in the chain)

    @property
    def final(self) -> bool:
        """Whether the sender stops sending this record."""
        return self is not AnswerState.DEFERRED


class Reason(StrEnum):
    """Stable codes for answers other than accepted and duplicate."""

    MALFORMED = "record-malformed"  # not a JSON object, or fails its kind's schema
    TOO_LARGE = "record-too-large"
    PROOF_INVALID = "proof-invalid"
    KEY_UNKNOWN = "key-unknown"
    KEY_REVOKED = "key-revoked"
    KEY_NOT_DEVICE = "key-not-device"  # signed by a key other than the sending device's
    KEY_NOT_ACTIVE = "key-not-active"  # validFrom before the key was enrolled
    ISSUER_MISMATCH = "issuer-mismatch"  # issuer.id is not the proof's key
    VALID_FROM_FUTURE = "valid-from-future"
    ROLE_NOT_HELD = "role-not-held"
    NOT_ASSIGNED = "not-assigned"
    SUBMISSION_UNKNOWN = "submission-unknown"
    SUBMISSION_WITHDRAWN = "submission-withdrawn"
    SUBMISSION_MISMATCH = "submission-mismatch"  # learner, assessment or attempt differ
    SESSION_UNKNOWN = "session-unknown"
    RUBRIC_UNKNOWN = "rubric-unknown"
    RUBRIC_NOT_ASSESSMENT = "rubric-not-assessment"
    SCORE_MISMATCH = "score-mismatch"
    ENGINE_UNKNOWN = "engine-unknown"
    EVIDENCE_MISSING = "evidence-missing"
    EVIDENCE_MISMATCH = "evidence-mismatch"
    SUPERSEDES_UNKNOWN = "supersedes-unknown"
    ASSESSMENT_RECORD_PENDING = "assessment-record-pending"
    ASSESSMENT_RECORD_INVALID = "assessment-record-invalid"
    SELF_SIGNOFF = "self-signoff"
    CHAIN_GAP = "chain-gap"
    CHAIN_FORK = "chain-fork"
    ID_CONFLICT = "id-conflict"


class ProblemType(StrEnum):
    """The `type` of an RFC 9457 problem answer, after PROBLEM_BASE."""

    UNAUTHORIZED = "unauthorized"  # no token, unknown token or revoked token
    NOT_FOUND = "not-found"
    INVALID_REQUEST = "invalid-request"
    UNSUPPORTED_MEDIA_TYPE = "unsupported-media-type"
    METHOD_NOT_ALLOWED = "method-not-allowed"
    BATCH_TOO_LARGE = "batch-too-large"
    BODY_TOO_LARGE = "body-too-large"
    RATE_LIMITED = "rate-limited"
    ENROLMENT_CODE_INVALID = "enrolment-code-invalid"
    CHALLENGE_INVALID = "challenge-invalid"
    PROOF_INVALID = "proof-invalid"
    KEY_TAKEN = "key-taken"
    DIGEST_MISMATCH = "digest-mismatch"
    CURSOR_INVALID = "cursor-invalid"
    INTERNAL = "internal"

    @property
    def uri(self) -> str:
        return PROBLEM_BASE + self.value


# ---- reading JSON values ------------------------------------------------------------------


def _at(base: str, token: str | int) -> str:
    return f"{base}/" + str(token).replace("~", "~0").replace("/", "~1")


def _object(
    value: object, at: str, required: Sequence[str], optional: Sequence[str] = ()
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ProtocolError(at, "must be a JSON object")
    for key in required:
        if key not in value:
            raise ProtocolError(at, f"missing required field '{key}'")
    allowed = set(required) | set(optional)
    for key in value:
        if key not in allowed:
            raise ProtocolError(_at(at, key), f"unknown field '{key}'")
    return value


def _text(value: object, at: str, *, limit: int = 2000, empty: bool = False) -> str:
    if not isinstance(value, str):
        raise ProtocolError(at, "must be a string")
    if not empty and not value.strip():
        raise ProtocolError(at, "must not be blank")
    if len(value) > limit:
        raise ProtocolError(at, f"must be at most {limit} characters")
    return value


def _optional_text(value: object, at: str) -> str | None:
    return None if value is None else _text(value, at)


def _integer(value: object, at: str, *, minimum: int = 0) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise ProtocolError(at, f"must be a whole number from {minimum}")
    return value


def _boolean(value: object, at: str) -> bool:
    if not isinstance(value, bool):
        raise ProtocolError(at, "must be true or false")
    return value


def _list(value: object, at: str, *, limit: int | None = None) -> list[Any]:
    if not isinstance(value, list):
        raise ProtocolError(at, "must be a JSON array")
    if limit is not None and len(value) > limit:
        raise ProtocolError(at, f"must hold at most {limit} items")
    return value


def _did_key(value: object, at: str) -> str:
    if not isinstance(value, str) or not _DID_KEY.match(value):
        raise ProtocolError(at, "must be an Ed25519 did:key ('did:key:z6Mk…')")
    return value


def is_sha256_hex(value: str) -> bool:
    return bool(_SHA256_HEX.match(value))


# ---- discovery ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """What the backend accepts; a client keeps under these."""

    max_batch_records: int = 100
    max_body_bytes: int = 4 * 1024 * 1024
    max_record_bytes: int = 256 * 1024
    max_blob_bytes: int = 64 * 1024 * 1024
    requests_per_minute: int = 600
    max_page_size: int = 500

    def to_json(self) -> dict[str, Any]:
        return {
            "maxBatchRecords": self.max_batch_records,
            "maxBodyBytes": self.max_body_bytes,
            "maxRecordBytes": self.max_record_bytes,
            "maxBlobBytes": self.max_blob_bytes,
            "requestsPerMinute": self.requests_per_minute,
            "maxPageSize": self.max_page_size,
        }


_LIMIT_FIELDS = (
    ("maxBatchRecords", "max_batch_records"),
    ("maxBodyBytes", "max_body_bytes"),
    ("maxRecordBytes", "max_record_bytes"),
    ("maxBlobBytes", "max_blob_bytes"),
    ("requestsPerMinute", "requests_per_minute"),
    ("maxPageSize", "max_page_size"),
)


def parse_limits(value: object, at: str = "") -> Limits:
    doc = _object(value, at, [name for name, _ in _LIMIT_FIELDS])
    given = {attr: _integer(doc[name], _at(at, name), minimum=1) for name, attr in _LIMIT_FIELDS}
    return Limits(**given)


@dataclass(frozen=True)
class Discovery:
    """`GET /.well-known/assessor-api`: who the backend is and what it accepts."""

    issuer: str  # the backend's did:web
    api_versions: tuple[str, ...]
    limits: Limits
    software: str = "assessor-issuer"

    def to_json(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "apiVersions": list(self.api_versions),
            "apiRoot": API_PREFIX,
            "limits": self.limits.to_json(),
            "software": self.software,
        }


def parse_discovery(value: object) -> Discovery:
    doc = _object(value, "", ["issuer", "apiVersions", "apiRoot", "limits", "software"])
    versions = _list(doc["apiVersions"], "/apiVersions", limit=20)
    if API_VERSION not in versions:
        raise ProtocolError("/apiVersions", f"the backend does not speak {API_VERSION}")
    if doc["apiRoot"] != API_PREFIX:
        raise ProtocolError("/apiRoot", f"must be {API_PREFIX}")
    return Discovery(
        issuer=_text(doc["issuer"], "/issuer"),
        api_versions=tuple(_text(v, f"/apiVersions/{n}") for n, v in enumerate(versions)),
        limits=parse_limits(doc["limits"], "/limits"),
        software=_text(doc["software"], "/software"),
    )


# ---- enrolment ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChallengeRequest:
    """`POST /api/v1/devices/challenge`: the enrolment code asks for a challenge."""

    code: str

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code}


def parse_challenge_request(value: object) -> ChallengeRequest:
    doc = _object(value, "", ["code"])
    return ChallengeRequest(_text(doc["code"], "/code", limit=64))


@dataclass(frozen=True)
class Challenge:
    challenge: str  # base64url, 32 random bytes
    expires_at: str
    audience: str  # the backend's did:web: signed with the challenge so a proof is for it only

    def to_json(self) -> dict[str, Any]:
        return {
            "challenge": self.challenge,
            "expiresAt": self.expires_at,
            "audience": self.audience,
        }


def parse_challenge(value: object) -> Challenge:
    doc = _object(value, "", ["challenge", "expiresAt", "audience"])
    return Challenge(
        _text(doc["challenge"], "/challenge", limit=100),
        _text(doc["expiresAt"], "/expiresAt", limit=40),
        _text(doc["audience"], "/audience", limit=300),
    )


def enrolment_message(challenge: str, key: str, audience: str) -> bytes:
    """The bytes a device signs with its profile key to prove it holds the key: the RFC 8785
    form of the purpose, the challenge, the key and the backend it is for."""
    return canonicalize(
        {"purpose": ENROLMENT_PURPOSE, "challenge": challenge, "key": key, "audience": audience}
    )


def encode_signature(signature: bytes) -> str:
    return base64.urlsafe_b64encode(signature).rstrip(b"=").decode("ascii")


def decode_signature(text: str, at: str = "/signature") -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError):
        raise ProtocolError(at, "must be base64url") from None
    if len(raw) != 64:
        raise ProtocolError(at, "must be a 64-byte Ed25519 signature in base64url")
    return raw


@dataclass(frozen=True)
class EnrolmentRequest:
    """`POST /api/v1/devices`: the code, the profile key and its signature over
    `enrolment_message(challenge, key, audience)`."""

    code: str
    key: str
    challenge: str
    signature: str
    label: str = ""

    def to_json(self) -> dict[str, Any]:
        doc = {
            "code": self.code,
            "key": self.key,
            "challenge": self.challenge,
            "signature": self.signature,
        }
        if self.label:
            doc["label"] = self.label
        return doc


def parse_enrolment_request(value: object) -> EnrolmentRequest:
    doc = _object(value, "", ["code", "key", "challenge", "signature"], ["label"])
    signature = _text(doc["signature"], "/signature", limit=100)
    decode_signature(signature)
    return EnrolmentRequest(
        code=_text(doc["code"], "/code", limit=64),
        key=_did_key(doc["key"], "/key"),
        challenge=_text(doc["challenge"], "/challenge", limit=100),
        signature=signature,
        label=_text(doc.get("label", ""), "/label", limit=200, empty=True),
    )


@dataclass(frozen=True)
class Enrolment:
    """The answer to an enrolment: the device's bearer token (shown once) and what it may do."""

    device: str
    token: str
    person: str
    roles: tuple[str, ...]
    key: str

    def to_json(self) -> dict[str, Any]:
        return {
            "device": self.device,
            "token": self.token,
            "person": self.person,
            "roles": list(self.roles),
            "key": self.key,
        }


def parse_enrolment(value: object) -> Enrolment:
    doc = _object(value, "", ["device", "token", "person", "roles", "key"])
    roles = _list(doc["roles"], "/roles", limit=10)
    return Enrolment(
        device=_text(doc["device"], "/device", limit=100),
        token=_text(doc["token"], "/token", limit=200),
        person=_text(doc["person"], "/person"),
        roles=tuple(_text(r, f"/roles/{n}", limit=40) for n, r in enumerate(roles)),
        key=_did_key(doc["key"], "/key"),
    )


# ---- the change feed ----------------------------------------------------------------------


class ChangeKind(StrEnum):
    RUBRIC_VERSION = "rubricVersion"
    ACHIEVEMENT = "achievement"
    ASSESSMENT = "assessment"
    SUBMISSION = "submission"
    EXAM_SESSION = "examSession"
    KEY = "key"
    CREDENTIAL = "credential"


@dataclass(frozen=True)
class Change:
    """One entry of the feed. A tombstone (`deleted`) says the entity is gone for this device
    (withdrawn, reassigned, revoked) and why; it carries no `data`."""

    kind: ChangeKind
    id: str
    data: Mapping[str, Any] | None = None
    deleted: bool = False
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"kind": self.kind.value, "id": self.id}
        if self.deleted:
            doc["deleted"] = True
            doc["reason"] = self.reason
        else:
            doc["data"] = dict(self.data or {})
        return doc


def parse_change(value: object, at: str) -> Change:
    doc = _object(value, at, ["kind", "id"], ["data", "deleted", "reason"])
    try:
        kind = ChangeKind(doc["kind"])
    except ValueError:
        raise ProtocolError(_at(at, "kind"), "is not a kind of change this client knows") from None
    deleted = _boolean(doc.get("deleted", False), _at(at, "deleted"))
    if deleted == ("data" in doc):
        raise ProtocolError(at, "a change has either data or deleted: true")
    data = doc.get("data")
    if data is not None and not isinstance(data, dict):
        raise ProtocolError(_at(at, "data"), "must be a JSON object")
    return Change(
        kind,
        _text(doc["id"], _at(at, "id"), limit=300),
        data,
        deleted,
        _optional_text(doc.get("reason"), _at(at, "reason")),
    )


@dataclass(frozen=True)
class ChangesPage:
    """`GET /api/v1/changes?cursor=`: changes after the cursor, the cursor to ask with next
    time (opaque: store it as given), and whether more are waiting now."""

    changes: tuple[Change, ...]
    cursor: str
    more: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "changes": [c.to_json() for c in self.changes],
            "cursor": self.cursor,
            "more": self.more,
        }


def parse_changes_page(value: object) -> ChangesPage:
    doc = _object(value, "", ["changes", "cursor", "more"])
    items = _list(doc["changes"], "/changes", limit=10_000)
    return ChangesPage(
        tuple(parse_change(item, f"/changes/{n}") for n, item in enumerate(items)),
        _text(doc["cursor"], "/cursor", limit=200),
        _boolean(doc["more"], "/more"),
    )


# ---- records ------------------------------------------------------------------------------


@dataclass(frozen=True)
class BatchRequest:
    """`POST /api/v1/records:batch`: signed records exactly as signed, oldest first."""

    records: tuple[Mapping[str, Any], ...]

    def to_json(self) -> dict[str, Any]:
        return {"records": [dict(r) for r in self.records]}


def parse_batch_request(value: object, limits: Limits) -> BatchRequest:
    """The records of a batch. Each is checked later on its own; here only that there is a
    list of at most `limits.max_batch_records` items (BatchTooLarge when there are more)."""
    doc = _object(value, "", ["records"])
    items = doc["records"]
    if not isinstance(items, list):
        raise ProtocolError("/records", "must be a JSON array")
    if not items:
        raise ProtocolError("/records", "must hold at least one record")
    if len(items) > limits.max_batch_records:
        raise BatchTooLarge(len(items), limits.max_batch_records)
    return BatchRequest(tuple(items))


class BatchTooLarge(ProtocolError):
    def __init__(self, count: int, limit: int) -> None:
        super().__init__("/records", f"{count} records in one batch; at most {limit}")
        self.count = count
        self.limit = limit


@dataclass(frozen=True)
class ItemAnswer:
    """The answer for the record at the same position of the batch. `id` and `digest` are
    what the backend read (None when it could not read them)."""

    index: int
    state: AnswerState
    id: str | None = None
    digest: str | None = None
    reason: Reason | None = None
    message: str | None = None
    location: str | None = None

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"index": self.index, "state": self.state.value, "id": self.id}
        doc["digest"] = self.digest
        if self.reason is not None:
            doc["reason"] = self.reason.value
            doc["message"] = self.message
            if self.location:
                doc["location"] = self.location
        return doc


def parse_item_answer(value: object, at: str) -> ItemAnswer:
    doc = _object(value, at, ["index", "state", "id", "digest"], ["reason", "message", "location"])
    try:
        state = AnswerState(doc["state"])
    except ValueError:
        raise ProtocolError(_at(at, "state"), "is not an answer state") from None
    reason = None
    if "reason" in doc:
        try:
            reason = Reason(doc["reason"])
        except ValueError:
            raise ProtocolError(_at(at, "reason"), "is not a reason code") from None
    if state in (AnswerState.ACCEPTED, AnswerState.DUPLICATE) and reason is not None:
        raise ProtocolError(_at(at, "reason"), f"an {state.value} answer has no reason")
    if state not in (AnswerState.ACCEPTED, AnswerState.DUPLICATE) and reason is None:
        raise ProtocolError(at, f"a {state.value} answer says why (reason)")
    return ItemAnswer(
        index=_integer(doc["index"], _at(at, "index")),
        state=state,
        id=_optional_text(doc["id"], _at(at, "id")),
        digest=_optional_text(doc["digest"], _at(at, "digest")),
        reason=reason,
        message=_optional_text(doc.get("message"), _at(at, "message")),
        location=_optional_text(doc.get("location"), _at(at, "location")),
    )


@dataclass(frozen=True)
class BatchResponse:
    results: tuple[ItemAnswer, ...]

    def to_json(self) -> dict[str, Any]:
        return {"results": [r.to_json() for r in self.results]}


def parse_batch_response(value: object, sent: int) -> BatchResponse:
    """The answers to a batch of `sent` records: one per record, in order."""
    doc = _object(value, "", ["results"])
    items = _list(doc["results"], "/results")
    if len(items) != sent:
        raise ProtocolError("/results", f"{len(items)} answers for {sent} records")
    answers = tuple(parse_item_answer(item, f"/results/{n}") for n, item in enumerate(items))
    for n, answer in enumerate(answers):
        if answer.index != n:
            raise ProtocolError(f"/results/{n}/index", f"must be {n}")
    return BatchResponse(answers)


# ---- credentials --------------------------------------------------------------------------


class CredentialStatus(StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"
    EXPIRED = "expired"


@dataclass(frozen=True)
class CredentialItem:
    """A credential issued from this device's work (`GET /api/v1/credentials`)."""

    id: str
    url: str
    achievement: str
    learner: str
    status: CredentialStatus
    issued_at: str
    valid_until: str | None = None
    records: tuple[str, ...] = field(default=())  # ids of the records it rests on

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "achievement": self.achievement,
            "learner": self.learner,
            "status": self.status.value,
            "issuedAt": self.issued_at,
            "validUntil": self.valid_until,
            "records": list(self.records),
        }


def parse_credential_item(value: object, at: str) -> CredentialItem:
    names = ["id", "url", "achievement", "learner", "status", "issuedAt", "validUntil"]
    doc = _object(value, at, [*names, "records"])
    try:
        status = CredentialStatus(doc["status"])
    except ValueError:
        raise ProtocolError(_at(at, "status"), "is not a credential status") from None
    records = _list(doc["records"], _at(at, "records"), limit=100)
    return CredentialItem(
        id=_text(doc["id"], _at(at, "id"), limit=300),
        url=_text(doc["url"], _at(at, "url"), limit=500),
        achievement=_text(doc["achievement"], _at(at, "achievement"), limit=300),
        learner=_text(doc["learner"], _at(at, "learner"), limit=300),
        status=status,
        issued_at=_text(doc["issuedAt"], _at(at, "issuedAt"), limit=40),
        valid_until=_optional_text(doc["validUntil"], _at(at, "validUntil")),
        records=tuple(_text(r, _at(at, f"records/{n}"), limit=100) for n, r in enumerate(records)),
    )


@dataclass(frozen=True)
class CredentialsPage:
    credentials: tuple[CredentialItem, ...]
    cursor: str
    more: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "credentials": [c.to_json() for c in self.credentials],
            "cursor": self.cursor,
            "more": self.more,
        }


def parse_credentials_page(value: object) -> CredentialsPage:
    doc = _object(value, "", ["credentials", "cursor", "more"])
    items = _list(doc["credentials"], "/credentials", limit=10_000)
    return CredentialsPage(
        tuple(parse_credential_item(item, f"/credentials/{n}") for n, item in enumerate(items)),
        _text(doc["cursor"], "/cursor", limit=200),
        _boolean(doc["more"], "/more"),
    )


# ---- problems -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """An RFC 9457 problem answer. `retry_after` (seconds) comes with rate-limited."""

    type: ProblemType
    title: str
    status: int
    detail: str
    retry_after: int | None = None

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "type": self.type.uri,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.retry_after is not None:
            doc["retryAfter"] = self.retry_after
        return doc


def parse_problem(value: object) -> Problem:
    doc = _object(value, "", ["type", "title", "status", "detail"], ["retryAfter", "instance"])
    uri = _text(doc["type"], "/type", limit=300)
    try:
        kind = ProblemType(uri.removeprefix(PROBLEM_BASE))
    except ValueError:
        raise ProtocolError("/type", f"'{uri}' is not a problem type of this protocol") from None
    if not uri.startswith(PROBLEM_BASE):
        raise ProtocolError("/type", f"must start with {PROBLEM_BASE}")
    retry = doc.get("retryAfter")
    return Problem(
        kind,
        _text(doc["title"], "/title"),
        _integer(doc["status"], "/status", minimum=400),
        _text(doc["detail"], "/detail", limit=5000),
        None if retry is None else _integer(retry, "/retryAfter"),
    )
