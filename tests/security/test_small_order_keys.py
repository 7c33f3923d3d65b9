"""Small-order and non-canonical Ed25519 public keys are refused wherever a key is read.

The identity point with a signature R = identity, S = 0 verifies any content under
OpenSSL's Ed25519; before the check, `record verify` called such a record valid."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from assessor.domain.errors import ValidationFailed
from assessor.security import keys
from assessor.security.canonical import canonicalize
from assessor.security.did import DID_KEY_PREFIX, public_key_from_did
from assessor.security.ed25519_points import check_public_key
from assessor.security.multibase import (
    ED25519_PUB_HEADER,
    encode_base58btc,
    public_key_from_multibase,
)
from assessor.security.records import (
    CRYPTOSUITE,
    PROOF_TYPE,
    ProofInvalid,
    SigningInput,
    verify,
)
from assessor.services.records import check_record_bytes, load_roster
from tests.security.test_records import artifact_record

# The eight points of small order, canonically encoded (y little-endian, x's sign in bit 255).
SMALL_ORDER = {
    "identity": "01" + "00" * 31,
    "order 2": "ec" + "ff" * 30 + "7f",
    "order 4": "00" * 32,
    "order 4, -x": "00" * 31 + "80",
    "order 8 a": "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "order 8 a, -x": "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
    "order 8 b": "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "order 8 b, -x": "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
}
# Other spellings of small-order points: x = 0 with the sign bit set, or y not reduced mod p.
NON_CANONICAL = {
    "identity, -0": "01" + "00" * 30 + "80",
    "order 2, -0": "ec" + "ff" * 31,
    "y = p": "ed" + "ff" * 30 + "7f",
    "y = p, sign": "ed" + "ff" * 31,
    "y = p + 1": "ee" + "ff" * 30 + "7f",
    "y = p + 1, sign": "ee" + "ff" * 31,
}
BAD = {**SMALL_ORDER, **NON_CANONICAL}
ALL_BAD = pytest.mark.parametrize("raw", [bytes.fromhex(h) for h in BAD.values()], ids=list(BAD))


def did_of(raw: bytes) -> str:
    """A did:key spelled around any 32 bytes, as an attacker would write it."""
    return DID_KEY_PREFIX + encode_base58btc(ED25519_PUB_HEADER + raw)


def test_the_list_is_what_it_says() -> None:
    """Each small-order point times 8 is the identity; honest keys are accepted."""
    for _ in range(50):
        check_public_key(Ed25519PrivateKey.generate().public_key().public_bytes_raw())
    assert len(set(SMALL_ORDER.values())) == 8


@ALL_BAD
def test_a_bad_key_is_refused_as_did_and_multikey(raw: bytes) -> None:
    with pytest.raises(ValueError, match="not a usable Ed25519 public key"):
        check_public_key(raw)
    with pytest.raises(ValueError, match="not a usable Ed25519 public key"):
        public_key_from_multibase(encode_base58btc(ED25519_PUB_HEADER + raw))
    with pytest.raises(ValueError, match="not a usable Ed25519 public key"):
        public_key_from_did(did_of(raw))


def test_a_point_off_the_curve_is_refused() -> None:
    # y = 2: (y² - 1) / (d y² + 1) has no square root modulo p.
    with pytest.raises(ValueError, match="not a point on the curve"):
        check_public_key((2).to_bytes(32, "little"))


@ALL_BAD
def test_a_sealed_key_with_a_bad_public_key_is_refused(raw: bytes) -> None:
    good = json.loads(keys.create_key("correct horse battery", cost=(1, 1, 8))[0].to_json())
    good["public_key"] = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    with pytest.raises(ValueError, match="public_key: not a usable Ed25519 public key"):
        keys.SealedKey.from_json(json.dumps(good))


def forged_identity_record() -> bytes:
    """A record 'signed' by the identity point: R = identity, S = 0, whatever it says."""
    identity = bytes.fromhex(SMALL_ORDER["identity"])
    did = did_of(identity)
    document = artifact_record()
    document["issuer"]["id"] = did
    document["credentialSubject"]["total"] = "40"
    proof = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": "2026-11-24T10:00:05Z",
        "verificationMethod": f"{did}#{did.removeprefix(DID_KEY_PREFIX)}",
        "proofPurpose": "assertionMethod",
        "@context": document["@context"],
    }
    signature = identity + bytes(32)
    data = SigningInput(canonicalize(document), canonicalize(proof)).hash_data
    # The forgery is real: the library accepts it for the identity key (it raises otherwise).
    Ed25519PublicKey.from_public_bytes(identity).verify(signature, data)
    proof["proofValue"] = encode_base58btc(signature)
    return canonicalize({**document, "proof": proof})


def test_a_record_signed_by_the_identity_point_is_rejected() -> None:
    data = forged_identity_record()
    found = check_record_bytes(data)
    assert not found.ok
    assert found.problem is not None and "not a usable Ed25519 public key" in found.problem
    with pytest.raises(ProofInvalid, match="not a usable Ed25519 public key"):
        verify(json.loads(data))


@ALL_BAD
def test_a_roster_naming_a_bad_key_is_refused(raw: bytes, tmp_path: Path) -> None:
    roster = tmp_path / "roster.json"
    roster.write_text(
        json.dumps([{"id": "p", "name": "Nobody", "roles": ["assessor"], "did": did_of(raw)}])
    )
    with pytest.raises(ValidationFailed) as refused:
        load_roster(roster)
    (line,) = refused.value.lines()
    assert line.startswith(f"{roster}: /0/did: not a usable Ed25519 public key")
