"""`issuer credential list|revoke`."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from issuer.cli.common import command, group, open_database, out, say, table
from issuer.errors import BadInput, NotFound
from issuer.paths import keys_dir
from issuer.services.credentials import Identity, IssuingService, status_of
from issuer.store import models as m
from issuer.store.db import Database


def issuing(db: Database, folder: Path | None = None) -> IssuingService:
    with db.read() as session:
        identity = Identity.load(session)
    return IssuingService(identity, folder or keys_dir())


def credential_list(args: argparse.Namespace) -> int:
    db = open_database(args)
    service = issuing(db)
    now = datetime.now(UTC)
    with db.read() as session:
        rows: list[dict[str, Any]] = [
            {
                "id": row.id,
                "url": service.credential_url(row.id),
                "achievement": row.achievement_id,
                "learner": row.learner_id,
                "status": status_of(row, now).value,
                "renews": row.renews_id,
            }
            for row in session.scalars(
                select(m.Credential).order_by(m.Credential.issued_at, m.Credential.id)
            )
        ]
    if args.json:
        out([{k: r[k] for k in ("id", "url", "achievement", "learner", "status")} for r in rows])
    else:
        table(
            [[r["id"], r["achievement"], r["learner"], r["status"]] for r in rows],
            ["id", "achievement", "learner", "status"],
        )
    return 0


def credential_revoke(args: argparse.Namespace) -> int:
    reason = " ".join(args.reason.split())
    if not reason:
        raise BadInput("--reason: say why (it is kept with the credential)")
    db = open_database(args)
    service = issuing(db)
    with db.write() as session:
        row = session.get(m.Credential, args.id)
        if row is None:
            raise NotFound(f"no credential '{args.id}'; see issuer credential list")
        already = row.revoked_at is not None
        service.revoke(session, row, reason, datetime.now(UTC))
    if args.json:
        out({"id": args.id, "status": "revoked", "alreadyRevoked": already})
    else:
        say(
            f"{args.id}: {'was already revoked' if already else 'revoked'}; "
            f"status list {row.status_list_id} republished"
        )
    return 0


def register(sub: Any) -> None:
    creds = group(sub, "credential", "issued credentials")
    command(
        creds, "list", credential_list, "list issued credentials", "issuer credential list --json"
    )
    cmd = command(
        creds,
        "revoke",
        credential_revoke,
        "revoke a credential (its status list bit is set)",
        "issuer credential revoke 0193… --reason 'issued in error'",
    )
    cmd.add_argument("id", metavar="ID")
    cmd.add_argument("--reason", required=True)
