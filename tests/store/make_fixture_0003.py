"""Write `fixtures/schema-0003.sql`: a database as schema revision 0003 stores it.

Run once, from the repository root, and commit the output; never regenerate it (see
`make_fixture.py`, whose helpers this uses):

    python3 -m tests.store.make_fixture_0003

Beyond the tables of 0001 it holds what 0002 and 0003 added: profiles with a did:key, a sealed
key (opened by PASSPHRASE) and unlock throttling, a profile from before keys, two signed
ArtifactAssessmentRecords chained by one key (the second a correction superseding the first),
their outbox items, the chain heads the triggers moved, and artifact previews (prepared,
refused, and not yet prepared). A finalized evaluation is written as the release wrote it: a
draft, its scores, then finalized, with the guard triggers of 0003 in force on every row.

Keys, salts and nonces are fixed and Ed25519 signatures are deterministic, so every run writes
the same bytes. The catalogue (rubric versions, achievements, assessment, learners) is the
0001 writer's rows, unchanged.
"""

from __future__ import annotations

import hashlib
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from assessor.domain.numbers import to_json_number
from assessor.security import keys
from assessor.security.canonical import canonicalize
from assessor.security.did import did_key, verification_method
from assessor.security.digests import multibase_digest
from assessor.security.records import RECORD_CONTEXT, record_digest, sign, validate_record
from tests.store import make_fixture
from tests.store.make_fixture import Event, Row, Step, chain

REVISION = "0003"
OUT = Path(__file__).with_name("fixtures") / f"schema-{REVISION}.sql"

PASSPHRASE = "correct horse battery staple"
KDF_COST = (1, 1, 8)  # Argon2id at its minimum cost, as the tests seal keys

T0 = "2026-11-24T09:00:00.000000Z"  # profiles made
T1 = "2026-11-24T09:30:00.000000Z"  # previews prepared, first evaluation started
T2 = "2026-11-24T10:15:30.250000Z"  # first evaluation finalized
T3 = "2026-11-24T11:00:00.000000Z"  # correction started
T4 = "2026-11-24T11:40:00.000000Z"  # correction finalized
T5 = "2026-11-24T12:00:00.000000Z"  # a draft begun; five wrong passphrases
BLOCKED_UNTIL = "2026-11-24T12:00:01.000000Z"  # T5 + keys.unlock_delay(5)

ADA = "01a20cc8-8e80-7000-8000-0000000000a1"
MAX = "01a20cc8-8e80-7000-8000-0000000000a2"
OLLY = "0195f3a0-0000-7000-8000-000000000003"  # made at 0001: no key
E1 = "01a20cc8-8e80-7000-8000-0000000000e1"  # sub-001, finalized, superseded by E3
E2 = "01a20cc8-8e80-7000-8000-0000000000e2"  # sub-002, draft
E3 = "01a20cc8-8e80-7000-8000-0000000000e3"  # sub-001, the finalized correction
R1 = "urn:uuid:01a20cc8-8e80-7000-8000-0000000000f1"  # E1's record
R2 = "urn:uuid:01a20cc8-8e80-7000-8000-0000000000f2"  # E3's record
KIND = "ArtifactAssessmentRecord"
ENGINE = "assessor-scoring/1"
CORRECTION = "Plan level misread"

# The evidence files by name: the test puts them in the blob store beside the database.
EVIDENCE = {
    "results.txt": make_fixture.EVIDENCE,
    "notes.txt": b"Continuity r1 0.52, rn 0.51, r2 0.86\nInsulation >200 MOhm\n",
    "board.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00",
}
SUBMITTED = {
    "sub-001": "2026-11-24T09:20:00.000000Z",
    "sub-002": "2026-11-24T09:25:00.000000Z",
    "sub-003": "2026-11-24T09:29:00.000000Z",
}
# (criterion, level, points, comment) of each evaluation, in the rubric's order
SCORES = {
    E1: [("plan", "competent", "2", "Clear plan"), ("prove-dead", "proficient", "3", "")],
    E3: [("plan", "proficient", "3", "Clear plan"), ("prove-dead", "proficient", "3", "")],
    E2: [("plan", "competent", "2", "Started")],
}


def identity(name: str) -> tuple[Ed25519PrivateKey, str, str]:
    """A fixed Ed25519 key for `name`: the key, its did:key, and the key sealed under
    PASSPHRASE as `keys.seal` seals it, with a fixed salt and nonce instead of random ones."""
    seed = hashlib.sha256(f"schema-0003 fixture key of {name}".encode()).digest()
    private = Ed25519PrivateKey.from_private_bytes(seed)
    public = private.public_key().public_bytes_raw()
    kdf = keys.KdfParams(hashlib.sha256(b"salt" + seed).digest()[:16], *KDF_COST)
    nonce = hashlib.sha256(b"nonce" + seed).digest()[:12]
    sealed = AESGCM(keys._derive(PASSPHRASE, kdf)).encrypt(nonce, seed, keys._aad(public))
    return private, did_key(public), keys.SealedKey(public, kdf, nonce, sealed).to_json()


def stamp(at: str) -> str:
    """A record's time: to the second, 'Z' (services/finalize.py)."""
    return at[:19] + "Z"


def preview(media_type: str, **found: Any) -> str:
    """An artifact's preview column as services/preview.py stores it."""
    value = {**found, "mediaType": media_type}
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def artifact(number: int, sub: str, position: int, name: str, media: str, shown: str | None) -> Row:
    data = EVIDENCE[name]
    return (number, sub, position, name, media, len(data), hashlib.sha256(data).hexdigest(), shown)


def artifacts() -> list[Row]:
    text = preview("text/plain", kind="text", encoding="utf-8", lines=1)
    refused = preview("image/jpeg", error="malformed JPEG: no frame header before the image data")
    return [
        artifact(1, "sub-001", 0, "results.txt", "text/plain", text),
        artifact(2, "sub-002", 0, "results.txt", "text/plain", text),
        artifact(3, "sub-002", 1, "notes.txt", "text/plain", None),  # not prepared yet
        artifact(4, "sub-003", 0, "board.jpg", "image/jpeg", refused),
    ]


def scores(evaluation_id: str) -> list[Row]:
    lines = SCORES[evaluation_id]
    return [(evaluation_id, c, i, lv, p, note) for i, (c, lv, p, note) in enumerate(lines)]


def evaluation(
    evaluation_id: str,
    submission_id: str,
    comment: str,
    totals: tuple[str, str, str],
    times: tuple[str, str, str | None],
    supersedes: str | None = None,
) -> Row:
    """Ada's evaluation against rubric version 1: totals are (total, maximum, outcome), times
    (created, updated, finalized); finalized when it has a finalized time."""
    status = "draft" if times[2] is None else "finalized"
    head = (evaluation_id, submission_id, ADA, 1, status, comment, *totals, None, ENGINE)
    return (*head, *times, supersedes, CORRECTION if supersedes else None)


def finalized(row: Row) -> list[Step]:
    """A finalized evaluation as the release wrote it: a draft, its scores, then finalized
    (the triggers refuse scores added to a finalized evaluation)."""
    draft = (*row[:4], "draft", *row[5:])
    finalize = f"UPDATE evaluations SET status = 'finalized' WHERE id = '{row[0]}'"
    return [("evaluations", [draft]), ("evaluation_scores", scores(str(row[0]))), finalize]


def record(
    key: Ed25519PrivateKey,
    did: str,
    *,
    evaluation_id: str,
    seq: int,
    prev: str | None,
    at: str,
    total: str,
    percentage: str,
) -> dict[str, Any]:
    """A signed ArtifactAssessmentRecord of sub-001 as services/finalize.py made one; with
    `prev`, a correction superseding the record `prev` names (R1)."""
    rubric_digest = str(make_fixture.rows()["rubric_versions"][0][3])
    results = EVIDENCE["results.txt"]
    document: dict[str, Any] = {
        "@context": list(RECORD_CONTEXT),
        "id": R1 if prev is None else R2,
        "type": ["VerifiableCredential", KIND],
        "issuer": {"id": did, "name": "Ada Assessor", "role": "assessor"},
        "validFrom": stamp(at),
        "credentialSubject": {
            "id": "urn:assessor:learner:learner-1",
            "submission": {
                "id": "sub-001",
                "assessment": "wiring-l2",
                "attempt": 1,
                "submittedAt": stamp(SUBMITTED["sub-001"]),
                "artifacts": [
                    {
                        "name": "results.txt",
                        "mediaType": "text/plain",
                        "size": len(results),
                        "digestMultibase": multibase_digest(hashlib.sha256(results).digest()),
                    }
                ],
            },
            "rubric": {"id": "wiring", "version": 1, "digestMultibase": rubric_digest},
            "scores": [
                {"criterion": c, "level": lv, "points": to_json_number(Decimal(p)), "comment": n}
                for c, lv, p, n in SCORES[evaluation_id]
            ],
            "overallComment": "Neat work",
            "total": total,
            "maximum": "9",
            "percentage": percentage,
            "outcome": "pass",
            "band": None,
            "engineVersion": ENGINE,
            "evaluation": evaluation_id,
        },
        "relatedResource": [
            {"id": "urn:assessor:rubric:wiring@1", "digestMultibase": rubric_digest}
        ],
        "device": {"seq": seq, "prev": prev},
    }
    if prev is not None:
        document["supersedes"] = {"id": R1, "digestMultibase": prev, "reason": CORRECTION}
    method = verification_method(key.public_key().public_bytes_raw())
    signed = sign(document, key, method, created=stamp(at))
    problems = validate_record(signed)
    if problems:
        raise ValueError(f"the fixture's record is invalid: {problems[0]}")
    return signed


def steps() -> list[Step]:
    ada_key, ada_did, ada_sealed = identity("Ada Assessor")
    _, max_did, max_sealed = identity("Max Manager")
    first = record(
        ada_key, ada_did, evaluation_id=E1, seq=1, prev=None, at=T2, total="8", percentage="88.88"
    )
    d1 = record_digest(first)
    second = record(
        ada_key, ada_did, evaluation_id=E3, seq=2, prev=d1, at=T4, total="9", percentage="100.00"
    )
    d2 = record_digest(second)
    body1, body2 = canonicalize(first).decode(), canonicalize(second).decode()
    catalogue = make_fixture.rows()
    old = ("rubrics", "rubric_versions", "achievements", "achievement_prerequisites")
    return [
        (
            "profiles",
            [
                (ADA, "Ada Assessor", "assessor", T0, ada_did, ada_sealed, 0, None),
                (MAX, "Max Manager", "manager proctor", T0, max_did, max_sealed, 5, BLOCKED_UNTIL),
                (OLLY, "Olly Older", "assessor", make_fixture.T0, None, None, 0, None),
            ],
        ),
        *((table, catalogue[table]) for table in (*old, "assessments", "learners")),
        (
            "submissions",
            [
                ("sub-001", "learner-1", "wiring-l2", 1, SUBMITTED["sub-001"], "finalized"),
                ("sub-002", "learner-2", "wiring-l2", 1, SUBMITTED["sub-002"], "in_progress"),
                ("sub-003", "learner-1", "wiring-l2", 2, SUBMITTED["sub-003"], "to_score"),
            ],
        ),
        ("artifacts", artifacts()),
        *finalized(evaluation(E1, "sub-001", "Neat work", ("8", "9", "pass"), (T1, T2, T2))),
        *finalized(evaluation(E3, "sub-001", "Neat work", ("9", "9", "pass"), (T3, T4, T4), E1)),
        ("evaluations", [evaluation(E2, "sub-002", "", ("2", "9", "incomplete"), (T5, T5, None))]),
        ("evaluation_scores", scores(E2)),
        (
            "records",
            [
                (1, R1, KIND, ada_did, 1, None, d1, body1, E1, "sub-001", T2),
                (2, R2, KIND, ada_did, 2, d1, d2, body2, E3, "sub-001", T4),
            ],
        ),
        (
            "outbox_items",
            [
                (1, R1, KIND, body1, "acknowledged", 1, T2, None, None),
                (2, R2, KIND, body2, "pending", 0, T4, None, None),
            ],
        ),
        ("audit_events", chain(events(ada_did, max_did, d1, d2))),
        (
            "exam_sessions",
            [("exam-2", "Wiring exam, November", "wiring-l2", "Room 4", T5, "planned", MAX)],
        ),
        (
            "exam_candidates",
            [("exam-2", "learner-1", None, None), ("exam-2", "learner-2", None, None)],
        ),
    ]


def events(ada_did: str, max_did: str, d1: str, d2: str) -> list[Event]:
    """A representative part of the audit log the services wrote for these rows."""
    v1, v2 = (str(v[3]) for v in make_fixture.rows()["rubric_versions"])
    march, later = make_fixture.T0, make_fixture.T1
    version, ev = "rubric_version", "evaluation"
    source = {"source": "assessor-json"}
    first = {"record": R1, "digest": d1, "kind": KIND, "seq": 1}
    second = {"record": R2, "digest": d2, "kind": KIND, "seq": 2}
    shown = {"artifacts": 1, "cannotPreview": 0, "typeMismatches": 0}  # sub-001's one file
    refused = {**shown, "cannotPreview": 1}  # sub-003's photo
    ada = {"name": "Ada Assessor", "roles": ["assessor"], "did": ada_did}
    max_ = {"name": "Max Manager", "roles": ["manager", "proctor"], "did": max_did}
    level = {"change": "level", "criterion": "plan", "level": "competent", "points": 2}
    logged: list[tuple[str, str, str, str, str, dict[str, Any]]] = [
        (march, "system", "rubric.import", version, "wiring@1", {"digest": v1, **source}),
        (march, "system", "rubric.publish", version, "wiring@1", {"digest": v1}),
        (later, "system", "rubric.import", version, "wiring@2", {"digest": v2, **source}),
        (T0, ADA, "profile.create", "profile", ADA, ada),
        (T0, MAX, "profile.create", "profile", MAX, max_),
        (T1, "local", "artifact.preview", "submission", "sub-001", shown),
        (T1, "local", "artifact.preview", "submission", "sub-003", refused),
        (T1, ADA, "evaluation.start", ev, E1, {"submission": "sub-001"}),
        (T2, ADA, "evaluation.finalize", ev, E1, first),
        (T3, ADA, "evaluation.correct", ev, E3, {"supersedes": E1, "reason": CORRECTION}),
        (T4, ADA, "evaluation.finalize", ev, E3, second),
        (T5, ADA, "evaluation.start", ev, E2, {"submission": "sub-002"}),
        (T5, ADA, "evaluation.change", ev, E2, level),
        *((T5, MAX, "profile.unlock-failed", "profile", MAX, {"failures": n}) for n in range(1, 6)),
    ]
    return [(seq, *event) for seq, event in enumerate(logged, start=1)]


def main() -> int:
    make_fixture.write(OUT, REVISION, steps())
    return 0


if __name__ == "__main__":
    sys.exit(main())
