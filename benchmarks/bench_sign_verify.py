"""Sign + verify of a signed record (eddsa-jcs-2022) vs raw Ed25519 sign + verify of the same
canonical bytes.

Ours: `sign` (copy, number check, JCS of document and proof configuration, two SHA-256, Ed25519,
base58btc) then `verify` (proof checks, did:key and base58btc decoding, number check, JCS and
hashes again, Ed25519 verify) of a realistic ArtifactAssessmentRecord with 8 criteria.
The floor is the cryptography alone: Ed25519 sign and verify over the record's JCS bytes,
computed once beforehand.

Run: python3 benchmarks/bench_sign_verify.py [N]
"""

from __future__ import annotations

import sys
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from _common import interleaved_medians, report
from assessor.security.canonical import canonicalize
from assessor.security.did import did_key, verification_method
from assessor.security.digests import digest_bytes
from assessor.security.records import RECORD_CONTEXT, sign, verify

N = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
CREATED = "2026-11-24T10:00:05Z"


def record(did: str, criteria: int = 8) -> dict[str, Any]:
    rubric = digest_bytes(b"rubric")
    return {
        "@context": list(RECORD_CONTEXT),
        "id": "urn:uuid:019a5a6e-2c4b-7d3e-9f10-4a5b6c7d8e9f",
        "type": ["VerifiableCredential", "ArtifactAssessmentRecord"],
        "issuer": {"id": did, "name": "Ada Assessor", "role": "assessor"},
        "validFrom": "2026-11-24T10:00:00Z",
        "credentialSubject": {
            "id": "urn:assessor:learner:urn:uuid:019a5a6e-0000-7000-8000-000000000001",
            "submission": {
                "id": "sub-001",
                "assessment": "safe-isolation-l2",
                "attempt": 1,
                "submittedAt": "2026-11-20T16:42:00Z",
                "artifacts": [
                    {
                        "name": f"evidence-{i}.pdf",
                        "mediaType": "application/pdf",
                        "size": 48_213 + i,
                        "digestMultibase": digest_bytes(bytes([i])),
                    }
                    for i in range(3)
                ],
            },
            "rubric": {"id": "safe-isolation", "version": 2, "digestMultibase": rubric},
            "scores": [
                {
                    "criterion": f"criterion-{i}",
                    "level": f"level-{i % 4}",
                    "points": f"{i}.5" if i % 2 else i,
                    "comment": "Voltage indicator proved on a known source before and after."
                    if i % 3 == 0
                    else "",
                }
                for i in range(criteria)
            ],
            "overallComment": "Isolation in the right order; lock-off and signage in place.",
            "total": "30.5",
            "maximum": "40",
            "percentage": "76.25",
            "outcome": "pass",
            "band": "Merit",
            "engineVersion": "assessor-scoring/1",
            "evaluation": "019a5a6e-1111-7222-8333-444455556666",
        },
        "relatedResource": [
            {"id": "urn:assessor:rubric:safe-isolation@2", "digestMultibase": rubric}
        ],
        "device": {"seq": 7, "prev": digest_bytes(b"previous")},
    }


def main() -> None:
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    public = key.public_key()
    public_bytes = public.public_bytes_raw()
    document = record(did_key(public_bytes))
    method = verification_method(public_bytes)
    payload = canonicalize(document)

    def ours() -> None:
        verify(sign(document, key, method, created=CREATED))

    def floor() -> None:
        public.verify(key.sign(payload), payload)

    ours()  # fills the verification-method cache, as in a running app
    ours_s, floor_s = interleaved_medians(ours, floor, N)
    print(
        f"{N} sign + verify each way, interleaved; record of {len(payload)} canonical bytes, "
        "8 criteria"
    )
    report("median sign + verify", ours_s, floor_s, 2.0)


if __name__ == "__main__":
    main()
