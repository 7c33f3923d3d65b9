"""`verify` over a real store, and the mutation test: for every row of the audit and record
tables, each of bit flip, delete, swap with a neighbour, duplicate insert and tail truncation,
made as an attacker with the file would (triggers and unique indexes dropped first), makes
`verify` fail naming the first bad index."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from assessor.security.audit import event_hash
from assessor.services.finalize import finalize
from assessor.services.profiles import add_profile
from assessor.services.verify import VerifyReport, verify_store
from assessor.store import models as m
from assessor.store.audit import event_content
from assessor.store.blobs import BlobRef
from assessor.store.db import Database
from tests.conftest import Seed, sealed_key, seed
from tests.services.test_finalize import score_all

Mutation = Callable[[sqlite3.Connection, "Table", int, int], int]


@dataclass(frozen=True)
class Table:
    name: str
    key: str
    columns: tuple[str, ...]  # text columns an attacker might flip a bit in


AUDIT = Table(
    "audit_events",
    "seq",
    ("at", "actor", "action", "entity_type", "entity_id", "payload", "prev_hash", "hash"),
)
RECORDS = Table("records", "number", ("body", "digest", "id", "kind", "issuer"))


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A store with drafts, and three records from two keys (A, B, A)."""
    folder = tmp_path_factory.mktemp("pristine")
    with Database.open(folder) as db:
        s: Seed = seed(db, submissions=3)
        with db.write() as tx:
            other = add_profile(tx, "Second Assessor", ["assessor"], sealed_key())
        for sub, who in zip(
            s.submission_ids, (s.assessor_id, other.id, s.assessor_id), strict=True
        ):
            score_all(db, s, sub, who)
            finalize(db, sub, s.signer(db, who))
    yield folder / "assessor.db"


def add_evidence(db: Database, submission_id: str, *contents: bytes) -> list[BlobRef]:
    """Store each content as a blob and as an artifact of the submission, in order."""
    blobs = [db.blobs.put_bytes(c) for c in contents]
    with db.write() as tx:
        for n, blob in enumerate(blobs):
            tx.add(
                m.Artifact(
                    submission_id=submission_id,
                    position=n,
                    name=f"file-{n}.txt",
                    media_type="text/plain",
                    size=blob.size,
                    sha256=blob.sha256,
                )
            )
    return blobs


def drop_guards(con: sqlite3.Connection) -> None:
    """What an attacker with the file does first."""
    names = con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for (name,) in names:
        con.execute(f'DROP TRIGGER "{name}"')


def copy_of(pristine: Path, folder: Path, *, attacker: bool = True) -> sqlite3.Connection:
    """A copy of the store; as an attacker has it, without triggers and unique indexes."""
    folder.mkdir()
    src = sqlite3.connect(pristine)
    dst = sqlite3.connect(folder / "assessor.db")
    src.backup(dst)
    src.close()
    if not attacker:
        return dst
    drop_guards(dst)
    for index in ("uq_records_id", "uq_records_digest", "uq_records_issuer_seq"):
        dst.execute(f"DROP INDEX {index}")
    dst.commit()
    return dst


def keys_of(con: sqlite3.Connection, t: Table) -> list[int]:
    return [k for (k,) in con.execute(f"SELECT {t.key} FROM {t.name} ORDER BY {t.key}")]


def verify_copy(folder: Path) -> VerifyReport:
    with Database.open(folder) as db:
        return verify_store(db)


# Each mutation changes row i (1-based) of n and returns the first index verify must name.


def bit_flip(con: sqlite3.Connection, t: Table, i: int, n: int) -> int:
    key = keys_of(con, t)[i - 1]
    column = t.columns[i % len(t.columns)]
    (value,) = con.execute(f"SELECT {column} FROM {t.name} WHERE {t.key} = ?", (key,)).fetchone()
    at = len(value) // 2
    flipped = value[:at] + chr(ord(value[at]) ^ 1) + value[at + 1 :]
    con.execute(f"UPDATE {t.name} SET {column} = ? WHERE {t.key} = ?", (flipped, key))
    return i


def delete(con: sqlite3.Connection, t: Table, i: int, n: int) -> int:
    con.execute(f"DELETE FROM {t.name} WHERE {t.key} = ?", (keys_of(con, t)[i - 1],))
    return i


def swap(con: sqlite3.Connection, t: Table, i: int, n: int) -> int:
    """Rows i and its neighbour trade places: everything but the ordering key moves."""
    j = i + 1 if i < n else i - 1
    keys = keys_of(con, t)
    columns = columns_of(con, t)
    listed = ", ".join(columns)
    rows = []
    for k in (i, j):
        sql = f"SELECT {listed} FROM {t.name} WHERE {t.key} = ?"
        rows.append(list(con.execute(sql, (keys[k - 1],)).fetchone()))
        con.execute(f"DELETE FROM {t.name} WHERE {t.key} = ?", (keys[k - 1],))
    at = columns.index(t.key)
    rows[0][at], rows[1][at] = rows[1][at], rows[0][at]
    marks = ", ".join("?" * len(columns))
    for row in rows:
        con.execute(f"INSERT INTO {t.name} ({listed}) VALUES ({marks})", row)
    return min(i, j)


def duplicate(con: sqlite3.Connection, t: Table, i: int, n: int) -> int:
    """Row i inserted again at the end. An audit event's copy is re-chained properly (new
    seq, prev and hash), as a careful attacker would: only the chain head can tell."""
    keys = keys_of(con, t)
    columns = columns_of(con, t)
    listed = ", ".join(columns)
    sql = f"SELECT {listed} FROM {t.name} WHERE {t.key} = ?"
    row = dict(zip(columns, con.execute(sql, (keys[i - 1],)).fetchone(), strict=True))
    row[t.key] = keys[-1] + 1
    if t is AUDIT:
        (last,) = con.execute("SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1").fetchone()
        content = event_content(
            row["seq"],
            row["at"],
            row["actor"],
            row["action"],
            row["entity_type"],
            row["entity_id"],
            row["payload"],
        )
        row["prev_hash"], row["hash"] = last, event_hash(last, content)
    marks = ", ".join("?" * len(columns))
    con.execute(f"INSERT INTO {t.name} ({listed}) VALUES ({marks})", list(row.values()))
    return n + 1


def truncate(con: sqlite3.Connection, t: Table, i: int, n: int) -> int:
    con.execute(f"DELETE FROM {t.name} WHERE {t.key} >= ?", (keys_of(con, t)[i - 1],))
    return i


def columns_of(con: sqlite3.Connection, t: Table) -> list[str]:
    return [row[1] for row in con.execute(f"PRAGMA table_info({t.name})")]


MUTATIONS = [bit_flip, delete, swap, duplicate, truncate]


def test_the_pristine_store_verifies_with_counts(pristine: Path, tmp_path: Path) -> None:
    copy_of(pristine, tmp_path / "copy", attacker=False).close()
    report = verify_copy(tmp_path / "copy")
    assert report.ok, report.finding
    assert (report.records, report.issuers) == (3, 2)
    con = sqlite3.connect(pristine)
    assert report.audit_events == con.execute("SELECT count(*) FROM audit_events").fetchone()[0]
    con.close()


@pytest.mark.parametrize("table", [AUDIT, RECORDS], ids=lambda t: t.name)
@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda f: f.__name__)
def test_every_mutation_of_every_row_is_named(
    pristine: Path, tmp_path: Path, table: Table, mutation: Mutation
) -> None:
    con = sqlite3.connect(pristine)
    n = con.execute(f"SELECT count(*) FROM {table.name}").fetchone()[0]
    con.close()
    assert n >= 3
    missed = []
    for i in range(1, n + 1):
        folder = tmp_path / f"row-{i}"
        con = copy_of(pristine, folder)
        expected = mutation(con, table, i, n)
        con.commit()
        con.close()
        report = verify_copy(folder)
        found = report.finding
        if found is None or (found.table, found.index) != (table.name, expected):
            missed.append((i, expected, found))
    assert not missed, missed


def test_a_corrupt_or_missing_evidence_file_is_named(db: Database, seeded: Seed) -> None:
    blobs = add_evidence(db, "sub-001", *(f"evidence {n}\n".encode() for n in range(3)))
    report = verify_store(db)
    assert report.ok and report.blobs == 3
    path = db.blobs.path_of(blobs[1].sha256)
    path.chmod(0o644)
    path.write_bytes(b"evidence X\n")  # the recorded size, other bytes
    found = verify_store(db).finding
    assert found is not None and (found.table, found.index) == ("artifacts", 2)
    assert "does not hash" in found.problem
    path.unlink()
    found = verify_store(db).finding
    assert found is not None and (found.table, found.index, found.id) == ("artifacts", 2, "sub-001")


@pytest.mark.parametrize(
    ("sql", "table"),
    [
        ("UPDATE evaluation_scores SET level_id = 'proficient', points = '3'", "evaluation_scores"),
        ("UPDATE evaluations SET total = '22.5'", "evaluations"),
        ("UPDATE evaluations SET status = 'draft'", "evaluations"),
        ("UPDATE artifacts SET size = size + 1", "artifacts"),
    ],
)
def test_what_is_shown_must_be_what_was_signed(
    db: Database, seeded: Seed, sql: str, table: str
) -> None:
    """Rows the app shows for a signed evaluation, edited with the triggers dropped."""
    add_evidence(db, "sub-001", b"the learner's report\n")
    score_all(db, seeded, "sub-001")
    finalize(db, "sub-001", seeded.signer(db))
    assert verify_store(db).ok
    con = sqlite3.connect(db.path)
    drop_guards(con)
    con.execute(sql)
    con.commit()
    con.close()
    found = verify_store(db).finding
    assert found is not None and found.table == table and found.index == 1, found


def test_signed_evidence_cannot_be_swapped_and_a_missing_guard_is_named(
    db: Database, seeded: Seed
) -> None:
    score_all(db, seeded, "sub-001")
    add_evidence(db, "sub-001", b"evidence\n")
    finalize(db, "sub-001", seeded.signer(db))
    with pytest.raises(IntegrityError, match="evidence named by a signed record"), db.write() as tx:
        tx.connection().exec_driver_sql("UPDATE artifacts SET sha256 = 'f' || substr(sha256, 2)")
    con = sqlite3.connect(db.path)
    con.execute("DROP TRIGGER artifacts_signed_no_delete")
    con.commit()
    con.close()
    found = verify_store(db).finding
    assert found is not None
    assert (found.table, found.id) == ("triggers", "artifacts_signed_no_delete")
