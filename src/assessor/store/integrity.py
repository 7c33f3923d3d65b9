"""Raw reads for `assessor verify`: rows exactly as stored, read as bytes so that a corrupted
value is reported rather than crashing the decoder, and without the ORM's type conversions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from assessor.store.db import Tx
from assessor.store.drafts import driver


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: bytes
    actor: bytes
    action: bytes
    entity_type: bytes
    entity_id: bytes
    payload: bytes
    prev_hash: bytes
    hash: bytes


@dataclass(frozen=True)
class RecordRow:
    number: int
    id: bytes
    kind: bytes
    issuer: bytes
    seq: int
    prev: bytes | None
    digest: bytes
    body: bytes


_AUDIT = """
SELECT seq, CAST(at AS BLOB), CAST(actor AS BLOB), CAST(action AS BLOB),
  CAST(entity_type AS BLOB), CAST(entity_id AS BLOB), CAST(payload AS BLOB),
  CAST(prev_hash AS BLOB), CAST(hash AS BLOB)
FROM audit_events ORDER BY seq"""
_RECORDS = """
SELECT number, CAST(id AS BLOB), CAST(kind AS BLOB), CAST(issuer AS BLOB), seq,
  CAST(prev AS BLOB), CAST(digest AS BLOB), CAST(body AS BLOB)
FROM records ORDER BY number"""
_HEADS = "SELECT chain, length, CAST(head AS BLOB) FROM chain_heads"
_ARTIFACTS = "SELECT id, submission_id, sha256 FROM artifacts ORDER BY id"


def audit_rows(tx: Tx) -> Iterator[AuditRow]:
    for row in driver(tx).execute(_AUDIT):
        yield AuditRow(*row)


def record_rows(tx: Tx) -> Iterator[RecordRow]:
    for row in driver(tx).execute(_RECORDS):
        yield RecordRow(*row)


def chain_heads(tx: Tx) -> dict[str, tuple[int, bytes]]:
    return {str(c): (int(n), bytes(h)) for c, n, h in driver(tx).execute(_HEADS)}


def artifact_hashes(tx: Tx) -> list[tuple[int, str, str]]:
    """(artifact id, submission id, sha256) in artifact order."""
    return [(int(i), str(s), str(h)) for i, s, h in driver(tx).execute(_ARTIFACTS)]
