"""`assessor verify` over a store of N signed records (default 10,000), each with its audit
event, against the floor: raw Ed25519 verification of the same records' signed bytes.

The store's check does more than the floor (strict parse, canonical form, digest, per-key
chain, audit chain): the ratio says what that costs. Goal: verify 10k records in seconds.

Run: python3 benchmarks/bench_verify.py [N]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from assessor.security.canonical import canonicalize
from assessor.security.did import did_key, verification_method
from assessor.security.multibase import decode_base58btc
from assessor.security.records import RECORD_CONTEXT, record_digest, sign, signing_input
from assessor.services.verify import verify_store
from assessor.store.audit import append_event
from assessor.store.db import Database
from assessor.store.records import append_record

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
DIGEST = "uEiDjUbnVTQJ0kcY4Q1XvWzRkyhEKGUOi7kpcHnDRz6ZX9w"


def document(n: int, did: str, prev: str | None) -> dict[str, object]:
    return {
        "@context": list(RECORD_CONTEXT),
        "id": f"urn:uuid:00000000-0000-7000-8000-{n:012d}",
        "type": ["VerifiableCredential", "ArtifactAssessmentRecord"],
        "issuer": {"id": did, "name": "Bench Assessor", "role": "assessor"},
        "validFrom": "2026-11-24T10:00:00Z",
        "credentialSubject": {
            "id": f"urn:assessor:learner:l-{n}",
            "scores": [
                {"criterion": f"c{c}", "level": "competent", "points": 2, "comment": "ok"}
                for c in range(8)
            ],
            "total": "16",
            "outcome": "pass",
        },
        "relatedResource": [{"id": "urn:assessor:rubric:r@1", "digestMultibase": DIGEST}],
        "device": {"seq": n, "prev": prev},
    }


def build(folder: Path) -> tuple[Database, list[tuple[bytes, bytes, bytes]]]:
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes_raw()
    did, method = did_key(public), verification_method(public)
    floor_inputs = []
    db = Database.open(folder)
    prev = None
    with db.write() as tx:
        for n in range(1, N + 1):
            signed = sign(document(n, did, prev), key, method, created="2026-11-24T10:00:00Z")
            body, digest = canonicalize(signed), record_digest(signed)
            append_record(
                tx,
                id=str(signed["id"]),
                kind="ArtifactAssessmentRecord",
                issuer=did,
                seq=n,
                prev=prev,
                digest=digest,
                body=body,
            )
            append_event(
                tx,
                actor="bench",
                action="evaluation.finalize",
                entity_type="evaluation",
                entity_id=str(n),
                payload={"record": signed["id"], "digest": digest},
            )
            proof = dict(signed["proof"])  # type: ignore[arg-type]
            signature = proof.pop("proofValue")
            unsecured = {k: v for k, v in signed.items() if k != "proof"}
            data = signing_input(unsecured, proof).hash_data
            floor_inputs.append((public, decode_base58btc(str(signature)), data))
            prev = digest
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
