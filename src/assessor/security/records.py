"""Signed records: W3C Data Integrity proofs with the cryptosuite eddsa-jcs-2022.

eddsa-jcs-2022 (https://www.w3.org/TR/vc-di-eddsa/ §3.3): the proof configuration is the proof
without `proofValue` (carrying the document's `@context` when it has one); the signed bytes are
SHA-256(JCS(proof configuration)) || SHA-256(JCS(document without proof)); `proofValue` is 'z' +
base58btc(Ed25519 signature). No JSON-LD processing happens here. Record shapes are checked by
`validate_record` (see `record_schemas`).
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from assessor.domain.errors import DomainError, Problem, ValidationFailed
from assessor.security.canonical import (
    MAX_SAFE_INTEGER,
    StrictJSONError,
    canonicalize,
    is_plain,
    loads_strict,
)
from assessor.security.did import public_key_from_verification_method
from assessor.security.digests import digest_bytes
from assessor.security.multibase import decode_base58btc, encode_base58btc
from assessor.security.record_schemas import (
    RECORD_SCHEMAS,
    is_date_time_stamp,
    record_kind,
    validate_record,
)

__all__ = [
    "CRYPTOSUITE",
    "PROOF_TYPE",
    "RECORD_CONTEXT",
    "RECORD_SCHEMAS",
    "ProofInvalid",
    "SigningInput",
    "VerifiedProof",
    "is_date_time_stamp",
    "parse_record",
    "record_digest",
    "record_kind",
    "sign",
    "signing_input",
    "validate_record",
    "verify",
]

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-jcs-2022"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
RECORDS_CONTEXT = "https://assessor.example/ns/records/v1"
RECORD_CONTEXT = (VC_CONTEXT, RECORDS_CONTEXT)

# The proof properties this verifier understands. Others (expires, domain, challenge,
# previousProof…) would be signed yet unchecked, so a proof carrying one is refused.
_PROOF_FIELDS = frozenset(("type", "cryptosuite", "created", "verificationMethod"))
_PROOF_FIELDS |= {"proofPurpose", "proofValue", "@context"}


class ProofInvalid(DomainError):
    """A record's proof is missing, malformed, or does not verify; `message` says which."""

    code = "proof-invalid"


@dataclass(frozen=True)
class VerifiedProof:
    verification_method: str
    public_key: bytes
    created: str
    purpose: str


@dataclass(frozen=True)
class SigningInput:
    """The two canonical forms an eddsa-jcs-2022 signature covers, and the bytes signed."""

    canonical_document: bytes
    canonical_proof_config: bytes

    @property
    def document_hash(self) -> bytes:
        return hashlib.sha256(self.canonical_document).digest()

    @property
    def proof_config_hash(self) -> bytes:
        return hashlib.sha256(self.canonical_proof_config).digest()

    @property
    def hash_data(self) -> bytes:
        return self.proof_config_hash + self.document_hash


def signing_input(unsecured: Mapping[str, Any], proof_config: Mapping[str, Any]) -> SigningInput:
    """JCS of the document (without `proof`) and of the proof configuration (no `proofValue`)."""
    return SigningInput(canonicalize(unsecured), canonicalize(proof_config))


def _token(key: object) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def _unsafe_number(item: object) -> bool:
    if isinstance(item, bool):
        return False
    if isinstance(item, int):
        return abs(item) > MAX_SAFE_INTEGER
    return isinstance(item, float | Decimal)


def _locate_unsafe(value: Any, at: str) -> str | None:
    if _unsafe_number(value):
        return at or "/"
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = _locate_unsafe(item, f"{at}/{_token(key)}")
        if found:
            return found
    return None


def _unsafe_number_at(value: Any) -> str | None:
    """The JSON pointer of the first number strict parsing would refuse (a float, a Decimal, an
    integer beyond ±(2^53-1)), if any. Runs on every sign and verify, so it scans by exact
    type without building pointers, and makes them only once it has found something."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str or item is None or kind is bool:
            continue
        if kind is dict:
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        elif kind is int:
            if not -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:
                return _locate_unsafe(value, "")
        elif isinstance(item, dict):  # subclasses: rare, so checked last
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif _unsafe_number(item):
            return _locate_unsafe(value, "")
    return None


@lru_cache(maxsize=64)
def _method_key(method: str) -> tuple[bytes, Ed25519PublicKey]:
    # A handful of keys sign everything a desktop sees; decoding base58 each time is waste.
    public = public_key_from_verification_method(method)
    return public, Ed25519PublicKey.from_public_bytes(public)


def sign(
    document: Mapping[str, Any],
    private_key: Ed25519PrivateKey,
    verification_method: str,
    *,
    created: str,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """A copy of `document` with an eddsa-jcs-2022 `proof`.

    ValueError when the document already has a proof, holds a number strict parsing refuses
    (a float, or an integer beyond ±(2^53-1)) or text RFC 8785 cannot write (a lone
    surrogate), `created` is not a date-time with a time zone, or `verification_method` is
    not the did:key of `private_key`. The copy has sorted keys: it is the signed bytes, read.
    """
    if "proof" in document:
        raise ValueError("the document already has a proof")
    plain = is_plain(dict(document))  # the usual case: no floats, only safe integers
    bad = None if plain else _unsafe_number_at(dict(document))
    if bad:
        raise ValueError(
            f"{bad}: numbers must be integers within ±(2^53-1); write decimals as text"
        )
    if not is_date_time_stamp(created):
        raise ValueError(f"created '{created}' is not a date-time with a time zone")
    own_key = private_key.public_key().public_bytes_raw()
    if _method_key(verification_method)[0] != own_key:
        raise ValueError("the verification method is not the did:key of this private key")
    canonical_document = canonicalize(dict(document), plain=plain)
    # Reading the signed bytes back gives a copy of exactly what was signed, sharing nothing
    # with the caller's document (and faster than deepcopy).
    unsecured = json.loads(canonical_document)
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    if "@context" in unsecured:
        proof["@context"] = copy.deepcopy(unsecured["@context"])
    data = SigningInput(canonical_document, canonicalize(proof)).hash_data
    signature = private_key.sign(data)
    proof["proofValue"] = encode_base58btc(signature)
    return {**unsecured, "proof": proof}


def verify(
    document: Mapping[str, Any], *, purpose: str | None = "assertionMethod"
) -> VerifiedProof:
    """Check a record's single eddsa-jcs-2022 proof against its did:key; `ProofInvalid` says
    why it fails. `purpose` is the proof purpose required (None accepts any)."""
    if not isinstance(document, Mapping):
        raise ProofInvalid("the record is not a JSON object")
    proof = _proof_of(document)
    created, claimed = _proof_options(proof, purpose)
    method = proof.get("verificationMethod")
    try:
        if not isinstance(method, str):
            raise ValueError("it is not a string")
        public, verifier = _method_key(method)
    except ValueError as exc:
        raise ProofInvalid(
            f"verification method is not a did:key ({exc})", location="/proof/verificationMethod"
        ) from None
    signature = _signature(proof)
    # The spec lets the document's @context extend the proof's; a record's must be the same,
    # so that no part of the document escapes the signature.
    if "@context" in proof and proof["@context"] != document.get("@context"):
        raise ProofInvalid("proof @context differs from the record's", location="/proof/@context")
    try:
        verifier.verify(signature, _signed_data(document, proof))
    except InvalidSignature:
        raise ProofInvalid("signature does not verify", location="/proof/proofValue") from None
    return VerifiedProof(method, public, created, claimed)


def _proof_of(document: Mapping[str, Any]) -> dict[str, Any]:
    proof = document.get("proof")
    if proof is None:
        raise ProofInvalid("proof is missing", location="/proof")
    if not isinstance(proof, dict):
        raise ProofInvalid("proof is not a single JSON object", location="/proof")
    for key in proof:
        if key not in _PROOF_FIELDS:
            raise ProofInvalid(f"proof field '{key}' is not supported", location="/proof")
    if proof.get("type") != PROOF_TYPE:
        raise ProofInvalid(f"proof type is not {PROOF_TYPE}", location="/proof/type")
    if proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofInvalid(f"cryptosuite is not {CRYPTOSUITE}", location="/proof/cryptosuite")
    return proof


def _proof_options(proof: dict[str, Any], purpose: str | None) -> tuple[str, str]:
    """(created, proofPurpose), checked."""
    created = proof.get("created")
    if not is_date_time_stamp(created):
        raise ProofInvalid(
            "proof created is missing or not a date-time with a time zone",
            location="/proof/created",
        )
    claimed = proof.get("proofPurpose")
    if not isinstance(claimed, str):
        raise ProofInvalid("proof purpose is missing", location="/proof/proofPurpose")
    if purpose is not None and claimed != purpose:
        raise ProofInvalid(f"proof purpose is not {purpose}", location="/proof/proofPurpose")
    assert isinstance(created, str)  # is_date_time_stamp accepted it
    return created, claimed


def _signature(proof: dict[str, Any]) -> bytes:
    value = proof.get("proofValue")
    try:
        if not isinstance(value, str):
            raise ValueError("it is not a string")
        signature = decode_base58btc(value)
    except ValueError as exc:
        raise ProofInvalid(
            f"proofValue is malformed ({exc})", location="/proof/proofValue"
        ) from None
    if len(signature) != 64:
        raise ProofInvalid("proofValue is not a 64-byte signature", location="/proof/proofValue")
    return signature


def _signed_data(document: Mapping[str, Any], proof: dict[str, Any]) -> bytes:
    """What the signature covers: the hashes of the proof configuration and the record."""
    plain = is_plain(dict(document))
    bad = None if plain else _unsafe_number_at(dict(document))
    if bad:
        raise ProofInvalid("the record holds a number strict parsing refuses", location=bad)
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    config = {key: value for key, value in proof.items() if key != "proofValue"}
    try:
        return SigningInput(
            canonicalize(unsecured, plain=plain or None), canonicalize(config, plain=plain or None)
        ).hash_data
    except (ValueError, TypeError) as exc:  # a lone surrogate, or not JSON at all
        raise ProofInvalid(f"the record cannot be canonicalized ({exc})") from None


def record_digest(document: Mapping[str, Any]) -> str:
    """The 'uEi…' digest of the JCS bytes of a whole signed record, proof included: what
    `device.prev`, `supersedes` and sign-offs refer to. ValueError for an unsigned document
    or one holding a number strict parsing refuses (it could not be read back the same)."""
    if not isinstance(document.get("proof"), dict):
        raise ValueError("a record digest covers the signed record; this one has no proof")
    bad = _unsafe_number_at(dict(document))
    if bad:
        raise ValueError(f"{bad}: numbers must be integers within ±(2^53-1)")
    return digest_bytes(canonicalize(document))


def _located_numbers(data: bytes) -> list[Problem] | None:
    """The refused numbers with their JSON pointers, or None when the text cannot be read
    even leniently. `loads_strict` finds them while parsing, before any pointer exists."""
    try:
        value = json.loads(data, parse_float=Decimal, parse_constant=Decimal)
    except (ValueError, RecursionError):
        return None
    found: list[Problem] = []

    def walk(item: Any, at: str) -> None:
        if isinstance(item, Decimal):
            if item.is_finite():
                message = f"number {item} must be an integer or a decimal string"
            else:
                message = f"{item} is not valid JSON"
            found.append(Problem(at, message))
        elif isinstance(item, int) and not isinstance(item, bool):
            if abs(item) > MAX_SAFE_INTEGER:
                found.append(Problem(at, f"integer {item} is outside ±(2^53-1)"))
        elif isinstance(item, dict):
            for key, child in item.items():
                walk(child, f"{at}/{_token(key)}")
        elif isinstance(item, list):
            for index, child in enumerate(item):
                walk(child, f"{at}/{index}")

    walk(value, "")
    return found


def parse_record(data: bytes) -> dict[str, Any]:
    """A record from JSON bytes: duplicate keys, floats and integers beyond ±(2^53-1) are
    refused with `ValidationFailed` listing every problem by JSON pointer."""
    try:
        value = loads_strict(data, allow_decimals=False)
    except StrictJSONError as exc:
        # The strict reader reports numbers at "" (the whole text); find where they are.
        placed = [Problem(at, message) for at, message in exc.problems if at]
        unplaced = [Problem(at, message) for at, message in exc.problems if not at]
        located = _located_numbers(data) if unplaced else []
        # A duplicate key can hide a number from the lenient reading; then keep the unplaced.
        numbers = located if located is not None and len(located) == len(unplaced) else unplaced
        raise ValidationFailed(placed + numbers) from None
    if not isinstance(value, dict):
        raise ValidationFailed([Problem("", "a record is a JSON object")])
    return value
