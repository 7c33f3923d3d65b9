"""The one way to make a signed record, in the caller's write transaction.

    with db.write() as tx:
        ...  # load the subject, check the policy, change the rows the record vouches for
        made = sign_record(
            tx, signer, "ProjectSignOffRecord", subject,
            action="signoff.decide", entity=("submission", submission_id),
            submission_id=submission_id,
        )

`sign_record` takes the signer's chain tail (`device.seq`/`prev` for their key), builds the
envelope (`@context`, `id`, `type`, `issuer` with the signer's role for this kind,
`validFrom`, `credentialSubject`, `relatedResource`, `device`, and `supersedes` when given),
signs it (eddsa-jcs-2022), refuses it if its kind's JSON Schema would, and stores the record,
its outbox item and an audit event naming it (`{record, digest, kind, seq}` plus `payload`).
All of that is in the caller's transaction: if the caller raises afterwards, nothing of it is
kept. It never checks the policy for the act; the caller does, with the subject's owner and
state, before calling.

Call it last in the transaction: its audit event carries every row the transaction wrote so
far (store/capture.py), under the signer as actor. Rows written after it would go into a
`store.write` event by `system`, which `verify` refuses for an evaluation's rows.

`action` must be in `RECORD_ACTIONS`: `verify` takes the records, in order, from exactly those
events. A new kind of record registers its action here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from assessor.domain.errors import NotAllowed
from assessor.domain.ids import uuid7
from assessor.security.canonical import canonicalize
from assessor.security.record_schemas import RECORD_SCHEMAS
from assessor.security.records import RECORD_CONTEXT, record_digest, validate_record
from assessor.services.access import operation
from assessor.services.profiles import Signer
from assessor.store import records as r
from assessor.store.audit import append_event
from assessor.store.db import Tx

# The role a record's issuer must hold to make it (and that the record says they signed as).
ROLE_FOR_KIND = {
    "ArtifactAssessmentRecord": "assessor",
    "ProjectSignOffRecord": "manager",
    "ExamSessionRecord": "proctor",
    "ExamSessionAmendmentRecord": "manager",
}
# Audit actions whose events name a record; `verify` reads records from these alone.
RECORD_ACTIONS = frozenset(
    {
        "evaluation.finalize",  # ArtifactAssessmentRecord, a correction's too
        "signoff.decide",  # ProjectSignOffRecord
        "exam.seal",  # ExamSessionRecord
        "exam.amend",  # ExamSessionAmendmentRecord: a manager's, linked to a sealed one
    }
)


@dataclass(frozen=True)
class SignedRecord:
    """What `sign_record` stored: the record's id, kind, digest (`uEi…` of its JCS bytes),
    the key's seq, and the signed document itself (read it, never change it)."""

    id: str
    kind: str
    digest: str
    seq: int
    document: Mapping[str, Any]


def stamp(moment: datetime) -> str:
    """A record's time: UTC to the second, 'Z'."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@operation(None)  # a step of its caller, which checks the act (finalize, sign-off, seal)
def sign_record(
    tx: Tx,
    signer: Signer,
    kind: str,
    subject: Mapping[str, Any],
    *,
    action: str,
    entity: tuple[str, str],
    related: Sequence[Mapping[str, Any]] = (),
    supersedes: Mapping[str, Any] | None = None,
    evaluation_id: str | None = None,
    submission_id: str | None = None,
    payload: Mapping[str, Any] | None = None,
    link: Callable[[SignedRecord], None] | None = None,
    now: datetime | None = None,
    what: str = "sign",
) -> SignedRecord:
    """Sign `subject` as a `kind` record by `signer`, store it with its outbox item and an
    `action` audit event on `entity` (type, id), all in `tx`; return what was stored.

    - The issuer's role is the one that makes `kind` (`ROLE_FOR_KIND`); NotAllowed unless
      the signer holds it.
    - `related` becomes `relatedResource` (left out when empty); `supersedes` is copied in
      as it is.
    - `evaluation_id` / `submission_id` fill the record row's columns of the same names.
    - `payload` adds fields to the audit event (never `record`, `digest`, `kind`, `seq`).
    - `link(made)` is called once the record is stored and before its audit event: for rows
      that name the record (a sign-off's row, a sealed session's record id), so the event
      carries them too.
    - NotAllowed, with the first problem's place, if the schema refuses the record: nothing
      is chained that a reader (or the backend) would refuse. `what` starts that message
      ("cannot finalize: …").
    """
    if kind not in RECORD_SCHEMAS:
        raise ValueError(f"no record kind {kind!r}")
    if action not in RECORD_ACTIONS:
        raise ValueError(f"{action!r} is not in RECORD_ACTIONS; verify would not find it")
    role = ROLE_FOR_KIND[kind]
    if role not in signer.profile.roles:
        raise NotAllowed(
            f"cannot {what}: a {kind} is signed by a {role}, and {signer.profile.name} "
            f"does not hold that role"
        )
    moment = now or datetime.now(UTC)
    tail = r.chain_tail(tx, signer.did)
    seq, prev = (tail[0] + 1, tail[1]) if tail else (1, None)
    document: dict[str, Any] = {
        "@context": list(RECORD_CONTEXT),
        "id": f"urn:uuid:{uuid7()}",
        "type": ["VerifiableCredential", kind],
        "issuer": {"id": signer.did, "name": signer.profile.name, "role": role},
        "validFrom": stamp(moment),
        "credentialSubject": dict(subject),
        "device": {"seq": seq, "prev": prev},
    }
    if related:
        document["relatedResource"] = [dict(x) for x in related]
    if supersedes is not None:
        document["supersedes"] = dict(supersedes)
    signed = signer.sign(document, stamp(moment))
    problems = validate_record(signed)
    if problems:
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
        evaluation_id=evaluation_id,
        submission_id=submission_id,
    )
    made = SignedRecord(signed["id"], kind, digest, seq, signed)
    if link is not None:
        link(made)
    named = {"record": signed["id"], "digest": digest, "kind": kind, "seq": seq}
    extra = dict(payload or {})
    if set(extra) & set(named):
        raise ValueError("payload may not replace the fields that name the record")
    tx.flush()
    append_event(
        tx,
        actor=signer.profile.id,
        action=action,
        entity_type=entity[0],
        entity_id=entity[1],
        payload={**named, **extra},
    )
    return made
