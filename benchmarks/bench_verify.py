"""`assessor verify` over a store of N submissions scored and signed through the services
(default 10,000), against the floor: raw Ed25519 verification of the same records' signed
bytes.

The store's check does more than the floor (strict parse, canonical form, digest, per-key
chain, audit chain and the replay of every row it carries, what was signed against what is
shown): the ratio says what that costs. Goal: verify 10k records in seconds.

Run: python3 benchmarks/bench_verify.py [N]
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from assessor.domain.rubric import Criterion, Level, PassRule, PassRuleKind, Rubric, RubricKind
from assessor.security import keys
from assessor.security.did import public_key_from_did
from assessor.security.multibase import decode_base58btc
from assessor.security.records import signing_input
from assessor.services.finalize import finalize
from assessor.services.profiles import add_profile, unlock
from assessor.services.rubrics import import_rubric
from assessor.services.scoring import SetLevel, save_draft
from assessor.services.verify import verify_store
from assessor.store import engine
from assessor.store import models as m
from assessor.store.db import Database
from assessor.store.records import all_records
from assessor.store.types import utcnow

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
PASSPHRASE = "bench passphrase"
RUBRIC = Rubric(
    id="bench",
    title="Bench rubric",
    kind=RubricKind.ANALYTIC,
    criteria=tuple(
        Criterion(
            f"c{c}",
            f"Criterion {c}",
            tuple(Level(f"l{p}", f"Level {p}", Decimal(p)) for p in range(4)),
            Decimal(1),
        )
        for c in range(8)
    ),
    pass_rule=PassRule(PassRuleKind.PERCENTAGE, Decimal(50)),
)


def build(folder: Path) -> tuple[Database, list[tuple[bytes, bytes, bytes]]]:
    """N submissions scored and finalized through the services, as an assessor would (the
    durability pragma off while building: only verify is measured)."""
    engine.PRAGMAS = tuple(p.replace("=FULL", "=OFF") for p in engine.PRAGMAS)
    db = Database.open(folder)
    sealed, _ = keys.create_key(PASSPHRASE, cost=(1, 1, 8))
    with db.write() as tx:
        info = import_rubric(tx, RUBRIC, source_format="bench", actor="system")
        assessor = add_profile(tx, "Bench Assessor", ["assessor"], sealed)
        version = tx.query(m.RubricVersion).filter_by(digest=info.digest).one()
        tx.add(m.Achievement(id="badge", title="Badge", kind="badge"))
        tx.add(
            m.Assessment(id="a", title="A", achievement_id="badge", rubric_version_id=version.id)
        )
        now = utcnow()
        for n in range(N):
            tx.add(m.Learner(id=f"l-{n}", name=f"Learner {n}", anonymous_code=f"C-{n:06d}"))
            tx.add(
                m.Submission(
                    id=f"s-{n:06d}", learner_id=f"l-{n}", assessment_id="a", submitted_at=now
                )
            )
    signer = unlock(db, assessor.id, PASSPHRASE)
    levels = [SetLevel(c.id, "l2") for c in RUBRIC.criteria]
    for n in range(N):
        save_draft(db, f"s-{n:06d}", assessor.id, levels)
        finalize(db, f"s-{n:06d}", signer)
    floor_inputs = []
    with db.read() as tx:
        for stored in all_records(tx):
            signed = json.loads(stored.body)
            proof = dict(signed["proof"])
            signature = proof.pop("proofValue")
            unsecured = {k: v for k, v in signed.items() if k != "proof"}
            public = public_key_from_did(signed["issuer"]["id"])
            data = signing_input(unsecured, proof).hash_data
            floor_inputs.append((public, decode_base58btc(str(signature)), data))
    return db, floor_inputs


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db, inputs = build(Path(tmp) / "data")
        try:
            start = time.perf_counter()
            report = verify_store(db)
            ours = time.perf_counter() - start
            assert report.ok and report.records == N, report
            start = time.perf_counter()
            for public, signature, data in inputs:
                Ed25519PublicKey.from_public_bytes(public).verify(signature, data)
            floor = time.perf_counter() - start
        finally:
            db.close()
    print(f"verify over {N} records and {report.audit_events} audit events")
    print(
        f"assessor verify {ours:.2f} s ({ours / N * 1e6:.0f} µs a record), "
        f"raw Ed25519 verify {floor:.2f} s ({floor / N * 1e6:.0f} µs a record)"
    )
    print(f"ratio {ours / floor:.2f}")


if __name__ == "__main__":
    main()
