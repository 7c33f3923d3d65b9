"""What a record must satisfy to be accepted, once its signature is known good.

Each check raises `Refused` with a stable reason code, the record's JSON pointer and a
sentence; `deferred` marks what may become true later (evidence not uploaded yet, a sign-off
whose assessment record has not arrived)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import intersect, select
from sqlalchemy.orm import Session

from assessor.domain.scoring import ScoreResult
from assessor.domain.subjects import learner_uri, session_uri
from assessor.security.digests import decode_multibase_digest
from assessor.sync.protocol import Reason
from issuer.services.scores import ScoreMismatch, recompute, rubric_from_document
from issuer.store import models as m

KIND_ROLE = {
    "ArtifactAssessmentRecord": "assessor",
    "ProjectSignOffRecord": "manager",
    "ExamSessionRecord": "proctor",
    "ExamSessionAmendmentRecord": "manager",
}
# Clocks on laptops drift; a record may claim a time this far before enrolment or after now.
CLOCK_SKEW = timedelta(minutes=10)


class Refused(Exception):
    def __init__(self, reason: Reason, message: str, location: str = "", *, later: bool = False):
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.location = location
        self.later = later  # deferred: may be accepted when sent again


@dataclass(frozen=True)
class Signer:
    """The enrolled key that signed the record (and sent it)."""

    id: str
    person_id: str
    enrolled_at: datetime


@dataclass(frozen=True)
class Facts:
    """What an accepted record establishes, for storing and for issuance."""

    submission_id: str | None = None
    outcome: str | None = None  # pass / not_yet, or a sign-off's decision
    subject_record: str | None = None  # a sign-off's assessment record id
    supersedes: str | None = None
    result: ScoreResult | None = None


@dataclass(frozen=True)
class _Version:
    id: int
    rubric_id: str
    version: int
    digest: str
    document: str


def _memo(session: Session) -> dict[tuple[str, str], Any]:
    found: dict[tuple[str, str], Any] = session.info.setdefault("memo", {})
    return found


def _version(session: Session, digest: str) -> _Version | None:
    """A published rubric version by digest (never changes, so remembered once found)."""
    memo = _memo(session)
    known = memo.get(("version", digest))
    if known is None:
        row = session.scalar(select(m.RubricVersion).where(m.RubricVersion.digest == digest))
        if row is None:
            return None
        known = _Version(row.id, row.rubric_id, row.version, row.digest, row.document)
        memo[("version", digest)] = known
    assert isinstance(known, _Version)
    return known


def _assessment_rubric(session: Session, assessment_id: str) -> int:
    """The rubric version an assessment applies (fixed once created)."""
    memo = _memo(session)
    key = ("assessment", assessment_id)
    if key not in memo:
        row = session.get(m.Assessment, assessment_id)
        assert row is not None  # foreign key from the submission
        memo[key] = row.rubric_version_id
    return int(memo[key])


def _evidence(session: Session, submission_id: str) -> set[tuple[str, str, int]]:
    """A submission's evidence (fixed once the submission exists)."""
    memo = _memo(session)
    key = ("evidence", submission_id)
    if key not in memo:
        rows = session.scalars(select(m.Evidence).where(m.Evidence.submission_id == submission_id))
        memo[key] = frozenset((e.name, e.sha256, e.size) for e in rows)
    return set(memo[key])


def check_time_and_role(
    session: Session,
    doc: dict[str, Any],
    kind: str,
    device: Signer,
    valid_from: datetime,
    now: datetime,
) -> None:
    if valid_from > now + CLOCK_SKEW:
        raise Refused(Reason.VALID_FROM_FUTURE, "validFrom is in the future", "/validFrom")
    if valid_from < device.enrolled_at - CLOCK_SKEW:
        raise Refused(
            Reason.KEY_NOT_ACTIVE,
            "validFrom is before the key was enrolled with this backend",
            "/validFrom",
        )
    role = doc["issuer"]["role"]
    wanted = KIND_ROLE[kind]
    if role != wanted:
        raise Refused(
            Reason.ROLE_NOT_HELD, f"a {kind} is signed as {wanted}, not {role}", "/issuer/role"
        )
    enrolled = select(m.DeviceRole.role).where(
        m.DeviceRole.device_id == device.id, m.DeviceRole.role == role
    )
    held = select(m.PersonRole.role).where(
        m.PersonRole.person_id == device.person_id, m.PersonRole.role == role
    )
    if session.execute(intersect(enrolled, held)).first() is None:
        raise Refused(
            Reason.ROLE_NOT_HELD,
            f"the signer does not hold the role '{role}' (enrol the key with a {role} code)",
            "/issuer/role",
        )


def check_artifact(session: Session, doc: dict[str, Any], device: Signer) -> Facts:
    subject = doc["credentialSubject"]
    given = subject["submission"]
    row = session.execute(
        select(m.Submission.__table__).where(m.Submission.id == given["id"])
    ).first()
    at = "/credentialSubject/submission"
    if row is None:
        raise Refused(Reason.SUBMISSION_UNKNOWN, f"no submission '{given['id']}' here", f"{at}/id")
    if row.withdrawn_at is not None:
        raise Refused(Reason.SUBMISSION_WITHDRAWN, "the submission was withdrawn", f"{at}/id")
    if row.assessor_id != device.person_id:
        raise Refused(
            Reason.NOT_ASSIGNED, "the submission is not assigned to the signer", f"{at}/id"
        )
    if subject["id"] != learner_uri(row.learner_id):
        raise Refused(Reason.SUBMISSION_MISMATCH, "names another learner", "/credentialSubject/id")
    if given["assessment"] != row.assessment_id:
        raise Refused(Reason.SUBMISSION_MISMATCH, "names another assessment", f"{at}/assessment")
    if given["attempt"] != row.attempt:
        raise Refused(Reason.SUBMISSION_MISMATCH, "names another attempt", f"{at}/attempt")
    rubric_ref = subject["rubric"]
    version = _version(session, rubric_ref["digestMultibase"])
    rat = "/credentialSubject/rubric"
    if version is None:
        raise Refused(
            Reason.RUBRIC_UNKNOWN,
            "the rubric digest is not a version published here",
            f"{rat}/digestMultibase",
        )
    if (version.rubric_id, version.version) != (rubric_ref["id"], rubric_ref["version"]):
        raise Refused(
            Reason.RUBRIC_UNKNOWN,
            f"the digest is {version.rubric_id}@{version.version} here, not "
            f"{rubric_ref['id']}@{rubric_ref['version']}",
            rat,
        )
    if _assessment_rubric(session, row.assessment_id) != version.id:
        raise Refused(
            Reason.RUBRIC_NOT_ASSESSMENT, "the assessment applies another rubric version", rat
        )
    supersedes = _check_supersedes(session, doc, row, device)
    try:
        result = recompute(rubric_from_document(version.digest, version.document), subject)
    except ScoreMismatch as exc:
        reason = Reason.ENGINE_UNKNOWN if exc.engine else Reason.SCORE_MISMATCH
        raise Refused(
            reason, f"the score does not recompute: {exc.message}", exc.location
        ) from None
    _check_evidence(session, given["artifacts"], row)
    return Facts(row.id, result.outcome.value, None, supersedes, result)


def _check_supersedes(
    session: Session, doc: dict[str, Any], submission: Any, device: Signer
) -> str | None:
    ref = doc.get("supersedes")
    if ref is None:
        return None
    old = session.scalar(select(m.Record).where(m.Record.record_id == ref["id"]))
    ok = (
        old is not None
        and old.digest == ref["digestMultibase"]
        and old.state == "accepted"
        and old.kind == "ArtifactAssessmentRecord"
        and old.submission_id == submission.id
        and old.person_id == device.person_id
        and old.superseded_by is None
    )
    if not ok:
        raise Refused(
            Reason.SUPERSEDES_UNKNOWN,
            "supersedes names no accepted, current record of the signer for this submission",
            "/supersedes",
        )
    return str(ref["id"])


def _check_evidence(session: Session, artifacts: list[dict[str, Any]], row: Any) -> None:
    stated = {
        (a["name"], decode_multibase_digest(a["digestMultibase"]).hex(), a["size"])
        for a in artifacts
    }
    expected = _evidence(session, row.id)
    if expected and stated != expected:
        raise Refused(
            Reason.EVIDENCE_MISMATCH,
            "the artifacts are not the submission's evidence (name, digest and size)",
            "/credentialSubject/submission/artifacts",
        )
    wanted = {digest for _, digest, _ in stated}
    if not wanted:
        return
    present = set(session.scalars(select(m.Blob.sha256).where(m.Blob.sha256.in_(wanted))))
    missing = sorted(wanted - present)
    if missing:
        raise Refused(
            Reason.EVIDENCE_MISSING,
            f"{len(missing)} evidence file(s) not uploaded yet (first: sha256 {missing[0]}); "
            "upload them, then send the record again",
            "/credentialSubject/submission/artifacts",
            later=True,
        )


def check_signoff(session: Session, doc: dict[str, Any], device: Signer) -> Facts:
    subject = doc["credentialSubject"]
    ref = subject["assessmentRecord"]
    at = "/credentialSubject/assessmentRecord"
    target = session.scalar(select(m.Record).where(m.Record.record_id == ref["id"]))
    if target is None:
        raise Refused(
            Reason.ASSESSMENT_RECORD_PENDING,
            "the assessment record signed off has not reached this backend yet",
            f"{at}/id",
            later=True,
        )
    problem = None
    if target.kind != "ArtifactAssessmentRecord":
        problem = "is not an assessment record"
    elif target.digest != ref["digestMultibase"]:
        problem = "has another digest here"
    elif target.did != ref["issuer"]:
        problem = "was signed by another key"
    elif target.state != "accepted":
        problem = f"was {target.state} here ({target.reason})"
    elif target.superseded_by is not None:
        problem = "was superseded by a correction"
    elif json.loads(target.body)["credentialSubject"]["id"] != subject["id"]:
        problem = "is about another learner"
    if problem:
        raise Refused(Reason.ASSESSMENT_RECORD_INVALID, f"the assessment record {problem}", at)
    if target.person_id == device.person_id:
        raise Refused(Reason.SELF_SIGNOFF, "a manager cannot sign off their own assessment", at)
    submission = session.get(m.Submission, target.submission_id) if target.submission_id else None
    if submission is not None and submission.manager_id not in (None, device.person_id):
        raise Refused(Reason.NOT_ASSIGNED, "another manager signs off this submission", at)
    return Facts(target.submission_id, subject["decision"], target.record_id)


def check_exam_session(session: Session, doc: dict[str, Any], device: Signer) -> Facts:
    subject = doc["credentialSubject"]
    given = subject["session"]
    row = session.get(m.ExamSession, given["id"])
    at = "/credentialSubject/session/id"
    if row is None:
        raise Refused(Reason.SESSION_UNKNOWN, f"no exam session '{given['id']}' here", at)
    if subject["id"] != session_uri(row.id):
        raise Refused(
            Reason.SESSION_UNKNOWN, "the subject is not this session's URI", "/credentialSubject/id"
        )
    if row.proctor_id != device.person_id:
        raise Refused(Reason.NOT_ASSIGNED, "the session is not assigned to the signer", at)
    return Facts()


def check_exam_amendment(session: Session, doc: dict[str, Any], device: Signer) -> Facts:
    """An amendment names a sealed session's record that this backend accepted, by id and
    digest."""
    subject = doc["credentialSubject"]
    ref = subject["amends"]
    at = "/credentialSubject/amends"
    target = session.scalar(select(m.Record).where(m.Record.record_id == ref["id"]))
    if target is None:
        raise Refused(
            Reason.SESSION_UNKNOWN,
            "the session record amended has not reached this backend yet",
            f"{at}/id",
            later=True,
        )
    if (
        target.kind != "ExamSessionRecord"
        or target.digest != ref["digestMultibase"]
        or json.loads(target.body)["credentialSubject"]["id"] != subject["id"]
    ):
        raise Refused(Reason.SESSION_UNKNOWN, "the record amended is not this session's", at)
    if target.state != "accepted":  # as a sign-off: only what this backend took can be amended
        raise Refused(
            Reason.SESSION_UNKNOWN,
            f"the session record amended was {target.state} here ({target.reason})",
            at,
        )
    return Facts()


CHECKS = {
    "ArtifactAssessmentRecord": check_artifact,
    "ProjectSignOffRecord": check_signoff,
    "ExamSessionRecord": check_exam_session,
    "ExamSessionAmendmentRecord": check_exam_amendment,
}
