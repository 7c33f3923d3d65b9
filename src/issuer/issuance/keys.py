"""The issuer's Ed25519 signing keys, sealed on disk under a passphrase.

One file, `issuer-keys.json` (mode 0600, in a 0700 folder), holds every key the issuer has
had: the current one sealed with `assessor.security.keys` (Argon2id + AES-256-GCM, the same
format as a desktop profile's key), and the public part of each retired one, which the DID
document keeps listing so old credentials still verify. A rotation drops the old private key:
nothing can sign with it any more. Keys never go into the database and never sit on disk in
clear. The passphrase comes from `$ISSUER_KEY_PASSPHRASE` or the system keyring (plaintext
keyring backends are refused, as on the desktop).
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from assessor.domain.errors import DomainError
from assessor.security.canonical import StrictJSONError, loads_strict
from assessor.security.keys import SealedKey, check_passphrase, create_key, unseal
from assessor.security.multibase import public_key_from_multibase, public_key_multibase
from assessor.security.secrets import SecretStore

FILE_NAME = "issuer-keys.json"
FORMAT_VERSION = 1
PASSPHRASE_VARIABLE = "ISSUER_KEY_PASSPHRASE"  # noqa: S105 (a variable name)
KEYRING_SERVICE = "assessor-issuer"
KEYRING_ENTRY = "issuer-keys"


class IssuerKeyError(DomainError):
    """The key file is missing, unsafe, malformed, or the passphrase is absent."""

    code = "issuer-keys"


@dataclass(frozen=True)
class KeyInfo:
    key_id: str  # the verification method fragment: the Multikey 'z6Mk…'
    public_key: Ed25519PublicKey
    created: str
    retired: str | None  # when a rotation replaced it


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def key_id_for(public_key: Ed25519PublicKey) -> str:
    return public_key_multibase(public_key.public_bytes_raw())


class IssuerKeys:
    """The key file in `folder`. `cost` is the Argon2id cost for newly sealed keys (None: the
    desktop's default, ~0.4 s per unlock); tests pass a cheap one."""

    def __init__(self, folder: str | os.PathLike[str], *, cost: tuple[int, int, int] | None = None):
        self.folder = Path(folder)
        self.path = self.folder / FILE_NAME
        self._cost = cost

    # ---- reading -------------------------------------------------------------------------------

    def exists(self) -> bool:
        return self.path.exists()

    def _load(self) -> dict[str, Any]:
        try:
            info = self.path.lstat()
        except FileNotFoundError:
            raise IssuerKeyError(f"{self.path}: no issuer keys here; run `issuer init`") from None
        if not stat.S_ISREG(info.st_mode):
            raise IssuerKeyError(f"{self.path}: not a regular file")
        if info.st_mode & 0o077:
            raise IssuerKeyError(
                f"{self.path}: readable or writable by other users "
                f"(mode {stat.S_IMODE(info.st_mode):o}); run chmod 600 on it"
            )
        try:
            document = loads_strict(self.path.read_text(encoding="utf-8"), allow_decimals=False)
        except (StrictJSONError, UnicodeDecodeError, OSError) as exc:
            raise IssuerKeyError(f"{self.path}: not a valid key file ({exc})") from None
        return _check_document(document, self.path)

    def keys(self) -> list[KeyInfo]:
        """Every key, oldest first, public parts only (no passphrase needed)."""
        return [
            KeyInfo(
                key_id=entry["id"],
                public_key=Ed25519PublicKey.from_public_bytes(
                    public_key_from_multibase(entry["id"])
                ),
                created=entry["created"],
                retired=entry.get("retired"),
            )
            for entry in self._load()["keys"]
        ]

    def public_keys(self) -> list[tuple[str, Ed25519PublicKey]]:
        """(key id, public key) of every key, oldest first: what `did_document` lists."""
        return [(info.key_id, info.public_key) for info in self.keys()]

    def unlock(self, passphrase: str) -> list[tuple[str, Ed25519PrivateKey]]:
        """(key id, private key) of every key whose private part is kept: the current one.
        WrongPassphrase when the passphrase does not open it."""
        document = self._load()
        unlocked = []
        for entry in document["keys"]:
            if "sealed" in entry:
                sealed = SealedKey.from_json(json.dumps(entry["sealed"]))
                unlocked.append((entry["id"], unseal(sealed, passphrase)))
        return unlocked

    def current(self, passphrase: str) -> tuple[str, Ed25519PrivateKey]:
        """The key to sign with now: (key id, private key)."""
        document = self._load()
        for key_id, private_key in self.unlock(passphrase):
            if key_id == document["current"]:
                return key_id, private_key
        raise IssuerKeyError(f"{self.path}: the current key has no private part")

    # ---- writing -------------------------------------------------------------------------------

    def create(self, passphrase: str) -> str:
        """A first key, sealed under `passphrase`; its key id. IssuerKeyError when keys exist."""
        check_passphrase(passphrase)
        if self.path.exists():
            raise IssuerKeyError(f"{self.path}: issuer keys already exist; use `issuer key rotate`")
        key_id, entry = self._new_entry(passphrase)
        self._write({"v": FORMAT_VERSION, "current": key_id, "keys": [entry]}, new=True)
        return key_id

    def rotate(self, passphrase: str) -> str:
        """A new current key; the old one keeps only its public part. The passphrase must open
        the current key (so only its holder can rotate). Returns the new key id."""
        document = self._load()
        old_id, _ = self.current(passphrase)
        key_id, entry = self._new_entry(passphrase)
        when = _now()
        for old in document["keys"]:
            if old["id"] == old_id:
                old.pop("sealed", None)
                old["retired"] = when
        document["keys"].append(entry)
        document["current"] = key_id
        self._write(document, new=False)
        return key_id

    def _new_entry(self, passphrase: str) -> tuple[str, dict[str, Any]]:
        sealed, private_key = create_key(passphrase, cost=self._cost)
        key_id = key_id_for(private_key.public_key())
        return key_id, {"id": key_id, "created": _now(), "sealed": json.loads(sealed.to_json())}

    def _write(self, document: dict[str, Any], *, new: bool) -> None:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700)
        data = json.dumps(document, indent=2, sort_keys=True).encode("utf-8") + b"\n"
        temporary = self.path.with_name(f".{FILE_NAME}.{os.getpid()}.tmp")
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            if new:
                # link, not rename: two `issuer init` at once cannot both win.
                try:
                    os.link(temporary, self.path)
                except FileExistsError:
                    raise IssuerKeyError(f"{self.path}: issuer keys already exist") from None
            else:
                os.replace(temporary, self.path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
        directory = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def _check_document(document: object, path: Path) -> dict[str, Any]:
    def bad(what: str) -> IssuerKeyError:
        return IssuerKeyError(f"{path}: {what}")

    if not isinstance(document, dict) or set(document) != {"v", "current", "keys"}:
        raise bad("expected the fields v, current and keys")
    if document["v"] != FORMAT_VERSION or isinstance(document["v"], bool):
        raise bad(f"v: unsupported key file version (expected {FORMAT_VERSION})")
    keys = document["keys"]
    if not isinstance(keys, list) or not keys:
        raise bad("keys: at least one key")
    seen: set[str] = set()
    for index, entry in enumerate(keys):
        problem = _entry_problem(entry, seen)
        if problem:
            raise bad(f"keys[{index}]{problem}")
        seen.add(entry["id"])
    if document["current"] not in seen:
        raise bad("current: not one of the keys")
    current = next(entry for entry in keys if entry["id"] == document["current"])
    if "sealed" not in current or "retired" in current:
        raise bad("current: the current key must be sealed and not retired")
    return document


def _entry_problem(entry: object, seen: set[str]) -> str | None:
    """What is wrong with one entry of the key file (after its place), or None."""
    if not isinstance(entry, dict) or not {"id", "created"} <= set(entry) <= {
        "id", "created", "retired", "sealed"
    }:  # fmt: skip
        return ": expected id, created and sealed or retired"
    try:
        public = public_key_from_multibase(entry["id"])
    except ValueError as exc:
        return f".id: {exc}"
    if entry["id"] in seen:
        return ".id: appears twice"
    if "sealed" in entry:
        try:
            sealed = SealedKey.from_json(json.dumps(entry["sealed"]))
        except ValueError as exc:
            return f".sealed: {exc}"
        if sealed.public_key != public:
            return ".sealed: belongs to another key"
    return None


# ---- the passphrase ---------------------------------------------------------------------------


def passphrase(
    *, environ: Mapping[str, str] | None = None, store: SecretStore | None = None
) -> str:
    """The key passphrase: `$ISSUER_KEY_PASSPHRASE`, else the system keyring's entry (a
    plaintext keyring backend is refused). IssuerKeyError saying how to provide one."""
    env = os.environ if environ is None else environ
    value = env.get(PASSPHRASE_VARIABLE)
    if value:
        return value
    secrets = store if store is not None else SecretStore(service=KEYRING_SERVICE)
    remembered = secrets.unlock_secret(KEYRING_ENTRY)
    if remembered:
        return remembered
    raise IssuerKeyError(
        f"no key passphrase: set {PASSPHRASE_VARIABLE}, or store it in the system keyring "
        f"(service {KEYRING_SERVICE!r}, entry {KEYRING_ENTRY!r})"
    )


def remember_passphrase(secret: str, *, store: SecretStore | None = None) -> None:
    """Keep the passphrase in the system keyring (refused when the backend is plaintext)."""
    check_passphrase(secret)
    secrets = store if store is not None else SecretStore(service=KEYRING_SERVICE)
    secrets.remember_unlock(KEYRING_ENTRY, secret)
