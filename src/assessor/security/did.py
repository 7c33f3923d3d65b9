"""did:key identifiers for Ed25519 keys, resolved locally (no network, no DID documents)."""

from __future__ import annotations

from assessor.security.multibase import public_key_from_multibase, public_key_multibase

DID_KEY_PREFIX = "did:key:"


def did_key(public_key: bytes) -> str:
    """'did:key:z6Mk…' of a raw 32-byte Ed25519 public key."""
    return DID_KEY_PREFIX + public_key_multibase(public_key)


def public_key_from_did(did: str) -> bytes:
    """The raw 32-byte Ed25519 public key of a 'did:key:z6Mk…'; ValueError when it is not one."""
    if not isinstance(did, str) or not did.startswith(DID_KEY_PREFIX):
        raise ValueError("not a did:key (it must start with 'did:key:')")
    if "#" in did:
        raise ValueError("a DID has no '#fragment'; that is a verification method id")
    return public_key_from_multibase(did.removeprefix(DID_KEY_PREFIX))


def verification_method(public_key: bytes) -> str:
    """The did:key verification method id: 'did:key:z6Mk…#z6Mk…'."""
    multikey = public_key_multibase(public_key)
    return f"{DID_KEY_PREFIX}{multikey}#{multikey}"


def public_key_from_verification_method(vm: str) -> bytes:
    """The public key of a 'did:key:z6Mk…#z6Mk…' id whose fragment repeats the key."""
    if not isinstance(vm, str) or not vm.startswith(DID_KEY_PREFIX):
        raise ValueError("not a did:key verification method (it must start with 'did:key:')")
    did, sep, fragment = vm.partition("#")
    if not sep:
        raise ValueError("a did:key verification method ends with '#' and the key")
    public = public_key_from_did(did)
    if fragment != did.removeprefix(DID_KEY_PREFIX):
        raise ValueError("a did:key verification method's fragment repeats the key")
    return public
