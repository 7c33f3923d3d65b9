"""Replaying the audit log's row images (store/capture.py) into the state they describe, and
comparing that state with the tables: `verify`'s proof that every row the app shows or
relies on was written by Assessor, in an event of the chain, with these values.

Rules checked while replaying, besides the images themselves:
- a `store.baseline` (migration 0005) may come only before any other event carrying rows;
- an insert names a row that does not exist yet, an update or delete one that does;
- a row with an author (`_AUTHOR`) is changed only by that author: every change to an
  evaluation or its scores by that evaluation's assessor (what an assessor signs is only ever
  what they entered), an exam session's log entry by the profile it names.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from assessor.services.access import operation
from assessor.store import integrity
from assessor.store.db import Tx

Key = tuple[Any, ...]
BASELINE = "store.baseline"
# Rows only their author may change, and where the state names the author: table -> (the
# table of the row naming them, how many leading columns of the key are that row's key, the
# column).
_AUTHOR: dict[str, tuple[str, int, str]] = {
    "evaluations": ("evaluations", 1, "assessor_id"),
    "evaluation_scores": ("evaluations", 1, "assessor_id"),
    "exam_entries": ("exam_entries", 2, "actor_id"),
}


class ReplayError(Exception):
    """The log itself is inconsistent at the current event."""


@dataclass
class Row:
    values: dict[str, Any]
    event: int  # index of the last event that wrote it


@dataclass
class Replay:
    state: dict[str, dict[Key, Row]] = field(default_factory=dict)
    _rows_seen: bool = False

    def apply(self, index: int, actor: str, action: str, payload: Any) -> None:
        """Apply one event's rows; ReplayError says what is wrong with them."""
        rows = payload.get("rows") if isinstance(payload, dict) else None
        if rows is None:
            return
        if not isinstance(rows, list):
            raise ReplayError("its rows are not a list")
        if action == BASELINE:
            if self._rows_seen:
                raise ReplayError("a baseline after events that already carry rows")
            self.state = {}
        self._rows_seen = True
        for change in rows:
            table, key = self._apply(index, change)
            if action != BASELINE and table in _AUTHOR:
                self._check_author(actor, table, key)

    def _apply(self, index: int, change: Any) -> tuple[str, Key]:
        if not (isinstance(change, list) and len(change) in (3, 4)):
            raise ReplayError(f"a row change is malformed: {_short(change)}")
        op, table, raw_key = change[0], change[1], change[2]
        if not isinstance(table, str) or not isinstance(raw_key, list):
            raise ReplayError(f"a row change is malformed: {_short(change)}")
        key = tuple(raw_key)
        rows = self.state.setdefault(table, {})
        values = change[3] if len(change) == 4 else None
        if op == "delete" and len(change) == 3:
            if rows.pop(key, None) is None:
                raise ReplayError(f"deletes {table} {_label(key)}, which no event wrote")
        elif op == "insert" and isinstance(values, dict):
            if key in rows:
                raise ReplayError(f"inserts {table} {_label(key)}, which exists already")
            rows[key] = Row(dict(values), index)
        elif op == "update" and isinstance(values, dict):
            row = rows.get(key)
            if row is None:
                raise ReplayError(f"updates {table} {_label(key)}, which no event wrote")
            row.values.update(values)
            row.event = index
        else:
            raise ReplayError(f"a row change is malformed: {_short(change)}")
        return table, key

    def _check_author(self, actor: str, table: str, key: Key) -> None:
        named_in, width, column = _AUTHOR[table]
        row = self.state.get(named_in, {}).get(key[:width])
        author = None if row is None else row.values.get(column)
        if author != actor:
            raise ReplayError(
                f"changes {table} {_label(key)} as {author} ({named_in} "
                f"{_label(key[:width])}, {column}), but its actor is {actor}"
            )


@dataclass(frozen=True)
class Difference:
    table: str
    index: int  # 1-based position in the table (rowid order); past the end for a missing row
    id: str
    problem: str


@operation(None)  # a step of verify_store, which is the checked operation
def differences(tx: Tx, replay: Replay) -> Iterator[Difference]:
    """Each place where the tables differ from the replayed state, table by table."""
    shapes = {s.name: s for s in integrity.captured_tables(tx)}
    for table in sorted(set(shapes) | set(replay.state)):
        expected = dict(replay.state.get(table, {}))
        if table not in shapes:
            if expected:
                yield Difference(table, 1, "-", "missing: the table is not in the file")
            continue
        count = 0
        try:
            for count, (key, values) in enumerate(integrity.table_images(tx, shapes[table]), 1):
                row = expected.pop(key, None)
                if row is None:
                    yield Difference(table, count, _label(key), "not written by any audit event")
                elif (logged := _logged(row.values, values)) != values:
                    yield Difference(table, count, _label(key), _differs(logged, row.event, values))
        except integrity.DATABASE_ERRORS as exc:  # a BLOB, or text that is not UTF-8
            yield Difference(table, count + 1, "-", f"a value that is no text or number ({exc})")
            continue
        for key, row in expected.items():
            yield Difference(
                table, count + 1, _label(key), f"missing: audit event #{row.event} wrote it"
            )


def _logged(logged: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """The logged image with the columns a later migration added (nullable, no default:
    migrations/versions/0006) as null: rows written before it never had them."""
    if set(values) <= set(logged):
        return logged
    return {c: logged.get(c) for c in values} | logged


def _differs(logged: dict[str, Any], event: int, values: dict[str, Any]) -> str:
    """The columns where `values` differ from the image audit event #`event` logged."""
    columns = sorted(set(logged) | set(values))
    changed = [c for c in columns if logged.get(c, _ABSENT) != values.get(c, _ABSENT)]
    first = changed[0]
    return (
        f"{', '.join(changed)} differ{'s' if len(changed) == 1 else ''} from what audit event "
        f"#{event} wrote ({first}: the table has {_short(values.get(first))}, the log "
        f"{_short(logged.get(first))})"
    )


_ABSENT = object()


def _label(key: Key) -> str:
    text = "/".join(str(k) for k in key)
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


def _short(value: Any) -> str:
    """A value for a one-line message: JSON with every control character escaped."""
    text = json.dumps(value, ensure_ascii=True)
    return text if len(text) <= 60 else text[:57] + "..."
