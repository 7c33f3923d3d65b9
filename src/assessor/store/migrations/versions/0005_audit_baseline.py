"""The audit log carries the rows: from this revision on, every event holds the values of the
rows its transaction wrote (store/capture.py), and `verify` replays the log against the
tables. Events written before carry no rows, so this revision appends one `store.baseline`
event holding every row as it is now: the state replays start from.

Schema major 2: a release at 0004 would write rows without logging them, and `verify` would
rightly call its writes tampering; it must not open the file (it refuses a newer major).

The baseline is written with SQL and the audit hash of the day (security.audit, whose format
is frozen: every stored event's hash depends on it). See
docs/decisions/0019-verify-replays-the-audit-log.md.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from alembic import op

from assessor.security.audit import GENESIS, event_hash
from assessor.security.canonical import canonicalize
from assessor.security.digests import digest_bytes

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA_MAJOR = 2
PREVIOUS_MAJOR = 1
# Frozen copies of store/capture.py's lists as of this revision.
EXCLUDED = frozenset({"audit_events", "chain_heads", "alembic_version"})
DIGESTED = frozenset(
    {
        ("rubric_versions", "document"),
        ("records", "body"),
        ("outbox_items", "body"),
        ("profiles", "sealed_key"),
    }
)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _tables(conn: Any) -> list[tuple[str, list[str], list[str]]]:
    names = [
        str(n)
        for (n,) in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )
        if not str(n).startswith("sqlite_") and str(n) not in EXCLUDED
    ]
    found = []
    for name in names:
        info = conn.exec_driver_sql(f'PRAGMA table_info("{name}")').fetchall()
        columns = [str(row[1]) for row in info]
        key = [c for _, c in sorted((row[5], str(row[1])) for row in info if row[5])]
        if _IDENTIFIER.match(name) and all(_IDENTIFIER.match(c) for c in columns) and key:
            found.append((name, columns, key))
    return found


def _rows(conn: Any, name: str, columns: list[str], key: list[str]) -> list[list[Any]]:
    values = ", ".join(f"'{c}', \"{c}\"" for c in columns)
    keys = ", ".join(f'"{c}"' for c in key)
    changes = []
    sql = f'SELECT json_array({keys}), json_object({values}) FROM "{name}" ORDER BY rowid'
    for key_text, text in conn.exec_driver_sql(sql):
        row = json.loads(text)
        for column in columns:
            if (name, column) in DIGESTED and isinstance(row[column], str):
                row[column] = digest_bytes(row[column].encode("utf-8"))
        changes.append(["insert", name, json.loads(key_text), row])
    return changes


def upgrade() -> None:
    conn = op.get_bind()
    rows = [c for table in _tables(conn) for c in _rows(conn, *table)]
    if rows:
        last = conn.exec_driver_sql(
            "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        seq, prev = (int(last[0]) + 1, str(last[1])) if last else (1, GENESIS)
        at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        payload = {"revision": revision, "rows": rows}
        content = {
            "seq": seq,
            "at": at,
            "actor": "system",
            "action": "store.baseline",
            "entity": {"type": "store", "id": revision},
            "payload": payload,
        }
        conn.exec_driver_sql(
            "INSERT INTO audit_events (seq, at, actor, action, entity_type, entity_id, payload, "
            "prev_hash, hash) VALUES (?, ?, 'system', 'store.baseline', 'store', ?, ?, ?, ?)",
            (seq, at, revision, canonicalize(payload).decode("utf-8"), prev,
             event_hash(prev, content)),
        )  # fmt: skip
    op.execute(f"PRAGMA user_version = {SCHEMA_MAJOR}")


def downgrade() -> None:
    # The baseline event stays: the audit log is append-only, and older releases read it as
    # an event like any other.
    op.execute(f"PRAGMA user_version = {PREVIOUS_MAJOR}")
