"""W3C Bitstring Status List v1.0: the revocation list and its credential.

The list is a bitstring of at least 131,072 entries (16 KiB, the specification's minimum for
group privacy), GZIP-compressed, base64url without padding, with the multibase prefix 'u'.
Index 0 is the most significant (left-most) bit of the first byte. Indexes are handed out at
random so a credential's index says nothing about when it was issued.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import random
import zlib
from collections.abc import Set
from typing import Any

from issuer.issuance.credential import VC_V2

MIN_SIZE = 131_072
# A hostile list must not make the decoder allocate without bound (16 MiB of bits).
MAX_SIZE = 16 * 1024 * 1024 * 8
STATUS_PURPOSE = "revocation"


class StatusListError(ValueError):
    """An encoded list that is not a valid Bitstring Status List, or an index out of range."""


class StatusList:
    """A mutable bitstring; `set(i, True)` revokes entry i."""

    def __init__(self, size: int = MIN_SIZE) -> None:
        if not isinstance(size, int) or isinstance(size, bool):
            raise StatusListError("size: a whole number")
        if size < MIN_SIZE or size % 8 or size > MAX_SIZE:
            raise StatusListError(
                f"size: a multiple of 8 from {MIN_SIZE} to {MAX_SIZE}, not {size}"
            )
        self._bits = bytearray(size // 8)

    @property
    def size(self) -> int:
        return len(self._bits) * 8

    def _locate(self, index: int) -> tuple[int, int]:
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < self.size:
            raise StatusListError(f"index {index!r} is outside 0..{self.size - 1}")
        return index // 8, 0x80 >> (index % 8)

    def set(self, index: int, revoked: bool) -> None:
        byte, mask = self._locate(index)
        if revoked:
            self._bits[byte] |= mask
        else:
            self._bits[byte] &= ~mask & 0xFF

    def get(self, index: int) -> bool:
        byte, mask = self._locate(index)
        return bool(self._bits[byte] & mask)

    def revoked(self) -> list[int]:
        """Every index whose bit is set, in order."""
        return [
            byte * 8 + bit
            for byte, value in enumerate(self._bits)
            if value
            for bit in range(8)
            if value & (0x80 >> bit)
        ]

    def to_bytes(self) -> bytes:
        return bytes(self._bits)

    def encoded(self) -> str:
        """'u' + base64url(gzip(bitstring)), no padding. mtime 0: same bits, same text."""
        compressed = gzip.compress(bytes(self._bits), compresslevel=9, mtime=0)
        return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")

    @classmethod
    def from_bytes(cls, data: bytes) -> StatusList:
        status_list = cls(len(data) * 8)
        status_list._bits[:] = data
        return status_list


def decode(encoded: str) -> StatusList:
    """The list inside an `encodedList` value; StatusListError saying what is wrong."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise StatusListError("encodedList: must start with the multibase prefix 'u'")
    body = encoded[1:]
    if not body or any(ch not in _BASE64URL for ch in body):
        raise StatusListError("encodedList: must be base64url text after 'u'")
    try:
        compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise StatusListError("encodedList: must be base64url text after 'u'") from None
    # Decompress with a ceiling: a few KiB of GZIP can claim gigabytes.
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(compressed, MAX_SIZE // 8 + 1)
    except zlib.error:
        raise StatusListError("encodedList: not GZIP data") from None
    if len(data) > MAX_SIZE // 8 or inflater.unconsumed_tail:
        raise StatusListError(f"encodedList: more than {MAX_SIZE} entries")
    if not inflater.eof:
        raise StatusListError("encodedList: GZIP data is truncated")
    if inflater.unused_data:
        raise StatusListError("encodedList: bytes after the GZIP data")
    if len(data) * 8 < MIN_SIZE:
        raise StatusListError(f"encodedList: fewer than {MIN_SIZE} entries ({len(data) * 8})")
    return StatusList.from_bytes(data)


_BASE64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def allocate_index(used: Set[int], rng: random.Random, size: int = MIN_SIZE) -> int:
    """A random index in 0..size-1 that is not in `used`; StatusListError when the list is
    full. `rng` should be `random.SystemRandom()` in the service (tests pass a seeded one)."""
    if len(used) >= size:
        raise StatusListError(f"the status list is full ({size} entries used)")
    # Random probing while the list is at most half full; past that, pick among the free.
    if len(used) <= size // 2:
        while True:
            index = rng.randrange(size)
            if index not in used:
                return index
    free = [index for index in range(size) if index not in used]
    return free[rng.randrange(len(free))]


def status_list_credential(
    list_url: str, issuer_did: str, encoded: str, valid_from: str
) -> dict[str, Any]:
    """The unsigned `BitstringStatusListCredential` (purpose revocation) publishing `encoded`;
    the caller signs it with `rdfc.sign` and serves it at `list_url`."""
    decode(encoded)  # refuse to publish what no verifier could read
    return {
        "@context": [VC_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": STATUS_PURPOSE,
            "encodedList": encoded,
        },
    }
