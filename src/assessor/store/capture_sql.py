"""The audit capture's SQL (store/capture.py): the TEMP table of notes and the TEMP
triggers that note every row written to a captured table, with its values as JSON.

The JSON is written by SQLite with each row's columns sorted, as RFC 8785 sorts them, so that
a save's usual notes are already canonical (capture_json.py)."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from assessor.security.canonical import MAX_SAFE_INTEGER
from assessor.store import capture_json

# Not captured: the audit log itself, the chain heads its triggers keep, Alembic's revision.
EXCLUDED = frozenset({"audit_events", "chain_heads", "alembic_version"})
# One note per row written: the operation, the row's key (and its old key when an update
# changed it), its values after the write (keys sorted), and for an update a bit per column
# that changed (in sorted order) and those columns' new values as a JSON object (`delta`);
# `odd` when a value is a float or an integer beyond 2**53 (its JSON is not canonical).
_CREATE_PENDING = (
    "CREATE TEMP TABLE IF NOT EXISTS audit_pending (n INTEGER PRIMARY KEY, tbl TEXT NOT NULL, "
    "op TEXT NOT NULL, key TEXT NOT NULL, old_key TEXT, new TEXT, changed INTEGER, delta TEXT, "
    "odd INTEGER)"
)
_MASK_COLUMNS = 62  # bits of a signed 64-bit integer; a wider table logs whole rows
# Names go into SQL text: only plain identifiers (the schema's own) are ever used.
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass(frozen=True)
class TableShape:
    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]  # primary-key columns, or ("rowid",) for a table without one
    texts: frozenset[str] = frozenset()  # columns of TEXT affinity: SQLite stores text there

    def json_object(self, alias: str) -> str:
        """SQL building the row's JSON object from `alias` (NEW, OLD or the table), its keys
        sorted as canonical JSON sorts them (see capture_json.py)."""
        names = sorted((("rowid",) if self.key == ("rowid",) else ()) + self.columns)
        return "json_object(" + ", ".join(f"'{c}', {alias}.\"{c}\"" for c in names) + ")"

    def json_delta(self) -> str:
        """SQL writing the JSON object of the columns an update changed, keys sorted."""
        pairs = " || ".join(
            f'CASE WHEN OLD."{c}" IS NOT NEW."{c}" THEN \',"{c}":\' || json_quote(NEW."{c}") '
            "ELSE '' END"
            for c in sorted(self.columns)
        )
        return f"'{{' || substr({pairs}, 2) || '}}'"

    def json_key(self, alias: str) -> str:
        return "json_array(" + ", ".join(f'{alias}."{c}"' for c in self.key) + ")"

    def odd(self, alias: str, names: tuple[str, ...]) -> str:
        """SQL: 1 when one of the columns `names` holds a float or an integer beyond 2**53
        (their JSON is not RFC 8785's), else 0."""
        tests = " OR ".join(
            f"typeof({alias}.\"{c}\") = 'real' OR (typeof({alias}.\"{c}\") = 'integer' AND "
            f'{alias}."{c}" NOT BETWEEN -{MAX_SAFE_INTEGER} AND {MAX_SAFE_INTEGER})'
            for c in names
            if c not in self.texts  # a number written there is stored (and seen here) as text
        )
        return f"({tests})" if tests else "0"


def captured_tables(conn: sqlite3.Connection) -> list[TableShape]:
    """The shape of every captured table, read from the file's own schema."""
    names = [
        str(n)
        for (n,) in conn.execute(
            "SELECT name FROM main.sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
        )
    ]
    shapes = []
    for name in names:
        if name in EXCLUDED or not _IDENTIFIER.match(name):
            continue  # a table Assessor never made: verify names it as not in the schema
        info = conn.execute(f'PRAGMA main.table_info("{name}")').fetchall()
        columns = tuple(str(row[1]) for row in info)
        if not all(_IDENTIFIER.match(c) for c in columns):
            continue
        keyed = sorted((row[5], str(row[1])) for row in info if row[5])
        key = tuple(c for _, c in keyed) or ("rowid",)
        shapes.append(TableShape(name, columns, key, _text_affinity(info)))
    return shapes


def _text_affinity(info: list[tuple[object, ...]]) -> frozenset[str]:
    """The columns SQLite gives TEXT affinity, by its rules: a declared type that holds
    CHAR, CLOB or TEXT, and not INT (https://sqlite.org/datatype3.html, 3.1)."""
    names = set()
    for row in info:
        declared = str(row[2] or "").upper()
        if "INT" not in declared and any(t in declared for t in ("CHAR", "CLOB", "TEXT")):
            names.add(str(row[1]))
    return frozenset(names)


def install(conn: sqlite3.Connection) -> None:
    """Create the TEMP table and triggers on one connection (idempotent)."""
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute(_CREATE_PENDING)
    capture_json.check_escaping(conn)
    for shape in captured_tables(conn):
        key_changed = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in shape.key)
        if len(shape.columns) <= _MASK_COLUMNS:
            changed = " | ".join(
                f'((OLD."{c}" IS NOT NEW."{c}") << {bit})'
                for bit, c in enumerate(sorted(shape.columns))
            )
            delta = shape.json_delta()
        else:
            changed = delta = "NULL"
        every = shape.columns + (("rowid",) if shape.key == ("rowid",) else ())
        new, new_odd = shape.json_object("NEW"), shape.odd("NEW", every)
        old_key_odd = shape.odd("OLD", shape.key)
        for when, values in (
            ("INSERT", ("'i'", shape.json_key("NEW"), "NULL", new, "NULL", "NULL", new_odd)),
            (
                "UPDATE",
                (
                    "'u'",
                    shape.json_key("NEW"),
                    f"CASE WHEN {key_changed} THEN {shape.json_key('OLD')} END",
                    new,
                    changed,
                    delta,
                    f"{new_odd} OR {old_key_odd}",
                ),
            ),
            ("DELETE", ("'d'", shape.json_key("OLD"), "NULL", "NULL", "NULL", "NULL", old_key_odd)),
        ):
            trigger = f'"audit_capture_{shape.name}_{when.lower()}"'
            body = f"VALUES ('{shape.name}', {', '.join(values)})"
            # Identifiers come from captured_tables, which keeps only plain ones.
            ddl = (
                f'CREATE TEMP TRIGGER IF NOT EXISTS {trigger} AFTER {when} ON main."{shape.name}" '
                "BEGIN INSERT INTO audit_pending (tbl, op, key, old_key, new, changed, delta, odd) "
                + body
                + "; END"
            )
            conn.execute(ddl)
