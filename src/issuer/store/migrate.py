"""Schema migrations (Alembic, run from code, on SQLite and PostgreSQL alike).

All pending revisions are applied in one transaction. On PostgreSQL an advisory lock taken in
that transaction makes two `issuer serve` starting at once on one database migrate one after
the other (the second finds nothing to do).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text
from sqlalchemy.exc import OperationalError, ProgrammingError

from issuer.store.db import Database

if TYPE_CHECKING:
    from alembic.config import Config

SCRIPT_LOCATION = Path(__file__).with_name("migrations")
_ADVISORY_LOCK = 0x49535355  # "ISSU"


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        try:
            row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        except (OperationalError, ProgrammingError):  # no such table: nothing applied yet
            return None
    return None if row is None else str(row[0])


def upgrade(db: Database, revision: str = "head") -> None:
    from alembic import command

    with db.write() as session:
        conn = session.connection()
        if not db.is_sqlite:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADVISORY_LOCK})
        command.upgrade(alembic_config(conn), revision)


def downgrade(db: Database, revision: str) -> None:
    from alembic import command

    with db.write() as session:
        command.downgrade(alembic_config(session.connection()), revision)
