"""`issuer init`, `issuer key rotate`, `issuer serve`."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from issuer.cli.common import command, group, open_database, out, say
from issuer.errors import BadInput, NotInitialised
from issuer.issuance import keys
from issuer.paths import data_dir, database_url, keys_dir
from issuer.services.setup import identity_for, initialise


def init(args: argparse.Namespace) -> int:
    identity = identity_for(args.domain, args.name, args.url, args.base_url)
    db = open_database(args, initialised=False)
    key_id, created = initialise(db, identity, keys_dir())
    result = {
        "did": identity.did,
        "domain": identity.domain,
        "baseUrl": identity.base_url,
        "database": db.display(),
        "keyId": key_id,
        "keyCreated": created,
    }
    if args.json:
        out(result)
    else:
        say(f"issuer {identity.did} ready in {db.display()}")
        say(f"signing key {key_id} ({'new' if created else 'already there'}) in {keys_dir()}")
    return 0


def key_rotate(args: argparse.Namespace) -> int:
    open_database(args)  # only an initialised issuer rotates
    store = keys.IssuerKeys(keys_dir())
    old = [key_id for key_id, _ in store.public_keys()]
    new = store.rotate(keys.passphrase())
    if args.json:
        out({"keyId": new, "retired": old})
    else:
        say(f"new signing key {new}; the DID document keeps the {len(old)} older one(s)")
    return 0


def serve(args: argparse.Namespace) -> int:
    if args.workers < 1 or not 0 < args.port < 65536 or args.requests_per_minute < 1:
        raise BadInput("--workers and --requests-per-minute are at least 1; --port 1 to 65535")
    if args.readers < 0:
        raise BadInput("--readers is 0 or more")
    import uvicorn

    from issuer.api.app import prepare

    url = database_url(getattr(args, "db", None))
    os.environ["ISSUER_DB"] = url  # the workers read their settings from the environment
    os.environ["ISSUER_DATA_DIR"] = str(data_dir())
    os.environ["ISSUER_REQUESTS_PER_MINUTE"] = str(args.requests_per_minute)
    os.environ["ISSUER_BATCH_READERS"] = str(args.readers)
    db = open_database(args, initialised=False)
    if db.is_sqlite and not Path(db.url.database or "").exists():
        raise NotInitialised(db.display())  # never a new, empty database under a mistyped --db
    prepare(db)  # migrate, unlock, settle: fail here, before forking workers
    uvicorn.run(
        "issuer.api.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="warning" if not args.access_log else "info",
        access_log=args.access_log,
        proxy_headers=True,
        server_header=False,
    )
    return 0


def register(sub: Any) -> None:
    cmd = command(
        sub,
        "init",
        init,
        "create the issuer: database, did:web identity and signing key",
        "ISSUER_KEY_PASSPHRASE=… issuer init --domain badges.example.org --name 'Example Training'",
    )
    cmd.add_argument(
        "--domain",
        required=True,
        metavar="HOST[:PORT]",
        help="where the public pages are served (the did:web)",
    )
    cmd.add_argument("--name", help="the organisation's name in credentials (default: the domain)")
    cmd.add_argument("--url", help="the organisation's home page (default: the base URL)")
    cmd.add_argument("--base-url", help="the public pages' URL (default: https://DOMAIN)")
    key = group(sub, "key", "the issuer's signing keys")
    command(
        key,
        "rotate",
        key_rotate,
        "make a new signing key; old ones stay in the DID document",
        "issuer key rotate",
    )
    cmd = command(
        sub,
        "serve",
        serve,
        "run the HTTP API and the public pages",
        "issuer serve --port 8443 --workers 2",
    )
    cmd.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; put a TLS proxy in front)",
    )
    cmd.add_argument("--port", type=int, default=8443)
    cmd.add_argument(
        "--workers", type=int, default=1, help="processes; with several, use PostgreSQL"
    )
    cmd.add_argument(
        "--requests-per-minute", type=int, default=600, help="per device (default 600)"
    )
    cmd.add_argument(
        "--readers",
        type=int,
        default=1,
        help="helper processes per worker that read and check batches (default 1; 0: none)",
    )
    cmd.add_argument("--access-log", action="store_true", help="log every request")
