"""The database of one data folder: opened under the folder lock, migrated when needed, and
used through short read or write transactions."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import TracebackType
from typing import cast

from sqlalchemy import Engine
from sqlalchemy.orm import Session, configure_mappers, sessionmaker

from assessor.store import migrate
from assessor.store.blobs import BlobStore
from assessor.store.engine import create_sqlite_engine, immediate
from assessor.store.errors import StoreError
from assessor.store.lock import DataFolderLock

log = logging.getLogger(__name__)

Tx = Session  # what services take, so they never import SQLAlchemy
SqlTx = sqlite3.Connection  # the autosave path's transaction (see drafts.py)

DB_NAME = "assessor.db"
BLOBS_DIR = "blobs"
BACKUPS_DIR = "backups"


class Database:
    def __init__(self, data_dir: Path, engine: Engine, lock: DataFolderLock) -> None:
        """Use `Database.open`; this only wires together what it prepared."""
        self.data_dir = data_dir
        self.path = data_dir / DB_NAME
        self.blobs = BlobStore(data_dir / BLOBS_DIR)
        self.engine = engine
        self._lock = lock
        self._readers = sessionmaker(bind=engine, expire_on_commit=False)
        self._writers = sessionmaker(bind=immediate(engine), expire_on_commit=False)

    @classmethod
    def open(cls, data_dir: Path, *, create: bool = True) -> Database:
        """Take the data folder, refuse a file that is not ours or too new, back up and
        migrate when a migration is pending."""
        path = data_dir / DB_NAME
        if create:
            data_dir.mkdir(parents=True, exist_ok=True)
        elif not path.is_file():
            raise StoreError(
                f"no Assessor database in {data_dir}; check the folder (--data-dir)",
                location=str(data_dir),
            )
        with ExitStack() as undo_on_error:
            lock = DataFolderLock(data_dir)
            lock.acquire()
            undo_on_error.callback(lock.release)
            state = migrate.inspect_file(path)
            engine = create_sqlite_engine(path)
            undo_on_error.callback(engine.dispose)
            _bring_up_to_date(engine, path, data_dir / BACKUPS_DIR, state)
            configure_mappers()  # once at start-up rather than inside the first save
            database = cls(data_dir, engine, lock)
            database.blobs.remove_stale_temp_files()  # no write can be running: we hold the lock
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
        with self._writers() as session, session.begin():
            # Begin now, not at the first statement, so the write lock is held from the start.
            session.connection()
            yield session

    @contextmanager
    def write_sql(self) -> Iterator[SqlTx]:
        """A BEGIN IMMEDIATE transaction on a pooled driver connection (pragmas as every
        connection), without an ORM session: for the autosave path, where the session's own
        cost was a third of a save. Committed durably when the block ends, else rolled back."""
        proxy = self.engine.raw_connection()
        try:
            conn = cast(sqlite3.Connection, proxy.driver_connection)
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        finally:
            proxy.close()

    def close(self) -> None:
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


def _bring_up_to_date(
    engine: Engine, path: Path, backups_dir: Path, state: migrate.FileState
) -> None:
    with engine.connect() as conn:
        current = migrate.current_revision(conn)
        needed = migrate.pending(conn)
    if current is not None and current not in migrate.known_revisions():
        if state.user_version < migrate.SCHEMA_MAJOR:
            raise StoreError(f"{path} has an unknown schema revision {current}", location=str(path))
        log.info("opening %s at revision %s from a newer Assessor as it is", path, current)
        return
    if not needed:
        return
    if not state.empty:
        migrate.backup(path, backups_dir)
    log.info("migrating %s from %s to %s", path, current or "empty", migrate.head_revision())
    migrate.upgrade(engine)
