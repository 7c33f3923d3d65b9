"""Close and seal an exam session: refused, with the exact list of what is missing, until
every candidate has an outcome; then the session as shown becomes a signed
ExamSessionRecord, stored with its outbox item and audit event in the transaction that
seals the session. From then on the session never changes (service and triggers)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from assessor.domain.errors import DomainError, NotAllowed
from assessor.domain.policy import Operation
from assessor.domain.subjects import session_uri
from assessor.domain.text import require_plain
from assessor.services.access import operation
from assessor.services.exam_checks import allow, session_head
from assessor.services.exam_views import SessionView, record_subject, view
from assessor.services.profiles import Signer
from assessor.services.signing import sign_record
from assessor.store import exam as s
from assessor.store import records as r
from assessor.store.audit import append_event
from assessor.store.db import Database
from assessor.store.types import format_utc

KIND = "ExamSessionRecord"


class SealRefused(NotAllowed):
    """The session cannot be sealed yet; `missing` lists every reason."""

    code = "seal-refused"

    def __init__(self, session_id: str, missing: list[str]) -> None:
        self.missing = tuple(missing)
        super().__init__(
            f"cannot seal {session_id}: {len(missing)} thing(s) missing: " + "; ".join(missing)
        )


@dataclass(frozen=True)
class Sealed:
    session_id: str
    record_id: str
    digest: str
    seq: int
    sealed_at: str
    session: SessionView  # what was signed, as it was shown


@operation(Operation.EXAM_SEAL)
def seal_session(
    db: Database,
    session_id: str,
    signer: Signer,
    *,
    expected: SessionView | None = None,
    now: datetime | None = None,
) -> Sealed:
    """Sign the session as it stands. With `expected` (what the screen showed), refuse when
    the stored session differs from it: a proctor signs only what they saw."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    with db.write() as tx:
        head = session_head(tx, session_id)
        allow(signer.actor, Operation.EXAM_SEAL, head)
        shown = view(head, s.candidates(tx, head.id), s.entries(tx, head.id))
        if shown.missing:
            raise SealRefused(session_id, shown.missing)
        if expected is not None and expected.log != shown.log:
            raise NotAllowed(
                f"cannot seal {session_id}: it changed since it was shown "
                f"({len(shown.log)} entries now, {len(expected.log)} shown); look again"
            )
        if expected is not None and expected.candidates != shown.candidates:
            raise NotAllowed(f"cannot seal {session_id}: its roster changed since it was shown")
        sealed_at = format_utc(moment)
        subject: dict[str, Any] = record_subject(shown, sealed_at)
        made = sign_record(
            tx,
            signer,
            KIND,
            subject,
            action="exam.seal",
            entity=("exam_session", head.id),
            now=moment,
            what="seal",
        )
        # The record's id is known only now: the seal's own rows get their own event, by
        # the proctor (sign_record's event carries the rows written before it).
        s.seal(tx, head.id, moment, made.id)
        append_event(
            tx,
            actor=signer.profile.id,
            action="exam.sealed",
            entity_type="exam_session",
            entity_id=head.id,
            payload={"record": made.id},
        )
    return Sealed(head.id, made.id, made.digest, made.seq, sealed_at, shown)


AMENDMENT = "ExamSessionAmendmentRecord"
MAX_AMENDMENT = 10_000


@dataclass(frozen=True)
class Amended:
    session_id: str
    record_id: str
    digest: str
    amends: str


@operation(Operation.EXAM_AMEND)
def amend_session(
    db: Database, session_id: str, signer: Signer, text: str, *, now: datetime | None = None
) -> Amended:
    """A manager's signed amendment to a sealed session: a new record that names the
    session's record by id and digest. The session and its record stay as they were."""
    text = require_plain(text, "amendment", multiline=True).strip()
    if not text:
        raise DomainError("an amendment needs a text saying what it amends and why")
    if len(text) > MAX_AMENDMENT:
        raise DomainError(f"the amendment is longer than {MAX_AMENDMENT} characters")
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    with db.write() as tx:
        head = session_head(tx, session_id)
        allow(signer.actor, Operation.EXAM_AMEND, head)
        original = r.record_by_ref(tx, str(head.record_id))
        if original is None:
            raise DomainError(f"the record that sealed {session_id} is missing; run verify")
        subject = {
            "id": session_uri(head.id),
            "amends": {"id": original.id, "digestMultibase": original.digest},
            "text": text,
        }
        made = sign_record(
            tx,
            signer,
            AMENDMENT,
            subject,
            action="exam.amend",
            entity=("exam_session", head.id),
            now=moment,
            what="amend",
        )
        s.add_amendment(
            tx,
            record_id=made.id,
            session_id=head.id,
            amends=original.id,
            manager_id=signer.profile.id,
            text=text,
            at=moment,
        )
        append_event(
            tx,
            actor=signer.profile.id,
            action="exam.amended",
            entity_type="exam_session",
            entity_id=head.id,
            payload={"record": made.id},
        )
    return Amended(head.id, made.id, made.digest, original.id)
