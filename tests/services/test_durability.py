"""Durability proof: draft saves in a child process killed with SIGKILL at random moments.

Every save the child acknowledged (printed after the commit returned) must be in the database,
and the database must pass integrity and foreign-key checks after every kill.
ASSESSOR_DURABILITY_KILLS sets the number of kills (default 200).
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
from pathlib import Path

from assessor.security.audit import GENESIS, event_hash
from assessor.store.db import Database
from tests.conftest import seed
from tests.services.zygote import Zygote

KILLS = int(os.environ.get("ASSESSOR_DURABILITY_KILLS", "200"))


def _record_comment(con: sqlite3.Connection) -> int:
    row = con.execute(
        "SELECT comment FROM evaluation_scores WHERE criterion_id = 'record'"
    ).fetchone()
    return int(row[0].split()[1]) if row else 0


def _check(db_path: Path) -> int:
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        return _record_comment(con)
    finally:
        con.close()


def _check_audit_chain(db_path: Path) -> int:
    con = sqlite3.connect(db_path)
    rows = con.execute(
        "SELECT seq, at, actor, action, entity_type, entity_id, payload, prev_hash, hash"
        " FROM audit_events ORDER BY seq"
    ).fetchall()
    con.close()
    prev = GENESIS
    for index, (seq, at, actor, action, etype, eid, payload, prev_hash, digest) in enumerate(rows):
        assert seq == index + 1 and prev_hash == prev
        content = {
            "seq": seq,
            "at": at,
            "actor": actor,
            "action": action,
            "entity": {"type": etype, "id": eid},
            "payload": json.loads(payload),
        }
        assert event_hash(prev, content) == digest, f"audit event {seq} does not hash"
        prev = digest
    return len(rows)


def test_acknowledged_saves_survive_sigkill(data_dir: Path, tmp_path: Path) -> None:
    with Database.open(data_dir) as db:
        s = seed(db, submissions=1)
    db_path = data_dir / "assessor.db"
    rng = random.Random(int(os.environ.get("ASSESSOR_DURABILITY_SEED", "7")))
    committed = 0
    acked_total = 0
    kills_mid_stream = 0
    with Zygote("tests.services.durability_child", tmp_path) as zygote:
        for kill in range(KILLS):
            args = [str(data_dir), s.submission_ids[0], s.assessor_id, str(committed)]
            lines = zygote.crash(args, rng.uniform(0, 0.08))  # the random moment of the crash
            acks = [int(line.split()[1]) for line in lines]
            assert acks == list(range(committed + 1, committed + 1 + len(acks)))
            last_acked = acks[-1] if acks else committed
            found = _check(db_path)
            # Every acknowledged save is there; at most one more (committed, killed before ACK).
            assert last_acked <= found <= last_acked + 1, (
                f"kill {kill}: acked {last_acked}, db {found}"
            )
            committed = found
            acked_total += len(acks)
            kills_mid_stream += bool(acks)
    # Most kills must land while saves are streaming, not before the first one.
    assert kills_mid_stream >= KILLS // 2, (kills_mid_stream, acked_total)
    events = _check_audit_chain(db_path)
    # Two change events per save, plus rubric import/publish, profile and draft start.
    assert events >= 2 * committed
