"""Commands for exam sessions: `assessor session ...`, scriptable, each with --json. A refusal
(an incomplete seal, a change after sealing, a bad roster line) exits 2 and says exactly
what is missing or wrong; nothing is written."""

from __future__ import annotations

import argparse
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from assessor.cli.common import (
    Handler,
    bounded_int,
    bounded_text,
    check_input_files,
    command,
    identifier,
    open_db,
    read_passphrase,
)
from assessor.cli.text import out, say, table
from assessor.domain import exam as x
from assessor.domain.errors import DomainError
from assessor.services import exam_seal, exam_sessions, profiles
from assessor.services.exam_checks import MAX_NOTE, MAX_TEXT, MAX_TITLE, check_incident
from assessor.services.exam_views import SessionView
from assessor.services.profiles import resolve_profile
from assessor.store.db import Database


def _when(text: str) -> datetime:
    """An argparse type: an ISO 8601 date and time with its time zone."""
    try:
        return x.planned_time(text)
    except DomainError as exc:
        raise argparse.ArgumentTypeError(exc.message) from None


def _proctor(db: Database, args: argparse.Namespace) -> str:
    return resolve_profile(db, args.profile, "proctor").id


def _print_session(v: SessionView) -> None:
    say(
        f"{v.id} · {v.title} · {v.kind} · {v.state}",
        f"  planned {v.starts_at} to {v.ends_at} · {v.location}",
    )
    if v.record_id:
        say(f"  sealed {v.sealed_at} · record {v.record_id}")
    table(
        [
            (
                c.id,
                c.name,
                f"{c.checked_in_at} ({c.id_method})" if c.checked_in_at else "—",
                c.outcome or "—",
            )
            for c in v.candidates
        ],
        ["candidate", "name", "checked in", "outcome"],
    )
    for e in v.incidents:
        severity = x.Severity(e.severity or "green")
        who = ", ".join(e.candidates) or "whole session"
        fixes = f" (corrects #{e.corrects})" if e.corrects else ""
        say(
            f"  #{e.seq} {e.at} {severity.value.upper()} ({x.SEVERITY_WORDS[severity]}) "
            f"{e.type} · {who}{fixes}: {e.text}"
        )
    if v.clock_warnings:
        say(f"  the clock went back at entries {', '.join(map(str, v.clock_warnings))}")
    for line in v.missing if v.state == "open" else ():
        say(f"  missing before sealing: {line}")


def _saved(args: argparse.Namespace, logged: exam_sessions.Logged, what: str) -> int:
    if args.json:
        out(
            {
                "session": logged.session_id,
                "seq": logged.seq,
                "at": logged.at,
                "clockBackwards": logged.clock_back,
            }
        )
    else:
        say(f"Saved {what} as entry #{logged.seq} at {logged.at}")
        if logged.clock_back:
            say("  the clock is behind an earlier entry: flagged in the session")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    with open_db(args, create=False) as db:
        rows = exam_sessions.list_sessions(db, state=args.state, search=args.search)
    if args.json:
        out([r.to_json() for r in rows])
    else:
        table(
            [(r.id, r.title, r.state, r.candidates, r.without_outcome, r.starts_at) for r in rows],
            ["session", "title", "state", "candidates", "no outcome", "starts"],
        )
    return 0


def cmd_create(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        v = exam_sessions.create_session(
            db,
            _proctor(db, args),
            title=args.title,
            kind=args.kind,
            starts_at=args.start,
            ends_at=args.end,
            location=args.location,
        )
    if args.json:
        out(v.to_json())
    else:
        say(f"Created session {v.id}: {v.title}")
    return 0


def cmd_roster_import(args: argparse.Namespace) -> int:
    check_input_files([args.file])
    with open_db(args) as db:
        added = exam_sessions.import_roster(db, _proctor(db, args), args.session, Path(args.file))
    if args.json:
        out({"session": args.session, "added": added})
    else:
        say(f"Added {added} candidate(s) to {args.session}")
    return 0


def cmd_checkin(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        logged = exam_sessions.check_in(
            db, _proctor(db, args), args.session, args.candidate, args.id_method
        )
    return _saved(args, logged, f"the check-in of {args.candidate}")


def cmd_move(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        logged = exam_sessions.record_movement(
            db, _proctor(db, args), args.session, args.candidate, args.movement
        )
    return _saved(args, logged, f"{args.movement} of {args.candidate}")


def cmd_incident(args: argparse.Namespace) -> int:
    incident = exam_sessions.Incident(
        args.type,
        args.severity,
        args.text,
        tuple(args.candidate),
        args.witness,
        args.action,
        args.notified,
        args.corrects,
    )
    check_incident(incident)  # bad input says so before the folder is opened
    with open_db(args) as db:
        logged = exam_sessions.log_incident(db, _proctor(db, args), args.session, incident)
    return _saved(args, logged, "the incident")


def cmd_outcome(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        logged = exam_sessions.set_outcome(
            db, _proctor(db, args), args.session, args.candidate, args.outcome
        )
    return _saved(args, logged, f"the outcome of {args.candidate}")


def cmd_seal(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        profile = resolve_profile(db, args.profile, "proctor")
        shown = exam_sessions.show_session(db, args.session)
        if shown.missing and shown.state == "open":  # before asking for the passphrase
            raise exam_seal.SealRefused(args.session, shown.missing)
        signer = profiles.unlock(db, profile.id, read_passphrase(profile.name))
        sealed = exam_seal.seal_session(db, args.session, signer, expected=shown)
    if args.json:
        out({"session": sealed.session_id, "record": sealed.record_id, "digest": sealed.digest})
    else:
        say(
            f"Sealed {sealed.session_id}, signed by {profile.name}: record {sealed.record_id}",
            f"  digest {sealed.digest} · seq {sealed.seq}",
        )
    return 0


def cmd_amend(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        profile = resolve_profile(db, args.profile, "manager")
        signer = profiles.unlock(db, profile.id, read_passphrase(profile.name))
        done = exam_seal.amend_session(db, args.session, signer, args.text)
    if args.json:
        out({"session": done.session_id, "record": done.record_id, "amends": done.amends})
    else:
        say(f"Amended {done.session_id}: record {done.record_id} (amends {done.amends})")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with open_db(args, create=False) as db:
        v = exam_sessions.show_session(db, args.session)
    out(v.to_json()) if args.json else _print_session(v)
    return 0


def _profile(c: argparse.ArgumentParser, role: str = "proctor") -> None:
    c.add_argument(
        "--profile", metavar="NAME", type=identifier, help=f"{role} profile (default: the only one)"
    )


def _session(c: argparse.ArgumentParser) -> None:
    c.add_argument("session", metavar="SESSION", type=identifier)


def _candidate_command(
    ssub: Any,
    name: str,
    run: Handler,
    about: str,
    example: str,
    choice: str,
    values: type[StrEnum],
    **options: Any,
) -> None:
    """A command on one candidate of a session: SESSION CANDIDATE, then `choice` (one of
    `values`), then --profile."""
    c = command(ssub, name, run, about, example)
    _session(c)
    c.add_argument("candidate", metavar="CANDIDATE", type=identifier)
    c.add_argument(choice, choices=[v.value for v in values], **options)
    _profile(c)


def register(sub: Any) -> None:
    parent = sub.add_parser("session", help="exam sessions: roster, check-in, incidents, seal")
    ssub = parent.add_subparsers(dest="session_command", metavar="ACTION", required=True)
    c = command(
        ssub,
        "list",
        cmd_list,
        "list exam sessions, open ones first",
        "assessor session list --json",
    )
    c.add_argument("--state", choices=[s.value for s in x.SessionStatus])
    c.add_argument("--search", metavar="TEXT", type=bounded_text(200), help="in title or id")

    c = command(
        ssub,
        "create",
        cmd_create,
        "create an exam session",
        "assessor session create --title 'Safe isolation' --kind site "
        "--start 2026-12-02T09:00Z --end 2026-12-02T11:00Z",
    )
    c.add_argument("--title", required=True, type=bounded_text(MAX_TITLE))
    c.add_argument("--kind", required=True, choices=[k.value for k in x.SessionKind])
    c.add_argument("--start", required=True, type=_when, metavar="ISO", help="planned start")
    c.add_argument("--end", required=True, type=_when, metavar="ISO", help="planned end")
    c.add_argument("--location", type=bounded_text(MAX_NOTE), help="where (default: the kind)")
    _profile(c)

    roster = ssub.add_parser("roster", help="a session's roster")
    rsub = roster.add_subparsers(dest="roster_command", metavar="ACTION", required=True)
    c = command(
        rsub,
        "import",
        cmd_roster_import,
        "add candidates from CSV (header candidate,name and optionally learner)",
        "assessor session roster import exam-01… roster.csv",
    )
    _session(c)
    c.add_argument("file", metavar="FILE.csv")
    _profile(c)

    _candidate_command(
        ssub,
        "checkin",
        cmd_checkin,
        "check a candidate in, saying how their identity was checked",
        "assessor session checkin exam-01… C-104 --id-method passport",
        "--id-method",
        x.IdMethod,
        required=True,
    )
    _candidate_command(
        ssub,
        "move",
        cmd_move,
        "a checked-in candidate enters, leaves, or starts or ends a break",
        "assessor session move exam-01… C-104 break-start",
        "movement",
        x.Movement,
    )

    c = command(
        ssub,
        "incident",
        cmd_incident,
        "log an incident (append-only; --corrects SEQ points a correction at an old one)",
        "assessor session incident exam-01… --candidate C-104 --type prohibited-item "
        "--severity red --witness 'Pat' --action 'Phone taken' --text 'Phone on the desk'",
    )
    _session(c)
    c.add_argument("--candidate", action="append", required=True, type=identifier)
    c.add_argument("--type", required=True, choices=[t.value for t in x.IncidentType])
    c.add_argument(
        "--severity",
        required=True,
        choices=[s.value for s in x.Severity],
        help="; ".join(f"{s.value}: {w}" for s, w in x.SEVERITY_WORDS.items()),
    )
    c.add_argument("--witness", type=bounded_text(MAX_NOTE), help="who witnessed it")
    c.add_argument("--action", type=bounded_text(MAX_NOTE), help="what was done")
    c.add_argument("--notified", type=bounded_text(MAX_NOTE), help="who was notified")
    c.add_argument("--text", required=True, type=bounded_text(MAX_TEXT), help="what happened")
    c.add_argument("--corrects", type=bounded_int(1, 10**9), metavar="SEQ")
    _profile(c)

    _candidate_command(
        ssub,
        "outcome",
        cmd_outcome,
        "a candidate's outcome (all but no-show are final)",
        "assessor session outcome exam-01… C-104 completed",
        "outcome",
        x.Outcome,
    )

    c = command(
        ssub,
        "seal",
        cmd_seal,
        "close and sign the session (reads the passphrase from standard input)",
        "assessor session seal exam-01… --profile 'Pat Proctor' < passphrase.txt",
    )
    _session(c)
    _profile(c)

    c = command(
        ssub,
        "amend",
        cmd_amend,
        "a manager's signed amendment to a sealed session (passphrase on standard input)",
        "assessor session amend exam-01… --text 'C-104 was excused' < passphrase.txt",
    )
    _session(c)
    c.add_argument("--text", required=True, type=bounded_text(MAX_TEXT))
    _profile(c, "manager")

    c = command(ssub, "show", cmd_show, "show a session", "assessor session show exam-01… --json")
    _session(c)
