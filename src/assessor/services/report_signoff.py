"""What the sign-off record report prints: the manager's decision as signed, with the score
sheet of the assessment record it binds.

Both records are checked now (`check_record_bytes`: schema, proof, signer's key and role, the
roster of this folder). The decision, the return and the reason printed are the signed ones,
not the `signoffs` row's; a row that says otherwise, or a sign-off that binds another digest
than the stored assessment record's, is printed as a problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from assessor.domain.errors import DomainError, UnknownChoice
from assessor.services.access import operation
from assessor.services.records import local_roster
from assessor.services.report_data import (
    ScoreSheetData,
    Signature,
    checked_record,
    score_sheet_of_record,
    verification_url,
)
from assessor.store import models as m
from assessor.store import queries as q
from assessor.store import records as r
from assessor.store import signoffs as so
from assessor.store.db import Database

DECISION_WORDS = {
    ("approved", None): "Approved",
    ("returned", "assessor"): "Returned to the assessor for rescoring",
    ("returned", "learner"): "Returned to the learner for resubmission",
}


@dataclass(frozen=True)
class SignOffReportData:
    sheet: ScoreSheetData  # the assessment record the decision binds, checked now
    decision: str  # approved | returned (as signed)
    return_to: str | None  # assessor | learner when returned
    reason: str
    manager_name: str
    manager_did: str | None
    decided_at: datetime | None  # the sign-off record's validFrom
    signature: Signature  # the sign-off record's
    record_id: str
    record_digest: str | None  # recomputed from the stored bytes
    verification_url: str | None = None
    problems: tuple[str, ...] = ()

    @property
    def decision_words(self) -> str:
        found = DECISION_WORDS.get((self.decision, self.return_to))
        return found or f"{self.decision} {self.return_to or ''}".strip()

    @property
    def verified(self) -> bool:
        return (
            self.signature.state == "verified"
            and self.sheet.signature.state == "verified"
            and not self.problems
            and not self.sheet.problems
        )


@operation(None)
def signoff_report_data(db: Database, submission_id: str) -> SignOffReportData:
    """The submission's newest sign-off decision, from its signed record, with the score
    sheet of the assessment record it binds. DomainError when nobody has decided yet."""
    roster = local_roster(db)
    with db.read() as tx:
        if r.submission(tx, submission_id) is None:
            raise UnknownChoice("submission", submission_id, q.submission_ids(tx))
        row = so.latest_decision(tx, submission_id)
        if row is None:
            raise DomainError(
                f"{submission_id} has no sign-off decision yet: there is no sign-off record "
                "to print (`assessor signoff list` shows what awaits one)"
            )
        stored = r.record_by_ref(tx, row.record_id)
        if stored is None:
            raise DomainError(f"the sign-off record {row.record_id} is missing; run verify")
        document, signature, digest = checked_record(stored.body, roster, "sign-off record")
        problems: list[str] = []
        if digest is not None and digest != stored.digest:
            problems.append("the digest stored beside the sign-off record is not its digest")
        subject = (document or {}).get("credentialSubject", {})
        bound = subject.get("assessmentRecord", {})
        assessment = r.record_by_ref(tx, str(bound.get("id") or _row_target(tx, row)))
        if assessment is None:
            raise DomainError(
                f"the assessment record that sign-off record {stored.id} binds is not in this "
                "data folder; run verify"
            )
        sheet = score_sheet_of_record(tx, assessment, roster)
        if bound and bound.get("digestMultibase") != sheet.record_digest:
            problems.append(
                f"the sign-off binds an assessment record with the digest "
                f"{bound.get('digestMultibase')}, but the stored one's is {sheet.record_digest}"
            )
        decision = str(subject.get("decision", row.decision))
        return_to = subject.get("returnTo", row.return_to if document is None else None)
        reason = str(subject.get("comment", row.reason))
        if document is not None and (row.decision, row.return_to, row.reason) != (
            decision,
            return_to,
            reason,
        ):
            problems.append("the decision stored on this computer differs from the signed one")
        issuer = (document or {}).get("issuer", {})
        valid_from = (document or {}).get("validFrom")
        return SignOffReportData(
            sheet=sheet,
            decision=decision,
            return_to=None if return_to is None else str(return_to),
            reason=reason,
            manager_name=signature.signer_name or str(issuer.get("name", row.manager)),
            manager_did=signature.signer_did or issuer.get("id"),
            decided_at=datetime.fromisoformat(str(valid_from).replace("Z", "+00:00"))
            if valid_from
            else row.decided_at,
            signature=signature,
            record_id=stored.id,
            record_digest=digest,
            verification_url=verification_url(tx, stored.id, assessment.id),
            problems=tuple(problems),
        )


def _row_target(tx: Any, row: so.Decision) -> str:
    """The assessment record of the decided evaluation, when the sign-off record is unreadable."""
    decided = tx.query(m.SignOff).filter_by(record_id=row.record_id).first()
    target = r.record_for_evaluation(tx, decided.evaluation_id) if decided else None
    return target.id if target else ""
