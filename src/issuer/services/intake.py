"""Receiving signed records: one batch, one answer per record, each record in its own
transaction (accepted whole, with whatever it earns, or not at all).

Order of the checks, and why:
1. Shape and signature, outside any transaction (CPU only): the schema of its kind, strict
   numbers and keys, the eddsa-jcs-2022 proof, issuer = signing key.
2. The key: enrolled, not revoked, the sending device's own. Until here nothing is stored.
3. Same id already here: duplicate (same digest; the stored answer is repeated) or conflict.
4. The key's chain (seq/prev): a gap is deferred; a fork is held for review (conflict).
5. Time, role, assignment, rubric, score, evidence (record_checks). A refusal of an authentic
   record is stored as `rejected` so the chain goes on and a resend gets the same answer;
   what may become true later (evidence, a sign-off's assessment) is deferred, not stored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from assessor.domain.errors import DomainError
from assessor.security.canonical import MAX_SAFE_INTEGER, canonicalize, is_plain
from assessor.security.records import (
    ProofInvalid,
    record_digest,
    record_kind,
    validate_record,
    verify,
)
from assessor.sync.protocol import AnswerState, ItemAnswer, Limits, Reason
from issuer.services import awards
from issuer.services.people import Caller
from issuer.services.record_checks import CHECKS, Facts, Refused, Signer, check_time_and_role
from issuer.store import models as m
from issuer.store.db import Database

_ATTEMPTS = 4  # a unique-key race with another worker is settled by looking again


class DuplicateKeys(dict[str, Any]):
    """A JSON object in which some key appeared twice (the last one kept)."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    return DuplicateKeys(pairs) if len(set(keys)) != len(keys) else dict(pairs)


def _constant(name: str) -> Decimal:
    return Decimal(name.replace("Infinity", "Inf"))


def loads_batch(body: bytes) -> Any:
    """The request body, read leniently so that one bad record gets its own answer:
    duplicate keys and non-integer numbers are marked here and refused per record."""
    return json.loads(body, object_pairs_hook=_pairs, parse_float=Decimal, parse_constant=_constant)


def _strictness_problem(value: Any, at: str = "") -> tuple[str, str] | None:
    if isinstance(value, DuplicateKeys):
        return at or "/", "an object has the same key twice"
    if isinstance(value, Decimal):
        return at or "/", "numbers must be integers or decimal strings, never floats"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_SAFE_INTEGER:
        return at or "/", "integer outside ±(2^53-1)"
    items: Any = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        token = str(key).replace("~", "~0").replace("/", "~1")
        found = _strictness_problem(item, f"{at}/{token}")
        if found:
            return found
    return None


@dataclass(frozen=True)
class Authentic:
    """A record whose shape and signature are good."""

    doc: dict[str, Any]
    kind: str
    record_id: str
    digest: str
    did: str
    seq: int
    prev: str | None
    valid_from: datetime
    body: str


def _answer(
    index: int,
    state: AnswerState,
    rec: Authentic | None = None,
    reason: Reason | None = None,
    message: str | None = None,
    location: str | None = None,
    *,
    record_id: str | None = None,
) -> ItemAnswer:
    return ItemAnswer(
        index,
        state,
        rec.record_id if rec else record_id,
        rec.digest if rec else None,
        reason,
        message,
        location,
    )


def precheck(index: int, item: object, limits: Limits) -> Authentic | ItemAnswer:
    """Shape and signature (no database)."""
    bad = AnswerState.REJECTED
    if not isinstance(item, dict):
        return _answer(index, bad, None, Reason.MALFORMED, "a record is a JSON object", "")
    raw_id = item.get("id")
    rid = raw_id if isinstance(raw_id, str) and len(raw_id) < 100 else None
    strict = None if is_plain(item) else _strictness_problem(item)  # plain: the usual case
    if strict:
        return _answer(index, bad, None, Reason.MALFORMED, strict[1], strict[0], record_id=rid)
    body = canonicalize(item)
    if len(body) > limits.max_record_bytes:
        message = f"{len(body)} bytes; a record is at most {limits.max_record_bytes}"
        return _answer(index, bad, None, Reason.TOO_LARGE, message, "", record_id=rid)
    problems = validate_record(item)
    if problems:
        first = problems[0]
        return _answer(
            index, bad, None, Reason.MALFORMED, first.message, first.location, record_id=rid
        )
    try:
        proof = verify(item)
    except ProofInvalid as exc:
        return _answer(
            index, bad, None, Reason.PROOF_INVALID, exc.message, exc.location, record_id=rid
        )
    did = proof.verification_method.split("#", 1)[0]
    if item["issuer"]["id"] != did:
        return _answer(
            index,
            bad,
            None,
            Reason.ISSUER_MISMATCH,
            "issuer.id is not the signing key",
            "/issuer/id",
            record_id=rid,
        )
    kind = record_kind(item)
    assert kind is not None  # the schema matched one
    return Authentic(
        doc=item,
        kind=kind,
        record_id=item["id"],
        digest=record_digest(item),
        did=did,
        seq=item["device"]["seq"],
        prev=item["device"]["prev"],
        valid_from=datetime.fromisoformat(item["validFrom"].replace("Z", "+00:00")).astimezone(UTC),
        body=body.decode("utf-8"),
    )


@dataclass(frozen=True)
class Context:
    """What deciding needs beyond the database: the issuing machinery (awards.Issuer)."""

    issuer: awards.Issuer
    limits: Limits


def receive_batch(
    db: Database, ctx: Context, caller: Caller, items: list[Authentic | ItemAnswer]
) -> list[ItemAnswer]:
    """One answer per prechecked item, in order; items are decided one after the other, so a
    key's records in one batch continue its chain."""
    answers = []
    for index, checked in enumerate(items):
        if isinstance(checked, ItemAnswer):
            answers.append(checked)
            continue
        answers.append(_decide_with_retries(db, ctx, caller, index, checked))
    awards.settle_pending(db, ctx.issuer)
    return answers


def _decide_with_retries(
    db: Database, ctx: Context, caller: Caller, index: int, rec: Authentic
) -> ItemAnswer:
    for attempt in range(_ATTEMPTS):
        try:
            with db.write() as session:
                return decide(session, ctx, caller, index, rec)
        except IntegrityError:
            # Another worker stored the same record, chain position or credential between
            # our read and our write: look again, and the answer follows from what it stored.
            if attempt == _ATTEMPTS - 1:
                raise
        except DBAPIError as exc:
            if not _retryable(exc) or attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _retryable(exc: DBAPIError) -> bool:
    code = getattr(exc.orig, "sqlstate", None)
    return code in ("40001", "40P01")  # serialization failure, deadlock (PostgreSQL)


def decide(
    session: Session, ctx: Context, caller: Caller, index: int, rec: Authentic
) -> ItemAnswer:
    found = session.execute(
        select(m.Device.id, m.Device.person_id, m.Device.enrolled_at, m.Device.revoked_at).where(
            m.Device.did == rec.did
        )
    ).first()
    if found is None:
        return _answer(
            index,
            AnswerState.REJECTED,
            rec,
            Reason.KEY_UNKNOWN,
            "the signing key is not enrolled here",
            "/proof/verificationMethod",
        )
    device = Signer(found.id, found.person_id, found.enrolled_at)
    if found.revoked_at is not None:
        return _answer(
            index,
            AnswerState.REJECTED,
            rec,
            Reason.KEY_REVOKED,
            "the signing key was revoked",
            "/proof/verificationMethod",
        )
    if device.id != caller.device_id:
        return _answer(
            index,
            AnswerState.REJECTED,
            rec,
            Reason.KEY_NOT_DEVICE,
            "a device sends only records signed with its own key",
            "/proof/verificationMethod",
        )
    stored = session.execute(
        select(m.Record.digest, m.Record.state, m.Record.reason, m.Record.message).where(
            m.Record.record_id == rec.record_id
        )
    ).first()
    if stored is not None:
        return _repeat(index, rec, stored)
    chain = _chain(session, rec)
    if chain is not None:
        if chain.state is AnswerState.CONFLICT:
            _store(session, rec, device, "held", None, chain.reason, chain.message)
        return chain._replace_index(index)
    now = datetime.now(UTC)
    try:
        check_time_and_role(session, rec.doc, rec.kind, device, rec.valid_from, now)
        facts = CHECKS[rec.kind](session, rec.doc, device)
    except Refused as refused:
        if refused.later:
            return _answer(
                index, AnswerState.DEFERRED, rec, refused.reason, refused.message, refused.location
            )
        _store(session, rec, device, "rejected", rec.seq, refused.reason, refused.message)
        return _answer(
            index, AnswerState.REJECTED, rec, refused.reason, refused.message, refused.location
        )
    stored_id = _store(session, rec, device, "accepted", rec.seq, None, None, facts)
    if facts.outcome in ("pass", "approved") or facts.supersedes:  # it may earn or undo
        row = session.get(m.Record, stored_id)
        assert row is not None
        awards.after_accept(session, ctx.issuer, row, facts, now)
    return _answer(index, AnswerState.ACCEPTED, rec)


def _repeat(index: int, rec: Authentic, stored: Any) -> ItemAnswer:
    if stored.digest != rec.digest:
        return _answer(
            index,
            AnswerState.CONFLICT,
            rec,
            Reason.ID_CONFLICT,
            "another record with this id is stored here",
            "/id",
        )
    if stored.state == "accepted":
        return _answer(index, AnswerState.DUPLICATE, rec)
    reason = Reason(stored.reason) if stored.reason else Reason.MALFORMED
    state = AnswerState.CONFLICT if stored.state == "held" else AnswerState.REJECTED
    return _answer(index, state, rec, reason, stored.message)


class _ChainAnswer:
    def __init__(self, state: AnswerState, rec: Authentic, reason: Reason, message: str) -> None:
        self.state, self.rec, self.reason, self.message = state, rec, reason, message

    def _replace_index(self, index: int) -> ItemAnswer:
        return _answer(index, self.state, self.rec, self.reason, self.message, "/device")


def _chain(session: Session, rec: Authentic) -> _ChainAnswer | None:
    """None when the record continues its key's chain; else a gap (deferred) or fork."""
    head = session.execute(
        select(m.Record.chain_seq, m.Record.digest)
        .where(m.Record.did == rec.did, m.Record.chain_seq.is_not(None))
        .order_by(m.Record.chain_seq.desc())
        .limit(1)
    ).first()
    head_seq: int = int(head[0] or 0) if head else 0
    head_digest: str | None = head[1] if head else None
    if rec.seq == head_seq + 1 and rec.prev == head_digest:
        return None
    if rec.seq > head_seq + 1:
        return _ChainAnswer(
            AnswerState.DEFERRED, rec, Reason.CHAIN_GAP,
            f"seq {rec.seq} follows {head_seq} here: records {head_seq + 1}–{rec.seq - 1} "
            "of this key have not arrived; send them first",
        )  # fmt: skip
    return _ChainAnswer(
        AnswerState.CONFLICT, rec, Reason.CHAIN_FORK,
        f"seq {rec.seq} with this prev forks the key's chain (held for review)",
    )  # fmt: skip


def _store(
    session: Session,
    rec: Authentic,
    device: Signer,
    state: str,
    chain_seq: int | None,
    reason: Reason | None,
    message: str | None,
    facts: Facts | None = None,
) -> int:
    facts = facts or Facts()
    submission = facts.submission_id
    if submission is None and rec.kind == "ArtifactAssessmentRecord":
        submission = rec.doc["credentialSubject"]["submission"]["id"]
    values = dict(
        record_id=rec.record_id,
        digest=rec.digest,
        kind=rec.kind,
        did=rec.did,
        seq=rec.seq,
        chain_seq=chain_seq,
        state=state,
        reason=reason.value if reason else None,
        message=message,
        device_id=device.id,
        person_id=device.person_id,
        valid_from=rec.valid_from,
        received_at=datetime.now(UTC),
        submission_id=submission[:200] if submission else None,
        outcome=facts.outcome,
        subject_record=facts.subject_record,
        body=rec.body,
    )
    # Core, not the ORM: this runs for every record. A unique-key race shows here.
    return int(
        session.execute(insert(m.Record).values(**values).returning(m.Record.id)).scalar_one()
    )


class BatchError(DomainError):
    code = "invalid-request"
