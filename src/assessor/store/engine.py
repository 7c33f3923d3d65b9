"""The SQLite engine: durability pragmas on every connection, and SQLAlchemy owning BEGIN.

The sqlite3 driver's own transaction handling is switched off (isolation_level=None) and the
`begin` event emits BEGIN itself, as SQLAlchemy's SQLite dialect documents; that is what makes
`BEGIN IMMEDIATE` possible. Write transactions need it: under WAL a deferred transaction that
reads and then writes fails at once with "database is locked" if another write got in between.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.pool import ConnectionPoolEntry

IMMEDIATE_OPTION = "sqlite_immediate"
BUSY_TIMEOUT_MS = 5000

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    # FULL, not NORMAL: under WAL, NORMAL may lose the last commits on power loss.
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
)


def create_sqlite_engine(path: Path) -> Engine:
    engine = create_engine(URL.create("sqlite", database=str(path)))
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def immediate(engine: Engine) -> Engine:
    """The same engine (same pool), but its transactions start with BEGIN IMMEDIATE."""
    return engine.execution_options(**{IMMEDIATE_OPTION: True})


def _on_connect(dbapi_connection: Any, connection_record: ConnectionPoolEntry) -> None:
    dbapi_connection.isolation_level = None
    for pragma in PRAGMAS:
        dbapi_connection.execute(pragma).close()


def _on_begin(conn: Connection) -> None:
    immediate_ = conn.get_execution_options().get(IMMEDIATE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate_ else "BEGIN")
