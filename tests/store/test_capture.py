"""What the audit capture logs for the writes of one transaction (store/capture.py): each row
once, as its net change, whatever path wrote it."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from sqlalchemy import text

from assessor.security.digests import digest_bytes
from assessor.store import models as m
from assessor.store.audit import append_event
from assessor.store.db import Database
from assessor.store.types import utcnow


def last_rows(db: Database) -> tuple[str, list[Any]]:
    con = sqlite3.connect(db.path)
    try:
        action, payload = con.execute(
            "SELECT action, payload FROM audit_events ORDER BY seq DESC LIMIT 1"
        ).fetchone()
    finally:
        con.close()
    return str(action), json.loads(payload).get("rows", [])


def learner(db: Database, *statements: str, event: bool = True) -> None:
    with db.write() as tx:
        for sql in statements:
            tx.execute(text(sql))
        if event:
            append_event(tx, actor="t", action="t", entity_type="t", entity_id="t", payload={})


def test_each_row_once_as_its_net_change(db: Database) -> None:
    learner(db, "INSERT INTO learners VALUES ('a', 'Ann', 'C-1')")
    assert last_rows(db) == (
        "t",
        [["insert", "learners", ["a"], {"id": "a", "name": "Ann", "anonymous_code": "C-1"}]],
    )
    # Inserted then changed: one insert with the final values.
    learner(
        db,
        "INSERT INTO learners VALUES ('b', 'Bo', 'C-2')",
        "UPDATE learners SET name = 'Bob' WHERE id = 'b'",
    )
    assert last_rows(db)[1] == [
        ["insert", "learners", ["b"], {"id": "b", "name": "Bob", "anonymous_code": "C-2"}]
    ]
    # Changed twice: one update with the columns that changed.
    learner(
        db,
        "UPDATE learners SET name = 'Anne' WHERE id = 'a'",
        "UPDATE learners SET anonymous_code = 'C-9' WHERE id = 'a'",
    )
    assert last_rows(db)[1] == [
        ["update", "learners", ["a"], {"anonymous_code": "C-9", "name": "Anne"}]
    ]
    # Deleted and inserted again: an update of every column.
    learner(
        db, "DELETE FROM learners WHERE id = 'b'", "INSERT INTO learners VALUES ('b', 'B', 'C-3')"
    )
    assert last_rows(db)[1] == [
        ["update", "learners", ["b"], {"id": "b", "name": "B", "anonymous_code": "C-3"}]
    ]
    # Its key changed: the old row deleted, the new one inserted.
    learner(db, "UPDATE learners SET id = 'c' WHERE id = 'b'")
    assert last_rows(db)[1] == [
        ["delete", "learners", ["b"]],
        ["insert", "learners", ["c"], {"id": "c", "name": "B", "anonymous_code": "C-3"}],
    ]
    # Inserted and deleted again, or set to what it was: nothing to log.
    learner(
        db,
        "INSERT INTO learners VALUES ('d', 'D', 'C-4')",
        "DELETE FROM learners WHERE id = 'd'",
        "UPDATE learners SET name = name",
    )
    assert last_rows(db)[1] == []


def test_a_write_without_an_event_gets_one(db: Database) -> None:
    learner(db, "INSERT INTO learners VALUES ('a', 'Ann', 'C-1')", event=False)
    assert last_rows(db) == (
        "store.write",
        [["insert", "learners", ["a"], {"id": "a", "name": "Ann", "anonymous_code": "C-1"}]],
    )


def test_big_content_addressed_columns_are_logged_as_their_digest(db: Database) -> None:
    with db.write() as tx:
        tx.add(m.OutboxItem(record_id="r", kind="k", body='{"a":1}', created_at=utcnow()))
    (change,) = last_rows(db)[1]
    assert change[:3] == ["insert", "outbox_items", [1]]
    assert change[3]["body"] == digest_bytes(b'{"a":1}')
