"""Commands for the backend: `enrol`, `unenrol`, `sync`, `credential list`, `outbox list`.

The device token lives in the system keyring (a plaintext or missing keyring is refused with
what to do); the passphrase, needed only to enrol, comes on standard input.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from assessor.cli.common import UsageError, command, identifier, open_db, read_passphrase
from assessor.cli.text import out, say, table
from assessor.domain.errors import UnknownChoice
from assessor.security.secrets import SecretStore
from assessor.services.profiles import ProfileInfo, list_profiles, unlock
from assessor.store.db import Database
from assessor.sync.enrol import backend_url
from assessor.sync.service import SyncService


def _stamp(value: Any) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def _profile(db: Database, name: str | None, *, enrolled: SyncService | None = None) -> str:
    """The profile named (by name, id or identity), or the only one there is (enrolled, when
    `enrolled` is given)."""
    profiles: list[ProfileInfo] = list_profiles(db)
    if name is not None:
        for p in profiles:
            if name in (p.name, p.id, p.did):
                return p.id
        raise UnknownChoice("profile", name, [p.name for p in profiles])
    if enrolled is not None:
        return enrolled.enrolled_profile(None)
    if len(profiles) == 1:
        return profiles[0].id
    if not profiles:
        raise UsageError("no profile here; create one first (assessor profile create)")
    names = ", ".join(p.name for p in profiles)
    raise UsageError(f"several profiles here ({names}); choose one with --profile NAME")


def _progress(args: argparse.Namespace) -> Any:
    def show(step: str, done: int, total: int) -> None:
        if args.json or not sys.stderr.isatty():
            return
        counted = f"{done}/{total}" if total else str(done)
        print(f"\r  {step}: {counted} …   ", end="", file=sys.stderr, flush=True)

    return show


def cmd_enrol(args: argparse.Namespace) -> int:
    if args.url and not args.status:
        backend_url(args.url)  # a mistyped URL is refused before anything is opened or read
    with open_db(args) as db:
        service = SyncService(db, SecretStore())
        if args.status:
            if args.url or args.code:
                raise UsageError("--status takes no URL or CODE")
            profile = None if args.profile is None else _profile(db, args.profile)
            infos = service.status(profile)
            if args.json:
                out([i.to_json() for i in infos])
            elif not infos:
                say("Not enrolled with any backend.")
            for i in [] if args.json else infos:
                say(
                    f"{i.person} ({', '.join(i.roles)}) at {i.backend}",
                    f"  key {i.key}: {i.key_status}",
                )
            return 0
        if not args.url or not args.code:
            raise UsageError("give the backend URL and the enrolment code: assessor enrol URL CODE")
        profile = _profile(db, args.profile)
        passphrase = read_passphrase(args.profile or "the profile")
        info = service.enrol(args.url, args.code, unlock(db, profile, passphrase))
    if args.json:
        out(info.to_json())
    else:
        say(f"Enrolled as {info.person} ({', '.join(info.roles)}) at {info.backend}")
    return 0


def cmd_unenrol(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        service = SyncService(db, SecretStore())
        profile = _profile(db, args.profile, enrolled=service)
        done = service.unenrol(profile)
    if args.json:
        out({"unenrolled": done})
    else:
        say("Unenrolled; nothing signed or waiting was touched." if done else "Not enrolled.")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        service = SyncService(db, SecretStore())
        profile = None if args.profile is None else _profile(db, args.profile)
        report = service.sync(profile, _progress(args))
    if not args.json and sys.stderr.isatty():
        print("\r", end="", file=sys.stderr)
    if args.json:
        out(report.to_json())
    else:
        pushed, pulled = report.pushed, report.pulled
        say(
            f"Sent: {pushed.accepted} accepted, {pushed.duplicate} already there, "
            f"{pushed.rejected} rejected, {pushed.conflict} in conflict, {pushed.deferred} later",
            f"Received: {pulled.submissions} submission(s), {pulled.rubrics} rubric version(s), "
            f"{pulled.assessments} assessment(s), {pulled.credentials} credential change(s)",
        )
        for line in pulled.flagged + pulled.refused:
            say(f"  {line}")
        if report.error:
            say(f"assessor: sync stopped: {report.error}", err=True)
    return 0 if report.ok else 1


def cmd_credential_list(args: argparse.Namespace) -> int:
    with open_db(args, create=False) as db:
        found = SyncService(db, SecretStore()).credentials()
    rows = [
        {"id": c.id, "url": c.url, "achievement": c.achievement, "learner": c.learner,
         "status": c.status}
        for c in found
    ]  # fmt: skip
    if args.json:
        out(rows)
    else:
        table(
            [(r["achievement"], r["status"], r["url"]) for r in rows],
            ["achievement", "status", "page"],
        )
    return 0


def cmd_outbox_list(args: argparse.Namespace) -> int:
    with open_db(args, create=False) as db:
        found = SyncService(db, SecretStore()).outbox()
    rows = [
        {
            "record": x.record_id,
            "kind": x.kind,
            "digest": x.digest,
            "submission": x.submission_id,
            "state": x.state,
            "answer": x.answer,
            "reason": x.reason,
            "message": x.message,
            "attempts": x.attempts,
            "nextAttempt": _stamp(x.next_attempt_at),
            "syncedAt": _stamp(x.synced_at),
        }
        for x in found
    ]
    if args.json:
        out(rows)
    else:
        table(
            [(r["record"], r["state"], r["reason"] or "", r["message"] or "") for r in rows],
            ["record", "state", "reason", "message"],
        )
    return 0


def register(sub: Any) -> None:
    c = command(
        sub,
        "enrol",
        cmd_enrol,
        "enrol a profile's key with a backend (passphrase on standard input), or --status",
        "printf '%s\\n' \"$PASSPHRASE\" | assessor enrol https://badges.example.org CODE",
    )
    c.add_argument("url", nargs="?", metavar="URL", type=identifier)
    c.add_argument("code", nargs="?", metavar="CODE", type=identifier)
    c.add_argument("--profile", metavar="NAME", type=identifier)
    c.add_argument("--status", action="store_true", help="show which backend and person")
    c = command(
        sub, "unenrol", cmd_unenrol, "forget a profile's enrolment and token", "assessor unenrol"
    )
    c.add_argument("--profile", metavar="NAME", type=identifier)
    c = command(
        sub,
        "sync",
        cmd_sync,
        "one sync round: pull work, push signed records, read credentials",
        "assessor sync --json",
    )
    c.add_argument("--profile", metavar="NAME", type=identifier)
    credential = sub.add_parser("credential", help="credentials issued from this work")
    csub = credential.add_subparsers(dest="credential_command", metavar="ACTION", required=True)
    command(
        csub, "list", cmd_credential_list, "list credentials", "assessor credential list --json"
    )
    outbox = sub.add_parser("outbox", help="signed records and what the backend answered")
    osub = outbox.add_subparsers(dest="outbox_command", metavar="ACTION", required=True)
    command(osub, "list", cmd_outbox_list, "list the outbox", "assessor outbox list --json")
