from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import select

from assessor.store import models as m
from assessor.store.db import Database
from assessor.store.errors import DataFolderLocked, StoreError
from assessor.store.types import utcnow


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(tmp_path / "data")
    try:
        yield database
    finally:
        database.close()


def _profile(pid: str) -> m.Profile:
    return m.Profile(id=pid, name=f"Person {pid}", roles="assessor", created_at=utcnow())


def _pragmas(dbapi_connection: sqlite3.Connection) -> tuple[object, ...]:
    return tuple(
        dbapi_connection.execute(f"PRAGMA {name}").fetchone()[0]
        for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
    )


def test_pragmas_are_in_force_on_every_pooled_connection(db: Database) -> None:
    with ExitStack() as stack:
        # Held at once, so the pool must hand out distinct connections.
        conns = [stack.enter_context(db.engine.connect()) for _ in range(4)]
        drivers = [c.connection.driver_connection for c in conns]
        assert len({id(d) for d in drivers}) == 4
        for driver in drivers:
            assert isinstance(driver, sqlite3.Connection)
            assert _pragmas(driver) == ("wal", 2, 1, 5000)  # synchronous 2 = FULL
            assert driver.isolation_level is None  # BEGIN belongs to SQLAlchemy


def test_read_and_write_sessions_run_with_the_pragmas(db: Database) -> None:
    expected = [("wal",), (2,), (1,), (5000,)]
    names = ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
    for open_tx in (db.read, db.write):
        with open_tx() as tx:
            assert [tuple(tx.connection().exec_driver_sql(f"PRAGMA {n}").one()) for n in names] == (
                expected
            )


def test_write_holds_the_write_lock_from_its_start(db: Database) -> None:
    other = sqlite3.connect(db.path, timeout=0, isolation_level=None)
    try:
        with db.write(), pytest.raises(sqlite3.OperationalError, match="database is locked"):
            other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again once the write transaction ended
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_read_does_not_take_the_write_lock(db: Database) -> None:
    other = sqlite3.connect(db.path, timeout=0, isolation_level=None)
    try:
        with db.read() as tx:
            tx.execute(select(m.Profile)).all()
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
    finally:
        other.close()


def test_write_commits_on_normal_exit_and_is_seen_by_a_new_connection(db: Database) -> None:
    with db.write() as tx:
        tx.add(_profile("p1"))
    other = sqlite3.connect(db.path)
    try:
        assert other.execute("SELECT id FROM profiles").fetchall() == [("p1",)]
    finally:
        other.close()


def test_write_rolls_back_and_reraises_on_error(db: Database) -> None:
    with pytest.raises(RuntimeError, match="boom"), db.write() as tx:
        tx.add(_profile("p1"))
        tx.flush()
        raise RuntimeError("boom")
    with db.read() as tx:
        assert tx.scalars(select(m.Profile.id)).all() == []


def test_read_never_commits(db: Database) -> None:
    with db.read() as tx:
        tx.add(_profile("p1"))
        tx.flush()
    with db.read() as tx:
        assert tx.scalars(select(m.Profile.id)).all() == []


def test_objects_stay_usable_after_the_write_commits(db: Database) -> None:
    with db.write() as tx:
        profile = _profile("p1")
        tx.add(profile)
    assert profile.name == "Person p1"  # expire_on_commit=False: no lazy load after the block


def test_read_sees_one_snapshot(db: Database) -> None:
    with db.write() as tx:
        tx.add(_profile("p1"))
    with db.read() as tx:
        assert len(tx.scalars(select(m.Profile.id)).all()) == 1
        with db.write() as writer:
            writer.add(_profile("p2"))
        assert len(tx.scalars(select(m.Profile.id)).all()) == 1
    with db.read() as tx:
        assert len(tx.scalars(select(m.Profile.id)).all()) == 2


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(Exception, match="FOREIGN KEY"), db.write() as tx:
        tx.add(
            m.RubricVersion(
                rubric_id="missing",
                version=1,
                digest="uEi-x",
                title="t",
                kind="analytic",
                document="{}",
                source_format="test",
                imported_at=utcnow(),
            )
        )


def test_second_open_of_the_same_folder_is_refused(db: Database) -> None:
    with pytest.raises(DataFolderLocked):
        Database.open(db.data_dir)


def test_close_releases_the_folder(tmp_path: Path) -> None:
    with Database.open(tmp_path / "data"):
        pass
    with Database.open(tmp_path / "data") as again:
        assert again.path == tmp_path / "data" / "assessor.db"


def test_open_without_create_needs_an_existing_database(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no Assessor database"):
        Database.open(tmp_path / "nothing", create=False)
    assert not (tmp_path / "nothing").exists()


def test_open_sweeps_temp_files_left_by_an_interrupted_blob_write(tmp_path: Path) -> None:
    stale = tmp_path / "data" / "blobs" / "tmp" / "put-x.part"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"half")
    with Database.open(tmp_path / "data"):
        assert not stale.exists()
