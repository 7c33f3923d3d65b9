"""Safe mode, the frozen loader, and what verify refuses."""

from __future__ import annotations

import copy
import json
import re
import socket
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from issuer.issuance import loader, rdfc
from issuer.issuance.credential import build_credential
from tests.conftest import CONFORMANCE
from tests.issuer.issuance import factory

PUBLIC = factory.private_key().public_key()


def _unsigned() -> dict[str, Any]:
    return build_credential(factory.full())


def _signed() -> dict[str, Any]:
    return factory.signed(factory.full())


def _sign(document: dict[str, Any]) -> dict[str, Any]:
    return rdfc.sign(
        document, factory.private_key(), factory.verification_method(), factory.CREATED
    )


def _verify(document: dict[str, Any]) -> rdfc.VerifiedProof:
    return rdfc.verify(document, lambda vm: PUBLIC)


# ---- the frozen loader -----------------------------------------------------------------------


def test_bundled_contexts_are_the_unmodified_conformance_copies() -> None:
    index = json.loads((CONFORMANCE / "contexts" / "index.json").read_text(encoding="utf-8"))[
        "contexts"
    ]
    bundled = loader.bundled_contexts()
    assert set(bundled) == {
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
    }
    from importlib import resources

    folder = resources.files("issuer.issuance").joinpath("contexts")
    ours = json.loads(folder.joinpath("index.json").read_text(encoding="utf-8"))
    for url, name in ours.items():
        assert index[url] == name
        assert folder.joinpath(name).read_bytes() == (CONFORMANCE / "contexts" / name).read_bytes()


def test_an_unknown_url_is_refused() -> None:
    with pytest.raises(loader.ContextNotBundled, match="not one of the issuer's bundled"):
        loader.document_loader("https://example.org/context.json")


def test_the_loader_hands_out_copies() -> None:
    url = "https://www.w3.org/ns/credentials/v2"
    first = loader.document_loader(url)
    first["document"]["@context"]["id"] = "changed"
    assert loader.document_loader(url)["document"]["@context"]["id"] == "@id"


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Any attempt to open a connection or resolve a name is recorded and fails."""
    attempts: list[str] = []

    def refuse(*args: object, **kwargs: object) -> None:
        attempts.append(repr(args))
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    rdfc._resolved_contexts.clear()  # force the contexts to be loaded again, offline
    return attempts


def test_signing_and_verifying_never_touch_the_network(no_network: list[str]) -> None:
    signed = _signed()
    _verify(signed)
    assert rdfc.dropped_terms(_unsigned()) == []
    assert no_network == []


def test_a_document_with_an_unknown_context_is_refused_without_fetching(
    no_network: list[str],
) -> None:
    document = _unsigned()
    document["@context"].append("https://example.org/evil-context.json")
    with pytest.raises(rdfc.UnsafeDocument, match="not a bundled context"):
        _sign(document)
    # canonical_nquads has no shape check: the loader itself refuses
    with pytest.raises(rdfc.CanonicalizationError, match=r"evil-context\.json' is not one"):
        rdfc.canonical_nquads(document)
    assert no_network == []


# ---- safe mode -----------------------------------------------------------------------------------


def _with(change: Any) -> dict[str, Any]:
    document = _unsigned()
    change(document)
    return document


UNSAFE = {
    "undefined term": (
        lambda d: d["credentialSubject"].update(favouriteColour="blue"),
        "/credentialSubject/favouriteColour",
    ),
    "undefined top-level term": (lambda d: d.update(nonsense=1), "/nonsense"),
    "undefined type": (
        lambda d: d["credentialSubject"]["type"].append("LearnerThing"),
        "/credentialSubject/type",
    ),
    "relative id": (
        lambda d: d["credentialSubject"].update(id="learner-7"),
        "/credentialSubject/id",
    ),
    "relative IRI value": (
        lambda d: d["credentialStatus"].update(statusListCredential="status/1"),
        "/credentialStatus/statusListCredential",
    ),
    "null": (lambda d: d["issuer"].update(url=None), "/issuer/url"),
    "empty array": (lambda d: d.update(evidence=[]), "/evidence"),
    "term in the wrong object": (
        lambda d: d["issuer"].update(achievedLevel="x"),
        "/issuer/achievedLevel",
    ),
}


@pytest.mark.parametrize("case", sorted(UNSAFE))
def test_safe_mode_reports_and_sign_refuses(case: str) -> None:
    change, pointer = UNSAFE[case]
    document = _with(change)
    assert pointer in rdfc.dropped_terms(document)
    with pytest.raises(rdfc.UnsafeDocument) as refused:
        _sign(document)
    assert pointer in [problem.location for problem in refused.value.problems]


@pytest.mark.parametrize("case", sorted(UNSAFE))
def test_verify_rejects_what_safe_mode_reports_even_with_a_valid_signature(case: str) -> None:
    """The attack: add a property the signature does not cover. pyld alone would ignore it."""
    change, pointer = UNSAFE[case]
    signed = _signed()
    change(signed)
    with pytest.raises(rdfc.ProofInvalid, match=re.escape(pointer)):
        _verify(signed)


def test_a_pointer_escapes_slash_and_tilde() -> None:
    document = _with(lambda d: d["credentialSubject"].update({"a/b~c": "x"}))
    assert rdfc.dropped_terms(document) == ["/credentialSubject/a~1b~0c"]


SHAPES = {
    "embedded context": (
        lambda d: d["@context"].append({"favouriteColour": "https://example.org/colour"}),
        "/@context/3",
    ),
    "nested context": (
        lambda d: d["issuer"].update({"@context": {"x": "https://example.org/x"}}),
        "/issuer/@context",
    ),
    "control character": (
        lambda d: d["credentialSubject"]["achievement"].update(name="Safe\x07Lifting"),
        "/credentialSubject/achievement/name",
    ),
    "float": (
        lambda d: d["credentialSubject"].update(creditsEarned=2.5),
        "/credentialSubject/creditsEarned",
    ),
    "existing proof": (lambda d: d.update(proof={"type": "DataIntegrityProof"}), "/proof"),
}


@pytest.mark.parametrize("case", sorted(SHAPES))
def test_sign_refuses_shapes_it_does_not_sign(case: str) -> None:
    change, pointer = SHAPES[case]
    with pytest.raises(rdfc.UnsafeDocument) as refused:
        _sign(_with(change))
    assert pointer in [problem.location for problem in refused.value.problems]


def test_tab_and_line_breaks_are_signed_and_verify() -> None:
    document = _with(
        lambda d: d["credentialSubject"]["achievement"].update(description="a\tb\nc\rd")
    )
    _verify(_sign(document))


@pytest.mark.parametrize("created", ["2026-03-04", "2026-03-04T10:11:12", "yesterday"])
def test_sign_refuses_a_created_without_time_zone(created: str) -> None:
    with pytest.raises(rdfc.UnsafeDocument, match="created"):
        rdfc.sign(_unsigned(), factory.private_key(), factory.verification_method(), created)


# ---- verify --------------------------------------------------------------------------------------


def test_verify_returns_what_it_checked() -> None:
    result = _verify(_signed())
    assert result == rdfc.VerifiedProof(
        verification_method=factory.verification_method(),
        controller=factory.DID,
        created=factory.CREATED,
        proof_purpose="assertionMethod",
    )


def test_verify_does_not_change_its_input() -> None:
    signed = _signed()
    before = copy.deepcopy(signed)
    _verify(signed)
    assert signed == before


def test_another_key_fails() -> None:
    other = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(rdfc.ProofInvalid, match="signature does not match"):
        rdfc.verify(_signed(), lambda vm: other)


def test_a_key_that_cannot_be_resolved_fails() -> None:
    def unknown(vm: str) -> Any:
        raise KeyError(vm)

    with pytest.raises(rdfc.ProofInvalid, match="could not be resolved"):
        rdfc.verify(_signed(), unknown)


def test_a_key_of_someone_else_cannot_vouch_for_the_issuer() -> None:
    document = _unsigned()
    signed = rdfc.sign(
        document, factory.private_key(), "did:web:attacker.example#k", factory.CREATED
    )
    with pytest.raises(rdfc.ProofInvalid, match="does not belong to the issuer"):
        _verify(signed)


PROOF_CHANGES = {
    "extra field": (lambda p: p.update(nonce="abc"), "unexpected field"),
    "missing created": (lambda p: p.pop("created"), "created is missing"),
    "type": (lambda p: p.update(type="Ed25519Signature2020"), "type must be"),
    "cryptosuite": (lambda p: p.update(cryptosuite="eddsa-jcs-2022"), "cryptosuite must be"),
    "purpose": (lambda p: p.update(proofPurpose="authentication"), "proofPurpose must be"),
    "created format": (lambda p: p.update(created="2026-03-04"), "created must be"),
    "proofValue not base58": (lambda p: p.update(proofValue="uAAAA"), "proofValue"),
    "short signature": (lambda p: p.update(proofValue="z2222"), "bytes, not 64"),
}


@pytest.mark.parametrize("case", sorted(PROOF_CHANGES))
def test_proof_problems_are_named(case: str) -> None:
    change, message = PROOF_CHANGES[case]
    signed = _signed()
    change(signed["proof"][0])
    with pytest.raises(rdfc.ProofInvalid, match=message):
        _verify(signed)


def test_two_proofs_or_none_fail() -> None:
    signed = _signed()
    signed["proof"] = signed["proof"] * 2
    with pytest.raises(rdfc.ProofInvalid, match="exactly one proof"):
        _verify(signed)
    del signed["proof"]
    with pytest.raises(rdfc.ProofInvalid, match="no proof"):
        _verify(signed)


def test_a_proof_object_instead_of_an_array_verifies() -> None:
    signed = _signed()
    signed["proof"] = signed["proof"][0]
    _verify(signed)


# ---- the RDFC-1.0 work limit ---------------------------------------------------------------------


def _clique(size: int) -> dict[str, list[dict[str, Any]]]:
    """A dataset of `size` blank nodes, each linked to every other: canonicalization must
    consider every permutation (a known "poison" shape)."""

    def node(i: int) -> dict[str, str]:
        return {"type": "blank node", "value": f"_:b{i}"}

    predicate = {"type": "IRI", "value": "https://example.org/knows"}
    triples = [
        {"subject": node(i), "predicate": predicate, "object": node(j)}
        for i in range(size)
        for j in range(size)
        if i != j
    ]
    return {"@default": triples}


def test_a_poison_dataset_is_stopped_by_the_work_limit() -> None:
    with pytest.raises(rdfc._TooComplex):
        rdfc._LimitedRdfc().main(_clique(8), {"format": "application/n-quads"})


def test_indistinguishable_blank_nodes_still_sign_under_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two identical results are blank nodes with the same first-degree hash: n-degree
    hashing runs (a little). With no allowance at all, sign refuses rather than hang."""
    document = _unsigned()
    results = document["credentialSubject"]["result"]
    results.append(copy.deepcopy(results[0]))
    _verify(_sign(document))
    monkeypatch.setattr(rdfc, "MAX_N_DEGREE_CALLS", 0)
    with pytest.raises(rdfc.UnsafeDocument, match="too complex"):
        _sign(document)
