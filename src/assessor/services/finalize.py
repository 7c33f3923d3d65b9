"""Finalize: a complete draft becomes a signed ArtifactAssessmentRecord (through
`services/signing.sign_record`), stored with its outbox item and audit event in one
transaction. Corrections supersede, never rewrite."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from assessor.domain.errors import DomainError, NotAllowed, UnknownChoice
from assessor.domain.ids import uuid7
from assessor.domain.numbers import to_json_number
from assessor.domain.policy import Operation, State
from assessor.domain.rubric import Rubric
from assessor.domain.scoring import ScoreResult, Selection, score
from assessor.domain.subjects import learner_uri
from assessor.domain.text import require_plain
from assessor.domain.workflow import EvaluationStatus, SubmissionStatus
from assessor.security.digests import multibase_digest
from assessor.services.access import Actor, check, operation
from assessor.services.profiles import Signer
from assessor.services.rubrics import rubric_by_digest
from assessor.services.signing import sign_record, stamp
from assessor.store import models as m
from assessor.store import queries as q
from assessor.store import records as r
from assessor.store.audit import append_event
from assessor.store.db import Database, Tx
from assessor.store.errors import StoreError

KIND = "ArtifactAssessmentRecord"
# A score sheet as a screen shows it: per criterion (level, points, comment), and the overall
# comment. A criterion with no level is (None, None, comment).
Sheet = tuple[Mapping[str, tuple[str | None, Decimal | None, str]], str]


@dataclass(frozen=True)
class Finalized:
    record_id: str
    digest: str
    seq: int
    evaluation_id: str
    submission_id: str
    outcome: str


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


def _check_evidence(db: Database, tx: Tx, submission_id: str) -> None:
    """A record vouches for the evidence by digest: sign only what is intact on disk."""
    for e in r.evidence(tx, submission_id):
        try:
            problem = db.blobs.problem(e.sha256, e.size)
        except StoreError as exc:
            problem = exc.message
        if problem is not None:
            raise NotAllowed(
                f"cannot finalize {submission_id}: its evidence file '{e.name}' is not as it "
                f"was imported ({problem}; {db.blobs.path_of(e.sha256)}); nothing was signed"
            )


def saved_sheet(evaluation: m.Evaluation, rubric: Rubric) -> Sheet:
    """The draft as saved, in the shape a screen shows it (see `Sheet`)."""
    lines = {s.criterion_id: s for s in evaluation.scores}
    criteria: dict[str, tuple[str | None, Decimal | None, str]] = {}
    for c in rubric.criteria:
        line = lines.get(c.id)
        level = line.level_id if line is not None and line.level_id else None
        points = line.points if line is not None and level is not None else None
        criteria[c.id] = (level, points, line.comment if line is not None else "")
    return criteria, evaluation.overall_comment


@operation(Operation.EVALUATION_FINALIZE)
def finalize(
    db: Database, submission_id: str, signer: Signer, expected: Sheet | None = None
) -> Finalized:
    """Sign the signer's complete draft of the submission and store the record, its outbox
    item and audit event together. The evaluation never changes afterwards.

    `expected` is what the screen showed (`Sheet`): the saved draft is compared with it in
    the same write transaction as the signing, and if they differ nothing is signed or
    written (a save that failed, or one made elsewhere, must not let something else be
    signed). The command line passes None: it signs the draft as saved, which it showed."""
    with db.write() as tx:
        evaluation = _draft(tx, submission_id, signer)
        check(
            signer.actor,
            Operation.EVALUATION_FINALIZE,
            owner=evaluation.assessor_id,
            state=State.DRAFT,
        )
        rubric = rubric_by_digest(tx, evaluation.rubric_version.digest)
        if expected is not None and not _same_sheet(saved_sheet(evaluation, rubric), expected):
            raise NotAllowed(
                "what is saved differs from what the screen shows, so nothing was signed;"
                " check the scores and try again"
            )
        selections = {
            s.criterion_id: Selection(s.level_id, s.points)
            for s in evaluation.scores
            if s.level_id is not None
        }
        result = score(rubric, selections)
        if not result.complete:
            raise NotAllowed("cannot finalize: " + "; ".join(result.reasons))
        _check_evidence(db, tx, submission_id)
        now = datetime.now(UTC)
        subject = _subject(tx, evaluation, rubric, result)
        supersedes = _supersedes(tx, evaluation)
        # The rows first: the record's audit event carries every row written before it.
        evaluation.status = EvaluationStatus.FINALIZED.value
        evaluation.finalized_at = now
        evaluation.updated_at = now
        evaluation.total, evaluation.maximum = result.total, result.maximum
        evaluation.outcome, evaluation.band = result.outcome.value, result.band
        submission = r.submission(tx, submission_id)
        assert submission is not None
        submission.status = SubmissionStatus.FINALIZED.value
        tx.flush()
        made = sign_record(
            tx,
            signer,
            KIND,
            subject,
            action="evaluation.finalize",
            entity=("evaluation", evaluation.id),
            related=[
                {
                    "id": f"urn:assessor:rubric:{rubric.id}@{evaluation.rubric_version.version}",
                    "digestMultibase": evaluation.rubric_version.digest,
                }
            ],
            supersedes=supersedes,
            evaluation_id=evaluation.id,
            submission_id=submission_id,
            now=now,
            what="finalize",
        )
        return Finalized(
            made.id, made.digest, made.seq, evaluation.id, submission_id, result.outcome.value
        )


def _same_sheet(saved: Sheet, expected: Sheet) -> bool:
    return (dict(saved[0]), saved[1]) == (dict(expected[0]), expected[1])


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
