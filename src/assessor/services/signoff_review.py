"""What the sign-off review screen shows beside the score sheet: whether the assessment
record the manager is about to bind still verifies (bytes, digest, signature, signer)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assessor.security.records import ProofInvalid, parse_record, record_digest, verify
from assessor.services.access import operation
from assessor.store import models as m
from assessor.store import records as r
from assessor.store.db import Database, Tx


@dataclass(frozen=True)
class RecordCheck:
    record_id: str
    digest: str
    signed_by: str  # the profile's name, or the issuer DID when it is not on this computer
    verified: bool
    problem: str  # why it does not verify ("" when it does)


@operation(None)  # a read inside the caller's transaction
def record_problem(
    tx: Tx, stored: r.StoredRecord
) -> tuple[dict[str, Any] | None, m.Profile | None, str]:
    """The stored assessment record checked as sign-off binds it: its signature by its
    issuer's key, its digest, and that its issuer is the evaluation's assessor. Returns the
    parsed document (None if it does not parse or verify), the evaluation's assessor, and why
    it fails ("" when it does not). `signoff.decide` refuses what this refuses."""
    evaluation = tx.get(m.Evaluation, stored.evaluation_id) if stored.evaluation_id else None
    assessor = tx.get(m.Profile, evaluation.assessor_id) if evaluation else None
    try:
        document = parse_record(stored.body)
        verify(document)
    except (ProofInvalid, ValueError) as exc:
        return None, assessor, str(exc)
    if record_digest(document) != stored.digest:
        return document, assessor, "its bytes no longer match the digest stored with it"
    if assessor is None or document["issuer"]["id"] != assessor.did:
        return document, assessor, "it was not signed by the evaluation's assessor"
    return document, assessor, ""


@operation(None)
def check_record(db: Database, record_id: str) -> RecordCheck:
    """Check the stored assessment record `record_id` as sign-off will (`record_problem`)."""
    with db.read() as tx:
        stored = r.record_by_ref(tx, record_id)
        if stored is None:
            return RecordCheck(record_id, "", "", False, "the record is not in this data folder")
        _, assessor, problem = record_problem(tx, stored)
        signed_by = assessor.name if assessor is not None else stored.issuer
        return RecordCheck(stored.id, stored.digest, signed_by, not problem, problem)
