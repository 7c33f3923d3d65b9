"""Engine and transactions: a SQLite file (WAL, synchronous=FULL, BEGIN IMMEDIATE for writes)
or PostgreSQL through psycopg 3 (READ COMMITTED; the constraints and row locks in the models
make concurrent workers agree)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from threading import Lock
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from issuer.errors import BadInput

_IMMEDIATE = "issuer_sqlite_immediate"
_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",  # a power cut must not lose an acknowledged record
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=30000",
)


def sqlite_url(path: Path) -> str:
    return URL.create("sqlite", database=str(path)).render_as_string()


def normalize_url(url: str) -> URL:
    """A SQLAlchemy URL for `url`; `postgresql://` and `postgres://` use psycopg 3."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise BadInput(f"--db: '{_redact(url)}' is not a database URL") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername not in ("sqlite", "postgresql+psycopg"):
        raise BadInput(
            f"--db: '{parsed.drivername}' databases are not supported; "
            "use a SQLite file (sqlite:///PATH) or PostgreSQL (postgresql://…)"
        )
    return parsed


def _redact(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(unreadable)"


def _on_connect(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
    for pragma in _SQLITE_PRAGMAS:
        dbapi_connection.execute(pragma).close()


def _on_begin(conn: Connection) -> None:
    immediate = conn.get_execution_options().get(_IMMEDIATE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """One engine; `write()` and `read()` give a session in one transaction."""

    def __init__(self, url: str) -> None:
        self.url = normalize_url(url)
        self.is_sqlite = self.url.drivername == "sqlite"
        if self.is_sqlite:
            database = self.url.database
            if not database or database == ":memory:":
                raise BadInput("--db: a SQLite database must be a file")
            Path(database).parent.mkdir(parents=True, exist_ok=True)
            self.engine: Engine = create_engine(self.url)
            event.listen(self.engine, "connect", _on_connect)
            event.listen(self.engine, "begin", _on_begin)
            writer: Engine = self.engine.execution_options(**{_IMMEDIATE: True})
        else:
            self.engine = create_engine(self.url, pool_pre_ping=True, pool_size=8)
            writer = self.engine
        self._write = sessionmaker(writer, expire_on_commit=False, autoflush=False)
        self._read = sessionmaker(self.engine, expire_on_commit=False, autoflush=False)
        self._writer_lock: AbstractContextManager[object] = (
            Lock() if self.is_sqlite else nullcontext()
        )
        # Rows that never change once written (rubric versions, assessments, a submission's
        # evidence), remembered by this process: record checks read them on every record.
        self.memo: dict[tuple[str, str], Any] = {}

    def display(self) -> str:
        return self.url.render_as_string(hide_password=True)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back if it raises.
        On SQLite, threads of this process queue on a lock rather than in SQLite's busy
        handler, which sleeps in growing steps while another holds the write lock."""
        with self._writer_lock, self._write(info={"memo": self.memo}) as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._read() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()
