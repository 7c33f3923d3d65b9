"""`issuer person add`, `issuer enrolment create`, `issuer device list|revoke`."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from issuer.cli.common import command, group, open_database, out, say, table
from issuer.services.people import ROLES, add_person, create_code, revoke_device, roles_of
from issuer.store import models as m


def person_add(args: argparse.Namespace) -> int:
    db = open_database(args)
    with db.write() as session:
        person = add_person(session, args.name, args.role)
        roles = sorted(roles_of(session, person.id))
    if args.json:
        out({"id": person.id, "name": person.name, "roles": roles})
    else:
        say(f"{person.name}: {', '.join(roles)}")
    return 0


def enrolment_create(args: argparse.Namespace) -> int:
    db = open_database(args)
    with db.write() as session:
        code, expires = create_code(session, args.person, args.role, datetime.now(UTC))
    stamp = expires.replace(microsecond=0).isoformat().replace("+00:00", "Z")
    if args.json:
        out({"code": code, "person": args.person, "role": args.role, "expiresAt": stamp})
    else:
        say(f"enrolment code for {args.person} as {args.role}: {code}")
        say(f"one use, valid until {stamp}; only its hash is kept, so note it now")
    return 0


def device_list(args: argparse.Namespace) -> int:
    db = open_database(args)
    with db.read() as session:
        rows = session.execute(
            select(m.Device, m.Person.name)
            .join(m.Person, m.Person.id == m.Device.person_id)
            .order_by(m.Device.enrolled_at)
        ).all()
        found: list[dict[str, Any]] = []
        for device, name in rows:
            roles = session.scalars(
                select(m.DeviceRole.role).where(m.DeviceRole.device_id == device.id)
            )
            found.append(
                {
                    "id": device.id,
                    "key": device.did,
                    "person": name,
                    "roles": sorted(roles),
                    "label": device.label,
                    "status": "revoked" if device.revoked_at else "active",
                }
            )
    if args.json:
        out(found)
    else:
        table(
            [[d["id"], d["person"], " ".join(d["roles"]), d["status"], d["key"]] for d in found],
            ["id", "person", "roles", "status", "key"],
        )
    return 0


def device_revoke(args: argparse.Namespace) -> int:
    db = open_database(args)
    with db.write() as session:
        device = revoke_device(session, args.device, args.reason, datetime.now(UTC))
    if args.json:
        out({"id": device.id, "key": device.did, "status": "revoked"})
    else:
        say(f"revoked {device.did}: its tokens no longer work and its new records are refused")
    return 0


def register(sub: Any) -> None:
    people = group(sub, "person", "people and their roles")
    cmd = command(
        people,
        "add",
        person_add,
        "add a person, or roles to one",
        "issuer person add 'Ada Assessor' --role assessor",
    )
    cmd.add_argument("name", metavar="NAME")
    cmd.add_argument(
        "--role", action="append", required=True, choices=ROLES, help="repeat for several"
    )
    enrolments = group(sub, "enrolment", "one-time codes that enrol a desktop profile's key")
    cmd = command(
        enrolments,
        "create",
        enrolment_create,
        "make a one-time enrolment code, valid 24 hours",
        "issuer enrolment create --person 'Ada Assessor' --role assessor --json",
    )
    cmd.add_argument("--person", required=True, metavar="NAME")
    cmd.add_argument("--role", required=True, choices=ROLES)
    devices = group(sub, "device", "enrolled keys (devices)")
    command(devices, "list", device_list, "list enrolled keys", "issuer device list --json")
    cmd = command(
        devices,
        "revoke",
        device_revoke,
        "revoke an enrolled key and its tokens",
        "issuer device revoke did:key:z6Mk… --reason 'laptop lost'",
    )
    cmd.add_argument("device", metavar="ID_OR_KEY")
    cmd.add_argument("--reason", required=True)
