"""Credentials built and signed per second (OB 3.0, eddsa-rdfc-2022) vs raw Ed25519 signatures
of the same canonical bytes.

Ours: `build_credential` (input checks, the document) then `rdfc.sign` (shape checks, safe
mode, RDFC-1.0 canonicalization of the document and of the proof configuration with pyld,
two SHA-256, Ed25519, base58btc) for a micro-credential with 8 criteria of 4 levels each,
CASE alignments, a score, two evidence records and a status entry; each credential has its
own id, learner and status index, as in the service. The floor is the cryptography alone:
Ed25519 over the same canonical N-Quads (document and proof configuration), computed once
beforehand. RDFC-1.0 canonicalization (JSON-LD expansion, RDF conversion, blank node
labelling) dominates; the ratio says how much.

Run: python3 benchmarks/bench_issue_credentials.py [N]
"""

from __future__ import annotations

import statistics
import sys
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from assessor.security.digests import digest_bytes
from issuer.issuance import rdfc
from issuer.issuance.credential import (
    AchievementDef,
    Alignment,
    CredentialInputs,
    CriterionDef,
    CriterionResult,
    EvidenceRef,
    IssuerProfile,
    LearnerRef,
    LevelDef,
    RubricRef,
    ScoreResult,
    StatusEntry,
    build_credential,
)

N = int(sys.argv[1]) if len(sys.argv) > 1 else 200
CREATED = "2026-11-24T10:00:05Z"
DID = "did:web:badges.example.org"
METHOD = f"{DID}#z6MkexampleKey"
GOAL = 0.005  # at least 0.5 % of the raw signature rate


def inputs(i: int) -> CredentialInputs:
    levels = tuple(
        LevelDef(f"l{n}", name, str(n))
        for n, name in enumerate(("Beginning", "Developing", "Proficient", "Exemplary"))
    )
    criteria = tuple(
        CriterionDef(
            f"c{n}",
            f"Criterion {n}",
            levels,
            required_level="l1" if n == 0 else None,
            alignment=(
                Alignment(
                    f"Criterion {n}",
                    f"https://case.example.net/ims/case/v1p1/CFItems/item-{n}",
                    "CFRubricCriterion",
                ),
            ),
        )
        for n in range(8)
    )
    return CredentialInputs(
        domain="badges.example.org",
        credential_id=f"0192d3c4-5e6f-7a8b-9c0d-{i:012d}",
        issuer=IssuerProfile(DID, "Example Skills Board", "https://example.org/"),
        achievement=AchievementDef(
            id="safe-isolation",
            name="Safe Isolation",
            description="Isolates electrical circuits safely before work.",
            criteria_narrative="Scored by a trained assessor against the Safe Isolation rubric.",
            level="micro-credential",
            criteria=criteria,
            validity_days=730,
            alignment=(
                Alignment("Safe Isolation", "https://case.example.net/CFItems/r", "CFRubric"),
            ),
        ),
        learner=LearnerRef(
            f"urn:uuid:0192d3c4-0000-7000-8000-{i:012d}", "Learner Name", "6b1f0e2d9c8a7b6c"
        ),
        results=tuple(CriterionResult(f"c{n}", f"l{1 + n % 3}", str(1 + n % 3)) for n in range(8)),
        rubric=RubricRef(
            "https://badges.example.org/api/v1/rubrics/r/versions/2", digest_bytes(b"r")
        ),
        evidence=(
            EvidenceRef(
                f"urn:uuid:a-{i}",
                digest_bytes(b"a%d" % i),
                "ArtifactAssessmentRecord",
                "Assessment",
            ),
            EvidenceRef(
                f"urn:uuid:b-{i}", digest_bytes(b"b%d" % i), "ProjectSignOffRecord", "Sign-off"
            ),
        ),
        status=StatusEntry("https://badges.example.org/status/1", (i * 7919) % 131_072),
        valid_from="2026-11-24T10:00:00Z",
        score=ScoreResult("16", "24"),
    )


def main() -> None:
    key = Ed25519PrivateKey.generate()
    rdfc.sign(build_credential(inputs(0)), key, METHOD, CREATED)  # warm the context cache

    start = time.perf_counter()
    for i in range(N):
        rdfc.sign(build_credential(inputs(i)), key, METHOD, CREATED)
    ours = (time.perf_counter() - start) / N

    document = build_credential(inputs(0))
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": CREATED,
        "verificationMethod": METHOD,
        "proofPurpose": "assertionMethod",
        "@context": document["@context"],
    }
    canonical = (rdfc.canonical_nquads(proof) + rdfc.canonical_nquads(document)).encode()
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(N * 10):
            key.sign(canonical)
        samples.append((time.perf_counter() - start) / (N * 10))
    floor = statistics.median(samples)

    start = time.perf_counter()
    for _ in range(N):
        rdfc.canonical_nquads(document)
    canon = (time.perf_counter() - start) / N

    print(
        f"issue credentials (N={N}, {len(canonical)} canonical bytes): "
        f"{1 / ours:.1f} credentials/s built and signed ({ours * 1000:.2f} ms each); "
        f"raw Ed25519 {1 / floor:.0f} signatures/s"
    )
    print(f"one canonicalization of the document: {canon * 1000:.2f} ms")
    print(f"ratio {floor / ours:.4f} of the raw signature rate (goal >= {GOAL})")


if __name__ == "__main__":
    main()
