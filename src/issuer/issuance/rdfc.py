"""Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C vc-di-eddsa).

sign:   proof config = the proof options with the document's @context; both the config and
        the document are canonicalized with RDFC-1.0 (pyld, frozen loader); the Ed25519
        signature covers sha256(canonical config) ‖ sha256(canonical document); proofValue is
        multibase base58btc.
verify: the same bytes rebuilt from the received document, checked by `cryptography`.

Safe mode: JSON-LD silently drops what its contexts do not define, so a property the
signature does not cover could ride along in a signed document. `dropped_terms` lists every
such place; `sign` refuses a document with any, and `verify` rejects one.

pyld emits RDFC-1.0's canonical N-Quads except for control characters other than TAB, LF
and CR (it writes them raw where RDFC-1.0 wants escapes), so documents containing them are
refused rather than signed in a form other implementations would not reproduce.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from cachetools import LRUCache
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from pyld import jsonld
from pyld.canon import URDNA2015
from pyld.context_resolver import ContextResolver

from assessor.domain.errors import DomainError, Problem
from assessor.security.multibase import decode_base58btc, encode_base58btc
from issuer.issuance.loader import ContextNotBundled, document_loader, is_bundled

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_FIELDS = ("type", "cryptosuite", "created", "verificationMethod", "proofPurpose")
SIGNATURE_LENGTH = 64

# RDFC-1.0 asks implementations to bound the work a crafted dataset can cause. Documents the
# issuer signs need no n-degree hashing at all; a few hundred calls is already generous.
MAX_N_DEGREE_CALLS = 1000

# XML Schema dateTimeStamp (the time zone is required), as Data Integrity wants for created.
_DATE_TIME_STAMP = re.compile(
    r"-?[0-9]{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:"
    r"([0-5][0-9]|60)(\.[0-9]+)?(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))\Z"
)
# Characters pyld does not escape the RDFC-1.0 way (C0 controls but TAB, LF, CR; DEL) and
# lone surrogates (no UTF-8 form).
_UNCANONICAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_ISSUER_DEPENDENT = "https://www.w3.org/ns/credentials/issuer-dependent#"

# Resolved contexts, shared by every call of this module only (pyld's own cache is global and
# would hand us whatever another loader in this process once resolved for the same URL).
_resolved_contexts: LRUCache[Any, Any] = LRUCache(maxsize=64)


class UnsafeDocument(DomainError):
    """The document cannot be signed: a property would not be covered by the signature, or
    it uses a context, character or shape the issuer does not sign."""

    code = "unsafe-document"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        listed = "; ".join(f"{p.location or '/'}: {p.message}" for p in self.problems[:5])
        more = f" (and {len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(f"refusing to sign: {listed}{more}", location=self.problems[0].location)


class CanonicalizationError(DomainError):
    """The document is not JSON-LD the issuer can canonicalize; the message says why."""

    code = "canonicalization-failed"


class ProofInvalid(DomainError):
    """The document's proof does not verify; the message says why."""

    code = "proof-invalid"


@dataclass(frozen=True)
class VerifiedProof:
    """What a successful `verify` checked."""

    verification_method: str
    controller: str  # the verification method id without its '#fragment'
    created: str
    proof_purpose: str
    cryptosuite: str = CRYPTOSUITE


# ---- canonicalization -------------------------------------------------------------------------


class _LimitedRdfc(URDNA2015):  # type: ignore[misc]  # pyld is untyped
    """pyld's URDNA2015 (the algorithm RDFC-1.0 standardised) with a bound on deep hashing."""

    def __init__(self) -> None:
        super().__init__()
        self._n_degree_calls = 0

    def hash_n_degree_quads(self, id_: Any, issuer: Any) -> Any:
        self._n_degree_calls += 1
        if self._n_degree_calls > MAX_N_DEGREE_CALLS:
            raise _TooComplex()
        return super().hash_n_degree_quads(id_, issuer)


class _TooComplex(Exception):
    pass


def _pointer(parent: str, key: str | int) -> str:
    text = str(key).replace("~", "~0").replace("/", "~1")
    return f"{parent}/{text}"


def _is_absolute_iri(value: object) -> bool:
    return isinstance(value, str) and ":" in value and not value.startswith("_:")


class _SafeModeProcessor(jsonld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor, noting every property expansion or RDF conversion would lose.

    Each JSON object of the input is known by its JSON pointer; after pyld expands an object,
    its keys and the expanded result are compared. Relies on pyld's `_expand` /
    `_expand_object` (pinned in pyproject; tests/issuer/issuance/test_rdfc.py proves each
    case is still caught)."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[Problem] = []
        self._pointers: dict[int, str] | None = None

    def _expand(self, active_ctx: Any, active_property: Any, element: Any, options: Any,
                *args: Any, **kwargs: Any) -> Any:  # fmt: skip
        if self._pointers is None:  # the first call is on (pyld's copy of) the whole document
            self._pointers = {}
            self._index(element, "")
        return super()._expand(active_ctx, active_property, element, options, *args, **kwargs)

    def _index(self, value: Any, pointer: str) -> None:
        assert self._pointers is not None
        if isinstance(value, dict):
            self._pointers[id(value)] = pointer
            for key, item in value.items():
                if key != "@context":
                    self._index(item, _pointer(pointer, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self._index(item, _pointer(pointer, index))

    def _expand_object(self, active_ctx: Any, active_property: Any,
                       expanded_active_property: Any, element: Any, expanded_parent: Any,
                       options: Any, inside_list: Any = False, type_key: Any = None,
                       type_scoped_ctx: Any = None) -> Any:  # fmt: skip
        result = super()._expand_object(
            active_ctx, active_property, expanded_active_property, element, expanded_parent,
            options, inside_list, type_key, type_scoped_ctx,
        )  # fmt: skip
        pointer = (self._pointers or {}).get(id(element))
        if pointer is not None:
            self._check_object(active_ctx, element, expanded_parent, pointer)
        return result

    def _check_object(self, active_ctx: Any, element: dict[str, Any],
                      expanded: dict[str, Any], pointer: str) -> None:  # fmt: skip
        for key, value in element.items():
            if key == "@context":
                continue
            iri = self._expand_iri(active_ctx, key, vocab=True)
            problem = _term_problem(iri, value)
            found = [problem] if problem else _dropped_values(iri, expanded)
            self.problems.extend(Problem(_pointer(pointer, key), text) for text in found)


def _term_problem(iri: Any, value: Any) -> str | None:
    """Why a term (expanded to `iri`) or its whole value does not reach the signed RDF."""
    if iri is None or not (_is_absolute_iri(iri) or jsonld._is_keyword(iri)):
        return "term is not defined by the @context (expansion drops it)"
    if isinstance(iri, str) and iri.startswith(_ISSUER_DEPENDENT):
        return "term is not defined by the @context (issuer-dependent)"
    if iri == "@direction":
        return "@direction is not carried into the signed RDF"
    if value is None:
        return "null value (expansion drops it)"
    if value == [] or value == {}:
        return "empty value (nothing of it reaches the signature)"
    return None


def _dropped_values(iri: Any, expanded: dict[str, Any]) -> list[str]:
    """The values of a defined term that expansion drops: relative IRIs, undefined types."""
    arrayify = jsonld.JsonLdProcessor.arrayify
    if iri == "@id":
        return [
            f"{found!r} is not an absolute IRI (dropped)"
            for found in arrayify(expanded.get("@id", []))
            if not _is_absolute_iri(found)
        ]
    if iri == "@type":
        return [
            f"type {found!r} is not defined by the @context"
            for found in arrayify(expanded.get("@type", []))
            if not _is_absolute_iri(found) or found.startswith(_ISSUER_DEPENDENT)
        ]
    if not isinstance(iri, str) or jsonld._is_keyword(iri):
        return []
    targets = [
        found["@id"]
        for found in arrayify(expanded.get(iri, []))
        if isinstance(found, dict) and set(found) == {"@id"}
    ]
    return [
        f"{target!r} is not an absolute IRI (dropped)"
        for target in targets
        if not (_is_absolute_iri(target) or str(target).startswith("_:"))
    ]


def _options(processor_options: dict[str, Any] | None = None) -> dict[str, Any]:
    options: dict[str, Any] = {
        "documentLoader": document_loader,
        "contextResolver": ContextResolver(_resolved_contexts, document_loader),
        "base": None,  # no document base: a relative IRI stays relative and is caught
    }
    options.update(processor_options or {})
    return options


def _not_bundled(exc: BaseException) -> ContextNotBundled | None:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ContextNotBundled):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _jsonld_message(exc: BaseException) -> str:
    missing = _not_bundled(exc)
    if missing is not None:
        return str(missing.args[0]) if missing.args else str(missing)
    messages = []
    seen: BaseException | None = exc
    while seen is not None:
        text = str(seen.args[0]) if seen.args else type(seen).__name__
        code = getattr(seen, "code", None)
        messages.append(f"{text} ({code})" if code else text)
        seen = seen.__cause__
    return messages[-1] if messages else "JSON-LD processing failed"


def _canonicalize(document: dict[str, Any]) -> tuple[str, list[Problem]]:
    """Canonical N-Quads of `document`, and what safe mode found (empty when safe).

    Raises jsonld.JsonLdError (bad JSON-LD, unbundled context) and _TooComplex."""
    processor = _SafeModeProcessor()
    dataset = processor.to_rdf(document, _options())
    nquads: str = _LimitedRdfc().main(dataset, {"format": "application/n-quads"})
    return nquads, processor.problems


def canonical_nquads(document: dict[str, Any]) -> str:
    """RDFC-1.0 canonical N-Quads of a JSON-LD document, contexts from the frozen loader.
    CanonicalizationError for invalid JSON-LD, an unbundled context, or too much work."""
    try:
        nquads, _ = _canonicalize(document)
    except _TooComplex:
        raise CanonicalizationError("too complex to canonicalize") from None
    except jsonld.JsonLdError as exc:
        raise CanonicalizationError(_jsonld_message(exc)) from None
    return nquads


def dropped_terms(document: dict[str, Any]) -> list[str]:
    """JSON pointers of every property that JSON-LD processing would drop (or leave undefined):
    safe mode. Empty means every property of `document` is covered by a signature over it."""
    try:
        _, problems = _canonicalize(document)
    except _TooComplex:
        return [""]
    seen: dict[str, None] = {}
    for problem in problems:
        seen.setdefault(problem.location, None)
    return list(seen)


# ---- checks shared by sign and verify --------------------------------------------------------


def _shape_problems(document: object) -> list[Problem]:
    """What makes a document unsignable before JSON-LD is even consulted."""
    if not isinstance(document, dict):
        return [Problem("", "a document to sign is a JSON object")]
    problems: list[Problem] = []
    context = document.get("@context")
    if not isinstance(context, list) or not context:
        problems.append(Problem("/@context", "must be a non-empty array of context URLs"))
    else:
        for index, url in enumerate(context):
            if not isinstance(url, str):
                problems.append(
                    Problem(f"/@context/{index}", "embedded contexts are not signed; use a URL")
                )
            elif not is_bundled(url):
                problems.append(Problem(f"/@context/{index}", f"{url!r} is not a bundled context"))
    _scan(document, "", problems, top=True)
    return problems


def _scan(value: Any, pointer: str, problems: list[Problem], *, top: bool = False) -> None:
    if isinstance(value, dict):
        _scan_object(value, pointer, problems, top=top)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _scan(item, _pointer(pointer, index), problems)
    elif isinstance(value, str):
        if _UNCANONICAL.search(value):
            problems.append(
                Problem(pointer, "contains a control character other than tab or line break")
            )
    elif isinstance(value, float):
        problems.append(Problem(pointer, "numbers with a fraction are written as strings"))
    elif value is not None and not isinstance(value, bool | int):
        problems.append(Problem(pointer, f"{type(value).__name__} is not a JSON value"))


def _scan_object(
    value: dict[Any, Any], pointer: str, problems: list[Problem], *, top: bool
) -> None:
    for key, item in value.items():
        where = _pointer(pointer, key)
        if not isinstance(key, str):
            problems.append(Problem(where, "keys are strings"))
            continue
        if _UNCANONICAL.search(key):
            problems.append(Problem(where, "key contains a control character"))
        if key == "@context" and not top:
            problems.append(Problem(where, "embedded contexts are not signed"))
            continue
        if not (key == "@context" and top):
            _scan(item, where, problems)


def _sha256(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def _proof_config(document: dict[str, Any], proof: dict[str, Any]) -> dict[str, Any]:
    config = {key: value for key, value in proof.items() if key != "proofValue"}
    config["@context"] = document["@context"]
    return config


# ---- sign ---------------------------------------------------------------------------------------


def sign(
    document: dict[str, Any],
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: str,
    proof_purpose: str = "assertionMethod",
) -> dict[str, Any]:
    """A copy of `document` with a `DataIntegrityProof` (`eddsa-rdfc-2022`) in `proof` (an
    array of one proof, as the Open Badges 3.0 schema wants).

    UnsafeDocument when any property would escape the signature (see `dropped_terms`), the
    document uses an unbundled or embedded context, already has a proof, or `created` is not
    an XML Schema dateTimeStamp."""
    problems = _shape_problems(document)
    if isinstance(document, dict) and "proof" in document:
        problems.append(Problem("/proof", "the document already has a proof"))
    if not isinstance(created, str) or not _DATE_TIME_STAMP.match(created):
        problems.append(Problem("/proof/created", "must be a date-time with a time zone"))
    if not isinstance(verification_method, str) or not _is_absolute_iri(verification_method):
        problems.append(Problem("/proof/verificationMethod", "must be an absolute IRI"))
    if problems:
        raise UnsafeDocument(problems)
    proof: dict[str, Any] = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    try:
        document_nquads, document_problems = _canonicalize(document)
        proof_nquads, proof_problems = _canonicalize(_proof_config(document, proof))
    except _TooComplex:
        raise UnsafeDocument([Problem("", "too complex to canonicalize")]) from None
    except jsonld.JsonLdError as exc:
        raise UnsafeDocument([Problem("", _jsonld_message(exc))]) from None
    problems = document_problems + [
        Problem("/proof" + p.location, p.message) for p in proof_problems
    ]
    if problems:
        raise UnsafeDocument(problems)
    signature = private_key.sign(_sha256(proof_nquads) + _sha256(document_nquads))
    proof["proofValue"] = encode_base58btc(signature)
    signed = copy.deepcopy(document)
    signed["proof"] = [proof]
    return signed


# ---- verify -------------------------------------------------------------------------------------


def _single_proof(document: dict[str, Any]) -> dict[str, Any]:
    proof = document.get("proof")
    if isinstance(proof, list):
        if len(proof) != 1:
            raise ProofInvalid(f"expected exactly one proof, found {len(proof)}")
        proof = proof[0]
    if not isinstance(proof, dict):
        raise ProofInvalid("the document has no proof object")
    return proof


def _issuer_id(document: dict[str, Any]) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    return issuer if isinstance(issuer, str) else None


def verify(
    document: dict[str, Any],
    public_key_for: Callable[[str], Ed25519PublicKey],
    *,
    proof_purpose: str = "assertionMethod",
    issuer_must_control: bool = True,
    expected_contexts: Sequence[str] | None = None,
) -> VerifiedProof:
    """Check the document's `eddsa-rdfc-2022` proof; ProofInvalid naming the first fault.

    `public_key_for(verification_method)` resolves the key (e.g. from the issuer's DID
    document) and raises when it does not know it. With `issuer_must_control` (the default)
    the verification method must belong to the document's `issuer` (`{issuer}#…`), so a key
    of someone else cannot vouch for this issuer. Safe mode applies: a document or proof with
    a property the signature does not cover is rejected even when the signature matches.

    RDFC-1.0 signs statements, not JSON: adding or removing a context that defines nothing
    the document uses changes no statement, so the signature still matches. Pass
    `expected_contexts` (e.g. `credential.CONTEXTS`) to require exactly that list."""
    if not isinstance(document, dict):
        raise ProofInvalid("a signed document is a JSON object")
    if expected_contexts is not None and document.get("@context") != list(expected_contexts):
        raise ProofInvalid(f"@context: expected exactly {list(expected_contexts)}")
    proof = _checked_proof(document, proof_purpose)
    created, method = proof["created"], proof["verificationMethod"]
    controller = method.partition("#")[0]
    if issuer_must_control and _issuer_id(document) != controller:
        raise ProofInvalid(
            f"proof: the verification method {method!r} does not belong to the issuer "
            f"{_issuer_id(document)!r}"
        )
    try:
        signature = decode_base58btc(proof["proofValue"])
    except ValueError as exc:
        raise ProofInvalid(f"proof: proofValue: {exc}") from None
    if len(signature) != SIGNATURE_LENGTH:
        raise ProofInvalid(f"proof: proofValue holds {len(signature)} bytes, not 64")
    signed = _signed_hashes(document, proof)
    public_key = _resolve(public_key_for, method)
    try:
        public_key.verify(signature, signed)
    except InvalidSignature:
        raise ProofInvalid("the signature does not match the document") from None
    return VerifiedProof(
        verification_method=method,
        controller=controller,
        created=created,
        proof_purpose=proof["proofPurpose"],
    )


def _checked_proof(document: dict[str, Any], proof_purpose: str) -> dict[str, Any]:
    """The document's one proof, with exactly the fields of this suite, checked."""
    proof = _single_proof(document)
    unknown = sorted(set(proof) - {*PROOF_FIELDS, "proofValue"})
    if unknown:
        raise ProofInvalid(f"proof: unexpected field {unknown[0]!r}")
    missing = [name for name in (*PROOF_FIELDS, "proofValue") if name not in proof]
    if missing:
        raise ProofInvalid(f"proof: {missing[0]} is missing")
    if proof["type"] != PROOF_TYPE:
        raise ProofInvalid(f"proof: type must be {PROOF_TYPE!r}")
    if proof["cryptosuite"] != CRYPTOSUITE:
        raise ProofInvalid(f"proof: cryptosuite must be {CRYPTOSUITE!r}")
    if proof["proofPurpose"] != proof_purpose:
        raise ProofInvalid(f"proof: proofPurpose must be {proof_purpose!r}")
    created = proof["created"]
    if not isinstance(created, str) or not _DATE_TIME_STAMP.match(created):
        raise ProofInvalid("proof: created must be a date-time with a time zone")
    method = proof["verificationMethod"]
    if not isinstance(method, str) or not _is_absolute_iri(method):
        raise ProofInvalid("proof: verificationMethod must be an absolute IRI")
    return proof


def _signed_hashes(document: dict[str, Any], proof: dict[str, Any]) -> bytes:
    """What the signature covers (hash of the proof's N-Quads, then the document's), in safe
    mode: a property the signature would not cover is refused."""
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    problems = _shape_problems(unsecured)
    _scan(proof, "/proof", problems)
    if problems:
        first = problems[0]
        raise ProofInvalid(f"{first.location or '/'}: {first.message}")
    try:
        document_nquads, document_problems = _canonicalize(unsecured)
        proof_nquads, proof_problems = _canonicalize(_proof_config(unsecured, proof))
    except _TooComplex:
        raise ProofInvalid("the document is too complex to canonicalize") from None
    except jsonld.JsonLdError as exc:
        raise ProofInvalid(_jsonld_message(exc)) from None
    for problem in document_problems:
        raise ProofInvalid(f"{problem.location}: {problem.message}; not covered by the proof")
    for problem in proof_problems:
        raise ProofInvalid(f"/proof{problem.location}: {problem.message}")
    return _sha256(proof_nquads) + _sha256(document_nquads)


def _resolve(public_key_for: Callable[[str], Ed25519PublicKey], method: str) -> Ed25519PublicKey:
    try:
        public_key = public_key_for(method)
    except ProofInvalid:
        raise
    except Exception as exc:
        raise ProofInvalid(
            f"the verification method {method!r} could not be resolved ({type(exc).__name__}: "
            f"{exc})"
        ) from None
    if not isinstance(public_key, Ed25519PublicKey):
        raise ProofInvalid(f"the verification method {method!r} is not an Ed25519 key")
    return public_key
