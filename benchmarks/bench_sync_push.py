"""The desktop's outbox pushed end to end over loopback, against the issuer's own floor.

10,000 signed ArtifactAssessmentRecords (BENCH_RECORDS to change) of one profile wait in a
desktop data folder's outbox; one `SyncService.sync()` round sends them, in a process of its
own, to a real `issuer serve` (SQLite, one worker): reading each batch of 100 from the store,
posting it, marking each item by its answer in one transaction per batch. The floor, measured
in the same run against the same server: a bare HTTP client posting pre-encoded batches of 100
of another 10,000 records from another key, nothing stored on its side (half before the
desktop's round, half after, so drift hits both alike). Goal: the desktop reaches >= 80 % of
that rate. Also the desktop process's peak RSS (goal < 300 MiB).

    .venv/bin/python benchmarks/bench_sync_push.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.conftest import CHEAP_KDF, PASSPHRASE, sample_rubric
from tests.issuer.service.conftest import publish_catalogue
from tests.issuer.service.harness import Device, HandKey, Issuer

from assessor.security import keys
from assessor.security.canonical import canonicalize
from assessor.security.did import verification_method
from assessor.security.digests import digest_json
from assessor.security.records import RECORD_CONTEXT, record_digest, sign
from assessor.security.secrets import MemoryKeyring, SecretStore
from assessor.services.profiles import add_profile, unlock
from assessor.store import models as m
from assessor.store import records as r
from assessor.store.db import Database
from assessor.sync import protocol as p
from assessor.sync.service import SyncService
from bench_issuer_accept import FAIL, subject
from issuer.services.people import add_person
from issuer.services.work import Assignment, assign_submission
from issuer.store.db import Database as IssuerDatabase

BATCH = 100
CHILD = Path(__file__).with_name("_sync_push_child.py")
RUBRIC = sample_rubric()


def stamp() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def assign(issuer: Issuer, person: str, tag: str, count: int) -> None:
    db = IssuerDatabase(issuer.db_url)
    try:
        with db.write() as session:
            add_person(session, person, ["assessor"])
            session.flush()
            for n in range(count):
                work = Assignment(f"{tag}-{n}", f"{tag}-l{n}", "wiring-a", person, None, 1)
                assign_submission(session, work, None, datetime.now(UTC))
    finally:
        db.close()


def code(issuer: Issuer, person: str) -> str:
    return str(issuer.cli("enrolment", "create", "--person", person, "--role", "assessor")["code"])


def floor_batches(issuer: Issuer, count: int) -> tuple[Device, list[bytes]]:
    key = HandKey("Bench floor", "assessor")
    assign(issuer, key.name, "floor", count)
    digest = digest_json(RUBRIC.to_document())
    related = [{"id": f"urn:assessor:rubric:{RUBRIC.id}@1", "digestMultibase": digest}]
    records = [
        key.sign(
            "ArtifactAssessmentRecord",
            subject(f"floor-{n}", f"floor-l{n}", FAIL, digest),
            relatedResource=related,
        )
        for n in range(count)
    ]
    device = Device(issuer, key.private)
    device.enrol(code(issuer, key.name))
    bodies = [
        json.dumps({"records": records[i : i + BATCH]}).encode() for i in range(0, count, BATCH)
    ]
    return device, bodies


def post_floor(issuer: Issuer, device: Device, bodies: list[bytes]) -> tuple[float, int]:
    headers = {**device.headers, "Content-Type": "application/json"}
    accepted = 0
    with httpx.Client(base_url=issuer.base_url, timeout=600) as client:
        began = time.perf_counter()
        for body in bodies:
            answer = client.post(p.RECORDS_BATCH_PATH, content=body, headers=headers)
            answer.raise_for_status()
            accepted += sum(x["state"] == "accepted" for x in answer.json()["results"])
        return time.perf_counter() - began, accepted


def desk(issuer: Issuer, folder: Path, count: int, secrets: SecretStore) -> str:
    """A data folder with a profile enrolled, its work pulled, `count` records signed."""
    person = "Bench desk"
    assign(issuer, person, "desk", count)
    sealed, private = keys.create_key(PASSPHRASE, cost=CHEAP_KDF)
    public = private.public_key().public_bytes_raw()
    with Database.open(folder) as db:
        with db.write() as tx:
            profile = add_profile(tx, person, ["assessor"], sealed)
        service = SyncService(db, secrets)
        service.enrol(issuer.base_url, code(issuer, person), unlock(db, profile.id, PASSPHRASE))
        pulled = service.sync()  # the work arrives, as on any desk, before it is scored
        assert pulled.ok and pulled.pulled.submissions == count, pulled.to_json()
        digest = digest_json(RUBRIC.to_document())
        related = [{"id": f"urn:assessor:rubric:{RUBRIC.id}@1", "digestMultibase": digest}]
        prev: str | None = None
        with db.write() as tx:
            for n in range(count):
                document: dict[str, Any] = {
                    "@context": list(RECORD_CONTEXT),
                    "id": f"urn:uuid:{_uuid7()}",
                    "type": ["VerifiableCredential", "ArtifactAssessmentRecord"],
                    "issuer": {"id": profile.did, "name": person, "role": "assessor"},
                    "validFrom": stamp(),
                    "credentialSubject": subject(f"desk-{n}", f"desk-l{n}", FAIL, digest),
                    "relatedResource": related,
                    "device": {"seq": n + 1, "prev": prev},
                }
                signed = sign(document, private, verification_method(public), created=stamp())
                prev = record_digest(signed)
                r.append_record(
                    tx,
                    id=signed["id"],
                    kind="ArtifactAssessmentRecord",
                    issuer=str(profile.did),
                    seq=n + 1,
                    prev=document["device"]["prev"],
                    digest=prev,
                    body=canonicalize(signed),
                    submission_id=f"desk-{n}",
                )
            assert tx.query(m.OutboxItem).count() == count
    return profile.id


def _uuid7() -> str:
    from assessor.domain.ids import uuid7

    return uuid7()


def main() -> None:
    count = int(os.environ.get("BENCH_RECORDS", "10000"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        issuer = Issuer(folder / "issuer", f"sqlite:///{folder / 'issuer' / 'issuer.db'}")
        issuer.data_dir.mkdir()
        issuer.requests_per_minute = 1_000_000
        issuer.init()
        publish_catalogue(issuer, folder / "catalogue")
        issuer.start()
        try:
            secrets = SecretStore(MemoryKeyring())
            profile = desk(issuer, folder / "desk", count, secrets)
            device, bodies = floor_batches(issuer, count)
            half = len(bodies) // 2
            first, accepted_a = post_floor(issuer, device, bodies[:half])
            token = secrets.token(issuer.base_url, account=profile)
            done = subprocess.run(
                [sys.executable, str(CHILD), str(folder / "desk"), profile],
                input=f"{token}\n",
                capture_output=True,
                text=True,
                check=True,
            )
            measured = json.loads(done.stdout.strip().splitlines()[-1])
            second, accepted_b = post_floor(issuer, device, bodies[half:])
        finally:
            issuer.stop()
    assert accepted_a + accepted_b == count, accepted_a + accepted_b
    pushed = measured["report"]["pushed"]
    assert measured["report"]["error"] is None, measured["report"]
    assert pushed["accepted"] == count, pushed
    ours = count / measured["seconds"]
    floor = count / (first + second)
    print(
        f"desktop push: {count} records in {measured['seconds']:.1f} s = {ours:.0f}/s "
        f"({pushed['batches']} batches); issuer floor (bare client, pre-encoded batches of "
        f"{BATCH}) {floor:.0f}/s; ratio {ours / floor:.0%} (goal >= 80%)"
    )
    mib = measured["peakKiB"] / 1024
    print(f"desktop peak RSS during the round: {mib:.0f} MiB (goal < 300 MiB)")


if __name__ == "__main__":
    main()
