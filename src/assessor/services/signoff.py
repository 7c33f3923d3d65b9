"""Sign-off: a manager approves a signed evaluation, or returns it to the assessor (for
rescoring) or to the learner (for resubmission) with a reason. The decision is a signed
ProjectSignOffRecord binding the assessment record by digest (`services/signing.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from assessor.domain.errors import DomainError, NotAllowed, UnknownChoice
from assessor.domain.ids import uuid7
from assessor.domain.policy import Operation, State
from assessor.domain.text import require_plain
from assessor.domain.workflow import EvaluationStatus, SubmissionStatus
from assessor.security.digests import decode_multibase_digest
from assessor.services.access import check, operation
from assessor.services.profiles import Signer
from assessor.services.queue import QueuePage
from assessor.services.signing import SignedRecord, sign_record
from assessor.services.signoff_review import record_problem
from assessor.store import models as m
from assessor.store import queries as q
from assessor.store import records as r
from assessor.store import signoffs as so
from assessor.store.db import Database, Tx
from assessor.store.errors import StoreError
from assessor.store.signoffs import STATES, SignOffFilter, SignOffRow

__all__ = [
    "MAX_REASON",
    "RETURN_TO",
    "STATES",
    "Decided",
    "SignOffFilter",
    "SignOffRow",
    "decide",
    "decision_for",
    "signoff_page",
    "signoff_queue",
    "signoff_reason",
    "to_json",
]

KIND = "ProjectSignOffRecord"
RETURN_TO = ("assessor", "learner")
MAX_REASON = 4000
# Where returned work goes: back to the assessor's queue, or waiting for the learner.
_RETURN_STATUS = {
    "assessor": SubmissionStatus.RETURNED,
    "learner": SubmissionStatus.RESUBMIT,
}


@dataclass(frozen=True)
class Decided:
    record_id: str
    digest: str
    seq: int
    submission_id: str
    evaluation_id: str
    decision: str  # approved | returned
    return_to: str | None


def to_json(row: SignOffRow) -> dict[str, object]:
    """The `signoff list --json` shape: submission, learner, assessment, assessor, record."""
    return {
        "submission": row.submission_id,
        "learner": row.learner,
        "assessment": row.assessment_id,
        "assessor": row.assessor,
        "record": row.record_id,
    }


@operation(None)
def signoff_queue(
    db: Database, f: SignOffFilter | None = None, *, limit: int = 200, offset: int = 0
) -> list[SignOffRow]:
    """A page of signed evaluations whose assessment requires sign-off (by default those
    with no decision yet), oldest signed first; learners of blind-marked assessments appear
    by anonymous code."""
    with db.read() as tx:
        return so.queue_page(tx, f or SignOffFilter(), limit=limit, offset=offset)


@operation(None)
def signoff_page(
    db: Database, f: SignOffFilter, _sort: object, offset: int, limit: int
) -> QueuePage[SignOffRow]:
    """`signoff_queue`'s rows `offset` to `offset + limit` (the queue has one order, so the
    sort is ignored); the first page also carries the counts per state and the total, read in
    the same snapshot."""
    with db.read() as tx:
        rows = so.queue_page(tx, f, limit=limit, offset=offset)
        if offset:
            return QueuePage(rows)
        counts = so.state_counts(tx, f)
    return QueuePage.first(rows, counts, f.state)


@operation(None)
def decision_for(db: Database, submission_id: str) -> so.Decision | None:
    """The newest sign-off decision on the submission: what a returned submission shows its
    assessor (or says while it awaits resubmission)."""
    with db.read() as tx:
        return so.latest_decision(tx, submission_id)


def signoff_reason(reason: str | None, *, returned: bool) -> str:
    """The reason as signed, or DomainError: a return needs one; none may hold a control
    character (newlines and tabs are allowed) or run past MAX_REASON characters."""
    text = require_plain(reason or "", "sign-off reason", multiline=True).strip()
    if returned and not text:
        raise DomainError("returning work needs a reason (--reason TEXT)")
    if len(text) > MAX_REASON:
        raise DomainError(f"the sign-off reason is longer than {MAX_REASON} characters")
    return text


def _target(tx: Tx, submission_id: str, record: str | None) -> m.Evaluation:
    """The evaluation decided on: the one `record` (id or digest) signs, else the submission's
    newest one (a correction in progress is a draft, and so refused)."""
    if r.submission(tx, submission_id) is None:
        raise UnknownChoice("submission", submission_id, q.submission_ids(tx))
    if record is not None:
        stored = r.record_by_ref(tx, record)
        if stored is None or stored.evaluation_id is None or stored.submission_id != submission_id:
            raise DomainError(f"no assessment record '{record}' of {submission_id}")
        found = r.evaluation(tx, stored.evaluation_id)
    else:
        found = so.newest_evaluation(tx, submission_id)
    if found is None:
        raise DomainError(f"{submission_id} has not been scored yet: nothing to sign off")
    return found


def _state(tx: Tx, evaluation: m.Evaluation) -> State:
    if evaluation.status == EvaluationStatus.DRAFT.value:
        return State.DRAFT
    return State.SUPERSEDED if q.is_superseded(tx, evaluation.id) else State.FINALIZED


def _assessment_record(tx: Tx, evaluation: m.Evaluation) -> tuple[r.StoredRecord, dict[str, Any]]:
    """The evaluation's signed record, checked as the review screen checks it
    (`signoff_review.record_problem`)."""
    stored = r.record_for_evaluation(tx, evaluation.id)
    if stored is None:
        raise NotAllowed("the evaluation has no signed record; nothing was signed")
    document, _, problem = record_problem(tx, stored)
    if problem or document is None:
        raise NotAllowed(
            f"the assessment record {stored.id} does not verify ({problem}); nothing was signed"
        )
    return stored, document


def _check_evidence(db: Database, tx: Tx, submission_id: str, document: dict[str, Any]) -> None:
    """Every evidence file must still be the one the assessment record names by digest, on
    disk and in the rows the review screen shows."""
    signed = document["credentialSubject"]["submission"]["artifacts"]
    rows = {e.name: e for e in r.evidence(tx, submission_id)}
    for a in signed:
        name, size = a["name"], a["size"]
        sha256 = decode_multibase_digest(a["digestMultibase"]).hex()
        row = rows.pop(name, None)
        problem: str | None
        if row is None or (row.sha256, row.size) != (sha256, size):
            problem = "the submission's file differs from the one signed"
        else:
            try:
                problem = db.blobs.problem(sha256, size)
            except StoreError as exc:
                problem = exc.message
        if problem is not None:
            raise NotAllowed(
                f"cannot sign off {submission_id}: its evidence file '{name}' no longer matches "
                f"the digest in the assessment record ({problem}; {db.blobs.path_of(sha256)}); "
                "nothing was signed"
            )
    for extra in rows:
        raise NotAllowed(
            f"cannot sign off {submission_id}: its evidence file '{extra}' is not in the "
            "assessment record; nothing was signed"
        )


@operation(Operation.SIGNOFF_DECIDE)
def decide(
    db: Database,
    submission_id: str,
    signer: Signer,
    *,
    approve: bool,
    return_to: str | None = None,
    reason: str | None = None,
    record: str | None = None,
) -> Decided:
    """Approve the submission's signed evaluation, or return it (`return_to` "assessor" for
    rescoring, "learner" for resubmission) with a required reason, as a signed
    ProjectSignOffRecord binding the assessment record by digest. `record` (id or digest) is
    the assessment record the manager reviewed; None takes the submission's newest evaluation.

    Refused (nothing written) unless the signer is a manager, the evaluation is someone
    else's, finalized and not superseded, its assessment requires sign-off, it has no decision
    yet, its record verifies, and every evidence file still matches the record's digests."""
    if approve == (return_to is not None):
        raise DomainError("give either an approval or a return (to the assessor or learner)")
    if return_to is not None and return_to not in RETURN_TO:
        raise UnknownChoice("return to", return_to, RETURN_TO)
    text = signoff_reason(reason, returned=not approve)
    with db.write() as tx:
        evaluation = _target(tx, submission_id, record)
        check(
            signer.actor,
            Operation.SIGNOFF_DECIDE,
            owner=evaluation.assessor_id,
            state=_state(tx, evaluation),
        )
        submission = r.submission(tx, submission_id)
        assert submission is not None
        if not submission.assessment.signoff_required:
            raise NotAllowed(f"{submission.assessment.title} does not require sign-off")
        earlier = so.decision_on(tx, evaluation.id)
        if earlier is not None:
            raise NotAllowed(
                f"{submission_id} is already decided: {earlier.decision} by {earlier.manager}"
            )
        stored, document = _assessment_record(tx, evaluation)
        _check_evidence(db, tx, submission_id, document)
        decision = "approved" if approve else "returned"
        subject: dict[str, Any] = {
            "id": document["credentialSubject"]["id"],
            # From the verified document (its digest is checked equal to the stored one):
            # what is signed names the record as it was signed, not as a row says it was.
            "assessmentRecord": {
                "id": document["id"],
                "digestMultibase": stored.digest,
                "issuer": document["issuer"]["id"],
            },
            "decision": decision,
            "comment": text,
        }
        if return_to is not None:
            subject["returnTo"] = return_to
        now = datetime.now(UTC)
        submission.status = (
            SubmissionStatus.SIGNED_OFF if approve else _RETURN_STATUS[str(return_to)]
        ).value
        tx.flush()

        def link(made: SignedRecord) -> None:
            tx.add(
                m.SignOff(
                    id=uuid7(),
                    submission_id=submission_id,
                    evaluation_id=evaluation.id,
                    record_id=made.id,
                    manager_id=signer.profile.id,
                    decision=decision,
                    return_to=return_to,
                    reason=text,
                    decided_at=now,
                )
            )
            tx.flush()

        made = sign_record(
            tx,
            signer,
            KIND,
            subject,
            action="signoff.decide",
            entity=("evaluation", evaluation.id),
            submission_id=submission_id,
            payload={"decision": decision, "returnTo": return_to, "reason": text},
            link=link,
            now=now,
            what="sign off",
        )
        return Decided(
            made.id, made.digest, made.seq, submission_id, evaluation.id, decision, return_to
        )
