"""Level change → durable commit, through the scoring service, vs raw sqlite3 running the same
SQL the service needs (context query, score upsert, sheet read, totals update, audit tail read
and append, and since decision 0019 the audit capture's TEMP triggers and the statement that
takes their notes) with the same pragmas, in one BEGIN IMMEDIATE … COMMIT.

The floor is the database work itself (statements + fsync); the ratio is what our layers
(SQLAlchemy, the scoring engine, canonical JSON and the audit hash) add on top.

Run: python3 benchmarks/bench_level_change.py [N]
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from _common import demo_folder, interleaved_medians, report
from assessor.services.profiles import resolve_profile
from assessor.services.scoring import SetLevel, save_draft
from assessor.store import capture
from assessor.store.db import Database

N = int(sys.argv[1]) if len(sys.argv) > 1 else 300
LEVELS = ["not-yet", "developing", "competent", "proficient"]


CONTEXT_SQL = """
SELECT s.id, s.status, v.id, v.rubric_id, v.version, v.digest, e.id, e.overall_comment
FROM submissions s JOIN assessments a ON s.assessment_id = a.id
LEFT OUTER JOIN evaluations e ON e.submission_id = s.id AND e.assessor_id = ?
     AND e.status = 'draft'
JOIN rubric_versions v ON v.id = coalesce(e.rubric_version_id, a.rubric_version_id)
WHERE s.id = ?"""
UPSERT_SQL = """
INSERT INTO evaluation_scores (evaluation_id, criterion_id, position, level_id, points, comment)
VALUES (?, 'prove-dead', 3, ?, ?, '')
ON CONFLICT (evaluation_id, criterion_id) DO UPDATE SET level_id = excluded.level_id,
     points = excluded.points"""
SCORES_SQL = """SELECT criterion_id, level_id, points, comment FROM evaluation_scores
WHERE evaluation_id = ? ORDER BY position"""
TOTALS_SQL = """UPDATE evaluations SET total = ?, maximum = ?, outcome = ?, band = ?,
updated_at = ? WHERE id = ?"""
TAIL_SQL = "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1"
TAKE_SQL = "DELETE FROM temp.audit_pending RETURNING n, tbl, op, key, old_key, new, changed"
AUDIT_SQL = """INSERT INTO audit_events (seq, at, actor, action, entity_type, entity_id, payload,
prev_hash, hash) VALUES (?, ?, ?, 'evaluation.change', 'evaluation', ?, ?, ?, ?)"""


def raw_floor(
    db_path: Path, evaluation_id: str, assessor_id: str, *, capture_sql: bool = True
) -> Callable[[], None]:
    con = sqlite3.connect(db_path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
        con.execute(f"PRAGMA {pragma}")
    if capture_sql:
        capture.install(con)  # SQL only: TEMP triggers noting every row written
    state = {"n": 0}

    def one() -> None:
        n = state["n"] = state["n"] + 1
        con.execute("BEGIN IMMEDIATE")
        con.execute(CONTEXT_SQL, (assessor_id, "sub-001")).fetchone()
        con.execute(UPSERT_SQL, (evaluation_id, LEVELS[n % 4], str(n % 4)))
        con.execute(SCORES_SQL, (evaluation_id,)).fetchall()
        con.execute(
            TOTALS_SQL,
            (str(n), "27", "incomplete", None, "2026-11-24T10:00:00.000000Z", evaluation_id),
        )
        if capture_sql:
            con.execute(TAKE_SQL).fetchall()
        seq, prev = con.execute(TAIL_SQL).fetchone()
        con.execute(
            AUDIT_SQL,
            (
                seq + 1,
                "2026-11-24T10:00:00.000000Z",
                assessor_id,
                evaluation_id,
                "{}",
                prev,
                f"{seq + 1:064x}",
            ),
        )
        con.execute("COMMIT")

    return one


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = demo_folder(Path(tmp))
        with Database.open(data) as db:
            assessor = resolve_profile(db, None, "assessor")
            view = save_draft(db, "sub-001", assessor.id, [SetLevel("prove-dead", "competent")])
            assert view.evaluation_id is not None
            state = {"n": 0}

            def ours() -> None:
                state["n"] += 1
                save_draft(
                    db, "sub-001", assessor.id, [SetLevel("prove-dead", LEVELS[state["n"] % 4])]
                )

            floor = raw_floor(data / "assessor.db", view.evaluation_id, assessor.id)
            bare = raw_floor(
                data / "assessor.db", view.evaluation_id, assessor.id, capture_sql=False
            )
            ours_s, floor_s = interleaved_medians(ours, floor, N)
            _, bare_s = interleaved_medians(ours, bare, N)
    print(
        f"{N} level changes each way, interleaved; every one a durable transaction "
        "(synchronous=FULL, WAL)"
    )
    report("median level change → commit", ours_s, floor_s, 2.0)
    print(f"(the same SQL without the audit capture: floor {bare_s * 1000:.3f} ms)")


if __name__ == "__main__":
    main()
