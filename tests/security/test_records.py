from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from assessor.domain.errors import Problem, ValidationFailed
from assessor.security.canonical import MAX_SAFE_INTEGER, canonicalize
from assessor.security.did import did_key, verification_method
from assessor.security.digests import digest_bytes
from assessor.security.multibase import (
    decode_base58btc,
    encode_base58btc,
    private_key_from_multibase,
)
from assessor.security.record_schemas import RECORD_SCHEMAS, record_schema
from assessor.security.records import (
    RECORD_CONTEXT,
    ProofInvalid,
    parse_record,
    record_digest,
    record_kind,
    sign,
    signing_input,
    validate_record,
    verify,
)
from tests.conftest import CONFORMANCE

EDDSA = CONFORMANCE / "vc-di-eddsa"
JCS_VECTORS = EDDSA / "eddsa-jcs-2022"

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
PUBLIC = KEY.public_key().public_bytes_raw()
DID = did_key(PUBLIC)
VM = verification_method(PUBLIC)
CREATED = "2026-11-24T10:00:05Z"


def _digest(label: str) -> str:
    return digest_bytes(label.encode())


RUBRIC_DIGEST = _digest("rubric safe-isolation v2")


def _common(kind: str, role: str, seq: int = 1, prev: str | None = None) -> dict[str, Any]:
    return {
        "@context": list(RECORD_CONTEXT),
        "id": "urn:uuid:019a5a6e-2c4b-7d3e-9f10-4a5b6c7d8e9f",
        "type": ["VerifiableCredential", kind],
        "issuer": {"id": DID, "name": "Ada Assessor", "role": role},
        "validFrom": "2026-11-24T10:00:00Z",
        "device": {"seq": seq, "prev": prev},
    }


def artifact_record(criteria: int = 8) -> dict[str, Any]:
    document = _common("ArtifactAssessmentRecord", "assessor", 2, _digest("previous"))
    document["credentialSubject"] = {
        "id": "urn:assessor:learner:urn:uuid:019a5a6e-0000-7000-8000-000000000001",
        "submission": {
            "id": "sub-001",
            "assessment": "safe-isolation-l2",
            "attempt": 1,
            "submittedAt": "2026-11-20T16:42:00Z",
            "artifacts": [
                {
                    "name": "method statement.pdf",
                    "mediaType": "application/pdf",
                    "size": 48213,
                    "digestMultibase": _digest("pdf"),
                },
                {
                    "name": "photo of lock-off.jpg",
                    "mediaType": "image/jpeg",
                    "size": 1_204_331,
                    "digestMultibase": _digest("jpg"),
                },
            ],
        },
        "rubric": {"id": "safe-isolation", "version": 2, "digestMultibase": RUBRIC_DIGEST},
        "scores": [
            {
                "criterion": f"c{i}",
                "level": None if i == 7 else f"l{i % 4}",
                "points": f"{i}.5" if i % 2 else i,
                "comment": "Clear, ordered steps — voltage indicator proved before and after."
                if i % 3 == 0
                else "",
            }
            for i in range(criteria)
        ],
        "overallComment": "Safe isolation carried out in the right order; minor gaps in notes.",
        "total": "30.5",
        "maximum": "40",
        "percentage": "76.25",
        "outcome": "pass",
        "band": "Merit",
        "engineVersion": "assessor-scoring/1",
        "evaluation": "019a5a6e-1111-7222-8333-444455556666",
    }
    document["relatedResource"] = [
        {"id": "urn:assessor:rubric:safe-isolation@2", "digestMultibase": RUBRIC_DIGEST}
    ]
    document["supersedes"] = {
        "id": "urn:uuid:019a5a6d-0000-7000-8000-0000000000aa",
        "digestMultibase": _digest("superseded"),
        "reason": "Criterion c3 was scored against the wrong level descriptor.",
    }
    return document


def signoff_record() -> dict[str, Any]:
    document = _common("ProjectSignOffRecord", "manager")
    document["credentialSubject"] = {
        "id": "urn:assessor:learner:urn:uuid:019a5a6e-0000-7000-8000-000000000001",
        "assessmentRecord": {
            "id": "urn:uuid:019a5a6e-2c4b-7d3e-9f10-4a5b6c7d8e9f",
            "digestMultibase": _digest("assessment record"),
            "issuer": did_key(OTHER_KEY.public_key().public_bytes_raw()),
        },
        "decision": "approved",
        "comment": "Agreed.",
    }
    return document


def exam_record() -> dict[str, Any]:
    document = _common("ExamSessionRecord", "proctor")
    document["credentialSubject"] = {
        "id": "urn:assessor:exam-session:exam-019a5a6e-3333-7444-8555-666677778888",
        "session": {
            "id": "exam-019a5a6e-3333-7444-8555-666677778888",
            "title": "Safe isolation — written paper",
            "location": "Room 4, Leeds centre",
            "startsAt": "2026-11-24T09:00:00Z",
            "sealedAt": "2026-11-24T11:05:00+00:00",
        },
        "roster": [
            {
                "learner": "urn:assessor:learner:l-1",
                "checkedInAt": "2026-11-24T08:51:00Z",
                "outcome": "completed",
            },
            {"learner": "urn:assessor:learner:l-2", "checkedInAt": None, "outcome": "no-show"},
        ],
        "incidents": [
            {
                "at": "2026-11-24T09:40:00Z",
                "learner": "urn:assessor:learner:l-1",
                "description": "Fire alarm test; paused for four minutes.",
            },
            {"at": "2026-11-24T10:00:00Z", "learner": None, "description": "Heating failed."},
        ],
    }
    return document


def exam_amendment_record() -> dict[str, Any]:
    document = _common("ExamSessionAmendmentRecord", "manager")
    document["credentialSubject"] = {
        "id": "urn:assessor:exam-session:exam-019a5a6e-3333-7444-8555-666677778888",
        "amends": {
            "id": "urn:uuid:019a5a6e-2c4b-7d3e-9f10-4a5b6c7d8e9f",
            "digestMultibase": _digest("session record"),
        },
        "text": "Candidate C2 arrived late with the invigilator's leave; not a no-show.",
    }
    return document


BUILDERS = {
    "ArtifactAssessmentRecord": artifact_record,
    "ProjectSignOffRecord": signoff_record,
    "ExamSessionRecord": exam_record,
    "ExamSessionAmendmentRecord": exam_amendment_record,
}


def signed(kind: str = "ArtifactAssessmentRecord") -> dict[str, Any]:
    return sign(BUILDERS[kind](), KEY, VM, created=CREATED)


def leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, (*path, index))
    else:
        yield path, value


def objects(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        yield path, value
        for key, item in value.items():
            yield from objects(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from objects(item, (*path, index))


def at(document: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        document = document[step]
    return document


def changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    assert value is None
    return "x"


def pointer(path: tuple[Any, ...]) -> str:
    return "".join(f"/{step}" for step in path)


# ---- W3C vc-di-eddsa eddsa-jcs-2022 vectors, byte for byte --------------------------------

W3C_KEY = Ed25519PrivateKey.from_private_bytes(
    private_key_from_multibase(
        json.loads((EDDSA / "keyPair.json").read_text())["privateKeyMultibase"]
    )
)
W3C_UNSIGNED = json.loads((EDDSA / "unsigned.json").read_text())
W3C_SIGNED = json.loads((JCS_VECTORS / "signedJCS.json").read_text())
W3C_PROOF_CONFIG = json.loads((JCS_VECTORS / "proofConfigJCS.json").read_text())


def _vector(name: str) -> bytes:
    return (JCS_VECTORS / name).read_bytes()


def test_w3c_canonical_forms_and_hashes() -> None:
    data = signing_input(W3C_UNSIGNED, W3C_PROOF_CONFIG)
    assert data.canonical_document == _vector("canonDocJCS.txt")
    assert data.canonical_proof_config == _vector("proofCanonJCS.txt")
    assert data.document_hash.hex() == _vector("docHashJCS.txt").decode()
    assert data.proof_config_hash.hex() == _vector("proofHashJCS.txt").decode()
    assert data.hash_data.hex() == _vector("combinedHashJCS.txt").decode()


def test_w3c_signature_and_signed_document() -> None:
    method = W3C_PROOF_CONFIG["verificationMethod"]
    result = sign(W3C_UNSIGNED, W3C_KEY, method, created=W3C_PROOF_CONFIG["created"])
    proof_value = result["proof"]["proofValue"]
    assert proof_value == _vector("sigBTC58JCS.txt").decode()
    assert decode_base58btc(proof_value).hex() == _vector("sigHexJCS.txt").decode()
    # The proof sign() built, less its value, is the vector's proof configuration.
    assert {k: v for k, v in result["proof"].items() if k != "proofValue"} == W3C_PROOF_CONFIG
    assert result == W3C_SIGNED
    assert canonicalize(result) == canonicalize(W3C_SIGNED)
    assert json.loads((EDDSA / "unsigned.json").read_text()) == W3C_UNSIGNED  # not mutated


def test_w3c_signed_document_verifies() -> None:
    proof = verify(W3C_SIGNED)
    assert proof.verification_method == W3C_PROOF_CONFIG["verificationMethod"]
    assert proof.public_key == W3C_KEY.public_key().public_bytes_raw()
    assert proof.created == "2023-02-24T23:36:38Z"
    assert proof.purpose == "assertionMethod"
    # Read from the file through the strict reader too.
    assert verify(parse_record((JCS_VECTORS / "signedJCS.json").read_bytes())) == proof


# ---- sign and verify our records ----------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_each_kind_signs_verifies_and_passes_its_schema(kind: str) -> None:
    document = BUILDERS[kind]()
    record = sign(document, KEY, VM, created=CREATED)
    assert document == BUILDERS[kind]()  # sign copies, never mutates
    assert record_kind(record) == kind
    assert validate_record(record) == []
    proof = verify(record)
    assert (proof.public_key, proof.created) == (PUBLIC, CREATED)
    assert record["proof"]["@context"] == list(RECORD_CONTEXT)
    reread = parse_record(json.dumps(record, indent=2, ensure_ascii=False).encode())
    assert verify(reread) == proof
    assert validate_record(reread) == []


def test_record_digest_is_of_the_whole_signed_record() -> None:
    record = signed()
    digest = record_digest(record)
    assert digest == digest_bytes(canonicalize(record))
    assert digest.startswith("uEi") and len(digest) == 47
    # Key order and whitespace in a file do not matter; the proof does.
    reread = parse_record(json.dumps(record, indent=1, sort_keys=False).encode())
    assert record_digest(reread) == digest
    later = sign(artifact_record(), KEY, VM, created="2026-11-24T10:00:06Z")
    assert record_digest(later) != digest
    assert record_digest(later) != digest_bytes(canonicalize(artifact_record()))


def test_record_digest_refuses_unsigned_documents_and_floats() -> None:
    with pytest.raises(ValueError, match="no proof"):
        record_digest(artifact_record())
    record = signed()
    record["credentialSubject"]["scores"][0]["points"] = 0.0
    with pytest.raises(ValueError, match="/credentialSubject/scores/0/points"):
        record_digest(record)


def test_sign_refuses_what_it_cannot_sign_faithfully() -> None:
    with pytest.raises(ValueError, match="already has a proof"):
        sign(signed(), KEY, VM, created=CREATED)
    floaty = artifact_record()
    floaty["credentialSubject"]["scores"][2]["points"] = 2.5
    with pytest.raises(ValueError, match="/credentialSubject/scores/2/points"):
        sign(floaty, KEY, VM, created=CREATED)
    huge = artifact_record()
    huge["credentialSubject"]["submission"]["artifacts"][0]["size"] = MAX_SAFE_INTEGER + 1
    with pytest.raises(ValueError, match="size"):
        sign(huge, KEY, VM, created=CREATED)
    with pytest.raises(ValueError, match="time zone"):
        sign(artifact_record(), KEY, VM, created="2026-11-24T10:00:05")
    other_vm = verification_method(OTHER_KEY.public_key().public_bytes_raw())
    with pytest.raises(ValueError, match="not the did:key of this private key"):
        sign(artifact_record(), KEY, other_vm, created=CREATED)


ALL_LEAVES = [(kind, path) for kind in sorted(BUILDERS) for path, _ in leaves(signed(kind))]


@pytest.mark.parametrize(
    ("kind", "path"), ALL_LEAVES, ids=[f"{k}{pointer(p)}" for k, p in ALL_LEAVES]
)
def test_changing_any_value_breaks_the_proof(kind: str, path: tuple[Any, ...]) -> None:
    record = signed(kind)
    parent, key = at(record, path[:-1]), path[-1]
    parent[key] = changed(parent[key])
    with pytest.raises(ProofInvalid):
        verify(record)


ALL_OBJECTS = [(kind, path) for kind in sorted(BUILDERS) for path, _ in objects(signed(kind))]


@pytest.mark.parametrize(
    ("kind", "path"), ALL_OBJECTS, ids=[f"{k}{pointer(p) or '/'}" for k, p in ALL_OBJECTS]
)
def test_removing_or_adding_any_field_breaks_the_proof(kind: str, path: tuple[Any, ...]) -> None:
    record = signed(kind)
    for key in list(at(record, path)):
        smaller = copy.deepcopy(record)
        del at(smaller, path)[key]
        with pytest.raises(ProofInvalid):
            verify(smaller)
    # "nonce" and "expires" are Data Integrity proof fields, and unchecked ones are refused.
    for extra in ("note", "nonce", "expires"):
        larger = copy.deepcopy(record)
        at(larger, path)[extra] = "2030-01-01T00:00:00Z"
        with pytest.raises(ProofInvalid):
            verify(larger)


def test_a_flipped_bit_anywhere_in_the_signed_bytes_never_verifies() -> None:
    """Every bit of every byte of the stored form: the change is refused on reading, or the
    proof fails, or (only possible through JSON escapes) it reads back as the same record."""
    record = signed()
    data = canonicalize(record)
    outcomes = {"unreadable": 0, "proof-invalid": 0}
    for position in range(len(data)):
        for bit in range(8):
            mutated = bytearray(data)
            mutated[position] ^= 1 << bit
            try:
                reread = parse_record(bytes(mutated))
            except ValidationFailed:
                outcomes["unreadable"] += 1
                continue
            try:
                verify(reread)
            except ProofInvalid:
                outcomes["proof-invalid"] += 1
                continue
            assert reread == record, (position, bit)
    # This record has no escapes, so no flip can mean the same thing.
    assert sum(outcomes.values()) == 8 * len(data)
    assert outcomes["proof-invalid"] > len(data)


def test_a_flipped_bit_in_the_signature_never_verifies() -> None:
    record = signed()
    signature = decode_base58btc(record["proof"]["proofValue"])
    for index in range(len(signature) * 8):
        flipped = bytearray(signature)
        flipped[index // 8] ^= 1 << (index % 8)
        record["proof"]["proofValue"] = encode_base58btc(bytes(flipped))
        with pytest.raises(ProofInvalid, match="does not verify"):
            verify(record)


def test_another_keys_verification_method_does_not_verify() -> None:
    record = signed()
    other = verification_method(OTHER_KEY.public_key().public_bytes_raw())
    record["proof"]["verificationMethod"] = other
    with pytest.raises(ProofInvalid, match="does not verify"):
        verify(record)
    # Nor does the other key's signature over the same record under our key's name.
    by_other = sign(artifact_record(), OTHER_KEY, other, created=CREATED)
    record = signed()
    record["proof"]["proofValue"] = by_other["proof"]["proofValue"]
    with pytest.raises(ProofInvalid, match="does not verify"):
        verify(record)


@pytest.mark.parametrize(
    "context",
    [
        [RECORD_CONTEXT[0]],
        [RECORD_CONTEXT[1], RECORD_CONTEXT[0]],
        [*RECORD_CONTEXT, "https://www.w3.org/ns/credentials/examples/v2"],
        RECORD_CONTEXT[0],
        None,
    ],
)
def test_a_proof_context_other_than_the_records_is_refused(context: Any) -> None:
    record = signed()
    record["proof"]["@context"] = context
    with pytest.raises(ProofInvalid) as error:
        verify(record)
    assert error.value.location == "/proof/@context"
    # Changing the record's context to match does not help: the signature covers it.
    record["@context"] = context
    with pytest.raises(ProofInvalid):
        verify(record)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("credentialSubject", "scores", 0, "points"), 0.0),  # JCS writes 0.0 as 0: same bytes
        (("credentialSubject", "submission", "attempt"), 1.0),
        (("device", "seq"), 2.0),
        (("credentialSubject", "submission", "artifacts", 0, "size"), 2**53),
        (("credentialSubject", "extra"), 1.5),
        (("proof", "created"), 1e3),
    ],
)
def test_injected_floats_and_unsafe_integers_are_refused(path: tuple[Any, ...], value: Any) -> None:
    record = signed()
    at(record, path[:-1])[path[-1]] = value
    with pytest.raises(ProofInvalid) as error:
        verify(record)
    assert error.value.location == pointer(path)


def test_a_float_equal_to_the_signed_integer_would_otherwise_verify() -> None:
    # Why verify checks numbers itself: JCS writes 2.0 as 2, so the signature alone holds.
    record = signed()
    record["device"]["seq"] = 2.0
    data = signing_input(
        {k: v for k, v in record.items() if k != "proof"},
        {k: v for k, v in record["proof"].items() if k != "proofValue"},
    ).hash_data
    KEY.public_key().verify(decode_base58btc(record["proof"]["proofValue"]), data)
    with pytest.raises(ProofInvalid, match="number"):
        verify(record)


def test_proof_purpose_must_be_the_one_asked_for() -> None:
    record = sign(artifact_record(), KEY, VM, created=CREATED, proof_purpose="authentication")
    with pytest.raises(ProofInvalid, match="assertionMethod") as error:
        verify(record)
    assert error.value.location == "/proof/proofPurpose"
    assert verify(record, purpose="authentication").purpose == "authentication"
    assert verify(record, purpose=None).purpose == "authentication"
    # Relabelling the purpose after signing breaks the signature.
    record["proof"]["proofPurpose"] = "assertionMethod"
    with pytest.raises(ProofInvalid, match="does not verify"):
        verify(record)


@pytest.mark.parametrize(
    ("mutate", "location", "reason"),
    [
        (lambda r: r.pop("proof"), "/proof", "missing"),
        (lambda r: r.update(proof=[r["proof"]]), "/proof", "single"),
        (lambda r: r["proof"].update(type="Ed25519Signature2020"), "/proof/type", "type"),
        (
            lambda r: r["proof"].update(cryptosuite="eddsa-rdfc-2022"),
            "/proof/cryptosuite",
            "cryptosuite",
        ),
        (lambda r: r["proof"].update(created="yesterday"), "/proof/created", "date-time"),
        (lambda r: r["proof"].pop("proofPurpose"), "/proof/proofPurpose", "missing"),
        (
            lambda r: r["proof"].update(verificationMethod="did:web:example.com#key-1"),
            "/proof/verificationMethod",
            "did:key",
        ),
        (
            lambda r: r["proof"].update(verificationMethod=7),
            "/proof/verificationMethod",
            "verification method",
        ),
        (lambda r: r["proof"].update(proofValue="0xabc"), "/proof/proofValue", "malformed"),
        (lambda r: r["proof"].update(proofValue="z112"), "/proof/proofValue", "64-byte"),
        (lambda r: r["proof"].pop("proofValue"), "/proof/proofValue", "malformed"),
        (lambda r: r["proof"].update(previousProof="urn:x"), "/proof", "previousProof"),
    ],
)
def test_malformed_proofs_are_refused_with_their_location(
    mutate: Any, location: str, reason: str
) -> None:
    record = signed()
    mutate(record)
    with pytest.raises(ProofInvalid, match=reason) as error:
        verify(record)
    assert error.value.location == location
    assert error.value.code == "proof-invalid"


def test_values_without_a_canonical_form_are_refused_not_crashed_on() -> None:
    record = signed()
    record["credentialSubject"]["overallComment"] = "\ud800"
    with pytest.raises(ProofInvalid, match="canonical"):
        verify(record)
    with pytest.raises(ProofInvalid):
        verify([record])  # type: ignore[arg-type]


JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-MAX_SAFE_INTEGER, MAX_SAFE_INTEGER)
    | st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.text(st.characters(blacklist_categories=("Cs",)), max_size=8), inner, max_size=4
        )
    ),
    max_leaves=20,
)


@settings(max_examples=60, deadline=None)
@given(subject=st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=6))
def test_sign_verify_round_trip_over_any_json_subject(subject: dict[str, Any]) -> None:
    document = _common("ArbitraryCredential", "assessor")
    document["credentialSubject"] = subject
    record = sign(document, KEY, VM, created=CREATED)
    assert verify(record).public_key == PUBLIC
    reread = parse_record(json.dumps(record, ensure_ascii=False).encode())
    assert verify(reread).public_key == PUBLIC
    assert record_digest(reread) == record_digest(record)
    # Any other subject is refused under the same proof.
    record["credentialSubject"] = {**subject, "\x00": None} if "\x00" not in subject else {}
    with pytest.raises(ProofInvalid):
        verify(record)


# ---- parse_record -------------------------------------------------------------------------


def test_parse_record_reports_every_problem_by_pointer() -> None:
    data = b"""{
      "id": "urn:uuid:x",
      "device": {"seq": 1, "seq": 2, "prev": null},
      "credentialSubject": {
        "scores": [{"points": 3.5, "comment": "a", "comment": "b"}, {"points": 9007199254740992}],
        "total": 1e2
      },
      "id": "urn:uuid:y"
    }"""
    with pytest.raises(ValidationFailed) as error:
        parse_record(data)
    assert set(error.value.problems) == {
        Problem("/device/seq", "duplicate key 'seq'"),
        Problem("/credentialSubject/scores/0/comment", "duplicate key 'comment'"),
        Problem("/id", "duplicate key 'id'"),
        Problem(
            "/credentialSubject/scores/0/points",
            "number 3.5 must be an integer or a decimal string",
        ),
        Problem(
            "/credentialSubject/scores/1/points", "integer 9007199254740992 is outside ±(2^53-1)"
        ),
        Problem("/credentialSubject/total", "number 1E+2 must be an integer or a decimal string"),
    }
    assert error.value.code == "invalid-input"


def test_parse_record_keeps_the_safe_integer_edges() -> None:
    record = parse_record(b'{"a": 9007199254740991, "b": -9007199254740991, "c": "1.5"}')
    assert record == {"a": MAX_SAFE_INTEGER, "b": -MAX_SAFE_INTEGER, "c": "1.5"}
    with pytest.raises(ValidationFailed) as error:
        parse_record(b'{"a": [-9007199254740992]}')
    assert [p.location for p in error.value.problems] == ["/a/0"]


@pytest.mark.parametrize(
    ("data", "location", "message"),
    [
        (b"[1, 2]", "", "JSON object"),
        (b'"record"', "", "JSON object"),
        (b'{"a": 1,}', "line 1 column 9", ""),
        (b'{"a": NaN}', "/a", "NaN is not valid JSON"),
        (b'{"a": "\xff"}', "byte 7", "UTF-8"),
        (b'{"a/b": {"c~d": 1.0}}', "/a~1b/c~0d", "number"),
    ],
)
def test_parse_record_refuses_non_records(data: bytes, location: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as error:
        parse_record(data)
    (problem,) = error.value.problems
    assert problem.location == location
    assert message in problem.message


# ---- schemas ------------------------------------------------------------------------------


def _problems(record: dict[str, Any]) -> dict[str, str]:
    return {p.location: p.message for p in validate_record(record)}


def _with(kind: str, path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    record = signed(kind)
    at(record, path[:-1])[path[-1]] = value
    return record


ART = "ArtifactAssessmentRecord"
SIGNOFF = "ProjectSignOffRecord"
EXAM = "ExamSessionRecord"
BAD_DIGEST_TAIL = RUBRIC_DIGEST[:-1] + "B"  # the last character carries unused bits


@pytest.mark.parametrize(
    ("kind", "path", "value", "expected"),
    [
        (ART, ("credentialSubject", "submission", "attempt"), "1", "whole number"),
        (ART, ("credentialSubject", "submission", "attempt"), 0, "whole number"),
        (ART, ("credentialSubject", "submission", "artifacts", 1, "size"), True, "size in bytes"),
        (ART, ("credentialSubject", "scores", 3, "points"), 3.5, "never a float"),
        (ART, ("credentialSubject", "scores", 3, "points"), 3.0, "never a float"),
        (ART, ("credentialSubject", "scores", 3, "points"), "3.", "never a float"),
        (ART, ("credentialSubject", "scores", 3, "points"), "03", "never a float"),
        (ART, ("credentialSubject", "scores", 3, "level"), "Level 2", "level identifier"),
        (ART, ("credentialSubject", "total"), 30, "decimal string"),
        (ART, ("credentialSubject", "percentage"), "76.25%", "decimal string"),
        (ART, ("credentialSubject", "outcome"), "passed", "one of"),
        (ART, ("credentialSubject", "rubric", "digestMultibase"), "uEi" + "A" * 42, "SHA-256"),
        (ART, ("credentialSubject", "rubric", "digestMultibase"), "zEi" + "A" * 43, "SHA-256"),
        (ART, ("credentialSubject", "rubric", "digestMultibase"), RUBRIC_DIGEST + "\n", "SHA-256"),
        (ART, ("credentialSubject", "rubric", "digestMultibase"), BAD_DIGEST_TAIL, "SHA-256"),
        (ART, ("credentialSubject", "submittedAt"), "2026-11-20", "unknown key"),
        (ART, ("credentialSubject", "submission", "submittedAt"), "2026-11-20", "time zone"),
        (ART, ("credentialSubject", "submission", "submittedAt"), "2026-02-30T10:00:00Z", "time"),
        (ART, ("credentialSubject", "id"), "learner 1", "learner URI"),
        (ART, ("credentialSubject", "evaluation"), "E-1", "UUID"),
        (ART, ("supersedes", "reason"), "  ", "not blank"),
        (ART, ("id",), "urn:uuid:019a5a6e-2c4b-4d3e-9f10-4a5b6c7d8e9f", "UUIDv7"),
        (ART, ("id",), "urn:uuid:019A5A6E-2C4B-7D3E-9F10-4A5B6C7D8E9F", "UUIDv7"),
        (ART, ("issuer", "role"), "admin", "one of"),
        (ART, ("issuer", "id"), "did:web:example.com", "did:key"),
        (ART, ("device", "seq"), 0, "from 1"),
        (ART, ("device", "seq"), -3, "from 1"),
        (ART, ("device", "seq"), "2", "from 1"),
        (ART, ("device", "prev"), None, "since seq > 1"),
        (ART, ("validFrom",), "2026-11-24 10:00:00Z", "time zone"),
        (ART, ("@context",), [RECORD_CONTEXT[0]], "records context"),
        (ART, ("proof", "proofPurpose"), "authentication", '"assertionMethod"'),
        (ART, ("proof", "verificationMethod"), DID + "#key-1", "verification method"),
        (SIGNOFF, ("credentialSubject", "decision"), "ok", "one of"),
        (SIGNOFF, ("credentialSubject", "assessmentRecord", "issuer"), "did:key:abc", "did:key"),
        (SIGNOFF, ("credentialSubject", "comment"), None, "not of type"),
        (EXAM, ("credentialSubject", "roster", 1, "outcome"), "late", "one of"),
        (EXAM, ("credentialSubject", "roster", 1, "checkedInAt"), "", "or null"),
        (EXAM, ("credentialSubject", "incidents", 1, "learner"), "l-2", "or null"),
        (EXAM, ("credentialSubject", "id"), "urn:assessor:exam:1", "exam session URI"),
    ],
)
def test_schema_problems_name_the_field_and_what_it_must_be(
    kind: str, path: tuple[Any, ...], value: Any, expected: str
) -> None:
    problems = _problems(_with(kind, path, value))
    assert pointer(path) in problems, problems
    assert expected in problems[pointer(path)]


def test_a_first_record_without_a_correction_or_band_is_valid() -> None:
    document = artifact_record()
    del document["supersedes"]
    document["device"] = {"seq": 1, "prev": None}
    document["credentialSubject"]["band"] = None
    document["credentialSubject"]["outcome"] = "not_yet"
    document["credentialSubject"]["submission"]["artifacts"] = []
    assert validate_record(sign(document, KEY, VM, created=CREATED)) == []


def test_seq_one_must_have_no_prev_and_later_ones_must() -> None:
    first = signed("ProjectSignOffRecord")
    assert validate_record(first) == []
    first["device"]["prev"] = _digest("x")
    assert _problems(first) == {
        "/device/prev": "must be null: the key's first record (seq 1) has no previous record"
    }
    first["device"] = {"seq": 2, "prev": None}
    assert list(_problems(first)) == ["/device/prev"]
    first["device"] = {"seq": 0, "prev": None}
    assert list(_problems(first)) == ["/device/seq"]  # one problem, not a second about prev


def test_unknown_and_missing_keys_are_reported_at_every_level() -> None:
    record = signed()
    record["extra"] = 1
    record["credentialSubject"]["scores"][0]["note"] = "x"
    record["proof"]["nonce"] = "n"
    del record["credentialSubject"]["submission"]["artifacts"][0]["size"]
    del record["validFrom"]
    assert _problems(record) == {
        "": "missing required field 'validFrom'",
        "/extra": "unknown key 'extra'",
        "/credentialSubject/scores/0/note": "unknown key 'note'",
        "/credentialSubject/submission/artifacts/0": "missing required field 'size'",
        "/proof/nonce": "unknown key 'nonce'",
    }
    problems = [p.location for p in validate_record(record)]
    # Document order: the root's own problems first, then by path.
    assert set(problems[:2]) == {"", "/extra"}
    assert problems[2:] == [
        "/credentialSubject/scores/0/note",
        "/credentialSubject/submission/artifacts/0",
        "/proof/nonce",
    ]


@pytest.mark.parametrize("kind", [SIGNOFF, EXAM])
def test_supersedes_belongs_to_assessment_records_only(kind: str) -> None:
    record = signed(kind)
    record["supersedes"] = signed()["supersedes"]
    assert _problems(record) == {"/supersedes": "unknown key 'supersedes'"}


def test_assessment_records_relate_exactly_their_rubric() -> None:
    record = signed()
    del record["relatedResource"]
    assert _problems(record) == {"": "missing required field 'relatedResource'"}
    record = signed()
    record["relatedResource"].append(record["relatedResource"][0])
    assert "exactly one" in _problems(record)["/relatedResource"]
    record = _with(ART, ("relatedResource", 0, "id"), "urn:assessor:rubric:safe-isolation@1")
    assert _problems(record) == {
        "/relatedResource/0/id": "must name the rubric id and version scored"
    }
    record = _with(ART, ("relatedResource", 0, "digestMultibase"), _digest("other"))
    assert list(_problems(record)) == ["/relatedResource/0/digestMultibase"]
    # Optional on the other kinds.
    other = signoff_record()
    other["relatedResource"] = [{"id": "urn:assessor:rubric:x@1", "digestMultibase": _digest("")}]
    assert validate_record(sign(other, KEY, VM, created=CREATED)) == []


def test_the_schema_leaves_the_issuer_key_question_to_the_proof_check() -> None:
    # A record naming someone else as issuer is well formed; services refuse it after verify.
    document = artifact_record()
    document["issuer"]["id"] = did_key(OTHER_KEY.public_key().public_bytes_raw())
    record = sign(document, KEY, VM, created=CREATED)
    assert validate_record(record) == []
    assert verify(record).public_key == PUBLIC


def test_unknown_kinds_and_non_objects() -> None:
    assert _problems(_with(ART, ("type",), ["VerifiableCredential", "Diploma"])) == {
        "/type": 'must be ["VerifiableCredential", KIND], KIND one of: ' + ", ".join(RECORD_SCHEMAS)
    }
    assert validate_record([]) == [Problem("", "a record is a JSON object")]


def _walk_schema(node: Any, described: bool, out: list[str], at: str) -> None:
    if isinstance(node, dict):
        described = described or "description" in node
        if "pattern" in node and not described:
            out.append(at)
        for key, child in node.items():
            _walk_schema(child, described if key == "anyOf" else False, out, f"{at}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            _walk_schema(child, described, out, f"{at}/{index}")


@pytest.mark.parametrize("kind", sorted(RECORD_SCHEMAS))
def test_schemas_are_closed_and_describe_their_patterns(kind: str) -> None:
    schema = record_schema(kind)
    undescribed: list[str] = []
    _walk_schema(schema, False, undescribed, "")
    assert undescribed == []
    open_objects = [
        path
        for path, node in objects(schema)
        # if/then/else only narrow fields the enclosing object already declares
        if "properties" in node
        and node.get("additionalProperties") is not False
        and not {"if", "then", "else"} & set(path)
    ]
    assert open_objects == []


def test_the_three_schemas_share_one_common_part() -> None:
    defs = [record_schema(kind)["$defs"] for kind in RECORD_SCHEMAS]
    for other in defs[1:]:
        shared = set(defs[0]) & set(other)
        assert shared == set(defs[0]) == set(other)
        assert {k: defs[0][k] for k in shared if k != "subject"} == {
            k: other[k] for k in shared if k != "subject"
        }


def test_signed_bytes_are_what_the_hashes_say() -> None:
    # Spot check of the eddsa-jcs-2022 construction on our own record.
    record = signed()
    proof = record["proof"]
    unsecured = {k: v for k, v in record.items() if k != "proof"}
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    expected = (
        hashlib.sha256(canonicalize(config)).digest()
        + hashlib.sha256(canonicalize(unsecured)).digest()
    )
    KEY.public_key().verify(decode_base58btc(proof["proofValue"]), expected)
