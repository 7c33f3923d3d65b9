"""Making a signed record inside the caller's transaction: the same steps finalize takes
(the key's chain tail for seq/prev, sign, validate against the kind's schema, store the
record and its outbox item). The caller appends the audit event naming the record.

Interim: the shared signing service (services/signing.py) replaces this when it lands.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from assessor.domain.errors import NotAllowed
from assessor.domain.ids import uuid7
from assessor.security.canonical import canonicalize
from assessor.security.records import RECORD_CONTEXT, record_digest, validate_record
from assessor.services.access import operation
from assessor.services.finalize import stamp
from assessor.services.profiles import Signer
from assessor.store import records as r
from assessor.store.db import Tx


@dataclass(frozen=True)
class SignedRecord:
    id: str
    digest: str
    seq: int
    document: dict[str, Any]


@operation(None)  # a step of the caller's operation, which the caller checked
def sign_and_store(
    tx: Tx,
    signer: Signer,
    *,
    kind: str,
    role: str,
    subject: dict[str, Any],
    at: datetime,
    what: str,
    extra: dict[str, Any] | None = None,
) -> SignedRecord:
    """Sign `subject` as a `kind` record by `signer` in `role` and store it; NotAllowed
    (nothing stored) when the record would not pass its schema. `what` names the act in
    that message ("seal", "amend")."""
    tail = r.chain_tail(tx, signer.did)
    seq, prev = (tail[0] + 1, tail[1]) if tail else (1, None)
    document: dict[str, Any] = {
        "@context": list(RECORD_CONTEXT),
        "id": f"urn:uuid:{uuid7()}",
        "type": ["VerifiableCredential", kind],
        "issuer": {"id": signer.did, "name": signer.profile.name, "role": role},
        "validFrom": stamp(at),
        "credentialSubject": subject,
        "device": {"seq": seq, "prev": prev},
        **(extra or {}),
    }
    signed = signer.sign(document, stamp(at))
    problems = validate_record(signed)
    if problems:  # never chain a record the schema (and so the backend) would refuse
        first = problems[0]
        raise NotAllowed(
            f"cannot {what}: the record would be invalid at {first.location}: {first.message}"
        )
    digest = record_digest(signed)
    r.append_record(
        tx,
        id=signed["id"],
        kind=kind,
        issuer=signer.did,
        seq=seq,
        prev=prev,
        digest=digest,
        body=canonicalize(signed),
    )
    return SignedRecord(signed["id"], digest, seq, signed)
