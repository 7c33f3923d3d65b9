"""W3C Bitstring Status List, with vectors built from the specification's rules."""

from __future__ import annotations

import base64
import gzip
import random

import pytest

from issuer.issuance import rdfc
from issuer.issuance.status_list import (
    MIN_SIZE,
    StatusList,
    StatusListError,
    allocate_index,
    decode,
    status_list_credential,
)
from tests.issuer.issuance import factory


def _raw(encoded: str) -> bytes:
    """Decode by the specification's steps, independently of the module."""
    assert encoded.startswith("u")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_a_new_list_has_131072_clear_entries() -> None:
    bits = StatusList()
    assert bits.size == MIN_SIZE == 131_072
    raw = _raw(bits.encoded())
    assert raw == bytes(16 * 1024)
    assert bits.revoked() == []


@pytest.mark.parametrize(
    ("index", "byte", "value"),
    [(0, 0, 0x80), (1, 0, 0x40), (7, 0, 0x01), (8, 1, 0x80), (131_071, 16_383, 0x01)],
)
def test_index_0_is_the_most_significant_bit_of_byte_0(index: int, byte: int, value: int) -> None:
    bits = StatusList()
    bits.set(index, True)
    raw = _raw(bits.encoded())
    expected = bytearray(16 * 1024)
    expected[byte] = value
    assert raw == bytes(expected)
    assert bits.get(index)
    assert bits.revoked() == [index]


def test_the_encoding_is_gzip_base64url_without_padding_after_u() -> None:
    bits = StatusList()
    for index in (3, 500, 99_999):
        bits.set(index, True)
    encoded = bits.encoded()
    assert encoded.startswith("u")
    assert "=" not in encoded and "+" not in encoded and "/" not in encoded
    assert _raw(encoded)[0] == 0x10  # index 3
    assert encoded == bits.encoded()  # mtime 0: the same list encodes the same


def test_round_trip_and_clearing() -> None:
    rng = random.Random(7)
    bits = StatusList()
    chosen = sorted(rng.sample(range(MIN_SIZE), 300))
    for index in chosen:
        bits.set(index, True)
    again = decode(bits.encoded())
    assert again.revoked() == chosen
    again.set(chosen[0], False)
    assert not again.get(chosen[0])
    assert decode(again.encoded()).revoked() == chosen[1:]


def test_a_larger_list_round_trips() -> None:
    bits = StatusList(MIN_SIZE * 2)
    bits.set(MIN_SIZE * 2 - 1, True)
    assert decode(bits.encoded()).size == MIN_SIZE * 2


@pytest.mark.parametrize("size", [0, 1024, MIN_SIZE - 8, MIN_SIZE + 1])
def test_a_list_smaller_than_the_minimum_or_not_whole_bytes_is_refused(size: int) -> None:
    with pytest.raises(StatusListError, match="size"):
        StatusList(size)


@pytest.mark.parametrize("index", [-1, MIN_SIZE, True])
def test_an_index_out_of_range_is_refused(index: int) -> None:
    with pytest.raises(StatusListError, match="outside"):
        StatusList().set(index, True)


def _encode(raw: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(gzip.compress(raw)).rstrip(b"=").decode()


BAD_ENCODINGS = {
    "no prefix": ("z" + StatusList().encoded()[1:], "prefix"),
    "not base64url": ("u+/+/", "base64url"),
    "not gzip": ("u" + base64.urlsafe_b64encode(b"hello").decode().rstrip("="), "GZIP"),
    "too short": (_encode(bytes(1024)), "fewer than 131072"),
    "truncated": (_encode(bytes(16 * 1024))[:-8], "GZIP|truncated|base64"),
    "bomb": (_encode(bytes(17 * 1024 * 1024)), "more than"),
}


@pytest.mark.parametrize("case", sorted(BAD_ENCODINGS))
def test_bad_encodings_are_refused(case: str) -> None:
    encoded, message = BAD_ENCODINGS[case]
    with pytest.raises(StatusListError, match=message):
        decode(encoded)


def test_random_allocation_never_reuses_and_fills_the_list() -> None:
    rng = random.Random(1)
    size = MIN_SIZE
    used: set[int] = set()
    for _ in range(5_000):
        index = allocate_index(used, rng, size)
        assert index not in used
        assert 0 <= index < size
        used.add(index)
    # indexes are spread, not sequential
    assert max(used) - min(used) > size // 2
    nearly_full = set(range(size)) - {17, 123_456}
    assert allocate_index(nearly_full, rng, size) in {17, 123_456}
    with pytest.raises(StatusListError, match="full"):
        allocate_index(set(range(size)), rng, size)


def test_the_status_list_credential_signs_and_verifies() -> None:
    bits = StatusList()
    bits.set(42, True)
    unsigned = status_list_credential(
        "https://badges.example.org/status/1", factory.DID, bits.encoded(), "2026-03-04T10:00:00Z"
    )
    assert unsigned["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert unsigned["credentialSubject"]["statusPurpose"] == "revocation"
    assert rdfc.dropped_terms(unsigned) == []
    signed = rdfc.sign(
        unsigned, factory.private_key(), factory.verification_method(), factory.CREATED
    )
    rdfc.verify(signed, lambda vm: factory.private_key().public_key())
    assert decode(signed["credentialSubject"]["encodedList"]).revoked() == [42]


def test_a_status_list_credential_is_not_made_from_an_unreadable_list() -> None:
    with pytest.raises(StatusListError):
        status_list_credential("https://x.org/s/1", factory.DID, "u", "2026-03-04T10:00:00Z")
