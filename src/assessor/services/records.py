"""Signed records: list, export the exact signed bytes, and check any record file offline."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from assessor.domain.errors import DomainError, Problem, UnknownChoice, ValidationFailed
from assessor.domain.policy import Operation, State
from assessor.security.canonical import StrictJSONError, loads_strict
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
from assessor.services.signing import ROLE_FOR_KIND
from assessor.store import queries as q
from assessor.store import records as r
from assessor.store.db import Database
from assessor.store.files import read_regular_file, write_output


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
    roster: Roster
    roster_checked: bool = False  # False: issuer name and role are the signer's own claims
    kind: str | None = None
    id: str | None = None
    digest: str | None = None
    issuer: str | None = None
    issuer_name: str | None = None  # the roster's name when checked, else the claimed one
    role: str | None = None
    seq: int | None = None
    claimed_name: str | None = None
    claimed_role: str | None = None

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


@dataclass(frozen=True)
class RosterEntry:
    """Who holds a key, as the roster says."""

    did: str
    name: str
    roles: tuple[str, ...]


@dataclass(frozen=True)
class Roster:
    """What `record verify` checks a signer against: nothing (`source` "none"), a profile
    list file, or a data folder (whose stored records are also compared by id)."""

    source: str  # none | file | data-folder
    path: str | None = None
    entries: Mapping[str, RosterEntry] = field(default_factory=dict)  # by did
    records: Mapping[str, str] = field(default_factory=dict)  # record id → digest

    @property
    def used(self) -> bool:
        return self.source != "none"

    def describe(self) -> str:
        if self.source == "file":
            return f"the roster {self.path}"
        if self.source == "data-folder":
            return f"the data folder {self.path}"
        return "no roster"

    def to_json(self) -> dict[str, object]:
        return {"source": self.source, "path": self.path}


NO_ROSTER = Roster("none")
ROSTER_LIMIT = 4 << 20  # a profile list of tens of thousands of people
RECORD_LIMIT = 16 << 20  # far above any record (a hundred criteria with long comments)
_WANTED = "a profile list as written by `assessor profile list --json`"


@operation(None)
def local_roster(db: Database) -> Roster:
    """This data folder's profiles (did → name, roles) and records (id → digest)."""
    with db.read() as tx:
        entries = {
            p.did: RosterEntry(p.did, p.name, tuple(p.roles.split()))
            for p in q.all_profiles(tx)
            if p.did
        }
        stored = {s.id: s.digest for s in r.all_records(tx)}
    return Roster("data-folder", str(db.data_dir), entries, stored)


def _roster_entry(entry: object, at: str) -> tuple[RosterEntry | None, list[Problem]]:
    if not isinstance(entry, dict):
        return None, [Problem(at, "must be a profile (an object with name, roles and did)")]
    name, roles, did = entry.get("name"), entry.get("roles"), entry.get("did")
    problems = []
    if not isinstance(name, str) or not name.strip():
        problems.append(Problem(f"{at}/name", "must be the profile's name"))
    if not isinstance(roles, list) or not all(isinstance(x, str) for x in roles):
        problems.append(Problem(f"{at}/roles", "must be a list of role names"))
    if did is None:  # a profile made before keys existed: nothing to check against
        return None, problems
    if not isinstance(did, str):
        return None, [*problems, Problem(f"{at}/did", "must be a did:key")]
    try:
        public_key_from_did(did)
    except ValueError as exc:
        problems.append(Problem(f"{at}/did", str(exc)))
    if problems:
        return None, problems
    assert isinstance(name, str) and isinstance(roles, list)
    return RosterEntry(did, name, tuple(roles)), []


@operation(None)
def load_roster(path: Path) -> Roster:
    """A roster file (the output of `assessor profile list --json`): every entry's did is
    parsed as a key. ValidationFailed names each problem by JSON pointer."""
    source = str(path)
    data = read_regular_file(path, limit=ROSTER_LIMIT)  # InputRefused names the file
    try:
        entries = loads_strict(data, allow_decimals=False)
    except StrictJSONError as exc:
        wrong = [Problem(at, message) for at, message in exc.problems]
        raise ValidationFailed(wrong, source=source) from None
    except RecursionError:
        raise ValidationFailed([Problem("", "nested too deeply")], source=source) from None
    if not isinstance(entries, list):
        raise ValidationFailed([Problem("", f"must be {_WANTED}")], source=source)
    found: dict[str, RosterEntry] = {}
    problems: list[Problem] = []
    for n, item in enumerate(entries):
        entry, wrong = _roster_entry(item, f"/{n}")
        problems += wrong
        if entry is not None and entry.did in found:
            problems.append(Problem(f"/{n}/did", "the same key is listed twice"))
        elif entry is not None:
            found[entry.did] = entry
    if problems:
        raise ValidationFailed(problems, source=source)
    return Roster("file", source, found)


def _issuer(document: Mapping[str, Any]) -> Mapping[str, Any]:
    issuer = document.get("issuer")
    return issuer if isinstance(issuer, Mapping) else {}


def _against_roster(found: RecordCheck, roster: Roster, wanted: str) -> RecordCheck:
    """The signer as the roster knows them: name and role shown are the roster's."""
    entry = roster.entries.get(str(found.issuer))
    where = roster.describe()
    if entry is None:
        return _fail(found, f"the signing key {found.issuer} is not a known profile in {where}")
    held = ", ".join(entry.roles) or "no role"
    if wanted not in entry.roles:
        return _fail(
            found,
            f"the signing key does not hold the {wanted} role: {where} lists it as "
            f"'{entry.name}' ({held})",
        )
    if (found.claimed_name, found.claimed_role) != (entry.name, wanted):
        return _fail(
            found,
            f"the record says it was signed by '{found.claimed_name}' ({found.claimed_role}), "
            f"but {where} lists the signing key as '{entry.name}' ({held})",
        )
    stored = roster.records.get(str(found.id))
    if stored is not None and stored != found.digest:
        return _fail(
            found,
            f"a record with the id {found.id} is already in {where} with another digest "
            f"({stored}; this file's is {found.digest})",
        )
    return replace(found, roster_checked=True, issuer_name=entry.name, role=wanted)


@operation(None)
def check_record_bytes(
    data: bytes,
    *,
    source: str = "",
    submission: str | None = None,
    issuer: str | None = None,
    roster: Roster = NO_ROSTER,
) -> RecordCheck:
    """Check a record offline: strict JSON and its kind's schema (ValidationFailed, naming
    every problem), then the proof, that the issuer is the signing key, that the issuer's
    claimed role may make this kind, and, given a roster, that the roster lists the key under
    the claimed name with that role (the name and role reported are then the roster's), and
    that a data folder does not hold another record under the same id; then the expectations
    given (which submission, which issuer). Uses only what it is given."""
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
        roster,
        False,
        kind,
        str(document["id"]),
        record_digest(document),
        str(claimed.get("id")),
        str(claimed.get("name")),
        str(claimed.get("role")),
        int(document["device"]["seq"]),
        str(claimed.get("name")),
        str(claimed.get("role")),
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
    if roster.used:
        found = _against_roster(found, roster, wanted)
        if not found.ok:
            return found
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
    return replace(found, problem=problem, roster_checked=False)


@operation(None)
def check_record_file(path: Path, **expect: Any) -> RecordCheck:
    """`check_record_bytes` of a file: a regular file of at most RECORD_LIMIT bytes (a pipe
    or a device is refused, InputRefused, rather than read until memory runs out)."""
    data = read_regular_file(path, limit=RECORD_LIMIT)
    return check_record_bytes(data, source=str(path), **expect)


@operation(None)
def check_stored_record(db: Database, ref: str, **expect: Any) -> RecordCheck:
    """`check_record_bytes` of a record this data folder holds, found by the digest printed
    on a report (or by id): its exact stored bytes are checked, never the folder's word for
    them, so a digest that is not the digest of those bytes fails."""
    with db.read() as tx:
        stored = r.record_by_ref(tx, ref)
    if stored is None:
        raise DomainError(
            f"{db.data_dir}: no record '{ref}' in this data folder (`assessor record list` "
            "names those it holds)"
        )
    found = check_record_bytes(stored.body, source=f"{db.data_dir}: record {ref}", **expect)
    if ref.startswith("uEi") and found.ok and found.digest != ref:
        return _fail(found, f"the stored bytes have the digest {found.digest}, not {ref}")
    return found
