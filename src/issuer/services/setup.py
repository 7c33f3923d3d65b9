"""`issuer init`: the database at the head schema, the issuer's identity (did:web) and its
first signing key, sealed under the passphrase ($ISSUER_KEY_PASSPHRASE or the keyring)."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from issuer.errors import BadInput, NotInitialised
from issuer.issuance import did_web, keys
from issuer.services.credentials import Identity
from issuer.store import models as m
from issuer.store.db import Database
from issuer.store.migrate import current_revision, head_revision, upgrade

_URL = re.compile(r"https?://[^\s/?#]+(/[^\s?#]*)?\Z")


def identity_for(domain: str, name: str | None, url: str | None, base_url: str | None) -> Identity:
    """Checks every option before anything is written."""
    try:
        did = did_web.did_for(domain)
    except did_web.DidError as exc:
        raise BadInput(f"--domain: {exc}") from None
    host = domain.strip().lower()
    base = (base_url or f"https://{host}").rstrip("/")
    for option, value in (("--base-url", base), ("--url", url)):
        if value is not None and not _URL.match(value):
            raise BadInput(f"{option}: '{value}' is not an http(s) URL")
    display = (name or host).strip()
    if not display:
        raise BadInput("--name: must not be blank")
    return Identity(host, did, display, url or base, base)


def initialise(
    db: Database, identity: Identity, keys_folder: Path, passphrase: str | None = None
) -> tuple[str, bool]:
    """Create the schema, record the identity and make the first key, sealed under
    `passphrase` (None: the environment's or the keyring's). (key id, new key)."""
    secret = passphrase or keys.passphrase()  # before any write: no passphrase, nothing made
    upgrade(db)
    with db.read() as session:
        existing = session.scalar(select(m.Setting.value).where(m.Setting.key == "did"))
    if existing is not None:
        raise BadInput(f"{db.display()} already holds the issuer {existing}")
    store = keys.IssuerKeys(keys_folder)
    created = not store.exists()
    key_id = store.create(secret) if created else store.current(secret)[0]
    with db.write() as session:
        for key, value in (
            ("domain", identity.domain),
            ("did", identity.did),
            ("name", identity.name),
            ("url", identity.url),
            ("base_url", identity.base_url),
        ):
            session.add(m.Setting(key=key, value=value))
        if session.get(m.FeedCounter, 1) is None:
            session.add(m.FeedCounter(id=1, last=0))
    return key_id, created


def open_initialised(url: str) -> Database:
    """The database at `url`, which `issuer init` made and which is at the head schema; else
    `NotInitialised` or `BadInput` (a mistyped URL must not become a new, empty issuer)."""
    db = Database(url)
    try:
        if db.is_sqlite and not Path(db.url.database or "").exists():
            raise NotInitialised(db.display())
        try:
            revision = current_revision(db)
            with db.read() as session:
                did = session.get(m.Setting, "did") if revision else None
        except OperationalError as exc:
            raise BadInput(f"cannot open the database {db.display()}: {_words(exc)}") from None
        if did is None:
            raise NotInitialised(db.display())
        if revision != head_revision():
            raise BadInput(
                f"the database {db.display()} is at schema {revision}, this issuer needs "
                f"{head_revision()}; run 'issuer serve' once (it migrates) or 'issuer init'"
            )
    except BaseException:
        db.close()
        raise
    return db


def _words(exc: OperationalError) -> str:
    text = str(exc.orig) if exc.orig is not None else str(exc)
    return " ".join(text.split())[:300]
