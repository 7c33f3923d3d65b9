"""The queue sorted by each column over 100k submissions: the first page (rows, counts per
status and the total, as the queue asks for it) through the service vs the same SQL run raw
with sqlite3. Goal: each ratio <= 2.

Run: python3 benchmarks/bench_queue_sort.py [SUBMISSIONS] [REPEAT]
"""

from __future__ import annotations

import sqlite3
import sys

from _common import interleaved_medians
from _queue_data import queue_folder, verdict
from assessor.domain.workflow import SubmissionStatus
from assessor.services.queue import SORT_COLUMNS, QueueFilter, QueueSort, queue_page
from assessor.store.db import Database
from bench_queue_query import SELECT_ROWS

TOTAL = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
REPEAT = int(sys.argv[2]) if len(sys.argv) > 2 else 10
PAGE = 200
GOAL = 2.0

PROGRESS = (
    "coalesce(CAST((SELECT count(*) FROM evaluation_scores es WHERE es.evaluation_id = mine.id"
    " AND es.level_id IS NOT NULL) AS REAL) / nullif(json_array_length(coalesce(mv.document,"
    " v.document), '$.criteria'), 0), 0.0)"
)
KEYS = {
    "learner": [
        "(CASE WHEN a.blind_marking = 1 THEN l.anonymous_code ELSE l.name END) COLLATE NOCASE"
    ],
    "assessment": ["a.title COLLATE NOCASE"],
    "rubric": ["v.rubric_id", "v.version"],
    "submitted": ["s.submitted_at"],
    "progress": [PROGRESS],
    # The order of the states as the filter buttons show them (store/queue_order.py).
    "status": [
        "CASE s.status "
        + " ".join(f"WHEN '{st.value}' THEN {n}" for n, st in enumerate(SubmissionStatus))
        + f" ELSE {len(SubmissionStatus)} END"
    ],
    "due": ["coalesce(a.due_at, '9999')"],
}
COUNTS = "SELECT status, count(*) FROM submissions GROUP BY status"


def raw_sql(column: str, descending: bool) -> str:
    way = " DESC" if descending else ""
    order = ", ".join(f"{k}{way}" for k in [*KEYS[column], "s.id"])
    return f"{SELECT_ROWS} ORDER BY {order} LIMIT {PAGE}"


def main() -> None:
    folder = queue_folder(TOTAL)
    raw = sqlite3.connect(folder / "assessor.db", isolation_level=None)
    me = raw.execute("SELECT id FROM profiles WHERE roles LIKE '%assessor%'").fetchone()[0]
    print(f"{TOTAL} submissions; first page of {PAGE} rows with counts, median of {REPEAT}")
    print(f"{'order':22} {'service ms':>10} {'raw SQL ms':>10} {'ratio':>6}")
    worst = 0.0
    with Database.open(folder) as db:
        for column in SORT_COLUMNS:
            for descending in (False, True):
                sort, sql = QueueSort(column, descending), raw_sql(column, descending)

                def ours(sort: QueueSort = sort) -> object:
                    return queue_page(db, QueueFilter(), sort, 0, PAGE, assessor_id=me)

                def floor(sql: str = sql) -> object:
                    rows = raw.execute(sql, {"me": me}).fetchall()
                    return rows, raw.execute(COUNTS).fetchall()

                page = ours()
                expected = [r[0] for r in floor()[0]]
                assert [r.id for r in page.rows] == expected, f"{column}: raw rows differ"
                mine, base = interleaved_medians(ours, floor, REPEAT, batch=max(1, REPEAT // 5))
                ratio = mine / base
                worst = max(worst, ratio)
                name = f"{column} {'desc' if descending else 'asc'}"
                print(f"{name:22} {mine * 1000:10.1f} {base * 1000:10.1f} {ratio:6.2f}")
    raw.close()
    print(f"{verdict(worst <= GOAL)}: worst ratio {worst:.2f} (goal <= {GOAL})")


if __name__ == "__main__":
    main()
