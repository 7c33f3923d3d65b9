"""Every row a transaction writes goes into the audit log with its values, so that `verify`
can replay the log and compare the state it produces with the tables.

On each of Assessor's own connections, TEMP triggers (invisible in the file, gone with the
connection) note the old and new values of every row inserted, updated or deleted in the
captured tables into a TEMP table. `audit.append_event` takes what is noted into the event
it writes (`payload["rows"]`); a write transaction that noted rows but appended no event gets
one before it commits (`store.write`). So no path can change a captured row without the log
saying how, whether it goes through the ORM, Core or hand-written SQL; an attacker with the
file writes through none of these, and `verify` sees the difference.

A change is `["insert", table, key, values]` (every column), `["update", table, key,
changed columns]` or `["delete", table, key]`; `key` lists the primary-key values. Large
columns that are content-addressed elsewhere are logged as their digest (`DIGESTED`).
See docs/decisions/0019-verify-replays-the-audit-log.md.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.pool import ConnectionPoolEntry

from assessor.security.digests import digest_bytes
from assessor.store import capture_json
from assessor.store.capture_sql import EXCLUDED as EXCLUDED  # the capture's own names
from assessor.store.capture_sql import TableShape as TableShape
from assessor.store.capture_sql import captured_tables as captured_tables
from assessor.store.capture_sql import install as install

# Logged as the digest of their UTF-8 text (big, and each checked against a digest anyway).
DIGESTED = frozenset(
    {
        ("rubric_versions", "document"),
        ("records", "body"),
        ("outbox_items", "body"),
        ("profiles", "sealed_key"),
    }
)
# One note per row written (see capture_sql.py).
_ANY_PENDING = "SELECT 1 FROM temp.audit_pending LIMIT 1"
_PENDING = (
    "SELECT n, tbl, op, key, old_key, new, changed, delta, odd FROM temp.audit_pending ORDER BY n"
)
_CLEAR = "DELETE FROM temp.audit_pending"
_TAKE = (
    "DELETE FROM temp.audit_pending RETURNING n, tbl, op, key, old_key, new, changed, delta, odd"
)
_RETURNING = sqlite3.sqlite_version_info >= (3, 35)

Key = tuple[Any, ...]
Change = list[Any]


def attach(engine: Engine) -> None:
    """Install on every connection the engine opens from now on (and drop those it holds,
    opened before: during a migration, which logs its own changes)."""
    event.listen(engine, "connect", _on_connect)
    engine.dispose()


def _on_connect(dbapi_connection: Any, connection_record: ConnectionPoolEntry) -> None:
    install(dbapi_connection)


def has_pending(conn: sqlite3.Connection) -> bool:
    try:
        return conn.execute(_ANY_PENDING).fetchone() is not None
    except sqlite3.OperationalError:  # not installed on this connection (a migration)
        return False


@dataclass(slots=True)
class _Written:
    existed: bool  # the row was there before the transaction
    row: dict[str, Any] | None = None  # its values now; None: deleted
    columns: set[str] | None = field(default_factory=set)  # changed; None: all of them


def take_notes(conn: sqlite3.Connection) -> list[Any]:
    """The notes since the last call, in the order written; cleared."""
    try:
        if _RETURNING:  # read and clear in one statement: this runs on every autosave
            return sorted(conn.execute(_TAKE).fetchall())
        notes = conn.execute(_PENDING).fetchall()
        if notes:
            conn.execute(_CLEAR)
        return notes
    except sqlite3.OperationalError:  # not installed on this connection (a migration)
        return []


def take(conn: sqlite3.Connection) -> tuple[list[Change], bool]:
    """The changes noted since the last call (`changes`); the notes are cleared."""
    return changes(take_notes(conn))


def changes(notes: list[Any]) -> tuple[list[Change], bool]:
    """The changes of `notes`, merged per row, in the order first touched. With them,
    whether they are plain (`canonical.is_plain`): they are, unless SQLite wrote a float or
    an integer beyond 2**53."""
    values, plain = capture_json.parse_all(notes)
    once = _once_each(notes, values)
    return (_merged(notes, values) if once is None else once), plain


def changes_text(notes: list[Any]) -> str | None:
    """The canonical JSON text of `changes(notes)[0]` for a save's usual notes, without
    parsing them; None when they need the parse (see capture_json.py)."""
    return capture_json.rows_text(notes, _DIGESTED_TABLES)


def _once_each(notes: list[Any], values: list[Any]) -> list[Change] | None:
    """The changes when each note is another row and no key changed (a save's usual notes:
    one row per table), without merging; None when they need it (or are not as expected)."""
    changes: list[Change] = []
    seen = set()
    at = 0
    for _, table, op, _key, old_key_text, new_text, changed, _delta, _odd in notes:
        key = values[at]
        ident = (table, tuple(key))
        if old_key_text is not None or ident in seen:
            return None
        seen.add(ident)
        if op == "d":
            changes.append(["delete", table, key])
            at += 1
            continue
        if new_text is None or op not in ("i", "u"):
            return None
        new = image(table, values[at + 1])
        at += 2
        if op == "i" or changed is None:
            changes.append(["insert" if op == "i" else "update", table, key, new])
        elif columns := _columns(table, new, changed):
            changes.append(["update", table, key, {c: new[c] for c in sorted(columns)}])
    return changes


def _merged(notes: list[Any], values: list[Any]) -> list[Change]:
    """The changes of notes that may touch a row more than once, merged per row."""
    parsed = iter(values)
    written: dict[tuple[str, Key], _Written] = {}
    for _, table, op, _key, old_key_text, new_text, changed, _delta, _odd in notes:
        key = (table, tuple(next(parsed)))
        old_key = None if old_key_text is None else (table, tuple(next(parsed)))
        new = None if new_text is None else next(parsed)
        if op == "d":
            written.setdefault(key, _Written(existed=True)).row = None
            continue
        if old_key is not None:  # its key changed: the row under the old key is gone
            written.setdefault(old_key, _Written(existed=True)).row = None
        if new is None:
            raise ValueError(f"audit capture: a row written to {table} without its values")
        entry = written.get(key)
        if entry is None:
            entry = written[key] = _Written(existed=op == "u" and old_key is None)
        if op == "i" or old_key is not None or changed is None:
            entry.columns = None  # (re)inserted, or too wide to say: every column
        elif entry.columns is not None:
            entry.columns.update(_columns(table, new, changed))
        entry.row = new
    return [c for (table, key), entry in written.items() if (c := _change(table, key, entry))]


def _columns(table: str, row: dict[str, Any], changed: int) -> list[str]:
    """The columns whose bit is set: bits follow the columns' sorted order, as the row's
    JSON object does (where the rowid of a table without a primary key is no bit)."""
    names = [c for c in row if c != "rowid"]
    return [c for bit, c in enumerate(names) if changed >> bit & 1]


def _change(table: str, key: Key, entry: _Written) -> Change | None:
    if entry.row is None:
        return ["delete", table, list(key)] if entry.existed else None
    values = image(table, entry.row)
    if not entry.existed:
        return ["insert", table, list(key), values]
    if entry.columns is None:
        return ["update", table, list(key), values]
    if not entry.columns:
        return None
    return ["update", table, list(key), {c: values[c] for c in sorted(entry.columns)}]


def image(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A row's values as the log holds them: digested columns replaced by their digest."""
    for column in _DIGESTED_BY_TABLE.get(table, ()):
        value = row.get(column)
        if isinstance(value, str):
            row[column] = digest_bytes(value.encode("utf-8"))
    return row


_DIGESTED_BY_TABLE: dict[str, tuple[str, ...]] = {}
for _table, _column in sorted(DIGESTED):
    _DIGESTED_BY_TABLE[_table] = (*_DIGESTED_BY_TABLE.get(_table, ()), _column)
_DIGESTED_TABLES = frozenset(_DIGESTED_BY_TABLE)


def rows_of(conn: sqlite3.Connection, shape: TableShape) -> Iterator[tuple[Key, dict[str, Any]]]:
    """The table's rows as images (for `verify` and the baseline), in rowid order."""
    table = f'main."{shape.name}"'
    select = f"SELECT {shape.json_key(table)}, {shape.json_object(table)} FROM {table}"  # noqa: S608
    for key_text, text in conn.execute(select + " ORDER BY rowid"):
        yield tuple(json.loads(key_text)), image(shape.name, json.loads(text))
