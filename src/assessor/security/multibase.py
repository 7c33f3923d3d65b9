"""Multibase base58btc ('z') and the Ed25519 Multikey encodings used by did:key.

Public key: 'z' + base58btc(0xed01 + 32-byte key). Private key: 'z' + base58btc(0x8026 +
32-byte seed), the W3C Multikey form (not the 64-byte seed-plus-public-key some tools write).
"""

from __future__ import annotations

import re

import base58

from assessor.security.ed25519_points import check_public_key

BASE58BTC_PREFIX = "z"
ED25519_PUB_HEADER = b"\xed\x01"  # multicodec ed25519-pub, as an unsigned varint
ED25519_PRIV_HEADER = b"\x80\x26"  # multicodec ed25519-priv, as an unsigned varint
ED25519_KEY_LENGTH = 32

# base58's own decoder strips trailing whitespace; refuse anything outside the alphabet first.
_BASE58BTC = re.compile(r"[1-9A-HJ-NP-Za-km-z]*\Z")


def encode_base58btc(data: bytes) -> str:
    """'z' + base58btc(data). Empty data is refused: a bare 'z' reads as a truncated value."""
    if not data:
        raise ValueError("there is nothing to encode")
    return BASE58BTC_PREFIX + base58.b58encode(data).decode("ascii")


def decode_base58btc(text: str) -> bytes:
    """The bytes of a 'z…' multibase string; ValueError naming what is wrong."""
    if not isinstance(text, str):
        raise ValueError("a multibase value is a string")
    if not text.startswith(BASE58BTC_PREFIX):
        raise ValueError("a base58btc multibase value starts with 'z'")
    body = text[1:]
    if not body:
        raise ValueError("a base58btc multibase value has characters after 'z'")
    if not _BASE58BTC.match(body):
        raise ValueError("a base58btc multibase value uses only the base58btc alphabet")
    return base58.b58decode(body)


def _encode_key(header: bytes, key: bytes, what: str) -> str:
    if len(key) != ED25519_KEY_LENGTH:
        raise ValueError(f"an Ed25519 {what} is 32 bytes, not {len(key)}")
    return encode_base58btc(header + key)


def _decode_key(text: str, header: bytes, what: str) -> bytes:
    raw = decode_base58btc(text)
    if raw[:2] != header:
        raise ValueError(f"an Ed25519 {what} multikey starts with 0x{header.hex()}")
    key = raw[2:]
    if len(key) != ED25519_KEY_LENGTH:
        raise ValueError(f"an Ed25519 {what} multikey holds 32 bytes, not {len(key)}")
    return key


def public_key_multibase(public_bytes: bytes) -> str:
    """Multikey 'z6Mk…' of a raw 32-byte Ed25519 public key."""
    return _encode_key(ED25519_PUB_HEADER, public_bytes, "public key")


def public_key_from_multibase(text: str) -> bytes:
    """The raw 32-byte Ed25519 public key inside a 'z6Mk…' Multikey; ValueError for a key that
    is not a canonical encoding of a point of large order (see ed25519_points)."""
    return check_public_key(_decode_key(text, ED25519_PUB_HEADER, "public key"))


def private_key_multibase(seed: bytes) -> str:
    """Multikey 'z3u2…' of a 32-byte Ed25519 private key seed."""
    return _encode_key(ED25519_PRIV_HEADER, seed, "private key")


def private_key_from_multibase(text: str) -> bytes:
    """The 32-byte Ed25519 seed inside a private-key Multikey."""
    return _decode_key(text, ED25519_PRIV_HEADER, "private key")
