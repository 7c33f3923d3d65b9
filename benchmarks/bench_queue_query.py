"""Queue query over 100k submissions (filter by status, assessment and text, with the
assessor's progress) through the service vs the same SQL run raw with sqlite3.

Run: python3 benchmarks/bench_queue_query.py [SUBMISSIONS]
"""

from __future__ import annotations

import random
import sqlite3
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _common import demo_folder, median_seconds, report
from assessor.services.submissions import QueueFilter, list_submissions
from assessor.store.db import Database

TOTAL = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
PAGE = 200
# The queue's row with the assessor's progress, as services/queue.py reads it (also
# bench_queue_sort.py's, which orders it by each column).
SELECT_ROWS = """
SELECT s.id, CASE WHEN a.blind_marking = 1 THEN l.anonymous_code ELSE l.name END,
       a.id, a.title, s.status, s.submitted_at, a.due_at, v.rubric_id, v.version, v.digest,
       (SELECT count(*) FROM evaluation_scores es
        WHERE es.evaluation_id = mine.id AND es.level_id IS NOT NULL),
       json_array_length(coalesce(mv.document, v.document), '$.criteria'), a.blind_marking
FROM submissions s
JOIN learners l ON s.learner_id = l.id
JOIN assessments a ON s.assessment_id = a.id
JOIN rubric_versions v ON a.rubric_version_id = v.id
LEFT OUTER JOIN evaluations mine ON mine.id = (
  SELECT e.id FROM evaluations e WHERE e.submission_id = s.id AND e.assessor_id = :me
  ORDER BY e.status = 'draft' DESC, e.created_at DESC LIMIT 1)
LEFT OUTER JOIN rubric_versions mv ON mv.id = mine.rubric_version_id
"""
RAW_SQL = (
    SELECT_ROWS
    + """WHERE s.status = :status AND s.assessment_id = :assessment
  AND (s.id LIKE :text ESCAPE '\\' OR l.anonymous_code LIKE :text ESCAPE '\\'
       OR (l.name LIKE :text ESCAPE '\\' AND a.blind_marking = 0))
ORDER BY s.submitted_at, s.id
LIMIT :limit OFFSET 0
"""
)


def fill(db_path: Path, total: int) -> None:
    con = sqlite3.connect(db_path)
    learners = [r[0] for r in con.execute("SELECT id FROM learners ORDER BY name")]
    assessments = [r[0] for r in con.execute("SELECT id FROM assessments ORDER BY id")]
    statuses = ["to_score"] * 6 + ["in_progress"] * 1 + ["finalized"] * 3
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rng = random.Random(1)
    rows = (
        (
            f"bulk-{i:06d}",
            rng.choice(learners),
            rng.choice(assessments),
            1,
            (start + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            rng.choice(statuses),
        )
        for i in range(total)
    )
    with con:
        con.executemany(
            "INSERT INTO submissions (id, learner_id, assessment_id, attempt,"
            " submitted_at, status) VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
    con.execute("ANALYZE")
    con.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = demo_folder(Path(tmp))
        fill(data / "assessor.db", TOTAL)
        f = QueueFilter(status="to_score", assessment_id="safe-isolation-l2", text="an")
        con = sqlite3.connect(data / "assessor.db")
        me = con.execute("SELECT id FROM profiles WHERE roles LIKE '%assessor%'").fetchone()[0]
        with Database.open(data) as db:
            found = list_submissions(db, f, limit=PAGE, assessor_id=me)
            ours = median_seconds(lambda: list_submissions(db, f, limit=PAGE, assessor_id=me), 30)
        args = {
            "me": me,
            "status": "to_score",
            "assessment": "safe-isolation-l2",
            "text": "%an%",
            "limit": PAGE,
        }
        raw = con.execute(RAW_SQL, args).fetchall()
        floor = median_seconds(lambda: con.execute(RAW_SQL, args).fetchall(), 30)
        con.close()
    assert [(r.id, r.criteria_scored, r.criteria_total) for r in found] == [
        (r[0], r[10], r[11]) for r in raw
    ], "service and raw SQL disagree"
    print(f"{TOTAL} submissions; filter status+assessment+text, page of {len(found)} rows")
    report("median queue query", ours, floor, 2.0)


if __name__ == "__main__":
    main()
