"""Commands for identity and integrity: profiles, signed records, `verify`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from assessor.cli.common import (
    UsageError,
    add_output,
    command,
    identifier,
    open_db,
    read_input,
    read_passphrase,
)
from assessor.cli.text import out, say, table
from assessor.domain.errors import ValidationFailed
from assessor.domain.roles import PROFILE_ROLES
from assessor.services import profiles, records, verify


def cmd_profile_create(args: argparse.Namespace) -> int:
    if not args.passphrase_stdin:
        raise UsageError("give the passphrase on standard input with --passphrase-stdin")
    profiles.profile_name(args.name)  # a name that will be refused creates no folder
    passphrase = read_passphrase(args.name)
    with open_db(args) as db:
        info = profiles.create_profile(db, args.name, args.role, passphrase)
    if args.json:
        out(info.to_json())
    else:
        say(f"Created profile {info.name} ({', '.join(info.roles)})", f"  {info.did}")
    return 0


def cmd_profile_list(args: argparse.Namespace) -> int:
    with open_db(args, create=False) as db:
        infos = profiles.list_profiles(db)
    if args.json:
        out([i.to_json() for i in infos])
    else:
        table(
            [(i.name, " ".join(i.roles), i.did or "(no key)") for i in infos],
            ["name", "roles", "identity"],
        )
    return 0


def cmd_record_list(args: argparse.Namespace) -> int:
    with open_db(args, create=False) as db:
        infos = records.list_records(db)
    if args.json:
        out([i.to_json() for i in infos])
    else:
        table(
            [(i.id, i.kind, i.submission_id or "", "yes" if i.synced else "no") for i in infos],
            ["record", "kind", "submission", "synced"],
        )
    return 0


def cmd_record_export(args: argparse.Namespace) -> int:
    with open_db(args, create=False) as db:
        info = records.export_record(db, args.record, Path(args.out), force=args.force)
    if args.json:
        out(info.to_json() | {"file": args.out})
    else:
        say(f"Wrote {info.kind} {info.id} to {args.out}", f"  digest {info.digest}")
    return 0


def _roster(args: argparse.Namespace) -> records.Roster:
    """Only what the reader gives: --roster FILE, or --data-dir DIR (its profiles and
    records), or nothing. Never the default data folder: the same file must get the same
    answer on every machine."""
    if args.roster and args.data_dir:
        raise UsageError("give one roster: --roster FILE or --data-dir DIR, not both")
    if args.roster:
        return records.load_roster(Path(args.roster))
    if args.data_dir:
        with open_db(args, create=False) as db:
            return records.local_roster(db)
    return records.NO_ROSTER


def _roster_words(roster: records.Roster) -> str:
    if roster.source == "file":
        return f"roster: the file {roster.path}"
    if roster.source == "data-folder":
        return f"roster: the data folder {roster.path}"
    return "roster: none (give --roster FILE or --data-dir DIR to check who holds the key)"


def _check_record_file(file: str, expect: dict[str, Any]) -> records.RecordCheck:
    """Only a regular file of a few MiB is read: /dev/zero or a named pipe is refused."""
    data = read_input(file)
    try:
        return records.check_record_bytes(data, source=file, **expect)
    except RecursionError:
        raise UsageError(f"{file}: /: nested too deeply", location=file) from None


def _names_a_stored_record(file: str) -> bool:
    """A digest as printed on a report (or a record id) rather than a file's name."""
    return file.startswith(("uEi", "urn:uuid:")) and not Path(file).exists()


def _check_stored_record(args: argparse.Namespace, expect: dict[str, Any]) -> records.RecordCheck:
    if not args.data_dir:
        raise UsageError(
            f"{args.file}: a record digest or id is looked up in a data folder: give --data-dir DIR"
        )
    with open_db(args, create=False) as db:
        return records.check_stored_record(db, args.file, **expect)


def cmd_record_verify(args: argparse.Namespace) -> int:
    roster = _roster(args)
    expect = {"submission": args.submission, "issuer": args.issuer, "roster": roster}
    try:
        if _names_a_stored_record(args.file):
            found = _check_stored_record(args, expect)
        else:
            found = _check_record_file(args.file, expect)
    except ValidationFailed as exc:
        if not args.json:
            raise
        problems = [{"location": p.location, "message": p.message} for p in exc.problems]
        out({"file": args.file, "valid": False, "roster": roster.to_json(), "problems": problems})
        return 2
    if args.json:
        out(
            {
                "file": args.file,
                "valid": found.ok,
                "signerChecked": found.roster_checked,
                "roster": roster.to_json(),
                "problem": found.problem,
                "id": found.id,
                "kind": found.kind,
                "digest": found.digest,
                "issuer": found.issuer,
                "issuerName": found.issuer_name,
                "role": found.role,
                "claimedName": found.claimed_name,
                "claimedRole": found.claimed_role,
                "seq": found.seq,
            }
        )
    elif found.ok:
        say(f"{args.file}: valid {found.kind} {found.id}")
        if found.roster_checked:
            say(f"  signed by {found.issuer_name} ({found.role}) {found.issuer}")
        else:
            say(
                f"  signed by the key {found.issuer}, which says it is {found.claimed_name} "
                f"({found.claimed_role}); not checked against any roster"
            )
        say(f"  seq {found.seq} · digest {found.digest}")
        say(f"  {_roster_words(roster)}")
    else:
        say(f"{args.file}: REJECTED: {found.problem}", err=True)
        say(f"  {_roster_words(roster)}", err=True)
    return 0 if found.ok else 1


def cmd_verify(args: argparse.Namespace) -> int:
    def progress(what: str, n: int) -> None:
        if not args.json and sys.stderr.isatty():
            print(f"\r  {what}: {n} …", end="", file=sys.stderr, flush=True)

    with open_db(args, create=False) as db:
        report = verify.verify_store(db, progress)
    if sys.stderr.isatty() and not args.json:
        print("\r", end="", file=sys.stderr)
    bad = report.finding
    if args.json:
        out(
            {
                "ok": report.ok,
                "auditEvents": report.audit_events,
                "records": report.records,
                "issuers": report.issuers,
                "evidenceFiles": report.blobs,
                "problem": None
                if bad is None
                else {"table": bad.table, "index": bad.index, "id": bad.id, "message": bad.problem},
            }
        )
    elif bad is None:
        say(
            f"OK: {report.audit_events} audit events chained; {report.records} record(s) from "
            f"{report.issuers} key(s) signed and chained; {report.blobs} distinct evidence "
            "file(s) intact"
        )
    else:
        say(f"FAILED: {bad.describe()}", err=True)
    return 0 if bad is None else 1


def register(sub: Any) -> None:
    profile = sub.add_parser("profile", help="local profiles and their signing keys")
    psub = profile.add_subparsers(dest="profile_command", metavar="ACTION", required=True)
    c = command(
        psub,
        "create",
        cmd_profile_create,
        "create a profile with a signing key sealed under a passphrase",
        "printf '%s\\n' \"$PASSPHRASE\" | assessor profile create --name 'Ada Assessor' "
        "--role assessor --passphrase-stdin",
    )
    c.add_argument("--name", required=True, metavar="NAME", type=identifier)
    c.add_argument(
        "--role", action="append", required=True, choices=[str(r) for r in PROFILE_ROLES]
    )
    c.add_argument("--passphrase-stdin", action="store_true", help="read the passphrase line")
    command(psub, "list", cmd_profile_list, "list profiles", "assessor profile list --json")

    record = sub.add_parser("record", help="signed records")
    rsub = record.add_subparsers(dest="record_command", metavar="ACTION", required=True)
    command(rsub, "list", cmd_record_list, "list signed records", "assessor record list --json")
    c = command(
        rsub,
        "export",
        cmd_record_export,
        "write a record's exact signed bytes to a file",
        "assessor record export urn:uuid:0193… --out record.json",
    )
    c.add_argument(
        "record", metavar="ID", type=identifier, help="record id (urn:uuid:…) or digest (uEi…)"
    )
    add_output(c, "the record")
    c = command(
        rsub,
        "verify",
        cmd_record_verify,
        "check a record file offline (or a data folder's record by the digest on a report): "
        "JSON, schema, signature, issuer and role",
        "assessor record verify record.json --submission sub-001",
    )
    c.add_argument(
        "file",
        metavar="FILE|DIGEST",
        help="a record file, or a record's digest (uEi…) or id with --data-dir DIR",
    )
    c.add_argument(
        "--submission", metavar="ID", type=identifier, help="the submission it must be about"
    )
    c.add_argument(
        "--issuer", metavar="DID", type=identifier, help="the key that must have signed it"
    )
    c.add_argument(
        "--roster",
        metavar="FILE",
        help="known keys, names and roles (from `assessor profile list --json`); or give "
        "--data-dir DIR to use that data folder's profiles. Without either, no roster is used",
    )
    command(
        sub,
        "verify",
        cmd_verify,
        "recompute the audit chain, every record signature and chain, every evidence hash",
        "assessor verify --data-dir ~/assessor-demo",
    )
