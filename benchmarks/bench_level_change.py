"""Level change → durable commit, through the scoring service, vs a raw sqlite3 transaction
with the same pragmas doing the same writes (score row, evaluation totals, audit event).

Run: python3 benchmarks/bench_level_change.py [N]
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from pathlib import Path

from _common import demo_folder, median_seconds, report

from assessor.services.profiles import resolve_profile
from assessor.services.scoring import SetLevel, save_draft
from assessor.store.db import Database

N = int(sys.argv[1]) if len(sys.argv) > 1 else 300
LEVELS = ["not-yet", "developing", "competent", "proficient"]


def raw_floor(db_path: Path, evaluation_id: str) -> float:
    con = sqlite3.connect(db_path, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
        con.execute(f"PRAGMA {pragma}")
    (seq,) = con.execute("SELECT max(seq) FROM audit_events").fetchone()
    state = {"n": 0, "seq": seq}

    def one() -> None:
        n = state["n"] = state["n"] + 1
        state["seq"] += 1
        con.execute("BEGIN IMMEDIATE")
        con.execute(
            "UPDATE evaluation_scores SET level_id = ?, points = ? "
            "WHERE evaluation_id = ? AND criterion_id = 'prove-dead'",
            (LEVELS[n % 4], str(n % 4), evaluation_id),
        )
        con.execute("UPDATE evaluations SET total = ?, updated_at = ? WHERE id = ?",
                    (str(n), "2026-11-24T10:00:00.000000Z", evaluation_id))
        con.execute(
            "INSERT INTO audit_events (seq, at, actor, action, entity_type, entity_id, payload,"
            " prev_hash, hash) VALUES (?, ?, 'a', 'evaluation.change', 'evaluation', ?, '{}',"
            " ?, ?)",
            (state["seq"], "2026-11-24T10:00:00.000000Z", evaluation_id, "0" * 64,
             f"{state['seq']:064x}"),
        )
        con.execute("COMMIT")

    try:
        return median_seconds(one, N)
    finally:
        con.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = demo_folder(Path(tmp))
        with Database.open(data) as db:
            assessor = resolve_profile(db, None, "assessor")
            state = {"n": 0}

            def one() -> None:
                state["n"] += 1
                save_draft(db, "sub-001", assessor.id,
                           [SetLevel("prove-dead", LEVELS[state["n"] % 4])])

            ours = median_seconds(one, N)
            evaluation_id = save_draft(db, "sub-001", assessor.id, []).evaluation_id
        assert evaluation_id is not None
        floor = raw_floor(data / "assessor.db", evaluation_id)
    print(f"{N} level changes, each one durable transaction (synchronous=FULL, WAL)")
    report("median level change → commit", ours, floor, 2.0)


if __name__ == "__main__":
    main()
