"""Opening the data folder chosen by the usual rules, for the CLI and the GUI alike."""

from __future__ import annotations

from pathlib import Path

from assessor import paths
from assessor.services.access import operation
from assessor.store.db import Database


def open_data(data_dir: str | Path | None, *, create: bool = True) -> Database:
    """Open (and lock, and migrate if needed) the data folder chosen by the usual rules.
    With create=False a folder without a database is an error, not a new empty store. The
    start-up code (cli, app) starts the log in `db.data_dir`."""
    folder = paths.data_dir(str(data_dir) if data_dir is not None else None)
    return Database.open(folder, create=create)


@operation(None)
def schema_revision(db: Database) -> str | None:
    """The database's migration revision, for diagnostics."""
    from assessor.store.migrate import current_revision

    with db.read() as tx:
        return current_revision(tx.connection())
