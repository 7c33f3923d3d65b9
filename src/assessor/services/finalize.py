"""Finalize: a complete draft becomes a signed ArtifactAssessmentRecord, stored with its
outbox item and audit event in one transaction. Corrections supersede, never rewrite."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from assessor.domain.errors import DomainError, NotAllowed, UnknownChoice
from assessor.domain.ids import uuid7
from assessor.domain.numbers import to_json_number
from assessor.domain.policy import Operation, State
from assessor.domain.rubric import Rubric
from assessor.domain.scoring import ScoreResult, Selection, score
from assessor.domain.text import require_plain
from assessor.domain.workflow import EvaluationStatus, SubmissionStatus
from assessor.security.canonical import canonicalize
from assessor.security.digests import multibase_digest
from assessor.security.records import RECORD_CONTEXT, record_digest, validate_record
from assessor.services.access import Actor, check, operation
from assessor.services.profiles import Signer
from assessor.services.rubrics import rubric_by_digest
from assessor.store import models as m
from assessor.store import queries as q
from assessor.store import records as r
from assessor.store.audit import append_event
from assessor.store.db import Database, Tx

KIND = "ArtifactAssessmentRecord"


@dataclass(frozen=True)
class Finalized:
    record_id: str
    digest: str
    seq: int
    evaluation_id: str
    submission_id: str
    outcome: str


def learner_uri(learner_id: str) -> str:
    """No personal data and no characters a URI cannot hold: the id, percent-encoded."""
    return "urn:assessor:learner:" + quote(learner_id, safe="._~-:@")


def stamp(moment: datetime) -> str:
    """A record's time: UTC to the second, 'Z'."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _draft(tx: Tx, submission_id: str, signer: Signer) -> m.Evaluation:
    if r.submission(tx, submission_id) is None:
        raise UnknownChoice("submission", submission_id, q.submission_ids(tx))
    draft = q.draft_for(tx, submission_id, signer.profile.id)
    if draft is None and q.finalized_by(tx, submission_id, signer.profile.id) is not None:
        raise NotAllowed(
            f"{submission_id} is already finalized and signed by {signer.profile.name}; "
            "to change it, start a correction (assessor score --correct REASON)"
        )
    if draft is None:
        raise DomainError(
            f"{signer.profile.name} has no draft evaluation of {submission_id}; score it first"
        )
    return draft


def _subject(
    tx: Tx, evaluation: m.Evaluation, rubric: Rubric, result: ScoreResult
) -> dict[str, Any]:
    submission = r.submission(tx, evaluation.submission_id)
    assert submission is not None  # foreign key
    version = evaluation.rubric_version
    lines = {s.criterion_id: s for s in evaluation.scores}
    scored = {c.criterion_id: c for c in result.criteria}
    return {
        "id": learner_uri(submission.learner_id),
        "submission": {
            "id": submission.id,
            "assessment": submission.assessment_id,
            "attempt": submission.attempt,
            "submittedAt": stamp(submission.submitted_at),
            "artifacts": [
                {
                    "name": e.name,
                    "mediaType": e.media_type,
                    "size": e.size,
                    "digestMultibase": multibase_digest(bytes.fromhex(e.sha256)),
                }
                for e in r.evidence(tx, submission.id)
            ],
        },
        "rubric": {
            "id": version.rubric_id,
            "version": version.version,
            "digestMultibase": version.digest,
        },
        "scores": [
            {
                "criterion": c.id,
                "level": scored[c.id].level_id,
                "points": to_json_number(scored[c.id].points),
                "comment": lines[c.id].comment if c.id in lines else "",
            }
            for c in rubric.criteria
        ],
        "overallComment": evaluation.overall_comment,
        "total": str(to_json_number(result.total)),
        "maximum": str(to_json_number(result.maximum)),
        "percentage": str(result.percentage),
        "outcome": result.outcome.value,
        "band": result.band,
        "engineVersion": result.engine_version,
        "evaluation": evaluation.id,
    }


def _supersedes(tx: Tx, evaluation: m.Evaluation) -> dict[str, str] | None:
    if evaluation.supersedes_id is None:
        return None
    old = r.record_for_evaluation(tx, evaluation.supersedes_id)
    if old is None:
        raise DomainError("the evaluation this one corrects has no signed record")
    return {
        "id": old.id,
        "digestMultibase": old.digest,
        "reason": evaluation.supersede_reason or "",
    }


@operation(Operation.EVALUATION_FINALIZE)
def finalize(db: Database, submission_id: str, signer: Signer) -> Finalized:
    """Sign the signer's complete draft of the submission and store the record, its outbox
    item and audit event together. The evaluation never changes afterwards."""
    with db.write() as tx:
        evaluation = _draft(tx, submission_id, signer)
        check(
            signer.actor,
            Operation.EVALUATION_FINALIZE,
            owner=evaluation.assessor_id,
            state=State.DRAFT,
        )
        rubric = rubric_by_digest(tx, evaluation.rubric_version.digest)
        selections = {
            s.criterion_id: Selection(s.level_id, s.points)
            for s in evaluation.scores
            if s.level_id is not None
        }
        result = score(rubric, selections)
        if not result.complete:
            raise NotAllowed("cannot finalize: " + "; ".join(result.reasons))
        now = datetime.now(UTC)
        tail = r.chain_tail(tx, signer.did)
        seq, prev = (tail[0] + 1, tail[1]) if tail else (1, None)
        document: dict[str, Any] = {
            "@context": list(RECORD_CONTEXT),
            "id": f"urn:uuid:{uuid7()}",
            "type": ["VerifiableCredential", KIND],
            "issuer": {"id": signer.did, "name": signer.profile.name, "role": "assessor"},
            "validFrom": stamp(now),
            "credentialSubject": _subject(tx, evaluation, rubric, result),
            "relatedResource": [
                {
                    "id": f"urn:assessor:rubric:{rubric.id}@{evaluation.rubric_version.version}",
                    "digestMultibase": evaluation.rubric_version.digest,
                }
            ],
            "device": {"seq": seq, "prev": prev},
        }
        supersedes = _supersedes(tx, evaluation)
        if supersedes:
            document["supersedes"] = supersedes
        signed = signer.sign(document, stamp(now))
        problems = validate_record(signed)
        if problems:  # never chain a record the schema (and so the backend) would refuse
            first = problems[0]
            raise NotAllowed(
                f"cannot finalize: the record would be invalid at {first.location}: {first.message}"
            )
        digest = record_digest(signed)
        r.append_record(
            tx,
            id=signed["id"],
            kind=KIND,
            issuer=signer.did,
            seq=seq,
            prev=prev,
            digest=digest,
            body=canonicalize(signed),
            evaluation_id=evaluation.id,
            submission_id=submission_id,
        )
        evaluation.status = EvaluationStatus.FINALIZED.value
        evaluation.finalized_at = now
        evaluation.updated_at = now
        evaluation.total, evaluation.maximum = result.total, result.maximum
        evaluation.outcome, evaluation.band = result.outcome.value, result.band
        submission = r.submission(tx, submission_id)
        assert submission is not None
        submission.status = SubmissionStatus.FINALIZED.value
        tx.flush()
        append_event(
            tx,
            actor=signer.profile.id,
            action="evaluation.finalize",
            entity_type="evaluation",
            entity_id=evaluation.id,
            payload={"record": signed["id"], "digest": digest, "kind": KIND, "seq": seq},
        )
        return Finalized(
            signed["id"], digest, seq, evaluation.id, submission_id, result.outcome.value
        )


def correction_reason(reason: str) -> str:
    """The reason as stored, or DomainError: empty, or holding a control character (newlines
    and tabs are allowed). It is signed into the correcting record."""
    reason = require_plain(reason, "correction reason", multiline=True).strip()
    if not reason:
        raise DomainError("a correction needs a reason")
    return reason


@operation(Operation.EVALUATION_SUPERSEDE)
def start_correction(db: Database, submission_id: str, signer: Signer, reason: str) -> str:
    """A new draft that will supersede the signer's finalized evaluation of the submission,
    starting from its scores. The finalized one stays as it was, signed."""
    reason = correction_reason(reason)
    profile = signer.profile  # unlocked: only the person can reopen their signed work
    with db.write() as tx:
        if q.draft_for(tx, submission_id, profile.id) is not None:
            raise NotAllowed(
                f"a draft of {submission_id} by {profile.name} is already open; edit or finalize it"
            )
        old = q.finalized_by(tx, submission_id, profile.id)
        if old is None:
            if r.submission(tx, submission_id) is None:
                raise UnknownChoice("submission", submission_id, q.submission_ids(tx))
            raise DomainError(f"{profile.name} has no finalized evaluation of {submission_id}")
        state = State.SUPERSEDED if q.is_superseded(tx, old.id) else State.FINALIZED
        check(
            Actor(profile.id, profile.roles),
            Operation.EVALUATION_SUPERSEDE,
            owner=old.assessor_id,
            state=state,
        )
        now = datetime.now(UTC)
        new = m.Evaluation(
            id=uuid7(),
            submission_id=submission_id,
            assessor_id=profile.id,
            rubric_version_id=old.rubric_version_id,
            status=EvaluationStatus.DRAFT.value,
            overall_comment=old.overall_comment,
            engine_version=old.engine_version,
            created_at=now,
            updated_at=now,
            supersedes_id=old.id,
            supersede_reason=reason,
        )
        tx.add(new)
        tx.flush()
        for s in old.scores:
            tx.add(
                m.EvaluationScore(
                    evaluation_id=new.id,
                    criterion_id=s.criterion_id,
                    position=s.position,
                    level_id=s.level_id,
                    points=s.points,
                    comment=s.comment,
                )
            )
        submission = r.submission(tx, submission_id)
        assert submission is not None
        submission.status = SubmissionStatus.IN_PROGRESS.value
        tx.flush()
        append_event(
            tx,
            actor=profile.id,
            action="evaluation.correct",
            entity_type="evaluation",
            entity_id=new.id,
            payload={"supersedes": old.id, "reason": reason},
        )
        return new.id
