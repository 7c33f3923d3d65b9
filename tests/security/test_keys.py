from __future__ import annotations

import base64
import dataclasses
import json

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from assessor.domain.errors import DomainError
from assessor.security import keys
from assessor.security.keys import (
    DEFAULT_KDF_COST,
    SealedKey,
    UnlockThrottled,
    WeakPassphrase,
    WrongPassphrase,
    change_passphrase,
    check_unlock_allowed,
    create_key,
    seal,
    unlock_delay,
    unseal,
)

CHEAP = (1, 1, 8)  # Argon2id's minimum: microseconds, not the real cost
PASS = "correct horse battery"


@pytest.fixture(scope="module")
def made() -> tuple[SealedKey, Ed25519PrivateKey]:
    return create_key(PASS, cost=CHEAP)


def raw(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes_raw()


def flip(data: bytes, index: int = 0) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


def test_round_trip_gives_back_the_same_key(made: tuple[SealedKey, Ed25519PrivateKey]) -> None:
    sealed, private_key = made
    assert sealed.public_key == private_key.public_key().public_bytes_raw()
    opened = unseal(sealed, PASS)
    assert raw(opened) == raw(private_key)
    # The key inside really signs for the recorded public key.
    signature = opened.sign(b"message")
    private_key.public_key().verify(signature, b"message")


def test_each_seal_uses_fresh_salt_and_nonce() -> None:
    key = Ed25519PrivateKey.generate()
    a, b = seal(key, PASS, cost=CHEAP), seal(key, PASS, cost=CHEAP)
    assert a.kdf.salt != b.kdf.salt
    assert a.nonce != b.nonce
    assert a.ciphertext != b.ciphertext
    assert len(a.kdf.salt) == 16 and len(a.nonce) == 12


def test_wrong_passphrase(made: tuple[SealedKey, Ed25519PrivateKey]) -> None:
    sealed, _ = made
    with pytest.raises(WrongPassphrase) as caught:
        unseal(sealed, PASS + "!")
    assert isinstance(caught.value, DomainError)
    assert caught.value.code == "wrong-passphrase"
    assert caught.value.message == "wrong passphrase"
    with pytest.raises(WrongPassphrase):
        unseal(sealed, "")


@pytest.mark.parametrize("field", ["ciphertext", "nonce", "public_key", "salt"])
def test_tampering_with_any_part_fails_as_wrong_passphrase(
    made: tuple[SealedKey, Ed25519PrivateKey], field: str
) -> None:
    sealed, _ = made
    if field == "salt":
        tampered = dataclasses.replace(
            sealed, kdf=dataclasses.replace(sealed.kdf, salt=flip(sealed.kdf.salt))
        )
    elif field == "public_key":  # another usable key (a flipped bit is often off the curve)
        other = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
        tampered = dataclasses.replace(sealed, public_key=other)
    else:
        tampered = dataclasses.replace(sealed, **{field: flip(getattr(sealed, field), 5)})
    with pytest.raises(WrongPassphrase):
        unseal(tampered, PASS)


def test_tampered_cost_fails(made: tuple[SealedKey, Ed25519PrivateKey]) -> None:
    sealed, _ = made
    tampered = dataclasses.replace(sealed, kdf=dataclasses.replace(sealed.kdf, iterations=2))
    with pytest.raises(WrongPassphrase):
        unseal(tampered, PASS)


def test_sealed_keys_cannot_be_swapped_between_profiles() -> None:
    alice, _ = create_key(PASS, cost=CHEAP)
    bob, _ = create_key(PASS, cost=CHEAP)
    # Bob's encrypted key under Alice's public key (same passphrase, even).
    swapped = dataclasses.replace(bob, public_key=alice.public_key)
    with pytest.raises(WrongPassphrase):
        unseal(swapped, PASS)


def test_ciphertext_is_bound_to_the_public_key() -> None:
    sealed, private_key = create_key(PASS, cost=CHEAP)
    key = keys._derive(PASS, sealed.kdf)
    with pytest.raises(InvalidTag):
        AESGCM(key).decrypt(sealed.nonce, sealed.ciphertext, None)
    aad = keys._aad(sealed.public_key)
    assert sealed.public_key in aad
    assert AESGCM(key).decrypt(sealed.nonce, sealed.ciphertext, aad) == raw(private_key)


def test_decrypted_key_must_match_public_key() -> None:
    # Authentic ciphertext over a different key (as a buggy writer could produce): the
    # public-key check, not only the AEAD tag, must catch it.
    other = Ed25519PrivateKey.generate()
    sealed, _ = create_key(PASS, cost=CHEAP)
    key = keys._derive(PASS, sealed.kdf)
    ciphertext = AESGCM(key).encrypt(sealed.nonce, raw(other), keys._aad(sealed.public_key))
    with pytest.raises(WrongPassphrase):
        unseal(dataclasses.replace(sealed, ciphertext=ciphertext), PASS)


def test_recorded_params_are_honoured_after_default_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sealed, private_key = create_key(PASS, cost=(2, 2, 64))
    assert (sealed.kdf.iterations, sealed.kdf.lanes, sealed.kdf.memory_cost) == (2, 2, 64)
    text = sealed.to_json()
    monkeypatch.setattr(keys, "DEFAULT_KDF_COST", (1, 1, 8))
    assert keys.KdfParams.fresh().memory_cost == 8  # the default did change
    assert raw(unseal(SealedKey.from_json(text), PASS)) == raw(private_key)


def test_default_cost_is_used_and_opens() -> None:
    # The one test at the real cost (a few hundred ms per derivation).
    sealed, private_key = create_key(PASS)
    assert (sealed.kdf.iterations, sealed.kdf.lanes, sealed.kdf.memory_cost) == DEFAULT_KDF_COST
    assert DEFAULT_KDF_COST[1] <= 4 and DEFAULT_KDF_COST[2] >= 64 * 1024
    assert raw(unseal(sealed, PASS)) == raw(private_key)


def test_json_round_trip_and_shape(made: tuple[SealedKey, Ed25519PrivateKey]) -> None:
    sealed, _ = made
    text = sealed.to_json()
    assert SealedKey.from_json(text) == sealed
    doc = json.loads(text)
    assert doc["v"] == 1 and doc["alg"] == "A256GCM"
    assert doc["kdf"] == {
        "alg": "argon2id",
        "salt": base64.urlsafe_b64encode(sealed.kdf.salt).rstrip(b"=").decode(),
        "iterations": 1,
        "lanes": 1,
        "memory_cost": 8,
    }
    for field in ("public_key", "nonce", "ciphertext"):
        assert "=" not in doc[field]
        assert base64.urlsafe_b64decode(doc[field] + "==") == getattr(sealed, field)


def _mutated(text: str, path: str, value: object) -> str:
    doc = json.loads(text)
    *parents, last = path.split(".")
    target = doc
    for part in parents:
        target = target[part]
    if value is _DELETE:
        del target[last]
    else:
        target[last] = value
    return json.dumps(doc)


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "named"),
    [
        ("v", 2, "v:"),
        ("v", True, "v:"),
        ("alg", "A128GCM", "alg:"),
        ("kdf.alg", "scrypt", "kdf.alg:"),
        ("kdf", "argon2id", "kdf:"),
        ("kdf.salt", "c2FsdA", "kdf.salt:"),  # 4 bytes: too short
        ("kdf.salt", "not base64!", "kdf.salt:"),
        ("kdf.salt", "AAAAAAAAAAAAAAAAAAAAAA==", "kdf.salt:"),  # padded
        ("kdf.iterations", "1", "kdf.iterations:"),
        ("kdf.iterations", 0, "kdf.iterations:"),
        ("kdf.lanes", True, "kdf.lanes:"),
        ("kdf.memory_cost", 4, "kdf.memory_cost:"),  # under 8 KiB per lane
        ("kdf.memory_cost", 1 << 40, "kdf.memory_cost:"),  # a tampered, absurd cost
        ("kdf.iterations", _DELETE, "kdf.iterations: missing"),
        ("kdf.pepper", "x", "kdf.pepper: unknown field"),
        ("nonce", "AAAA", "nonce:"),  # 3 bytes
        ("nonce", 12, "nonce:"),
        ("ciphertext", _DELETE, "ciphertext: missing"),
        ("public_key", "A" * 42 + "B", "public_key:"),  # stray bits: not canonical
        ("extra", 1, "extra: unknown field"),
    ],
)
def test_from_json_refuses_malformed_input_naming_the_field(
    made: tuple[SealedKey, Ed25519PrivateKey], path: str, value: object, named: str
) -> None:
    text = _mutated(made[0].to_json(), path, value)
    with pytest.raises(ValueError) as caught:
        SealedKey.from_json(text)
    assert named in str(caught.value)


@pytest.mark.parametrize(
    "text", ["", "[]", "null", '{"v":1', '{"v":1,"v":1}', '{"v":1.0}'], ids=repr
)
def test_from_json_refuses_non_documents(text: str) -> None:
    with pytest.raises(ValueError):
        SealedKey.from_json(text)


def test_repr_leaks_nothing(made: tuple[SealedKey, Ed25519PrivateKey]) -> None:
    sealed, private_key = made
    shown = repr(sealed) + str(sealed) + repr(sealed.kdf)
    secrets = [raw(private_key), sealed.ciphertext, sealed.nonce, sealed.kdf.salt]
    for secret in secrets:
        for form in (
            repr(secret),
            secret.hex(),
            base64.urlsafe_b64encode(secret).rstrip(b"=").decode(),
            base64.b64encode(secret).rstrip(b"=").decode(),
        ):
            assert form[2:-1] not in shown
    assert "argon2id" in shown and "memory_cost=8" in shown


def test_errors_never_carry_the_passphrase(made: tuple[SealedKey, Ed25519PrivateKey]) -> None:
    sealed, _ = made
    attempt = "hunter2-typed-wrong"
    with pytest.raises(WrongPassphrase) as wrong:
        unseal(sealed, attempt)
    with pytest.raises(WeakPassphrase) as weak:
        create_key("short1", cost=CHEAP)
    for exc in (wrong.value, weak.value):
        assert attempt not in str(exc) and "short1" not in str(exc)
        assert (exc.__cause__ is None and exc.__context__ is None) or "InvalidTag" in repr(
            exc.__context__
        )


def test_change_passphrase(made: tuple[SealedKey, Ed25519PrivateKey]) -> None:
    sealed, private_key = made
    changed = change_passphrase(sealed, PASS, "a new passphrase", cost=CHEAP)
    assert changed.public_key == sealed.public_key
    assert changed.kdf.salt != sealed.kdf.salt
    assert raw(unseal(changed, "a new passphrase")) == raw(private_key)
    with pytest.raises(WrongPassphrase):
        unseal(changed, PASS)
    with pytest.raises(WrongPassphrase):
        change_passphrase(sealed, "not the old one", "a new passphrase", cost=CHEAP)
    with pytest.raises(WeakPassphrase):
        change_passphrase(sealed, PASS, "short", cost=CHEAP)


def test_change_passphrase_moves_to_the_given_cost(
    made: tuple[SealedKey, Ed25519PrivateKey],
) -> None:
    changed = change_passphrase(made[0], PASS, PASS, cost=(2, 1, 16))
    assert (changed.kdf.iterations, changed.kdf.lanes, changed.kdf.memory_cost) == (2, 1, 16)


@pytest.mark.parametrize("passphrase", ["", "1234567", " " * 7, "\u00e9" * 7])
def test_weak_passphrase_refused(passphrase: str) -> None:
    with pytest.raises(WeakPassphrase) as caught:
        create_key(passphrase, cost=CHEAP)
    assert isinstance(caught.value, DomainError)
    assert caught.value.code == "weak-passphrase"


def test_eight_characters_is_enough_and_unicode_is_normalized() -> None:
    sealed, private_key = create_key("12345678", cost=CHEAP)
    assert raw(unseal(sealed, "12345678")) == raw(private_key)
    # "é" typed precomposed, then as e + combining acute: the same passphrase.
    composed, decomposed = "caf\u00e9 au lait", "cafe\u0301 au lait"
    sealed, private_key = create_key(composed, cost=CHEAP)
    assert raw(unseal(sealed, decomposed)) == raw(private_key)


@pytest.mark.parametrize(
    ("failures", "delay"),
    [(0, 0), (1, 0), (4, 0), (5, 1), (6, 2), (7, 4), (8, 8), (14, 512), (15, 900), (10**9, 900)],
)
def test_unlock_delay_table(failures: int, delay: float) -> None:
    assert unlock_delay(failures) == delay


def test_unlock_delay_refuses_negative() -> None:
    with pytest.raises(ValueError):
        unlock_delay(-1)


def test_check_unlock_allowed() -> None:
    check_unlock_allowed(4, 1000.0, 1000.0)  # free attempts
    check_unlock_allowed(8, None, 1000.0)  # no failure time recorded
    check_unlock_allowed(8, 1000.0, 1008.0)  # waited the full 8 s
    with pytest.raises(UnlockThrottled) as caught:
        check_unlock_allowed(8, 1000.0, 1000.5)
    assert caught.value.message == "too many wrong passphrases; try again in 8 s"
    assert caught.value.retry_after == pytest.approx(7.5)
    assert caught.value.code == "unlock-throttled"
    with pytest.raises(UnlockThrottled) as caught:
        check_unlock_allowed(20, 1000.0, 1000.0)
    assert caught.value.message == "too many wrong passphrases; try again in 15 min"
    check_unlock_allowed(20, 1000.0, 999.0)  # clock set back: not held hostage
