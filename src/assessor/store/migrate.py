"""Schema migrations (Alembic, run from code) and the checks made before a database is opened.

Versioning: Alembic revisions order the changes; `PRAGMA user_version` holds the schema's
major version, set by the migrations. A same-major revision we do not know comes from a newer
Assessor that only added things, so it is opened as it is; a newer major is refused.
`PRAGMA application_id` marks the file as Assessor's.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError

from assessor.store import folder, revisions
from assessor.store.engine import immediate
from assessor.store.errors import NotAssessorDatabase, SchemaTooNew, StoreError
from assessor.store.files import fsync_dir, fsync_file

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)

SCHEMA_MAJOR = 2
APPLICATION_ID = 0x41535352  # "ASSR"
SCRIPT_LOCATION = revisions.SCRIPT_LOCATION
_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26


@dataclass(frozen=True)
class FileState:
    """What a database file says about itself before anything opens it for writing."""

    empty: bool  # no schema objects at all: a new database, nothing to back up
    application_id: int
    user_version: int
    revision: str | None = None  # Alembic's, read without opening the file for writing


def inspect_file(path: Path) -> FileState:
    """Refuse a file that is not ours or is from a newer major schema, reading only."""
    if not path.exists():
        return FileState(empty=True, application_id=0, user_version=0)
    try:
        state = _read_header(path)
    except sqlite3.DatabaseError as exc:
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
            raise NotAssessorDatabase(path, str(exc)) from exc
        full = folder.disk_full(exc, path.parent)
        if full is not None:
            raise full from exc
        # Locked, unreadable, an I/O error: the file may well be fine; say so, touch nothing.
        raise StoreError(
            f"cannot read {path} ({exc}); it was not changed", location=str(path)
        ) from exc
    if state.application_id not in (0, APPLICATION_ID):
        raise NotAssessorDatabase(path, f"application id {state.application_id:#x}")
    if state.application_id == 0 and not state.empty:
        # Every Assessor schema sets the id in the same transaction that creates the tables.
        raise NotAssessorDatabase(path, "it has tables but no Assessor application id")
    if state.user_version > SCHEMA_MAJOR:
        raise SchemaTooNew(path, state.user_version, SCHEMA_MAJOR)
    return state


def _read_header(path: Path) -> FileState:
    con = sqlite3.connect(_read_only_uri(path), uri=True)
    try:
        application_id = con.execute("PRAGMA application_id").fetchone()[0]
        user_version = con.execute("PRAGMA user_version").fetchone()[0]
        objects = con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        revision = _revision(con)
    finally:
        con.close()
    return FileState(objects == 0, application_id, user_version, revision)


def _revision(con: sqlite3.Connection) -> str | None:
    has_table = con.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).fetchone()
    row = con.execute("SELECT version_num FROM alembic_version").fetchone() if has_table else None
    return None if row is None else str(row[0])


def _read_only_uri(path: Path) -> str:
    return path.resolve().as_uri() + "?mode=ro"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration built in code; env.py takes the connection from it.
    Alembic is imported only here and in the steps below: most starts migrate nothing, and
    importing it costs about a tenth of a second (benchmarks/bench_gui_start.py)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@functools.cache
def _revisions() -> dict[str, str | None]:
    return revisions.read(SCRIPT_LOCATION)


def head_revision() -> str:
    return revisions.head(_revisions(), SCRIPT_LOCATION)


def known_revisions() -> frozenset[str]:
    return frozenset(_revisions())


def current_revision(conn: Connection) -> str | None:
    try:
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    except OperationalError:  # no such table: nothing applied yet
        return None
    return None if row is None else str(row[0])


def pending(conn: Connection) -> bool:
    """Whether a migration we have would change this database."""
    current = current_revision(conn)
    if current is not None and current not in known_revisions():
        return False  # written by a newer Assessor of the same major version
    return current != head_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations in one IMMEDIATE transaction: all of them or none."""
    from alembic import command

    _migrate(engine, lambda config: command.upgrade(config, revision))


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    _migrate(engine, lambda config: command.downgrade(config, revision))


def _migrate(engine: Engine, step: Callable[[Config], None]) -> None:
    with immediate(engine).connect() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None
        # Rebuilding a table (batch mode) would trip foreign keys midway; the pragma is a no-op
        # inside a transaction, so it is switched off before BEGIN and checked before COMMIT.
        driver.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                step(alembic_config(conn))
                _check_foreign_keys(conn)
        finally:
            driver.execute("PRAGMA foreign_keys=ON")


def _check_foreign_keys(conn: Connection) -> None:
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        table, rowid, parent, _ = broken[0]
        raise StoreError(
            f"migration would leave {len(broken)} broken reference(s); "
            f"first: {table} row {rowid} refers to a missing {parent} row"
        )


def backup(db_path: Path, backups_dir: Path) -> Path:
    """A consistent copy made with SQLite's backup API, named for its time and revision."""
    folder.make_private_dir(backups_dir)
    source = sqlite3.connect(_read_only_uri(db_path), uri=True)
    try:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        final = backups_dir / f"assessor-{stamp}-{_revision_label(source)}.db"
        partial = final.with_name(final.name + ".partial")
        folder.create_private_file(partial)  # a copy of everything: as private as the original
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
    fsync_file(partial)
    os.replace(partial, final)
    fsync_dir(backups_dir)
    log.info("backed up %s to %s", db_path, final)
    return final


def _revision_label(con: sqlite3.Connection) -> str:
    revision = _revision(con)
    if revision is None:
        return "empty"
    return re.sub(r"[^A-Za-z0-9_-]", "_", revision)[:60]
