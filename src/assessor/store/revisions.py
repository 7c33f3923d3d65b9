"""The schema revisions, read from the migration files themselves: no Alembic, no SQLAlchemy,
so that a start can tell whether a database is current before either is imported."""

from __future__ import annotations

import re
from pathlib import Path

from assessor.store.errors import StoreError

SCRIPT_LOCATION = Path(__file__).with_name("migrations")

_REVISION = re.compile(r"^revision(?:: str)? = \"([^\"]+)\"", re.M)
_DOWN = re.compile(r"^down_revision(?:: [^=]+)? = \"([^\"]+)\"", re.M)


def read(location: Path = SCRIPT_LOCATION) -> dict[str, str | None]:
    """Each revision and the one it follows (tests/store/test_migrations.py checks this
    against Alembic's own reading)."""
    found: dict[str, str | None] = {}
    for path in sorted((location / "versions").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(text), _DOWN.search(text)
        if revision is not None:
            found[revision.group(1)] = down.group(1) if down else None
    return found


def head(found: dict[str, str | None], location: Path = SCRIPT_LOCATION) -> str:
    heads = set(found) - {d for d in found.values() if d is not None}
    if len(heads) != 1:
        raise StoreError(f"expected one head revision in {location}, found {heads}")
    return heads.pop()
