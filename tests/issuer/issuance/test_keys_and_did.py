"""The issuer's did:web, DID document and sealed signing keys."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import keyring
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from keyrings.alt.file import PlaintextKeyring

from assessor.security.keys import WeakPassphrase, WrongPassphrase
from assessor.security.secrets import InsecureKeyring, MemoryKeyring, SecretStore
from issuer.issuance import did_web, keys, rdfc
from issuer.issuance.credential import build_credential
from tests.issuer.issuance import factory

CHEAP = (1, 1, 8)  # Argon2id cost for tests
PASSPHRASE = "correct horse battery staple"


# ---- did:web -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("domain", "did", "url"),
    [
        (
            "badges.example.org",
            "did:web:badges.example.org",
            "https://badges.example.org/.well-known/did.json",
        ),
        (
            "Badges.Example.ORG",
            "did:web:badges.example.org",
            "https://badges.example.org/.well-known/did.json",
        ),
        (
            "127.0.0.1:8443",
            "did:web:127.0.0.1%3A8443",
            "https://127.0.0.1:8443/.well-known/did.json",
        ),
        (
            "localhost:9000",
            "did:web:localhost%3A9000",
            "https://localhost:9000/.well-known/did.json",
        ),
    ],
)
def test_did_for_a_domain(domain: str, did: str, url: str) -> None:
    assert did_web.did_for(domain) == did
    assert did_web.did_document_url(did) == url


@pytest.mark.parametrize(
    "domain", ["", "a b", "host:0", "host:65536", "-x.org", "a..b", "x.org/path", "ü.org"]
)
def test_did_for_refuses_what_is_not_host_and_port(domain: str) -> None:
    with pytest.raises(did_web.DidError, match="domain"):
        did_web.did_for(domain)


def _keys(count: int) -> list[tuple[str, Ed25519PrivateKey]]:
    found = []
    for _ in range(count):
        private = Ed25519PrivateKey.generate()
        found.append((keys.key_id_for(private.public_key()), private))
    return found


def test_the_did_document_lists_every_key_as_an_assertion_method() -> None:
    did = did_web.did_for("badges.example.org")
    pairs = _keys(3)
    document = did_web.did_document(did, [(k, p.public_key()) for k, p in pairs])
    assert document["@context"] == [
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/multikey/v1",
    ]
    assert document["id"] == did
    ids = [f"{did}#{k}" for k, _ in pairs]
    assert [m["id"] for m in document["verificationMethod"]] == ids
    assert document["assertionMethod"] == ids
    for method, (key_id, _) in zip(document["verificationMethod"], pairs, strict=True):
        assert method == {
            "id": f"{did}#{key_id}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key_id,
        }
        assert key_id.startswith("z6Mk")


def test_a_credential_signed_with_an_old_key_still_verifies_after_rotation() -> None:
    did = did_web.did_for("badges.example.org")
    (old_id, old), (new_id, new) = _keys(2)
    inputs = factory.plain(issuer=factory.plain().issuer)
    unsigned = build_credential(inputs)
    old_signed = rdfc.sign(unsigned, old, f"{did}#{old_id}", factory.CREATED)
    new_signed = rdfc.sign(unsigned, new, f"{did}#{new_id}", factory.CREATED)
    after = did_web.did_document(did, [(old_id, old.public_key()), (new_id, new.public_key())])
    resolve = did_web.key_resolver(after)
    assert rdfc.verify(old_signed, resolve).verification_method == f"{did}#{old_id}"
    assert rdfc.verify(new_signed, resolve).verification_method == f"{did}#{new_id}"
    # A document that dropped the old key no longer vouches for it.
    only_new = did_web.did_document(did, [(new_id, new.public_key())])
    with pytest.raises(rdfc.ProofInvalid, match="not an assertion method"):
        rdfc.verify(old_signed, did_web.key_resolver(only_new))


def test_the_resolver_refuses_keys_not_listed_for_assertion_or_of_another_controller() -> None:
    did = "did:web:badges.example.org"
    ((key_id, private),) = _keys(1)
    document = did_web.did_document(did, [(key_id, private.public_key())])
    method = f"{did}#{key_id}"
    resolve = did_web.key_resolver(document)
    assert resolve(method).public_bytes_raw() == private.public_key().public_bytes_raw()
    with pytest.raises(did_web.DidError, match="not an assertion method"):
        resolve(f"{did}#other")
    document["verificationMethod"][0]["controller"] = "did:web:attacker.example"
    with pytest.raises(did_web.DidError, match="controlled by"):
        did_web.key_resolver(document)(method)
    document["verificationMethod"][0]["controller"] = did
    document["assertionMethod"] = []
    with pytest.raises(did_web.DidError, match="not an assertion method"):
        did_web.key_resolver(document)(method)


# ---- sealed keys ---------------------------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_create_unlock_and_sign(tmp_path: Path) -> None:
    store = keys.IssuerKeys(tmp_path / "keys", cost=CHEAP)
    key_id = store.create(PASSPHRASE)
    assert _mode(store.path) == 0o600
    assert _mode(store.folder) == 0o700
    current_id, private = store.current(PASSPHRASE)
    assert current_id == key_id == keys.key_id_for(private.public_key())
    assert [k for k, _ in store.public_keys()] == [key_id]
    assert store.unlock(PASSPHRASE)[0][0] == key_id


def test_the_private_key_is_never_on_disk_in_clear(tmp_path: Path) -> None:
    store = keys.IssuerKeys(tmp_path, cost=CHEAP)
    store.create(PASSPHRASE)
    _, private = store.current(PASSPHRASE)
    raw = private.private_bytes_raw()
    text = store.path.read_bytes()
    import base64

    for form in (
        raw,
        raw.hex().encode(),
        base64.b64encode(raw),
        base64.urlsafe_b64encode(raw).rstrip(b"="),
    ):
        assert form not in text
    assert PASSPHRASE.encode() not in text


def test_a_wrong_passphrase_opens_nothing(tmp_path: Path) -> None:
    store = keys.IssuerKeys(tmp_path, cost=CHEAP)
    store.create(PASSPHRASE)
    with pytest.raises(WrongPassphrase):
        store.current("not the passphrase")
    with pytest.raises(WrongPassphrase):
        store.rotate("not the passphrase")
    assert len(store.keys()) == 1


def test_a_weak_passphrase_or_existing_keys_are_refused(tmp_path: Path) -> None:
    store = keys.IssuerKeys(tmp_path, cost=CHEAP)
    with pytest.raises(WeakPassphrase):
        store.create("short")
    assert not store.exists()
    store.create(PASSPHRASE)
    before = store.path.read_bytes()
    with pytest.raises(keys.IssuerKeyError, match="already exist"):
        store.create(PASSPHRASE)
    assert store.path.read_bytes() == before


def test_rotation_keeps_old_public_keys_and_drops_old_private_ones(tmp_path: Path) -> None:
    store = keys.IssuerKeys(tmp_path, cost=CHEAP)
    first = store.create(PASSPHRASE)
    second = store.rotate(PASSPHRASE)
    third = store.rotate(PASSPHRASE)
    assert len({first, second, third}) == 3
    assert [k for k, _ in store.public_keys()] == [first, second, third]
    assert [k for k, _ in store.unlock(PASSPHRASE)] == [third]
    assert store.current(PASSPHRASE)[0] == third
    info = store.keys()
    assert info[0].retired is not None and info[1].retired is not None and info[2].retired is None
    document = json.loads(store.path.read_text())
    assert ["sealed" in entry for entry in document["keys"]] == [False, False, True]
    assert _mode(store.path) == 0o600


def test_a_key_file_others_can_read_is_refused(tmp_path: Path) -> None:
    store = keys.IssuerKeys(tmp_path, cost=CHEAP)
    store.create(PASSPHRASE)
    os.chmod(store.path, 0o644)
    with pytest.raises(keys.IssuerKeyError, match="chmod 600"):
        store.current(PASSPHRASE)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(v=2), "unsupported"),
        (lambda d: d.update(current="z6MkNotAKey"), "current"),
        (lambda d: d["keys"][0].update(id="z6Mkxyz"), "keys\\[0\\].id"),
        (lambda d: d["keys"][0]["sealed"].update(ciphertext="AAAA"), "keys\\[0\\].sealed"),
        (lambda d: d["keys"].append(dict(d["keys"][0])), "appears twice"),
    ],
)
def test_a_damaged_key_file_is_named(tmp_path: Path, change: object, message: str) -> None:
    store = keys.IssuerKeys(tmp_path, cost=CHEAP)
    store.create(PASSPHRASE)
    document = json.loads(store.path.read_text())
    change(document)  # type: ignore[operator]
    store.path.write_text(json.dumps(document))
    with pytest.raises(keys.IssuerKeyError, match=message):
        store.keys()


def test_a_sealed_key_moved_onto_another_entry_is_refused(tmp_path: Path) -> None:
    one = keys.IssuerKeys(tmp_path / "one", cost=CHEAP)
    two = keys.IssuerKeys(tmp_path / "two", cost=CHEAP)
    one.create(PASSPHRASE)
    two.create(PASSPHRASE)
    document = json.loads(one.path.read_text())
    document["keys"][0]["sealed"] = json.loads(two.path.read_text())["keys"][0]["sealed"]
    one.path.write_text(json.dumps(document))
    with pytest.raises(keys.IssuerKeyError, match="belongs to another key"):
        one.current(PASSPHRASE)


def test_missing_keys_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(keys.IssuerKeyError, match="issuer init"):
        keys.IssuerKeys(tmp_path).public_keys()


# ---- the passphrase ------------------------------------------------------------------------------


def test_the_passphrase_comes_from_the_environment_first() -> None:
    store = SecretStore(MemoryKeyring(), service=keys.KEYRING_SERVICE)
    store.remember_unlock(keys.KEYRING_ENTRY, "from the keyring")
    environ = {keys.PASSPHRASE_VARIABLE: "from the environment"}
    assert keys.passphrase(environ=environ, store=store) == "from the environment"
    assert keys.passphrase(environ={}, store=store) == "from the keyring"


def test_remembered_passphrase_round_trips_through_the_keyring() -> None:
    store = SecretStore(MemoryKeyring(), service=keys.KEYRING_SERVICE)
    keys.remember_passphrase(PASSPHRASE, store=store)
    assert keys.passphrase(environ={}, store=store) == PASSPHRASE


def test_no_passphrase_says_how_to_give_one() -> None:
    store = SecretStore(MemoryKeyring(), service=keys.KEYRING_SERVICE)
    with pytest.raises(keys.IssuerKeyError, match="ISSUER_KEY_PASSPHRASE"):
        keys.passphrase(environ={}, store=store)


def test_a_plaintext_keyring_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    # As `keyring.set_keyring(PlaintextKeyring())` would, undone after the test.
    monkeypatch.setattr(keyring.core, "_keyring_backend", PlaintextKeyring())
    with pytest.raises(InsecureKeyring, match="keeps secrets in a file"):
        keys.passphrase(environ={})
    with pytest.raises(InsecureKeyring):
        keys.remember_passphrase(PASSPHRASE)
    assert list(tmp_path.rglob("*")) == []
