"""Signed records: list, export the exact signed bytes, and check any record file offline."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assessor.domain.errors import Problem, UnknownChoice, ValidationFailed
from assessor.domain.policy import Operation, State
from assessor.security.did import public_key_from_did
from assessor.security.records import (
    ProofInvalid,
    parse_record,
    record_digest,
    record_kind,
    validate_record,
    verify,
)
from assessor.services.access import Actor, check, operation
from assessor.store import queries as q
from assessor.store import records as r
from assessor.store.db import Database
from assessor.store.files import write_output

# The role a record's issuer must hold to make it.
ROLE_FOR_KIND = {
    "ArtifactAssessmentRecord": "assessor",
    "ProjectSignOffRecord": "manager",
    "ExamSessionRecord": "proctor",
}


@dataclass(frozen=True)
class RecordInfo:
    id: str
    kind: str
    digest: str
    issuer: str
    seq: int
    submission_id: str | None
    synced: bool

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "kind": self.kind, "digest": self.digest, "synced": self.synced}


@dataclass(frozen=True)
class RecordCheck:
    """What `record verify` found: `problem` is None when the record is valid."""

    problem: str | None
    roster_checked: bool = False  # False: issuer name and role are the signer's own claims
    kind: str | None = None
    id: str | None = None
    digest: str | None = None
    issuer: str | None = None
    issuer_name: str | None = None
    role: str | None = None
    seq: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _info(s: r.StoredRecord) -> RecordInfo:
    return RecordInfo(s.id, s.kind, s.digest, s.issuer, s.seq, s.submission_id, s.synced)


@operation(None)
def list_records(db: Database) -> list[RecordInfo]:
    with db.read() as tx:
        return [_info(s) for s in r.all_records(tx)]


@operation(Operation.RECORD_EXPORT)
def export_record(
    db: Database, ref: str, out: Path, actor: Actor | None = None, *, force: bool = False
) -> RecordInfo:
    """Write the record's exact signed bytes to `out` through `write_output`: complete or not
    at all, never into a data folder, never over an existing file unless `force`."""
    with db.read() as tx:
        stored = r.record_by_ref(tx, ref)
        if stored is None:
            raise UnknownChoice("record", ref, [s.id for s in r.all_records(tx)])
    # Signed records say nothing new when exported; the policy still decides who may.
    check(
        actor or Actor.local(), Operation.RECORD_EXPORT, owner=stored.issuer, state=State.FINALIZED
    )
    with write_output(out, data_dir=db.data_dir, force=force) as f:
        f.write(stored.body)
    return _info(stored)


@operation(None)
def local_roster(db: Database) -> dict[str, tuple[str, ...]]:
    """did → roles of this machine's profiles, to check a record's claimed role."""
    with db.read() as tx:
        return {p.did: tuple(p.roles.split()) for p in q.all_profiles(tx) if p.did}


def _issuer(document: Mapping[str, Any]) -> Mapping[str, Any]:
    issuer = document.get("issuer")
    return issuer if isinstance(issuer, Mapping) else {}


@operation(None)
def check_record_bytes(
    data: bytes,
    *,
    source: str = "",
    submission: str | None = None,
    issuer: str | None = None,
    roster: Mapping[str, tuple[str, ...]] | None = None,
) -> RecordCheck:
    """Check a record offline: strict JSON and its kind's schema (ValidationFailed, naming
    every problem), then the proof, that the issuer is the signing key, that the issuer's
    claimed role may make this kind (and, given a roster of did → roles, that the key holds
    it), and the expectations given (which submission, which issuer)."""
    try:
        document = parse_record(data)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.problems, source=source) from None
    problems = validate_record(document)
    if problems:
        raise ValidationFailed(problems, source=source)
    kind = record_kind(document)
    claimed = _issuer(document)
    found = RecordCheck(
        None,
        roster is not None,
        kind,
        str(document["id"]),
        record_digest(document),
        str(claimed.get("id")),
        str(claimed.get("name")),
        str(claimed.get("role")),
        int(document["device"]["seq"]),
    )
    try:
        proof = verify(document)
    except ProofInvalid as exc:
        where = f" at {exc.location}" if exc.location else ""
        return _fail(found, f"the signature is not valid{where}: {exc.message}")
    try:
        same_key = public_key_from_did(str(claimed.get("id"))) == proof.public_key
    except ValueError:
        same_key = False
    if not same_key:
        return _fail(found, "the issuer is not the key that signed the record")
    wanted = ROLE_FOR_KIND[str(kind)]
    if found.role != wanted:
        claim = f"the issuer claims '{found.role}'"
        return _fail(found, f"{kind} records are made by the {wanted} role, but {claim}")
    if roster is not None:
        roles = roster.get(str(found.issuer))
        if roles is None:
            return _fail(found, f"the signing key {found.issuer} is not a known profile")
        if wanted not in roles:
            return _fail(found, f"the signing key does not hold the {wanted} role")
    if issuer is not None and found.issuer != issuer:
        return _fail(found, f"signed by {found.issuer}, not by the expected {issuer}")
    if submission is not None:
        subject = document["credentialSubject"].get("submission", {})
        if subject.get("id") != submission:
            return _fail(
                found, f"the record is about submission '{subject.get('id')}', not '{submission}'"
            )
    return found


def _fail(found: RecordCheck, problem: str) -> RecordCheck:
    return RecordCheck(problem, *(getattr(found, f) for f in _FIELDS))


_FIELDS = ("roster_checked", "kind", "id", "digest", "issuer", "issuer_name", "role", "seq")


@operation(None)
def check_record_file(path: Path, **expect: Any) -> RecordCheck:
    try:
        data = path.read_bytes()
    except OSError as exc:
        problem = Problem("", f"cannot read: {exc.strerror}")
        raise ValidationFailed([problem], source=str(path)) from None
    return check_record_bytes(data, source=str(path), **expect)
