"""Every issued credential verifies with an independent verifier; a change to any field, any
proof option or any context entry makes both verifiers fail."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from issuer.issuance import rdfc
from issuer.issuance.credential import CONTEXTS
from issuer.issuance.status_list import StatusList, status_list_credential
from tests.issuer import independent_verifier
from tests.issuer.issuance import factory

PUBLIC = factory.private_key().public_key()
RAW_PUBLIC = PUBLIC.public_bytes_raw()


def _raw_key(vm: str) -> bytes:
    assert vm == factory.verification_method()
    return RAW_PUBLIC


def _status_list() -> dict[str, Any]:
    bits = StatusList()
    bits.set(94567, True)
    unsigned = status_list_credential(
        "https://badges.example.org/status/1", factory.DID, bits.encoded(), "2026-03-04T10:00:00Z"
    )
    return rdfc.sign(
        unsigned, factory.private_key(), factory.verification_method(), factory.CREATED
    )


ISSUED = {name: (lambda make=make: factory.signed(make())) for name, make in factory.ALL.items()}
ISSUED["status-list"] = _status_list


@pytest.mark.parametrize("name", sorted(ISSUED))
def test_every_issued_credential_verifies_independently(name: str) -> None:
    signed = ISSUED[name]()
    independent_verifier.verify(signed, _raw_key)
    rdfc.verify(signed, lambda vm: PUBLIC)


def test_the_independent_verifier_rejects_another_key() -> None:
    signed = factory.signed(factory.plain())
    with pytest.raises(independent_verifier.NotVerified, match="signature"):
        independent_verifier.verify(signed, lambda vm: bytes(32 - 1) + b"\x01")


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path, value


def _changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, str) and value.endswith("Z") and value[:4].isdigit():
        return value[:-2] + ("1" if value[-2] != "1" else "2") + "Z"  # still a date-time
    return value + "x"


SIGNED = factory.signed(factory.full())
LEAVES = [path for path, _ in _leaves(SIGNED) if path[-1] != "proofValue"]


def _pointer(path: tuple[Any, ...]) -> str:
    return "/" + "/".join(str(p) for p in path)


def test_the_leaves_cover_the_document_proof_and_contexts() -> None:
    pointers = {_pointer(p) for p in LEAVES}
    assert "/@context/1" in pointers
    assert "/proof/0/created" in pointers
    assert "/proof/0/verificationMethod" in pointers
    assert "/credentialSubject/identifier/0/hashed" in pointers
    assert len(LEAVES) > 100


def _set(document: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    target: Any = document
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


@pytest.mark.parametrize("path", LEAVES, ids=_pointer)
def test_changing_any_leaf_fails_verification(path: tuple[Any, ...]) -> None:
    tampered = copy.deepcopy(SIGNED)
    original: Any = tampered
    for part in path:
        original = original[part]
    _set(tampered, path, _changed(original))
    with pytest.raises(rdfc.ProofInvalid):
        rdfc.verify(tampered, lambda vm: PUBLIC)
    with pytest.raises((independent_verifier.NotVerified, AssertionError)):
        independent_verifier.verify(tampered, _raw_key)


CONTEXT_CHANGES = {
    "removed OB context": lambda c: c.pop(1),
    "removed extensions": lambda c: c.pop(2),
    "swapped": lambda c: c.reverse(),
    "older OB context": lambda c: c.__setitem__(
        1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"
    ),
    "added": lambda c: c.append("https://w3id.org/security/data-integrity/v1"),
}


@pytest.mark.parametrize("case", sorted(CONTEXT_CHANGES))
def test_changing_the_context_list_fails_verification(case: str) -> None:
    tampered = copy.deepcopy(SIGNED)
    CONTEXT_CHANGES[case](tampered["@context"])
    with pytest.raises(rdfc.ProofInvalid):
        rdfc.verify(tampered, lambda vm: PUBLIC, expected_contexts=CONTEXTS)


@pytest.mark.parametrize("case", ["removed OB context", "older OB context"])
def test_a_context_change_that_changes_statements_fails_even_without_the_expected_list(
    case: str,
) -> None:
    tampered = copy.deepcopy(SIGNED)
    CONTEXT_CHANGES[case](tampered["@context"])
    with pytest.raises(rdfc.ProofInvalid):
        rdfc.verify(tampered, lambda vm: PUBLIC)


def test_rdfc_does_not_cover_a_context_that_defines_nothing_used() -> None:
    """The reason `expected_contexts` exists: the extensions context defines no term this
    credential uses, so dropping it changes no RDF statement and the signature (by the
    specification, as the independent verifier shows) still matches."""
    tampered = copy.deepcopy(SIGNED)
    tampered["@context"].pop(2)
    independent_verifier.verify(tampered, _raw_key)
    rdfc.verify(tampered, lambda vm: PUBLIC)
    with pytest.raises(rdfc.ProofInvalid, match="expected exactly"):
        rdfc.verify(tampered, lambda vm: PUBLIC, expected_contexts=CONTEXTS)
