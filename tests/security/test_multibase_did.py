from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from assessor.security.did import (
    did_key,
    public_key_from_did,
    public_key_from_verification_method,
    verification_method,
)
from assessor.security.multibase import (
    decode_base58btc,
    encode_base58btc,
    private_key_from_multibase,
)
from tests.conftest import CONFORMANCE

KEY_PAIR = json.loads((CONFORMANCE / "vc-di-eddsa" / "keyPair.json").read_text())
PUBLIC_MULTIKEY = KEY_PAIR["publicKeyMultibase"]


def _public_of(seed: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()


W3C_PUBLIC = _public_of(private_key_from_multibase(KEY_PAIR["privateKeyMultibase"]))
OTHER_PUBLIC = _public_of(bytes(32))


# ---- multibase ----------------------------------------------------------------------------


def test_base58btc_known_values() -> None:
    assert encode_base58btc(b"hello world") == "zStV1DL6CwTryKyV"
    # Leading zero bytes are kept as leading '1's.
    assert encode_base58btc(b"\x00\x00\x01") == "z112"
    assert decode_base58btc("z112") == b"\x00\x00\x01"
    assert decode_base58btc("zStV1DL6CwTryKyV") == b"hello world"


def test_empty_is_refused_both_ways() -> None:
    with pytest.raises(ValueError, match="nothing to encode"):
        encode_base58btc(b"")
    with pytest.raises(ValueError, match="characters after 'z'"):
        decode_base58btc("z")


@given(st.binary(min_size=1, max_size=80))
def test_base58btc_round_trip(data: bytes) -> None:
    text = encode_base58btc(data)
    assert text.startswith("z")
    assert decode_base58btc(text) == data


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("StV1DL6CwTryKyV", "starts with 'z'"),
        ("uStV1DL6CwTryKyV", "starts with 'z'"),
        ("z", "characters after 'z'"),
        ("zStV1DL6CwTryKy0", "alphabet"),  # 0, O, I and l are not base58
        ("zStV1DL6CwTryKyO", "alphabet"),
        ("zStV1DL6CwTryKyI", "alphabet"),
        ("zStV1DL6CwTryKyl", "alphabet"),
        ("zStV1DL6CwTryKyV\n", "alphabet"),  # the base58 package would strip it
        ("zStV1DL6Cw TryKyV", "alphabet"),
        ("zStV1DL6CwTryKyV=", "alphabet"),
    ],
)
def test_decode_base58btc_refuses_with_a_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        decode_base58btc(text)


def test_decode_base58btc_refuses_non_text() -> None:
    with pytest.raises(ValueError, match="string"):
        decode_base58btc(b"z112")  # type: ignore[arg-type]


# ---- did:key ------------------------------------------------------------------------------


def test_w3c_key_pair_is_its_did_key() -> None:
    assert did_key(W3C_PUBLIC) == f"did:key:{PUBLIC_MULTIKEY}"
    assert public_key_from_did(f"did:key:{PUBLIC_MULTIKEY}") == W3C_PUBLIC
    vm = verification_method(W3C_PUBLIC)
    assert vm == f"did:key:{PUBLIC_MULTIKEY}#{PUBLIC_MULTIKEY}"
    assert public_key_from_verification_method(vm) == W3C_PUBLIC


def test_did_key_layout() -> None:
    did = did_key(bytes(range(32)))
    assert did.startswith("did:key:z6Mk")
    raw = decode_base58btc(did.removeprefix("did:key:"))
    assert raw == b"\xed\x01" + bytes(range(32))


@given(st.binary(min_size=32, max_size=32))
def test_did_key_round_trip(seed: bytes) -> None:
    # Any key a private key makes; arbitrary bytes are often no usable key at all
    # (tests/security/test_small_order_keys.py).
    public = _public_of(seed)
    did = did_key(public)
    assert did.startswith("did:key:z6Mk")
    assert len(did) == len("did:key:") + 48
    assert public_key_from_did(did) == public
    vm = verification_method(public)
    assert vm.startswith(did + "#")
    assert public_key_from_verification_method(vm) == public


@pytest.mark.parametrize("length", [0, 31, 33, 64])
def test_did_key_refuses_a_key_of_the_wrong_length(length: int) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        did_key(bytes(length))
    with pytest.raises(ValueError, match="32 bytes"):
        verification_method(bytes(length))


def _did_of(raw: bytes) -> str:
    return "did:key:" + encode_base58btc(raw)


@pytest.mark.parametrize(
    ("did", "reason"),
    [
        (f"did:web:{PUBLIC_MULTIKEY}", "did:key:"),
        (f"did:key{PUBLIC_MULTIKEY}", "did:key:"),
        (f"DID:KEY:{PUBLIC_MULTIKEY}", "did:key:"),
        (PUBLIC_MULTIKEY, "did:key:"),
        (f"did:key:{PUBLIC_MULTIKEY}#{PUBLIC_MULTIKEY}", "fragment"),
        ("did:key:" + PUBLIC_MULTIKEY[1:], "starts with 'z'"),
        ("did:key:" + PUBLIC_MULTIKEY[:-1] + "0", "alphabet"),
        # x25519-pub (0xec01) and secp256k1-pub (0xe701) are did:keys, but not Ed25519 ones.
        (_did_of(b"\xec\x01" + bytes(32)), "0xed01"),
        (_did_of(b"\xe7\x01" + bytes(33)), "0xed01"),
        (_did_of(b"\x80\x26" + bytes(32)), "0xed01"),  # a private key multikey
        (_did_of(b"\xed\x01" + bytes(31)), "32 bytes, not 31"),
        (_did_of(b"\xed\x01" + bytes(33)), "32 bytes, not 33"),
        (_did_of(b"\xed"), "0xed01"),
    ],
)
def test_public_key_from_did_refuses_with_a_reason(did: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        public_key_from_did(did)


def test_public_key_from_did_refuses_non_text() -> None:
    with pytest.raises(ValueError, match="did:key:"):
        public_key_from_did(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("vm", "reason"),
    [
        (f"did:key:{PUBLIC_MULTIKEY}", "ends with '#'"),
        (f"did:key:{PUBLIC_MULTIKEY}#", "fragment repeats"),
        (f"did:key:{PUBLIC_MULTIKEY}#key-1", "fragment repeats"),
        # The fragment names another key: refusing it stops a key from borrowing a DID.
        (f"did:key:{PUBLIC_MULTIKEY}#{did_key(OTHER_PUBLIC)[8:]}", "fragment repeats"),
        (f"did:key:{PUBLIC_MULTIKEY}#{PUBLIC_MULTIKEY}#{PUBLIC_MULTIKEY}", "fragment repeats"),
        (f"did:web:example.com#{PUBLIC_MULTIKEY}", "did:key:"),
        (f"#{PUBLIC_MULTIKEY}", "did:key:"),
        (_did_of(b"\xec\x01" + bytes(32)) + "#x", "0xed01"),
    ],
)
def test_public_key_from_verification_method_refuses_with_a_reason(vm: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        public_key_from_verification_method(vm)
