"""`assessor verify`: recompute the audit chain and replay the rows it carries, every
record's digest, signature and per-key chain, the order of records against the audit log,
what a signed evaluation shows against its record, every table against the replayed rows,
every evidence blob's hash, and the schema. The first bad item is named by table, position
and id.

An attacker with the file can drop the triggers and edit rows; the hashes, signatures and
the replay make that visible. Appending to the audit chain, or rewriting it and its head
consistently, is not visible here (the chain has no secret); signed records stay protected
by their signatures and the backend's receipts anchor the rest (decisions 0005 and 0019).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assessor.domain.errors import ValidationFailed
from assessor.domain.policy import Operation
from assessor.security.audit import GENESIS, chain_hash
from assessor.security.canonical import canonicalize
from assessor.security.did import public_key_from_did, public_key_from_verification_method
from assessor.security.digests import digest_bytes
from assessor.security.records import ProofInvalid, parse_record, record_kind, verify
from assessor.services.access import Actor, check, operation
from assessor.services.signing import RECORD_ACTIONS
from assessor.services.verify_replay import Replay, ReplayError, differences
from assessor.services.verify_signed import shown_as_signed
from assessor.store import integrity, migrate
from assessor.store.audit import event_bytes
from assessor.store.blobs import BlobStore
from assessor.store.db import Database, Tx
from assessor.store.errors import StoreError

Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class Finding:
    table: str
    index: int  # 1-based position: audit events by seq, records by number, artifacts by id
    id: str
    problem: str

    def describe(self) -> str:
        return f"{self.table} #{self.index} ({self.id}): {self.problem}"


@dataclass(frozen=True)
class VerifyReport:
    audit_events: int
    records: int
    issuers: int
    blobs: int
    finding: Finding | None

    @property
    def ok(self) -> bool:
        return self.finding is None


class _Bad(Exception):
    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.describe())
        self.finding = finding


def _text(value: bytes | None) -> str | None:
    return None if value is None else value.decode("utf-8")


def _bad_event(row: integrity.AuditRow, i: int, problem: str) -> _Bad:
    return _Bad(Finding("audit_events", i, f"seq {row.seq}", problem))


def _audit_row(row: integrity.AuditRow, i: int, prev: str) -> tuple[str, str, Any, str]:
    """(actor, action, payload, hash) of the i-th event, which must follow `prev`."""
    if row.seq != i:
        raise _bad_event(row, i, f"sequence number {row.seq} where {i} was expected")
    try:
        fields = [row.at, row.actor, row.action, row.entity_type, row.entity_id, row.payload]
        at, actor, action, entity_type, entity_id, text = (f.decode("utf-8") for f in fields)
        payload = json.loads(text)
        prev_hash, stored = row.prev_hash.decode("ascii"), row.hash.decode("ascii")
        canonical = event_bytes(row.seq, at, actor, action, entity_type, entity_id, text)
    except (UnicodeDecodeError, ValueError) as exc:
        raise _bad_event(row, i, f"unreadable ({exc})") from None
    if prev_hash != prev:
        raise _bad_event(row, i, "does not follow the event before it (prev_hash differs)")
    # The stored payload text itself is hashed: the writer stored its canonical form.
    if chain_hash(prev, canonical) != stored:
        raise _bad_event(row, i, "its hash does not match its content")
    return actor, action, payload, stored


def _audit(tx: Tx, replay: Replay, progress: Progress) -> tuple[int, list[tuple[str, int]]]:
    """Check the chain and replay its rows; return its length and the record digests it
    names, in order."""
    prev, count, named = GENESIS, 0, []
    for i, row in enumerate(integrity.audit_rows(tx), start=1):
        count = i
        actor, action, payload, stored = _audit_row(row, i, prev)
        if action in RECORD_ACTIONS and isinstance(payload, dict):
            named.append((str(payload.get("digest")), i))
        try:
            replay.apply(i, actor, action, payload)
        except ReplayError as exc:
            raise _bad_event(row, i, str(exc)) from None
        prev = stored
        if i % 1000 == 0:
            progress("audit events", i)
    heads = integrity.chain_heads(tx)
    for chain in sorted(set(heads) - {"audit", "records"}):
        raise _Bad(Finding("chain_heads", 1, chain, "a chain Assessor does not keep"))
    length, head = heads.get("audit", (0, GENESIS.encode()))
    if length > count:
        raise _Bad(
            Finding(
                "audit_events",
                count + 1,
                f"seq {count + 1}",
                f"missing: the chain head counts {length} events, only {count} are present",
            )
        )
    if length < count or head.decode("ascii", "replace") != prev:
        raise _Bad(
            Finding(
                "audit_events",
                length + 1,
                f"seq {length + 1}",
                f"not counted by the chain head ({length} events, head {head[:12]!r}…)",
            )
        )
    return count, named


Signed = tuple[str, str, int, str | None, str, dict[str, Any]]


def _record(row: integrity.RecordRow, i: int) -> Signed:
    """Check one record on its own; return (id, issuer, seq, prev, digest, body)."""
    label = row.id.decode("utf-8", "replace")

    def bad(problem: str) -> _Bad:
        return _Bad(Finding("records", i, label, problem))

    try:
        document = parse_record(row.body)
    except ValidationFailed as exc:
        first = exc.problems[0]
        raise bad(f"body is not a valid record ({first.location}: {first.message})") from None
    digest = digest_bytes(row.body)
    if canonicalize(document) != row.body:
        raise bad("body is not in the canonical form it was signed in")
    if _text(row.digest) != digest:
        raise bad("stored digest does not match the stored bytes")
    try:
        proof = verify(document)
    except ProofInvalid as exc:
        raise bad(f"signature: {exc.message}") from None
    issuer = document.get("issuer")
    did = issuer.get("id") if isinstance(issuer, dict) else None
    try:
        same_key = public_key_from_did(str(did)) == public_key_from_verification_method(
            proof.verification_method
        )
    except ValueError:
        same_key = False
    if not same_key:
        raise bad("the issuer is not the key that signed it")
    device = document.get("device")
    if not isinstance(device, dict) or type(device.get("seq")) is not int:
        raise bad("body has no device seq")
    columns = (_text(row.id), _text(row.kind), _text(row.issuer), row.seq, _text(row.prev))
    body = (
        document.get("id"),
        record_kind(document),
        did,
        device.get("seq"),
        device.get("prev"),
    )
    if columns != body:
        raise bad("stored columns (id, kind, issuer, seq, prev) differ from the signed body")
    return str(body[0]), str(did), int(device["seq"]), device.get("prev"), digest, document


def _records(
    tx: Tx, named: list[tuple[str, int]], progress: Progress
) -> list[tuple[int, integrity.RecordRow, dict[str, Any]]]:
    tails: dict[str, tuple[int, str]] = {}
    seen: dict[str, int] = {}
    checked = []
    count = 0
    for i, row in enumerate(integrity.record_rows(tx), start=1):
        count = i
        record_id, issuer, seq, prev, digest, document = _record(row, i)
        checked.append((i, row, document))

        def bad(problem: str, i: int = i, record_id: str = record_id) -> _Bad:
            return _Bad(Finding("records", i, record_id, problem))

        if record_id in seen:
            raise bad(f"repeats record #{seen[record_id]}")
        seen[record_id] = i
        last = tails.get(issuer)
        want_seq, want_prev = (last[0] + 1, last[1]) if last else (1, None)
        if (seq, prev) != (want_seq, want_prev):
            after = f"after seq {last[0]}" if last else "as its first record"
            link = "matches" if prev == want_prev else "differs"
            raise bad(f"breaks the chain of {issuer}: seq {seq} {after}, prev {link}")
        tails[issuer] = (seq, digest)
        if i > len(named):
            raise bad("not named by any audit event")
        if named[i - 1][0] != digest:
            raise bad(f"out of place: audit event #{named[i - 1][1]} names another record here")
        if i % 1000 == 0:
            progress("records", i)
    if count < len(named):
        digest, event = named[count]
        raise _Bad(Finding("records", count + 1, digest, f"missing: named by audit event #{event}"))
    length, head = integrity.chain_heads(tx).get("records", (0, b""))
    if length != count:
        raise _Bad(
            Finding("records", min(length, count) + 1, "-", f"the record log head counts {length}")
        )
    newest = _text(checked[-1][1].digest) if checked else GENESIS
    if head.decode("ascii", "replace") != newest:
        raise _Bad(Finding("records", count, "-", "the record log head names another record"))
    return checked


def _shown_as_signed(tx: Tx, i: int, row: integrity.RecordRow, body: dict[str, Any]) -> None:
    wrong = shown_as_signed(tx, row, body)
    if wrong is not None:
        table, problem = wrong
        label = row.evaluation_id or row.id.decode("utf-8", "replace")
        raise _Bad(Finding(table, i, label, f"{problem} (record #{i})"))


def _blobs(tx: Tx, blobs: BlobStore, progress: Progress) -> int:
    """Every artifact's blob: a regular file (never a pipe, device, folder or link), read no
    further than its recorded size, hashing to its name."""
    checked: dict[tuple[str, int], str | None] = {}
    for n, (artifact_id, submission_id, sha256, size) in enumerate(
        integrity.artifact_hashes(tx), 1
    ):
        if (sha256, size) not in checked:
            try:
                checked[sha256, size] = blobs.problem(sha256, size)
            except StoreError as exc:  # missing, or a name that is not a hash
                raise _Bad(Finding("artifacts", artifact_id, submission_id, exc.message)) from None
            if n % 100 == 0:
                progress("evidence files", n)
        problem = checked[sha256, size]
        if problem is not None:
            raise _Bad(Finding("artifacts", artifact_id, submission_id, problem))
    return len({sha256 for sha256, _ in checked})


def _replayed(tx: Tx, replay: Replay) -> None:
    """Every captured table must be what the audit log's rows replay to."""
    for found in differences(tx, replay):
        raise _Bad(Finding(found.table, found.index, found.id, found.problem))


def _schema(tx: Tx) -> None:
    """The file's schema must be the one a new database gets at head, object for object and
    in its full SQL text: a guard trigger rewritten under its own name is a change too."""
    head = migrate.head_revision()
    revisions = integrity.revisions(tx)
    if revisions != [head]:
        found = ", ".join(revisions) or "none"
        raise _Bad(
            Finding(
                "alembic_version", 1, found, f"schema revision {found}; this Assessor's is {head}"
            )
        )
    expected, actual = integrity.expected_schema(), integrity.schema(tx)
    for kind, name in sorted(set(expected) | set(actual)):
        table = "triggers" if kind == "trigger" else "schema"
        if (kind, name) not in actual:
            where = "a guard was removed outside Assessor" if kind == "trigger" else "removed"
            raise _Bad(Finding(table, 1, name, f"missing: {where}"))
        if (kind, name) not in expected:
            raise _Bad(Finding(table, 1, name, f"a {kind} Assessor never made"))
        if actual[kind, name] != expected[kind, name]:
            raise _Bad(Finding(table, 1, name, f"its SQL differs from the {kind} Assessor made"))


@operation(Operation.STORE_VERIFY)
def verify_store(db: Database, progress: Progress | None = None) -> VerifyReport:
    """Check everything in one read snapshot; stop at the first bad item: the audit chain
    (replaying the rows it carries), every record's signature and chain, that what is shown
    for a signed evaluation is what was signed, that every table is what the log replays to,
    every evidence file, and the schema with its guard triggers."""
    check(Actor.local(), Operation.STORE_VERIFY)
    report = progress or (lambda what, n: None)
    events = records = issuers = blobs = 0
    finding = None
    with db.read() as tx:
        try:
            replay = Replay()
            events, named = _audit(tx, replay, report)
            signed = _records(tx, named, report)
            records, issuers = len(signed), len({row.issuer for _, row, _ in signed})
            for i, row, body in signed:
                _shown_as_signed(tx, i, row, body)
            _replayed(tx, replay)
            blobs = _blobs(tx, db.blobs, report)
            _schema(tx)
        except _Bad as bad:
            finding = bad.finding
        except integrity.DATABASE_ERRORS as exc:  # a page SQLite cannot read
            finding = Finding("database", 1, db.path.name, f"damaged: {exc}")
    return VerifyReport(events, records, issuers, blobs, finding)
