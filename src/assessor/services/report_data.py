"""What the reports print, read in one go and as plain data.

A finalized evaluation is read from its signed record, not from the rows beside it: the record
is checked now (strict JSON, schema, the eddsa-jcs-2022 proof, the signer's key and role, the
submission it is about) and its scores, comments and totals are what a report shows. The rows
could have been changed by anyone with the database file; the signature could not. A draft has
no record: its rows are shown and the report says it is not signed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from assessor.domain.errors import DomainError, UnknownChoice, ValidationFailed
from assessor.domain.rubric import Rubric
from assessor.domain.scoring import Selection, score
from assessor.domain.workflow import EvaluationStatus
from assessor.security.records import parse_record
from assessor.services.access import operation
from assessor.services.records import Roster, check_record_bytes, local_roster
from assessor.services.rubrics import rubric_by_digest
from assessor.store import drafts, sync_state
from assessor.store import models as m
from assessor.store import queries as q
from assessor.store import records as r
from assessor.store.db import Database, Tx

KIND = "ArtifactAssessmentRecord"


@dataclass(frozen=True)
class CriterionResult:
    criterion_id: str
    level_id: str | None  # None: not scored (drafts only)
    points: Decimal | None
    comment: str


@dataclass(frozen=True)
class Signature:
    """'verified' (problem None), 'invalid' (problem says why) or 'unsigned' (a draft)."""

    state: str
    signer_name: str | None = None
    signer_did: str | None = None
    problem: str | None = None

    def describe(self) -> str:
        if self.state == "verified":
            return f"signed by {self.signer_name} ({self.signer_did}), verified"
        if self.state == "unsigned":
            return "not signed: this is a draft"
        return f"NOT VERIFIED: {self.problem}"


@dataclass(frozen=True)
class ScoreSheetData:
    submission_id: str
    attempt: int
    submitted_at: datetime
    learner: str  # the anonymous code when the assessment is blind-marked
    blind: bool
    assessment_id: str
    assessment_title: str
    rubric: Rubric
    rubric_version: int
    rubric_digest: str
    status: str  # finalized | draft
    criteria: tuple[CriterionResult, ...]  # in rubric order
    overall_comment: str
    total: Decimal
    maximum: Decimal
    percentage: Decimal
    outcome: str  # pass | not_yet | incomplete
    band: str | None
    reasons: tuple[str, ...]  # the scoring engine's, for these levels
    assessor_name: str
    assessor_did: str | None
    dated: datetime | None  # when signed (the record's validFrom), else last saved
    signature: Signature
    record_id: str | None = None
    record_digest: str | None = None  # recomputed from the stored bytes
    # The issued credential's verification page. The backend issues credentials (sync, a later
    # issue); until this machine has learned of one, reports carry the record's digest.
    verification_url: str | None = None
    supersedes: tuple[str, str] | None = None  # (record id, reason): this corrects that one
    problems: tuple[str, ...] = ()  # what does not add up, printed on the sheet


def checked_record(
    body: bytes, roster: Roster, kind: str = "record"
) -> tuple[dict[str, Any] | None, Signature, str | None]:
    """A stored record checked now (schema, proof, signer): its document (None when it is not
    a valid record), its signature and its digest."""
    try:
        found = check_record_bytes(body, roster=roster)
    except ValidationFailed as exc:
        problem = f"the stored {kind} is not a valid record: {exc.problems[0].message}"
        return None, Signature("invalid", problem=problem), None
    state = "verified" if found.ok else "invalid"
    signature = Signature(state, found.issuer_name, found.issuer, found.problem)
    return parse_record(body), signature, found.digest


def decimal_of(value: object) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise DomainError(f"the record holds a number that is not a number: {value!r}") from None


@dataclass(frozen=True)
class _Signed:
    document: dict[str, Any] | None  # None when the stored bytes are not a record at all
    digest: str | None
    signature: Signature


def check_signed(stored: r.StoredRecord, submission_id: str, roster: Roster) -> _Signed:
    try:
        found = check_record_bytes(stored.body, submission=submission_id, roster=roster)
    except ValidationFailed as exc:
        unreadable = f"the stored record is not a valid record: {exc.problems[0].message}"
        return _Signed(None, None, Signature("invalid", problem=unreadable))
    document = parse_record(stored.body)
    subject = document["credentialSubject"]
    problem: str | None = found.problem
    if problem is None and subject.get("evaluation") != stored.evaluation_id:
        problem = "the record is about another evaluation than the one stored with it"
    if problem is None and found.digest != stored.digest:
        problem = "the digest stored beside the record is not the record's digest"
    state = "verified" if problem is None else "invalid"
    return _Signed(
        document, found.digest, Signature(state, found.issuer_name, found.issuer, problem)
    )


def signed_criteria(subject: Mapping[str, Any]) -> tuple[CriterionResult, ...]:
    return tuple(
        CriterionResult(
            str(s["criterion"]),
            None if s["level"] is None else str(s["level"]),
            decimal_of(s["points"]),
            str(s["comment"]),
        )
        for s in subject["scores"]
    )


def _selections(criteria: tuple[CriterionResult, ...]) -> dict[str, Selection]:
    return {c.criterion_id: Selection(c.level_id, c.points) for c in criteria if c.level_id}


def _unknown_submission(tx: Tx, submission_id: str) -> UnknownChoice:
    return UnknownChoice("submission", submission_id, q.submission_ids(tx))


@operation(None)
def score_sheet_data(db: Database, submission_id: str) -> ScoreSheetData:
    """The submission's current evaluation as a score sheet shows it: the newest signed one
    (from its record, checked now), else the newest draft. DomainError when nobody has
    scored it yet."""
    roster = local_roster(db)
    with db.read() as tx:
        sub = tx.get(m.Submission, submission_id)
        if sub is None:
            raise _unknown_submission(tx, submission_id)
        current = q.current_evaluation(tx, submission_id)
        if current is None:
            raise DomainError(f"nobody has scored {submission_id} yet: there is no score sheet")
        stored = r.record_for_evaluation(tx, current.id)
        if current.status == EvaluationStatus.FINALIZED.value and stored is not None:
            return score_sheet_of_record(tx, stored, roster)
        return _from_rows(tx, _common(sub), current, finalized_without_record=stored is None)


def _common(sub: m.Submission) -> dict[str, Any]:
    return {
        "submission_id": sub.id,
        "attempt": sub.attempt,
        "submitted_at": sub.submitted_at,
        "learner": sub.learner.anonymous_code if sub.assessment.blind_marking else sub.learner.name,
        "blind": sub.assessment.blind_marking,
        "assessment_id": sub.assessment.id,
        "assessment_title": sub.assessment.title,
    }


@operation(None)  # a read inside the caller's transaction
def score_sheet_of_record(tx: Tx, stored: r.StoredRecord, roster: Roster) -> ScoreSheetData:
    """The score sheet of one stored assessment record (the one a sign-off binds, say),
    checked now, with the issued credential's address when the sync knows one."""
    submission_id = stored.submission_id or ""
    sub = tx.get(m.Submission, submission_id)
    if sub is None:
        raise DomainError(f"the record {stored.id} names no stored submission")
    data = _from_record(tx, _common(sub), stored, check_signed(stored, submission_id, roster))
    return replace(data, verification_url=verification_url(tx, stored.id))


@operation(None)  # a read inside the caller's transaction
def verification_url(tx: Tx, *record_ids: str) -> str | None:
    """The verification address of a credential the backend issued on one of these records
    (as the last sync reported it), the first one's before the others'; None if none."""
    issued = sync_state.credentials(tx)
    for record_id in record_ids:
        for credential in issued:
            if record_id in credential.records and credential.url:
                return credential.url
    return None


def _from_record(
    tx: Tx, common: dict[str, Any], stored: r.StoredRecord, signed: _Signed
) -> ScoreSheetData:
    if signed.document is None:
        evaluation = r.evaluation(tx, stored.evaluation_id or "")
        if evaluation is None:
            raise DomainError(f"the record {stored.id} names no stored evaluation")
        data = _from_rows(tx, common, evaluation, finalized_without_record=False)
        problem = signed.signature.problem or "the record cannot be read"
        return replace(data, signature=signed.signature, record_id=stored.id, problems=(problem,))
    document = signed.document
    subject = document["credentialSubject"]
    rubric_ref = subject["rubric"]
    rubric = rubric_by_digest(tx, str(rubric_ref["digestMultibase"]))
    criteria = signed_criteria(subject)
    signed_values = (
        decimal_of(subject["total"]),
        decimal_of(subject["maximum"]),
        str(subject["outcome"]),
        subject["band"],
    )
    problems = []
    reasons: tuple[str, ...] = ()
    try:
        result = score(rubric, _selections(criteria))
    except DomainError as exc:  # only a record that fails its check can hold such levels
        problems.append(f"the signed levels do not fit the rubric: {exc.message}")
    else:
        reasons = result.reasons
        if signed_values != (result.total, result.maximum, result.outcome.value, result.band):
            problems.append(
                f"the signed result ({subject['total']} of {subject['maximum']}, "
                f"{subject['outcome']}) is not what the rubric gives for these levels "
                f"({result.total} of {result.maximum}, {result.outcome.value})"
            )
    supersedes = document.get("supersedes")
    return ScoreSheetData(
        **common,
        rubric=rubric,
        rubric_version=int(rubric_ref["version"]),
        rubric_digest=str(rubric_ref["digestMultibase"]),
        status=EvaluationStatus.FINALIZED.value,
        criteria=criteria,
        overall_comment=str(subject["overallComment"]),
        total=signed_values[0],
        maximum=signed_values[1],
        percentage=decimal_of(subject["percentage"]),
        outcome=signed_values[2],
        band=None if signed_values[3] is None else str(signed_values[3]),
        reasons=reasons,
        assessor_name=str(document["issuer"]["name"]),
        assessor_did=str(document["issuer"]["id"]),
        dated=datetime.fromisoformat(str(document["validFrom"]).replace("Z", "+00:00")),
        signature=signed.signature,
        record_id=str(document["id"]),
        record_digest=signed.digest,
        supersedes=(
            (str(supersedes["id"]), str(supersedes.get("reason", "")))
            if isinstance(supersedes, dict)
            else None
        ),
        problems=tuple(problems),
    )


def _from_rows(
    tx: Tx, common: dict[str, Any], evaluation: m.Evaluation, *, finalized_without_record: bool
) -> ScoreSheetData:
    version = evaluation.rubric_version
    rubric = rubric_by_digest(tx, version.digest)
    lines = {ln.criterion_id: ln for ln in drafts.score_lines(tx, evaluation.id)}
    criteria = tuple(
        CriterionResult(
            c.id,
            lines[c.id].level_id if c.id in lines else None,
            lines[c.id].points if c.id in lines and lines[c.id].level_id else None,
            lines[c.id].comment if c.id in lines else "",
        )
        for c in rubric.criteria
    )
    result = score(rubric, _selections(criteria))
    profile = tx.get(m.Profile, evaluation.assessor_id)
    problems: tuple[str, ...] = ()
    signature = Signature("unsigned")
    if evaluation.status != EvaluationStatus.DRAFT.value and finalized_without_record:
        signature = Signature("invalid", problem="marked finalized, but no signed record exists")
        problems = (signature.problem or "",)
    return ScoreSheetData(
        **common,
        rubric=rubric,
        rubric_version=version.version,
        rubric_digest=version.digest,
        status=evaluation.status,
        criteria=criteria,
        overall_comment=evaluation.overall_comment,
        total=result.total,
        maximum=result.maximum,
        percentage=result.percentage,
        outcome=result.outcome.value,
        band=result.band,
        reasons=result.reasons,
        assessor_name=profile.name if profile else evaluation.assessor_id,
        assessor_did=profile.did if profile else None,
        dated=evaluation.updated_at,
        signature=signature,
        problems=problems,
    )
