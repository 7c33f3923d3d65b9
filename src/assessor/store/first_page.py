"""The queue's first page read with plain `sqlite3`, before SQLAlchemy is imported, so that a
start paints the queue at once; the service's read (`services/queue.queue_page`) replaces it.

The SQL is `store/queue_order.py`'s for the start's state (no filter, oldest first), written
out: tests/store/test_first_page.py checks the rows equal the service's, row for row. It
reads only a database at the schema this Assessor writes (any other waits for the service,
which migrates or refuses it), through a read-only connection that never creates the file.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from assessor.store import revisions
from assessor.store.errors import StoreError
from assessor.store.folder import DB_NAME
from assessor.store.queue_rows import QueueRow

# Blind marking is decided here too: a blind-marked learner's name never leaves the database.
_FIRST_PAGE = """
SELECT s.id,
       CASE WHEN a.blind_marking IS 1 THEN l.anonymous_code ELSE l.name END,
       a.id, a.title, s.status, s.submitted_at, a.due_at,
       rv.rubric_id, rv.version, rv.digest,
       (SELECT count(*) FROM evaluation_scores es
         WHERE es.evaluation_id = mine.id AND es.level_id IS NOT NULL),
       json_array_length(coalesce(mv.document, rv.document), '$.criteria'),
       a.blind_marking
FROM submissions s
JOIN learners l ON s.learner_id = l.id
JOIN assessments a ON s.assessment_id = a.id
JOIN rubric_versions rv ON a.rubric_version_id = rv.id
LEFT OUTER JOIN evaluations mine ON mine.id = (
    SELECT e.id FROM evaluations e
    WHERE e.submission_id = s.id AND e.assessor_id = :assessor_id
    ORDER BY e.status = 'draft' DESC, e.created_at DESC LIMIT 1)
LEFT OUTER JOIN rubric_versions mv ON mv.id = mine.rubric_version_id
ORDER BY s.submitted_at ASC, s.id ASC
LIMIT :limit
"""


def _time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)  # as store/types.py


def read_first_page(data_dir: Path, assessor_id: str | None, limit: int) -> list[QueueRow] | None:
    """The first `limit` rows of the queue with `assessor_id`'s progress; None when the
    database is missing, not at the current schema, or cannot be read (the service's read
    then comes alone, and says why if it must)."""
    path = data_dir / DB_NAME
    try:
        head = revisions.head(revisions.read())
    except (StoreError, OSError):
        return None  # the service's start says what is wrong with the migrations
    if not path.is_file():
        return None
    try:
        con = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        # No such table (a database nobody migrated) is an error like any other: no rows.
        current = con.execute("SELECT version_num FROM alembic_version").fetchone()
        if current is None or current[0] != head:
            return None
        found = con.execute(_FIRST_PAGE, {"assessor_id": assessor_id, "limit": limit}).fetchall()
        return [_row(row) for row in found]
    except (sqlite3.Error, ValueError, TypeError):  # a time that is not one, say
        return None
    finally:
        con.close()


def _row(row: tuple[Any, ...]) -> QueueRow:
    """As SQLAlchemy gives it: times parsed as store/types.py does, blind marking a bool."""
    values = list(row)
    values[5], values[6] = datetime.fromisoformat(row[5]), _time(row[6])
    values[12] = bool(row[12])
    return QueueRow(*values)
