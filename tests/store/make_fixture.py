"""Write `fixtures/schema-0001.sql`: a database as the first schema (revision 0001) stores it.

Run once per released schema, from the repository root:

    python3 tests/store/make_fixture.py

and commit the output next to the earlier ones; never regenerate an old fixture, since it
stands for files already on users' disks. The rows are plain SQL with fixed values, spelled the
way that release wrote them (UTC times as text, decimals as text), so the script depends only
on the migrations up to 0001, not on today's models. Tests load the dump with `load_fixture`.

Later schemas have their own writer beside this one (`make_fixture_0003.py`), built from the
helpers here: `chain` for the audit log, `build` for the file, `dump` for the text.
"""

from __future__ import annotations

import hashlib
import sqlite3
import sys
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from assessor.domain.rubric import Criterion, Level, PassRule, PassRuleKind, Rubric, RubricKind
from assessor.security.audit import GENESIS, event_hash
from assessor.security.canonical import canonicalize
from assessor.security.digests import digest_bytes
from assessor.store import migrate
from assessor.store.engine import create_sqlite_engine

REVISION = "0001"
OUT = Path(__file__).with_name("fixtures") / f"schema-{REVISION}.sql"

T0 = "2026-03-02T09:00:00.000000Z"
T1 = "2026-03-02T10:15:30.250000Z"
T2 = "2026-03-02T11:40:00.000000Z"
EVIDENCE = b"Ring final circuit: test results sheet\n"

Row = tuple[object, ...]
# What `build` does after migrating: insert rows into a table, or run one SQL statement (for
# a change the release made to a row after writing it, such as finalizing an evaluation).
Step = tuple[str, Sequence[Row]] | str
Event = tuple[int, str, str, str, str, str, dict[str, Any]]


def rubric(title: str) -> Rubric:
    levels = (
        Level("not-yet", "Not yet", Decimal(0)),
        Level("competent", "Competent", Decimal(2)),
        Level("proficient", "Proficient", Decimal(3)),
    )
    return Rubric(
        id="wiring",
        title=title,
        kind=RubricKind.ANALYTIC,
        criteria=(
            Criterion("plan", "Plan the route", levels, Decimal(1)),
            Criterion("prove-dead", "Prove dead", levels, Decimal(2), minimum_level="competent"),
        ),
        pass_rule=PassRule(PassRuleKind.PERCENTAGE, Decimal(60)),
    )


def rows() -> dict[str, list[Row]]:
    v1 = canonicalize(rubric("Wiring a ring final circuit").to_document())
    v2 = canonicalize(rubric("Wiring a ring final circuit (draft 2)").to_document())
    sha = hashlib.sha256(EVIDENCE).hexdigest()
    return {
        "profiles": [
            ("0195f3a0-0000-7000-8000-000000000001", "Ada Assessor", "assessor", T0),
            ("0195f3a0-0000-7000-8000-000000000002", "Max Manager", "manager proctor", T0),
        ],
        "rubrics": [("wiring", "Wiring a ring final circuit", T0)],
        "rubric_versions": [
            (
                1,
                "wiring",
                1,
                digest_bytes(v1),
                "Wiring a ring final circuit",
                "analytic",
                v1.decode(),
                "assessor-json",
                T0,
                T0,
                None,
            ),
            (
                2,
                "wiring",
                2,
                digest_bytes(v2),
                "Wiring a ring final circuit (draft 2)",
                "analytic",
                v2.decode(),
                "assessor-json",
                T1,
                None,
                None,
            ),
        ],
        "achievements": [
            ("ring-final", "Ring final circuits", "badge", "Level 2", "Installs and proves"),
            ("installer", "Domestic installer", "micro-credential", "Level 3", ""),
        ],
        "achievement_prerequisites": [("installer", "ring-final")],
        "assessments": [
            ("wiring-l2", "Wiring (L2)", "ring-final", 1, "Photos and test sheet", 1, 0, 1, T2),
        ],
        "learners": [
            ("learner-1", "Lin Learner", "C-0001"),
            ("learner-2", "Sam Student", "C-0002"),
        ],
        "submissions": [
            ("sub-001", "learner-1", "wiring-l2", 1, T0, "scored"),
            ("sub-002", "learner-2", "wiring-l2", 2, T1, "in_progress"),
        ],
        "artifacts": [
            (1, "sub-001", 0, "results.txt", "text/plain", len(EVIDENCE), sha),
            (2, "sub-002", 0, "results.txt", "text/plain", len(EVIDENCE), sha),
        ],
        "evaluations": [
            (
                "0195f3a0-0000-7000-8000-0000000000e1",
                "sub-001",
                "0195f3a0-0000-7000-8000-000000000001",
                1,
                "finalized",
                "Neat work",
                "8",
                "9",
                "pass",
                None,
                "1",
                T0,
                T1,
                T1,
                None,
                None,
            ),
            (
                "0195f3a0-0000-7000-8000-0000000000e2",
                "sub-002",
                "0195f3a0-0000-7000-8000-000000000001",
                1,
                "draft",
                "",
                None,
                None,
                None,
                None,
                "1",
                T1,
                T2,
                None,
                None,
                None,
            ),
        ],
        "evaluation_scores": [
            ("0195f3a0-0000-7000-8000-0000000000e1", "plan", 0, "competent", "2", "Clear plan"),
            ("0195f3a0-0000-7000-8000-0000000000e1", "prove-dead", 1, "proficient", "6", ""),
            ("0195f3a0-0000-7000-8000-0000000000e2", "plan", 0, "not-yet", "0.5", "Started"),
        ],
        "audit_events": audit_events(),
        "outbox_items": [
            (
                1,
                "urn:uuid:0195f3a0-0000-7000-8000-0000000000f1",
                "ArtifactAssessmentRecord",
                '{"id":"urn:uuid:0195f3a0-0000-7000-8000-0000000000f1"}',
                "pending",
                0,
                T1,
                None,
                None,
            ),
        ],
        "exam_sessions": [
            (
                "exam-1",
                "Wiring exam, March",
                "wiring-l2",
                "Room 4",
                T2,
                "open",
                "0195f3a0-0000-7000-8000-000000000002",
            ),
        ],
        "exam_candidates": [("exam-1", "learner-1", T2, None), ("exam-1", "learner-2", None, None)],
    }


def audit_events() -> list[Row]:
    """Three events chained the way `store.audit.append_event` chains them."""
    return chain(
        [
            (1, T0, "system", "rubric.import", "rubric_version", "wiring@1", {"source": "json"}),
            (2, T0, "system", "rubric.publish", "rubric_version", "wiring@1", {}),
            (3, T1, "Ada Assessor", "evaluation.finalize", "evaluation", "sub-001", {"total": "8"}),
        ]
    )


def chain(events: Iterable[Event]) -> list[Row]:
    """`audit_events` rows of (seq, at, actor, action, entity type, entity id, payload), each
    hashed over the one before it as `store.audit.append_event` does."""
    out: list[Row] = []
    prev = GENESIS
    for seq, at, actor, action, etype, eid, payload in events:
        content = {
            "seq": seq,
            "at": at,
            "actor": actor,
            "action": action,
            "entity": {"type": etype, "id": eid},
            "payload": payload,
        }
        digest = event_hash(prev, content)
        out.append(
            (seq, at, actor, action, etype, eid, canonicalize(payload).decode(), prev, digest)
        )
        prev = digest
    return out


def build(db_path: Path, revision: str = REVISION, steps: Iterable[Step] | None = None) -> None:
    """Migrate an empty file to exactly `revision`, then take the steps (by default, this
    schema's `rows`) in one transaction, with the triggers of that revision in force."""
    engine = create_sqlite_engine(db_path)
    try:
        migrate.upgrade(engine, revision)
    finally:
        engine.dispose()
    con = sqlite3.connect(db_path)
    try:
        with con:
            for step in rows().items() if steps is None else steps:
                if isinstance(step, str):
                    con.execute(step)
                    continue
                table, values = step
                marks = ", ".join("?" * len(values[0]))
                con.executemany(f"INSERT INTO {table} VALUES ({marks})", values)
        con.execute("PRAGMA journal_mode=DELETE")
    finally:
        con.close()


def dump(db_path: Path) -> str:
    con = sqlite3.connect(db_path)
    try:
        lines = list(con.iterdump())
        user_version = con.execute("PRAGMA user_version").fetchone()[0]
        application_id = con.execute("PRAGMA application_id").fetchone()[0]
    finally:
        con.close()
    # iterdump leaves out the header fields that say whose file this is and at what major.
    lines += [f"PRAGMA user_version={user_version};", f"PRAGMA application_id={application_id};"]
    return "\n".join(lines) + "\n"


def load_fixture(sql: Path, db_path: Path) -> None:
    con = sqlite3.connect(db_path)
    try:
        con.executescript(sql.read_text(encoding="utf-8"))
    finally:
        con.close()


def write(out: Path, revision: str = REVISION, steps: Iterable[Step] | None = None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "assessor.db"
        build(db_path, revision, steps)
        out.write_text(dump(db_path), encoding="utf-8")
    print(f"wrote {out}")


def main() -> int:
    write(OUT)
    return 0


if __name__ == "__main__":
    sys.exit(main())
