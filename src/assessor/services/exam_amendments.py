"""What the proctor console shows of a sealed session's amendments: each as its signed record
says it (text, signer, time), checked (signature, digest, and that it amends this session's
sealed record), never as the amendments table's copy says it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assessor.domain.subjects import session_uri
from assessor.security.records import ProofInvalid, parse_record, record_digest, verify
from assessor.services.access import operation
from assessor.services.exam_checks import session_head
from assessor.store import exam as s
from assessor.store import records as r
from assessor.store.db import Database


@dataclass(frozen=True)
class AmendmentView:
    record_id: str
    at: str  # the record's validFrom
    by: str  # the signer's name as signed
    text: str  # as signed
    problem: str  # why the record cannot be trusted ("" when it verifies)


def _signed(document: dict[str, Any], record_id: str, problem: str) -> AmendmentView:
    subject = document.get("credentialSubject", {})
    return AmendmentView(
        record_id,
        str(document.get("validFrom", "")),
        str(document.get("issuer", {}).get("name", "")),
        str(subject.get("text", "")),
        problem,
    )


def _check(stored: r.StoredRecord, session_id: str, sealed: r.StoredRecord | None) -> AmendmentView:
    try:
        document = parse_record(stored.body)
        verify(document)
    except (ProofInvalid, ValueError) as exc:
        return AmendmentView(stored.id, "", "", "", f"its signature does not verify ({exc})")
    subject = document.get("credentialSubject", {})
    amends = subject.get("amends", {})
    if record_digest(document) != stored.digest:
        problem = "its bytes no longer match the digest stored with it"
    elif subject.get("id") != session_uri(session_id):
        problem = "it amends another session"
    elif sealed is None or amends != {"id": sealed.id, "digestMultibase": sealed.digest}:
        problem = "it does not name this session's sealed record"
    else:
        problem = ""
    return _signed(document, stored.id, problem)


@operation(None)
def session_amendments(db: Database, session_id: str) -> list[AmendmentView]:
    """The amendments of `session_id`, oldest first, each read from its signed record."""
    with db.read() as tx:
        head = session_head(tx, session_id)
        rows = s.amendments(tx, head.id)
        if not rows:
            return []
        sealed = r.record_by_ref(tx, str(head.record_id)) if head.record_id else None
        found = []
        for row in rows:
            stored = r.record_by_ref(tx, row.record_id)
            if stored is None:
                found.append(
                    AmendmentView(row.record_id, row.created_at, "", "", "its record is missing")
                )
            else:
                found.append(_check(stored, head.id, sealed))
        return found
