"""The database of one data folder: opened under the folder lock, migrated when needed, and
used through short read or write transactions."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from pathlib import Path
from types import TracebackType
from typing import cast

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, configure_mappers, sessionmaker
from sqlalchemy.pool import PoolProxiedConnection

from assessor.store import audit, capture, folder, migrate
from assessor.store.blobs import BlobStore
from assessor.store.engine import create_sqlite_engine, immediate
from assessor.store.errors import StoreError
from assessor.store.files import fsync_dir, fsync_file
from assessor.store.lock import DataFolderLock

log = logging.getLogger(__name__)

Tx = Session  # what services take, so they never import SQLAlchemy
SqlTx = sqlite3.Connection  # the autosave path's transaction (see drafts.py)

DB_NAME = folder.DB_NAME
BLOBS_DIR = "blobs"
BACKUPS_DIR = "backups"
_SIDE_FILES = ("-wal", "-shm", "-journal")
_DISK_ERRORS = (OSError, sqlite3.Error, SQLAlchemyError)


class Database:
    def __init__(self, data_dir: Path, engine: Engine, lock: DataFolderLock) -> None:
        """Use `Database.open`; this only wires together what it prepared."""
        self.data_dir = data_dir
        self.path = data_dir / DB_NAME
        self.blobs = BlobStore(data_dir / BLOBS_DIR)
        self.engine = engine
        self._lock = lock
        capture.attach(engine)  # from now on every connection logs what it writes
        self._readers = sessionmaker(bind=engine, expire_on_commit=False)
        self._writers = sessionmaker(bind=immediate(engine), expire_on_commit=False)
        self._writer: PoolProxiedConnection | None = None  # write_sql's, once it wrote
        self._writer_lock = threading.Lock()

    @classmethod
    def open(cls, data_dir: Path, *, create: bool = True) -> Database:
        """Take the data folder, refuse a file that is not ours, too new, empty or truncated,
        back up and migrate when a migration is pending. With create=False (a command that
        only reads) nothing is created and nothing migrated: a missing, empty or outdated
        database is an error that says so. A new database is built aside and renamed into
        place complete, so a crash never leaves an empty `assessor.db` behind."""
        folder.check_data_dir(data_dir)
        path = data_dir / DB_NAME
        try:
            return cls._open(data_dir, path, create)
        except (OSError, sqlite3.Error, SQLAlchemyError) as exc:
            full = folder.disk_full(exc, data_dir)
            if full is None:
                raise
            raise full from exc

    @classmethod
    def _open(cls, data_dir: Path, path: Path, create: bool) -> Database:
        if create:
            folder.make_private_dir(data_dir)
        elif not data_dir.is_dir() or not os.path.lexists(path):
            raise StoreError(
                f"no Assessor database in {data_dir}; check the folder (--data-dir)",
                location=str(data_dir),
            )
        with ExitStack() as undo_on_error:
            lock = DataFolderLock(data_dir)
            lock.acquire()
            undo_on_error.callback(lock.release)
            if create and not os.path.lexists(path):
                _create_aside(path)
            folder.check_database_file(path)
            folder.keep_private(path, *(path.with_name(path.name + x) for x in _SIDE_FILES))
            state = migrate.inspect_file(path)
            if not create:  # before the engine, whose first connection sets WAL mode
                _check_readable_as_is(path, state)
            engine = create_sqlite_engine(path)
            undo_on_error.callback(engine.dispose)
            _bring_up_to_date(engine, path, data_dir / BACKUPS_DIR, state, may_change=create)
            configure_mappers()  # once at start-up rather than inside the first save
            database = cls(data_dir, engine, lock)
            if create:  # no write can be running: we hold the lock
                database.blobs.remove_stale_temp_files()
            undo_on_error.pop_all()
        return database

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A consistent snapshot (deferred BEGIN); never commits, always rolled back."""
        with self._readers() as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One BEGIN IMMEDIATE transaction: committed (durably) when the block ends normally,
        rolled back when it raises."""
        with self._disk_trouble(), self._writers() as session, session.begin():
            # Begin now, not at the first statement, so the write lock is held from the start.
            session.connection()
            yield session
            audit.seal(session)

    def write_sql(self) -> AbstractContextManager[SqlTx]:
        """A BEGIN IMMEDIATE transaction on a pooled driver connection (pragmas as every
        connection), without an ORM session: for the autosave path, where the session's own
        cost was a third of a save. Committed durably when the block ends, else rolled back."""
        return _SqlWrite(self)

    @contextmanager
    def _disk_trouble(self) -> Iterator[None]:
        """A write that fails for want of space says so (and that nothing was lost): SQLite
        rolls the transaction back whole."""
        try:
            yield
        except _DISK_ERRORS as exc:
            raise self._full_or(exc) from exc

    def _full_or(self, exc: BaseException) -> BaseException:
        """The disk-full error that `exc` means, or `exc` itself."""
        if isinstance(exc, _DISK_ERRORS):
            full = folder.disk_full(exc, self.data_dir)
            if full is not None:
                return full
        return exc

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self.engine.dispose()
        self._lock.release()

    def __enter__(self) -> Database:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class _SqlWrite:
    """`Database.write_sql`, as a class rather than generators: it wraps every save.

    One connection is kept out of the pool for these writes: checking one out and resetting
    it on return cost a tenth of a save. A second writer meanwhile (another thread, or a
    write nested in this one) takes one from the pool, as all did before. A write that fails
    gives the kept one back to the pool, which resets it (or drops it)."""

    __slots__ = ("conn", "db", "kept", "proxy")
    db: Database
    proxy: PoolProxiedConnection
    kept: bool  # the kept connection (else a pooled one, closed after)
    conn: sqlite3.Connection

    def __init__(self, db: Database) -> None:
        self.db = db

    def __enter__(self) -> SqlTx:
        db = self.db
        self.kept = db._writer_lock.acquire(blocking=False)
        try:
            if not self.kept:
                self.proxy = db.engine.raw_connection()
            else:
                if db._writer is None:
                    db._writer = db.engine.raw_connection()
                self.proxy = db._writer
            self.conn = cast(sqlite3.Connection, self.proxy.driver_connection)
            self.conn.execute("BEGIN IMMEDIATE")
        except BaseException as exc:
            self._give_back(failed=True)
            full = db._full_or(exc)
            if full is exc:
                raise
            raise full from exc
        return self.conn

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn = self.conn
        if exc is None:
            try:
                audit.seal(conn)
                conn.execute("COMMIT")
            except BaseException as error:
                self._undo()
                full = self.db._full_or(error)
                if full is error:
                    raise
                raise full from error
            self._give_back(failed=False)
            return
        self._undo()
        full = self.db._full_or(exc)
        if full is not exc:
            raise full from exc

    def _undo(self) -> None:
        try:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
        finally:
            self._give_back(failed=True)

    def _give_back(self, *, failed: bool) -> None:
        if not self.kept:
            if hasattr(self, "proxy"):
                self.proxy.close()
            return
        try:
            if failed and self.db._writer is not None:
                self.db._writer.close()  # back to the pool, which resets it (or drops it)
                self.db._writer = None
        finally:
            self.db._writer_lock.release()


def _bring_up_to_date(
    engine: Engine, path: Path, backups_dir: Path, state: migrate.FileState, *, may_change: bool
) -> None:
    with engine.connect() as conn:
        current = migrate.current_revision(conn)
        needed = migrate.pending(conn)
    if current is None and not state.empty:
        raise _no_revision(path)
    if current is not None and current not in migrate.known_revisions():
        if state.user_version < migrate.SCHEMA_MAJOR:
            raise StoreError(f"{path} has an unknown schema revision {current}", location=str(path))
        log.info("opening %s at revision %s from a newer Assessor as it is", path, current)
        return
    if not needed:
        return
    if not may_change:
        _check_readable_as_is(path, state)
    if not state.empty:
        migrate.backup(path, backups_dir)
    log.info("migrating %s from %s to %s", path, current or "empty", migrate.head_revision())
    migrate.upgrade(engine)


def _check_readable_as_is(path: Path, state: migrate.FileState) -> None:
    """For a command that only reads: the file must be usable without any change."""
    if state.empty:
        raise StoreError(f"{path} holds no Assessor data", location=str(path))
    if state.revision is None:
        raise _no_revision(path)
    if state.revision in migrate.known_revisions() and state.revision != migrate.head_revision():
        raise StoreError(
            f"{path} was written by an older Assessor (schema {state.revision}; this one uses "
            f"{migrate.head_revision()}). A command that only reads never upgrades it: open "
            "the window or run a command that changes data, and it is upgraded after a backup",
            location=str(path),
        )


def _no_revision(path: Path) -> StoreError:
    return StoreError(
        f"{path} has tables but no schema revision (alembic_version is empty or missing): "
        "it was changed outside Assessor; it was not opened",
        location=str(path),
    )


def _create_aside(path: Path) -> None:
    """A new database, migrated to head under a temporary name, then renamed into place."""
    aside = path.with_name(path.name + ".new")
    for stale in (aside, *(aside.with_name(aside.name + x) for x in _SIDE_FILES)):
        stale.unlink(missing_ok=True)
    folder.create_private_file(aside)
    engine = create_sqlite_engine(aside)
    try:
        migrate.upgrade(engine)
        with engine.connect() as conn:  # fold the WAL in: the renamed file must be whole
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    for side in _SIDE_FILES:
        aside.with_name(aside.name + side).unlink(missing_ok=True)
    fsync_file(aside)
    os.replace(aside, path)
    fsync_dir(path.parent)
