"""Records accepted per second by a real `issuer serve` over loopback, against a floor.

10,000 signed ArtifactAssessmentRecords (BENCH_RECORDS to change), sent in batches of 100 by
4 devices at once (each key's chain in order). The floor, measured in the same run on the same
records: eddsa-jcs-2022 verification (JCS + Ed25519, the least a verifier does) and an
INSERT of each record in its own durable SQLite transaction (WAL, synchronous=FULL): what
"each record accepted whole, in its own transaction" costs at the least. Goal: >= 50 %.

Then credentials issued per second (passing records: build, RDFC-1.0 sign, status list, store),
and the same on PostgreSQL with 2 workers (skipped without the Debian postgresql package).

    .venv/bin/python benchmarks/bench_issuer_accept.py
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.conftest import sample_rubric
from tests.issuer.service.conftest import publish_catalogue
from tests.issuer.service.harness import (
    Device,
    HandKey,
    Issuer,
    PostgresCluster,
    postgres_bin,
    stamp,
)

from assessor.domain import subjects
from assessor.domain.numbers import to_json_number
from assessor.domain.scoring import Selection, score
from assessor.security.canonical import canonicalize
from assessor.security.digests import digest_json
from assessor.security.records import verify
from assessor.sync import protocol as p
from issuer.services.work import Assignment, assign_submission
from issuer.store.db import Database

DEVICES = 4
BATCH = 100
RUBRIC = sample_rubric()
PASS = {"plan": "competent", "terminate": "proficient", "prove-dead": "competent", "record": "full"}
FAIL = {"plan": "not-yet", "terminate": "not-yet", "prove-dead": "not-yet", "record": "none"}


def subject(submission: str, learner: str, levels: dict[str, str], digest: str) -> dict[str, Any]:
    """What the desktop's finalize writes, computed with the same engine."""
    result = score(RUBRIC, {c: Selection(level) for c, level in levels.items()})
    points = {c.criterion_id: c.points for c in result.criteria}
    return {
        "id": subjects.learner_uri(learner),
        "submission": {
            "id": submission,
            "assessment": "wiring-a",
            "attempt": 1,
            "submittedAt": stamp(),
            "artifacts": [],
        },
        "rubric": {"id": RUBRIC.id, "version": 1, "digestMultibase": digest},
        "scores": [
            {
                "criterion": c.id,
                "level": levels[c.id],
                "points": to_json_number(points[c.id]),
                "comment": "",
            }
            for c in RUBRIC.criteria
        ],
        "overallComment": "",
        "total": str(to_json_number(result.total)),
        "maximum": str(to_json_number(result.maximum)),
        "percentage": str(result.percentage),
        "outcome": result.outcome.value,
        "band": result.band,
        "engineVersion": result.engine_version,
        "evaluation": "019a5a6e-1111-7222-8333-444455556666",
    }


def make_records(
    issuer: Issuer, count: int, levels: dict[str, str], tag: str
) -> list[tuple[HandKey, list[dict[str, Any]]]]:
    digest = digest_json(RUBRIC.to_document())
    keys = [HandKey(f"Bench {tag} {n}", "assessor") for n in range(DEVICES)]
    db = Database(issuer.db_url)
    with db.write() as session:
        from issuer.services.people import add_person

        for key in keys:
            add_person(session, key.name, ["assessor"])
        session.flush()
        for n in range(count):
            key = keys[n % DEVICES]
            assignment = Assignment(f"{tag}-{n}", f"{tag}-l{n}", "wiring-a", key.name, None, 1)
            assign_submission(session, assignment, None, datetime.now(UTC))
    db.close()
    related = [{"id": f"urn:assessor:rubric:{RUBRIC.id}@1", "digestMultibase": digest}]
    out: list[tuple[HandKey, list[dict[str, Any]]]] = [(k, []) for k in keys]
    for n in range(count):
        key, records = out[n % DEVICES]
        records.append(
            key.sign(
                "ArtifactAssessmentRecord",
                subject(f"{tag}-{n}", f"{tag}-l{n}", levels, digest),
                relatedResource=related,
            )
        )
    return out


def enrol(issuer: Issuer, signed: list[tuple[HandKey, list[dict[str, Any]]]]) -> list[Device]:
    devices = []
    for key, _ in signed:
        device = Device(issuer, key.private)
        device.enrol(
            str(
                issuer.cli("enrolment", "create", "--person", key.name, "--role", "assessor")[
                    "code"
                ]
            )
        )
        devices.append(device)
    return devices


def open_floor(folder: Path) -> sqlite3.Connection:
    con = sqlite3.connect(folder / "floor.db", isolation_level=None, check_same_thread=False)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("CREATE TABLE records (id TEXT PRIMARY KEY, digest TEXT, body TEXT)")
    return con


def floor(con: sqlite3.Connection, records: list[dict[str, Any]]) -> None:
    """eddsa-jcs-2022 verify + one durable SQLite transaction per record."""
    for record in records:
        verify(record)
        body = canonicalize(record)
        con.execute("BEGIN IMMEDIATE")
        con.execute(
            "INSERT INTO records VALUES (?, ?, ?)", (record["id"], digest_json(record), body)
        )
        con.execute("COMMIT")


def run(
    issuer: Issuer,
    signed: list[tuple[HandKey, list[dict[str, Any]]]],
    con: sqlite3.Connection | None,
) -> tuple[float, float, int]:
    """Rounds of one batch per device, all devices at once; after each round the floor
    does the same records, so load from elsewhere on the machine hits both alike. The
    bodies are encoded before the clock starts (the client shares the two cores)."""
    devices = enrol(issuer, signed)
    bodies = [
        [
            json.dumps({"records": records[i : i + BATCH]}).encode()
            for i in range(0, len(records), BATCH)
        ]
        for _, records in signed
    ]
    clients = [httpx.Client(base_url=issuer.base_url, timeout=600) for _ in devices]

    def send(job: tuple[int, int]) -> int:
        n, round_ = job
        headers = {**devices[n].headers, "Content-Type": "application/json"}
        answer = clients[n].post(p.RECORDS_BATCH_PATH, content=bodies[n][round_], headers=headers)
        answer.raise_for_status()
        return sum(r["state"] == "accepted" for r in answer.json()["results"])

    ours = base = 0.0
    accepted = 0
    with ThreadPoolExecutor(len(devices)) as pool:
        for round_ in range(len(bodies[0])):
            began = time.perf_counter()
            accepted += sum(pool.map(send, [(n, round_) for n in range(len(devices))]))
            ours += time.perf_counter() - began
            if con is not None:
                began = time.perf_counter()
                floor(
                    con,
                    [
                        r
                        for _, records in signed
                        for r in records[round_ * BATCH : (round_ + 1) * BATCH]
                    ],
                )
                base += time.perf_counter() - began
    for client in clients:
        client.close()
    return ours, base, accepted


def start(kind: str, folder: Path, cluster: PostgresCluster | None) -> Issuer:
    if cluster is not None:
        issuer = Issuer(folder, cluster.create_database("bench_" + kind.split("-")[0]), workers=2)
    else:
        issuer = Issuer(
            folder,
            f"sqlite:///{folder / 'issuer.db'}",
            workers=int(os.environ.get("BENCH_SQLITE_WORKERS", "1")),
        )
    issuer.init()
    publish_catalogue(issuer, folder / "catalogue")
    issuer.start()
    return issuer


def measure(kind: str, count: int, issued: int, cluster: PostgresCluster | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        issuer = start(kind, folder, cluster)
        try:
            signed = make_records(issuer, count, FAIL, f"{kind}a")
            con = open_floor(folder)
            seconds, floor_s, accepted = run(issuer, signed, con)
            con.close()
            assert accepted == count, f"{accepted} of {count} accepted"
            ours, base = count / seconds, count / floor_s
            print(
                f"{kind}: accepted {count} records in {seconds:.1f} s = {ours:.0f}/s; "
                f"floor (verify + durable insert each) {base:.0f}/s; "
                f"ratio {ours / base:.0%} (goal >= 50%)"
            )
            passing = make_records(issuer, issued, PASS, f"{kind}c")
            seconds, _, accepted = run(issuer, passing, None)
            assert accepted == issued
            print(
                f"{kind}: {issued} passing records, each issuing a signed credential: "
                f"{issued / seconds:.1f} credentials/s"
            )
        finally:
            issuer.stop()


def main() -> None:
    count = int(os.environ.get("BENCH_RECORDS", "10000"))
    issued = int(os.environ.get("BENCH_CREDENTIALS", "400"))
    measure("sqlite", count, issued, None)
    if postgres_bin() is None:
        print("postgresql: skipped (needs the Debian package postgresql)")
        return
    cluster = PostgresCluster()
    cluster.start()
    try:
        measure("postgresql-2-workers", count, issued, cluster)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
