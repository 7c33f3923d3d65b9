"""Where the issuer keeps its files: `$ISSUER_DATA_DIR`, else the platform's user data folder.
The database is `issuer.db` there unless `--db URL` or `$ISSUER_DB` says otherwise; the signing
keys (sealed) are in `keys/`."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from issuer.store.db import sqlite_url


def data_dir() -> Path:
    given = os.environ.get("ISSUER_DATA_DIR")
    if given:
        return Path(given)
    return Path(platformdirs.user_data_dir("assessor-issuer", appauthor=False))


def keys_dir() -> Path:
    return data_dir() / "keys"


def database_url(given: str | None) -> str:
    return given or os.environ.get("ISSUER_DB") or sqlite_url(data_dir() / "issuer.db")
