"""`Database.write_sql` keeps one connection for its writes; a second writer meanwhile takes
one from the pool, an error gives the kept one back, and `close` closes it."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assessor.store.db import Database

_ADD = "INSERT INTO profiles (id, name, roles, created_at) VALUES (?, ?, 'proctor', '2026')"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(tmp_path / "data")
    try:
        yield database
    finally:
        database.close()


def _names(db: Database) -> list[str]:
    other = sqlite3.connect(db.path)
    try:
        return [str(n) for (n,) in other.execute("SELECT name FROM profiles ORDER BY name")]
    finally:
        other.close()


def _audited(db: Database) -> int:
    other = sqlite3.connect(db.path)
    try:
        return int(other.execute("SELECT count(*) FROM audit_events").fetchone()[0])
    finally:
        other.close()


def test_writes_share_one_connection_and_each_commits_with_its_event(db: Database) -> None:
    events = _audited(db)
    with db.write_sql() as first:
        first.execute(_ADD, ("p1", "Ada"))
    with db.write_sql() as second:
        second.execute(_ADD, ("p2", "Bo"))
    assert first is second
    assert _names(db) == ["Ada", "Bo"]
    assert _audited(db) == events + 2  # sealed: each write got its store.write event


def test_a_failed_write_rolls_back_and_the_next_one_commits(db: Database) -> None:
    with pytest.raises(RuntimeError, match="boom"), db.write_sql() as tx:
        tx.execute(_ADD, ("p1", "Ada"))
        raise RuntimeError("boom")
    with db.write_sql() as tx:
        assert not _names(db)
        tx.execute(_ADD, ("p2", "Bo"))
    assert _names(db) == ["Bo"]


def test_a_second_writer_meanwhile_waits_on_a_pooled_connection(db: Database) -> None:
    seen: list[sqlite3.Connection] = []

    def second() -> None:
        with db.write_sql() as tx:
            seen.append(tx)
            tx.execute(_ADD, ("p2", "Bo"))

    with db.write_sql() as tx:
        tx.execute(_ADD, ("p1", "Ada"))
        thread = threading.Thread(target=second)
        thread.start()
        # Wait until the other writer holds a pooled connection (blocked in BEGIN IMMEDIATE
        # on SQLite's lock), so it cannot have waited for the kept one instead.
        for _ in range(2000):
            if db.engine.pool.checkedout() == 2:  # type: ignore[attr-defined]
                break
            time.sleep(0.005)
        assert db.engine.pool.checkedout() == 2  # type: ignore[attr-defined]
    thread.join()
    assert seen and seen[0] is not tx
    assert _names(db) == ["Ada", "Bo"]


def test_close_closes_the_kept_connection(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "data")
    with db.write_sql() as tx:
        tx.execute(_ADD, ("p1", "Ada"))
    db.close()
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        tx.execute("SELECT 1")
