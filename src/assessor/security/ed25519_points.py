"""Which 32-byte strings may serve as an Ed25519 public key.

A key must be the canonical encoding (RFC 8032 §5.1.3) of a point on the curve that is not of
small order. The identity point, with a signature whose R is the identity and S = 0, verifies
any message under OpenSSL's checks; the other seven torsion points allow similar forgeries.
Honest keys are [a]B for a secret a, never any of these, so refusing them costs nothing.
Checked wherever a key is read (did:key, Multikey, sealed keys, rosters).
"""

from __future__ import annotations

from functools import lru_cache

_P = 2**255 - 19
_D = (-121665 * pow(121666, _P - 2, _P)) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)
_IDENTITY = (0, 1)

Point = tuple[int, int]


def _add(a: Point, b: Point) -> Point:
    """Affine addition on -x² + y² = 1 + d x² y² (complete: d is not a square)."""
    (x1, y1), (x2, y2) = a, b
    t = _D * x1 * x2 * y1 * y2 % _P
    x3 = (x1 * y2 + y1 * x2) * pow(1 + t, _P - 2, _P) % _P
    y3 = (y1 * y2 + x1 * x2) * pow(1 - t, _P - 2, _P) % _P
    return x3, y3


def _decode(raw: bytes) -> Point:
    """The point a canonical encoding names; ValueError when it names none or is not the
    canonical encoding of its point."""
    value = int.from_bytes(raw, "little")
    sign, y = value >> 255, value & ((1 << 255) - 1)
    if y >= _P:
        raise ValueError("it is not a canonical encoding (y is not reduced)")
    u, v = (y * y - 1) % _P, (_D * y * y + 1) % _P
    x2 = u * pow(v, _P - 2, _P) % _P
    if x2 == 0:
        if sign:
            raise ValueError("it is not a canonical encoding (negative zero)")
        return 0, y
    x = pow(x2, (_P + 3) // 8, _P)
    if x * x % _P != x2:
        x = x * _SQRT_M1 % _P
    if x * x % _P != x2:
        raise ValueError("it is not a point on the curve")
    if x & 1 != sign:
        x = _P - x
    return x, y


@lru_cache(maxsize=256)
def _problem(raw: bytes) -> str | None:
    try:
        point = _decode(raw)
    except ValueError as exc:
        return str(exc)
    eight = point
    for _ in range(3):
        eight = _add(eight, eight)
    if eight == _IDENTITY:
        return "it is a point of small order, which would verify forged signatures"
    return None


def check_public_key(raw: bytes) -> bytes:
    """`raw` when it is a usable Ed25519 public key; ValueError saying why not."""
    if not isinstance(raw, bytes) or len(raw) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    problem = _problem(raw)
    if problem:
        raise ValueError(f"not a usable Ed25519 public key: {problem}")
    return raw
