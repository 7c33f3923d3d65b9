"""What the sign-off review screen shows beside the score sheet: whether the assessment
record the manager is about to bind still verifies (bytes, digest, signature, signer)."""

from __future__ import annotations

from dataclasses import dataclass

from assessor.security.records import ProofInvalid, parse_record, record_digest, verify
from assessor.services.access import operation
from assessor.store import models as m
from assessor.store import records as r
from assessor.store.db import Database


@dataclass(frozen=True)
class RecordCheck:
    record_id: str
    digest: str
    signed_by: str  # the profile's name, or the issuer DID when it is not on this computer
    verified: bool
    problem: str  # why it does not verify ("" when it does)


@operation(None)
def check_record(db: Database, record_id: str) -> RecordCheck:
    """Check the stored assessment record `record_id` as sign-off will: its signature by
    its issuer's key, its digest, and that its issuer is the evaluation's assessor."""
    with db.read() as tx:
        stored = r.record_by_ref(tx, record_id)
        if stored is None:
            return RecordCheck(record_id, "", "", False, "the record is not in this data folder")
        evaluation = tx.get(m.Evaluation, stored.evaluation_id) if stored.evaluation_id else None
        assessor = tx.get(m.Profile, evaluation.assessor_id) if evaluation else None
        signed_by = assessor.name if assessor is not None else stored.issuer
        try:
            document = parse_record(stored.body)
            verify(document)
        except (ProofInvalid, ValueError) as exc:
            return RecordCheck(stored.id, stored.digest, signed_by, False, str(exc))
        if record_digest(document) != stored.digest:
            problem = "its bytes no longer match the digest stored with it"
        elif assessor is None or document["issuer"]["id"] != assessor.did:
            problem = "it was not signed by the evaluation's assessor"
        else:
            problem = ""
        return RecordCheck(stored.id, stored.digest, signed_by, not problem, problem)
