"""An independent eddsa-rdfc-2022 verifier, written from the W3C vc-di-eddsa text.

Deliberately shares no code with `issuer.issuance.rdfc`: its own frozen loader over the
conformance copies of the contexts (tests/conformance/contexts), pyld's public `normalize`
(URDNA2015 = RDFC-1.0) and `cryptography` directly. Section numbers refer to vc-di-eddsa v1.0,
"3.2 eddsa-rdfc-2022":

- 3.2.2 Verify Proof: proof = securedDocument.proof; unsecuredDocument = the rest;
  proofOptions = proof without proofValue; proofBytes = multibase-decode(proofValue).
- 3.2.4 Proof Configuration: type DataIntegrityProof, cryptosuite eddsa-rdfc-2022, created a
  dateTime; proofConfig.@context = unsecuredDocument.@context; canonicalize with RDFC-1.0.
- 3.2.3 Transformation: canonicalize the unsecured document with RDFC-1.0.
- 3.2.5 Hashing: SHA-256(canonical proof config) ‖ SHA-256(canonical document).
- Verification: Ed25519 verify(publicKey, hashData, proofBytes).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyld import jsonld

from tests.conftest import CONFORMANCE

_CONTEXTS = CONFORMANCE / "contexts"
_INDEX = json.loads((_CONTEXTS / "index.json").read_text(encoding="utf-8"))["contexts"]
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})\Z")


class NotVerified(Exception):
    pass


def load(url: str, options: Any = None) -> dict[str, Any]:
    if url not in _INDEX:
        raise NotVerified(f"context not available offline: {url}")
    document = json.loads((_CONTEXTS / _INDEX[url]).read_text(encoding="utf-8"))
    return {"contextUrl": None, "documentUrl": url, "document": document}


def canonicalize(document: dict[str, Any]) -> str:
    result: str = jsonld.normalize(
        document,
        {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": load},
    )
    return result


def verify(secured: dict[str, Any], public_key_for: Callable[[str], bytes]) -> None:
    """NotVerified unless `secured` carries one valid eddsa-rdfc-2022 proof. `public_key_for`
    returns the raw 32-byte Ed25519 key of a verification method."""
    proof = secured.get("proof")
    if isinstance(proof, list):
        if len(proof) != 1:
            raise NotVerified("expected one proof")
        proof = proof[0]
    if not isinstance(proof, dict):
        raise NotVerified("no proof")
    if proof.get("type") != "DataIntegrityProof":
        raise NotVerified("proof type")
    if proof.get("cryptosuite") != "eddsa-rdfc-2022":
        raise NotVerified("cryptosuite")
    if proof.get("proofPurpose") != "assertionMethod":
        raise NotVerified("proof purpose")
    if not isinstance(proof.get("created"), str) or not _DATETIME.match(proof["created"]):
        raise NotVerified("created")
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        raise NotVerified("proofValue is not multibase base58btc")
    signature = base58.b58decode(value[1:])
    if len(signature) != 64:
        raise NotVerified("signature length")

    unsecured = {k: v for k, v in secured.items() if k != "proof"}
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = unsecured["@context"]
    try:
        hash_data = (
            hashlib.sha256(canonicalize(config).encode("utf-8")).digest()
            + hashlib.sha256(canonicalize(unsecured).encode("utf-8")).digest()
        )
    except jsonld.JsonLdError as exc:
        raise NotVerified(f"JSON-LD: {exc}") from None
    key = Ed25519PublicKey.from_public_bytes(public_key_for(proof["verificationMethod"]))
    try:
        key.verify(signature, hash_data)
    except InvalidSignature:
        raise NotVerified("signature") from None
