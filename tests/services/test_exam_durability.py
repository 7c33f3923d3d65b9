"""Durability of the incident log: a child process logging incidents is killed with SIGKILL
at random moments. Every incident it acknowledged (printed after the commit returned) must
be in the log with its sequence number, the log must number 1..n without a gap, the
database must pass its integrity checks, and `verify` must accept the whole store.
ASSESSOR_DURABILITY_KILLS sets the number of kills (default 100 here; the draft saves'
test runs 200)."""

from __future__ import annotations

import os
import random
import sqlite3
from pathlib import Path

from assessor.services import exam_sessions as es
from assessor.services.verify import verify_store
from assessor.store.db import Database
from tests.services.exam_world import people, session_with_roster
from tests.services.zygote import Zygote

KILLS = int(os.environ.get("ASSESSOR_DURABILITY_KILLS", "100"))


def _logged(db_path: Path, session: str) -> list[tuple[int, str | None]]:
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        rows = con.execute(
            "SELECT seq, text FROM exam_entries WHERE session_id = ? ORDER BY seq", (session,)
        ).fetchall()
        return [(int(seq), text) for seq, text in rows]
    finally:
        con.close()


def test_acknowledged_incidents_survive_sigkill(data_dir: Path, tmp_path: Path) -> None:
    with Database.open(data_dir) as db:
        who = people(db)
        session = session_with_roster(db, who, tmp_path)
        es.check_in(db, who.proctor, session, "C1", "known")
    db_path = data_dir / "assessor.db"
    rng = random.Random(int(os.environ.get("ASSESSOR_DURABILITY_SEED", "11")))
    committed = 0  # incidents in the log
    acked: dict[int, int] = {}  # incident number → the seq the child was told
    mid_stream = 0
    with Zygote("tests.services.exam_durability_child", tmp_path) as zygote:
        for kill in range(KILLS):
            args = [str(data_dir), session, who.proctor, str(committed)]
            lines = zygote.crash(args, rng.uniform(0, 0.08))
            numbers = []
            for line in lines:
                _, n, seq = line.split()
                acked[int(n)] = int(seq)
                numbers.append(int(n))
            assert numbers == list(range(committed + 1, committed + 1 + len(numbers)))
            log = _logged(db_path, session)
            incidents = [(seq, text) for seq, text in log if text is not None]
            found = len(incidents)
            last_acked = numbers[-1] if numbers else committed
            # Every acknowledged incident is there; at most one more (committed, killed before ACK).
            assert last_acked <= found <= last_acked + 1, (
                f"kill {kill}: acked {last_acked}, db {found}"
            )
            assert [seq for seq, _ in log] == list(range(1, len(log) + 1))  # no gap, no repeat
            for n, seq in acked.items():
                assert (seq, f"incident {n}") in incidents, f"kill {kill}: incident {n} lost"
            committed = found
            mid_stream += bool(lines)
    assert mid_stream >= KILLS // 2, (mid_stream, len(acked))
    with Database.open(data_dir) as db:
        report = verify_store(db)
    assert report.ok, report.finding
