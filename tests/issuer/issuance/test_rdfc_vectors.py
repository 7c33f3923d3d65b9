"""The 1EdTech Open Badges 3.0 and W3C vc-di-eddsa `eddsa-rdfc-2022` vectors, byte for byte."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from assessor.security.multibase import (
    decode_base58btc,
    encode_base58btc,
    private_key_from_multibase,
    public_key_from_multibase,
)
from issuer.issuance import loader, rdfc
from tests.conftest import CONFORMANCE

OB = CONFORMANCE / "openbadges" / "test-vectors" / "obv3p0"
W3C = CONFORMANCE / "vc-di-eddsa"
RDFC = W3C / "eddsa-rdfc-2022"
EXAMPLES_URL = "https://www.w3.org/ns/credentials/examples/v2"


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _json(path: Path) -> Any:
    return json.loads(_text(path))


def _sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.fixture
def with_examples_context(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The W3C vectors use the VC examples context, which the issuer does not ship: add the
    conformance copy to the frozen set for this test only."""
    extended = dict(loader.bundled_contexts())
    extended[EXAMPLES_URL] = _json(CONFORMANCE / "contexts" / "credentials-examples-v2.jsonld")
    monkeypatch.setattr(loader, "bundled_contexts", lambda: extended)
    rdfc._resolved_contexts.clear()
    yield
    rdfc._resolved_contexts.clear()


# ---- Open Badges 3.0 (1EdTech) -----------------------------------------------------------------


@pytest.fixture(scope="module")
def ob() -> dict[str, Any]:
    return _json(OB / "vector.json")  # type: ignore[no-any-return]


def _ob_key(ob: dict[str, Any]) -> Ed25519PrivateKey:
    # privateKeyHex is seed ‖ public key (see tests/conformance/README.md).
    raw = bytes.fromhex(ob["keyPair"]["privateKeyHex"])
    key = Ed25519PrivateKey.from_private_bytes(raw[:32])
    assert key.public_key().public_bytes_raw().hex() == ob["keyPair"]["publicKeyHex"]
    assert raw[32:].hex() == ob["keyPair"]["publicKeyHex"]
    return key


def test_ob_document_canonical_form_and_hash(ob: dict[str, Any]) -> None:
    canonical = rdfc.canonical_nquads(ob["unsignedCredential"])
    assert canonical == _text(OB / ob["documentCanonFile"])
    assert _sha256_hex(canonical) == ob["documentHashHex"]


def test_ob_proof_canonical_form_and_hash(ob: dict[str, Any]) -> None:
    config = dict(ob["proofOptions"], **{"@context": ob["unsignedCredential"]["@context"]})
    canonical = rdfc.canonical_nquads(config)
    assert canonical == _text(OB / ob["proofCanonFile"])
    assert _sha256_hex(canonical) == ob["proofHashHex"]


def test_ob_signature_and_signed_credential(ob: dict[str, Any]) -> None:
    options = ob["proofOptions"]
    signed = rdfc.sign(
        ob["unsignedCredential"],
        _ob_key(ob),
        options["verificationMethod"],
        options["created"],
        options["proofPurpose"],
    )
    proof = signed["proof"][0]
    assert decode_base58btc(proof["proofValue"]).hex() == ob["signatureHex"]
    assert proof["proofValue"] == ob["proofValue"]
    assert proof == ob["proof"]
    # The vector's proof is one object; ours is an array of one (the strict schema's form).
    assert signed == dict(ob["signedCredential"], proof=[ob["proof"]])


def test_ob_signed_credential_verifies_as_published(ob: dict[str, Any]) -> None:
    public = _ob_key(ob).public_key()
    result = rdfc.verify(ob["signedCredential"], lambda vm: public)
    assert result.verification_method == ob["keyPair"]["id"]
    assert result.controller == ob["keyPair"]["controller"]


def test_ob_signed_data_is_proof_hash_then_document_hash(ob: dict[str, Any]) -> None:
    assert ob["dataToSignHex"] == ob["proofHashHex"] + ob["documentHashHex"]
    signature = _ob_key(ob).sign(bytes.fromhex(ob["dataToSignHex"]))
    assert signature.hex() == ob["signatureHex"]


# ---- W3C vc-di-eddsa ---------------------------------------------------------------------------


def _w3c_key() -> Ed25519PrivateKey:
    pair = _json(W3C / "keyPair.json")
    key = Ed25519PrivateKey.from_private_bytes(
        private_key_from_multibase(pair["privateKeyMultibase"])
    )
    public = public_key_from_multibase(pair["publicKeyMultibase"])
    assert key.public_key().public_bytes_raw() == public
    return key


@pytest.mark.usefixtures("with_examples_context")
def test_w3c_canonical_document_and_hash() -> None:
    canonical = rdfc.canonical_nquads(_json(W3C / "unsigned.json"))
    assert canonical == _text(RDFC / "canonDocDataInt.txt")
    assert _sha256_hex(canonical) == _text(RDFC / "docHashDataInt.txt").strip()


@pytest.mark.usefixtures("with_examples_context")
def test_w3c_canonical_proof_and_hash() -> None:
    canonical = rdfc.canonical_nquads(_json(RDFC / "proofConfigDataInt.json"))
    assert canonical == _text(RDFC / "proofCanonDataInt.txt")
    assert _sha256_hex(canonical) == _text(RDFC / "proofHashDataInt.txt").strip()


@pytest.mark.usefixtures("with_examples_context")
def test_w3c_signature_proof_value_and_signed_document() -> None:
    config = _json(RDFC / "proofConfigDataInt.json")
    signed = rdfc.sign(
        _json(W3C / "unsigned.json"),
        _w3c_key(),
        config["verificationMethod"],
        config["created"],
        config["proofPurpose"],
    )
    proof_value = signed["proof"][0]["proofValue"]
    assert decode_base58btc(proof_value).hex() == _text(RDFC / "sigHexDataInt.txt").strip()
    assert proof_value == _text(RDFC / "sigBTC58DataInt.txt").strip()
    expected = _json(RDFC / "signedDataInt.json")
    assert signed == dict(expected, proof=[expected["proof"]])


@pytest.mark.usefixtures("with_examples_context")
def test_w3c_signed_document_verifies_as_published() -> None:
    public = _w3c_key().public_key()
    document = _json(RDFC / "signedDataInt.json")
    # The vector's issuer is an https URL and its key a did:key: not bound to each other.
    rdfc.verify(document, lambda vm: public, issuer_must_control=False)
    with pytest.raises(rdfc.ProofInvalid, match="does not belong to the issuer"):
        rdfc.verify(document, lambda vm: public)


@pytest.mark.parametrize("folder", [RDFC, RDFC / "employ"], ids=["alumni", "employ"])
def test_w3c_hashes_and_signature_from_canonical_text(folder: Path) -> None:
    """From the canonical .txt files (the employ vector's context is not vendored)."""
    doc_hash = _sha256_hex(_text(folder / "canonDocDataInt.txt"))
    proof_hash = _sha256_hex(_text(folder / "proofCanonDataInt.txt"))
    assert doc_hash == _text(folder / "docHashDataInt.txt").strip()
    assert proof_hash == _text(folder / "proofHashDataInt.txt").strip()
    combined = proof_hash + doc_hash
    assert combined == _text(folder / "combinedHashDataInt.txt").strip()
    signature = _w3c_key().sign(bytes.fromhex(combined))
    assert signature.hex() == _text(folder / "sigHexDataInt.txt").strip()
    assert encode_base58btc(signature) == _text(folder / "sigBTC58DataInt.txt").strip()
    signed = _json(folder / "signedDataInt.json")
    assert signed["proof"]["proofValue"] == encode_base58btc(signature)


def test_the_examples_context_is_not_bundled() -> None:
    """Outside the fixture the W3C vector's context is refused, never fetched."""
    rdfc._resolved_contexts.clear()
    with pytest.raises(rdfc.UnsafeDocument, match="not a bundled context"):
        rdfc.sign(_json(W3C / "unsigned.json"), _w3c_key(), "did:key:z#z", "2023-01-01T00:00:00Z")
