"""A profile's Ed25519 private key, sealed under its owner's passphrase.

Sealing: Argon2id(passphrase, salt) → 32-byte key → AES-256-GCM over the 32-byte private key,
with a random 96-bit nonce and the public key as associated data (a sealed key moved onto
another profile does not open). The KDF parameters travel with the sealed key, so raising the
default cost later never locks anyone out of a key sealed before.

Unlock throttling is pure: the caller keeps the failure count and the time of the last
failure (in the database, since the CLI is one process per command).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import os
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from assessor.domain.errors import DomainError
from assessor.security.canonical import StrictJSONError, loads_strict
from assessor.security.ed25519_points import check_public_key
from assessor.security.multibase import public_key_multibase

FORMAT_VERSION = 1
KDF_ALGORITHM = "argon2id"
CIPHER_ALGORITHM = "A256GCM"

# (iterations, lanes, memory_cost KiB): 256 MiB, 2 passes. Measured with
# benchmarks/bench_argon2.py at 380–430 ms per guess on the 2-core reference machine
# (floor 250 ms). Memory rather than passes carries the cost, so a guessing rig pays in RAM.
DEFAULT_KDF_COST: tuple[int, int, int] = (2, 4, 262_144)

SALT_LENGTH = 16
NONCE_LENGTH = 12
KEY_LENGTH = 32
TAG_LENGTH = 16
MIN_PASSPHRASE_LENGTH = 8

# Bounds on what a sealed key may ask for: a tampered blob must not make unlocking allocate
# gigabytes or spin for minutes. Cheap costs stay allowed (tests use them).
MAX_ITERATIONS = 64
MAX_LANES = 16
MAX_MEMORY_COST = 2 * 1024 * 1024  # 2 GiB in KiB

# Throttling: free attempts, then a doubling wait, capped.
FREE_ATTEMPTS = 5
MAX_UNLOCK_DELAY = 15 * 60.0

_AAD_PREFIX = b"assessor sealed ed25519 key v1\x00"
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*\Z")


class WeakPassphrase(DomainError):
    code = "weak-passphrase"


class WrongPassphrase(DomainError):
    """The passphrase does not open the sealed key (or the sealed key was altered)."""

    code = "wrong-passphrase"

    def __init__(self) -> None:
        super().__init__("wrong passphrase")


class UnlockThrottled(DomainError):
    """Too many recent wrong passphrases; `retry_after` is the wait left, in seconds."""

    code = "unlock-throttled"

    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        super().__init__(f"too many wrong passphrases; try again in {_wait_words(retry_after)}")


def _wait_words(seconds: float) -> str:
    whole = max(1, math.ceil(seconds))
    if whole < 120:
        return f"{whole} s"
    return f"{math.ceil(whole / 60)} min"


@dataclass(frozen=True)
class KdfParams:
    salt: bytes
    iterations: int
    lanes: int
    memory_cost: int  # KiB

    def __post_init__(self) -> None:
        if not isinstance(self.salt, bytes) or not SALT_LENGTH <= len(self.salt) <= 64:
            raise ValueError(f"kdf.salt: must be {SALT_LENGTH} to 64 bytes")
        _check_int("kdf.iterations", self.iterations, 1, MAX_ITERATIONS)
        _check_int("kdf.lanes", self.lanes, 1, MAX_LANES)
        # Argon2 needs at least 8 KiB per lane.
        _check_int("kdf.memory_cost", self.memory_cost, 8 * self.lanes, MAX_MEMORY_COST)

    @classmethod
    def fresh(cls, cost: tuple[int, int, int] | None = None) -> KdfParams:
        iterations, lanes, memory_cost = DEFAULT_KDF_COST if cost is None else cost
        return cls(os.urandom(SALT_LENGTH), iterations, lanes, memory_cost)

    def __repr__(self) -> str:
        return (
            f"KdfParams(argon2id, iterations={self.iterations}, lanes={self.lanes}, "
            f"memory_cost={self.memory_cost} KiB)"
        )


def _check_int(name: str, value: object, low: int, high: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{name}: must be an integer")
    if not low <= value <= high:
        raise ValueError(f"{name}: must be between {low} and {high}")


@dataclass(frozen=True)
class SealedKey:
    public_key: bytes
    kdf: KdfParams
    nonce: bytes
    ciphertext: bytes

    def __post_init__(self) -> None:
        for name, value, length in (
            ("public_key", self.public_key, KEY_LENGTH),
            ("nonce", self.nonce, NONCE_LENGTH),
            ("ciphertext", self.ciphertext, KEY_LENGTH + TAG_LENGTH),
        ):
            if not isinstance(value, bytes) or len(value) != length:
                raise ValueError(f"{name}: must be {length} bytes")
        if not isinstance(self.kdf, KdfParams):
            raise ValueError("kdf: must be KdfParams")
        try:
            check_public_key(self.public_key)
        except ValueError as exc:
            raise ValueError(f"public_key: {exc}") from None

    def __repr__(self) -> str:
        # The public key is public; nonce and ciphertext are left out all the same.
        return f"SealedKey({public_key_multibase(self.public_key)}, {self.kdf!r})"

    def to_json(self) -> str:
        document = {
            "v": FORMAT_VERSION,
            "kdf": {
                "alg": KDF_ALGORITHM,
                "salt": _b64(self.kdf.salt),
                "iterations": self.kdf.iterations,
                "lanes": self.kdf.lanes,
                "memory_cost": self.kdf.memory_cost,
            },
            "alg": CIPHER_ALGORITHM,
            "public_key": _b64(self.public_key),
            "nonce": _b64(self.nonce),
            "ciphertext": _b64(self.ciphertext),
        }
        return json.dumps(document, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> SealedKey:
        """Parse `to_json` output; ValueError naming the first field that is wrong."""
        try:
            document = loads_strict(text, allow_decimals=False)
        except StrictJSONError as exc:
            raise ValueError(
                f"sealed key is not valid JSON: {exc.location}: {exc.message}"
            ) from None
        top = _object(document, "", {"v", "kdf", "alg", "public_key", "nonce", "ciphertext"})
        if top["v"] != FORMAT_VERSION or isinstance(top["v"], bool):
            raise ValueError(f"v: unsupported sealed key version (expected {FORMAT_VERSION})")
        if top["alg"] != CIPHER_ALGORITHM:
            raise ValueError(f"alg: must be {CIPHER_ALGORITHM!r}")
        kdf = _object(top["kdf"], "kdf", {"alg", "salt", "iterations", "lanes", "memory_cost"})
        if kdf["alg"] != KDF_ALGORITHM:
            raise ValueError(f"kdf.alg: must be {KDF_ALGORITHM!r}")
        params = KdfParams(
            salt=_unb64(kdf["salt"], "kdf.salt"),
            iterations=kdf["iterations"],
            lanes=kdf["lanes"],
            memory_cost=kdf["memory_cost"],
        )
        return cls(
            public_key=_unb64(top["public_key"], "public_key"),
            kdf=params,
            nonce=_unb64(top["nonce"], "nonce"),
            ciphertext=_unb64(top["ciphertext"], "ciphertext"),
        )


def _object(value: object, name: str, keys: set[str]) -> dict[str, Any]:
    label = name or "sealed key"
    if not isinstance(value, dict):
        raise ValueError(f"{label}: must be a JSON object")
    prefix = f"{name}." if name else ""
    missing = sorted(keys - value.keys())
    if missing:
        raise ValueError(f"{prefix}{missing[0]}: missing")
    unknown = sorted(value.keys() - keys)
    if unknown:
        raise ValueError(f"{prefix}{unknown[0]}: unknown field")
    return value


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(value: object, name: str) -> bytes:
    if not isinstance(value, str) or not _BASE64URL.match(value):
        raise ValueError(f"{name}: must be unpadded base64url text")
    try:
        data = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise ValueError(f"{name}: must be unpadded base64url text") from None
    if _b64(data) != value:  # stray bits in the last character: not the canonical form
        raise ValueError(f"{name}: must be unpadded base64url text")
    return data


def _normalize(passphrase: str) -> bytes:
    # NFC, so the same passphrase typed where input methods compose differently still opens.
    if not isinstance(passphrase, str):
        raise TypeError("a passphrase is text")
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def check_passphrase(passphrase: str) -> None:
    """WeakPassphrase unless it is at least MIN_PASSPHRASE_LENGTH characters."""
    text = unicodedata.normalize("NFC", passphrase)
    if not text:
        raise WeakPassphrase("a passphrase is required")
    if len(text) < MIN_PASSPHRASE_LENGTH:
        raise WeakPassphrase(f"a passphrase needs at least {MIN_PASSPHRASE_LENGTH} characters")


def _derive(passphrase: str, params: KdfParams) -> bytes:
    kdf = Argon2id(
        salt=params.salt,
        length=32,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_cost,
    )
    return kdf.derive(_normalize(passphrase))


def _aad(public_key: bytes) -> bytes:
    return _AAD_PREFIX + public_key


def seal(
    private_key: Ed25519PrivateKey, passphrase: str, *, cost: tuple[int, int, int] | None = None
) -> SealedKey:
    """Seal an existing private key under a passphrase (checked for strength)."""
    check_passphrase(passphrase)
    params = KdfParams.fresh(cost)
    public = private_key.public_key().public_bytes_raw()
    nonce = os.urandom(NONCE_LENGTH)
    ciphertext = AESGCM(_derive(passphrase, params)).encrypt(
        nonce, private_key.private_bytes_raw(), _aad(public)
    )
    return SealedKey(public, params, nonce, ciphertext)


def create_key(
    passphrase: str, *, cost: tuple[int, int, int] | None = None
) -> tuple[SealedKey, Ed25519PrivateKey]:
    """A new Ed25519 key, and that key sealed under `passphrase` (WeakPassphrase if too short).

    `cost` is (iterations, lanes, memory_cost KiB); None means DEFAULT_KDF_COST."""
    check_passphrase(passphrase)
    private_key = Ed25519PrivateKey.generate()
    return seal(private_key, passphrase, cost=cost), private_key


def unseal(sealed: SealedKey, passphrase: str) -> Ed25519PrivateKey:
    """The private key inside `sealed`; WrongPassphrase when it does not open or does not
    belong to `sealed.public_key`. The caller applies throttling around this."""
    key = _derive(passphrase, sealed.kdf)
    try:
        raw = AESGCM(key).decrypt(sealed.nonce, sealed.ciphertext, _aad(sealed.public_key))
    except InvalidTag:
        raise WrongPassphrase() from None
    private_key = Ed25519PrivateKey.from_private_bytes(raw)
    if private_key.public_key().public_bytes_raw() != sealed.public_key:
        raise WrongPassphrase()
    return private_key


def change_passphrase(
    sealed: SealedKey, old: str, new: str, *, cost: tuple[int, int, int] | None = None
) -> SealedKey:
    """The same key sealed under `new`, with a fresh salt and nonce and the current cost."""
    check_passphrase(new)
    return seal(unseal(sealed, old), new, cost=cost)


def unlock_delay(failures: int) -> float:
    """Seconds to wait before the next attempt after `failures` wrong passphrases in a row."""
    if failures < 0:
        raise ValueError("failures cannot be negative")
    if failures < FREE_ATTEMPTS:
        return 0.0
    exponent = failures - FREE_ATTEMPTS
    if exponent >= 20:  # far past the cap; skip building a huge integer
        return MAX_UNLOCK_DELAY
    return min(float(2**exponent), MAX_UNLOCK_DELAY)


def check_unlock_allowed(failures: int, last_failure_at: float | None, now: float) -> None:
    """UnlockThrottled when the wait after the last failure has not passed yet.

    Times are seconds on one clock (e.g. UNIX time). A clock set back before the last failure
    allows the attempt: whoever controls the clock could as well set it forward."""
    delay = unlock_delay(failures)
    if delay == 0 or last_failure_at is None or now < last_failure_at:
        return
    remaining = last_failure_at + delay - now
    if remaining > 0:
        raise UnlockThrottled(remaining)
