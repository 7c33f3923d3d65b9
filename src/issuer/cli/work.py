"""`issuer submission assign|withdraw`, `issuer session assign`, `issuer record list`."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from issuer.cli.common import command, group, open_database, out, parse_time, say, table
from issuer.services.catalogue import read_evidence
from issuer.services.work import Assignment, assign_session, assign_submission, withdraw_submission
from issuer.store import models as m

RECORD_STATES = ("accepted", "rejected", "held")


def submission_assign(args: argparse.Namespace) -> int:
    submitted = (
        parse_time(args.submitted_at, "--submitted-at") if args.submitted_at else datetime.now(UTC)
    )
    evidence = tuple(read_evidence([Path(p) for p in args.evidence]))
    assignment = Assignment(
        args.id, args.learner, args.assessment, args.assessor, args.manager, args.attempt, evidence
    )
    db = open_database(args)
    with db.write() as session:
        row, changed = assign_submission(session, assignment, args.learner_name, submitted)
        result = {
            "id": row.id,
            "assessor": args.assessor,
            "manager": args.manager,
            "changed": changed,
        }
    if args.json:
        out(result)
    else:
        say(f"{row.id}: assigned to {args.assessor}" + ("" if changed else " (unchanged)"))
    return 0


def submission_withdraw(args: argparse.Namespace) -> int:
    db = open_database(args)
    with db.write() as session:
        row = withdraw_submission(session, args.id, datetime.now(UTC))
    if args.json:
        out({"id": row.id, "withdrawn": True})
    else:
        say(f"{row.id}: withdrawn; records about it are refused from now on")
    return 0


def session_assign(args: argparse.Namespace) -> int:
    starts = parse_time(args.starts_at, "--starts-at")
    db = open_database(args)
    with db.write() as session:
        row = assign_session(session, args.id, args.title, args.location, starts, args.proctor)
    if args.json:
        out({"id": row.id, "proctor": args.proctor})
    else:
        say(f"exam session {row.id}: proctored by {args.proctor}")
    return 0


def record_list(args: argparse.Namespace) -> int:
    db = open_database(args)
    query = select(m.Record).order_by(m.Record.id)
    if args.state:
        query = query.where(m.Record.state == args.state)
    with db.read() as session:
        rows: list[dict[str, Any]] = [
            {
                "id": r.record_id,
                "kind": r.kind,
                "digest": r.digest,
                "state": r.state,
                "reason": r.reason,
                "message": r.message,
                "key": r.did,
                "seq": r.seq,
            }
            for r in session.scalars(query)
        ]
    if args.json:
        out([{k: r[k] for k in ("id", "kind", "digest", "state", "reason")} for r in rows])
    else:
        table(
            [[r["id"], r["kind"], r["state"], r["reason"] or "", r["seq"]] for r in rows],
            ["id", "kind", "state", "reason", "seq"],
        )
    return 1 if args.check and any(r["state"] != "accepted" for r in rows) else 0


def register(sub: Any) -> None:
    submissions = group(sub, "submission", "learners' submissions and who scores them")
    cmd = command(
        submissions,
        "assign",
        submission_assign,
        "create a submission assigned to an assessor, or reassign it",
        "issuer submission assign sub-001 --learner l-1 --learner-name 'Lee Learner' "
        "--assessment wiring-l2 --assessor 'Ada Assessor' --evidence report.pdf",
    )
    cmd.add_argument("id", metavar="SUBMISSION")
    cmd.add_argument("--learner", required=True, metavar="ID")
    cmd.add_argument(
        "--learner-name", metavar="NAME", help="shown on the credential page and certificate"
    )
    cmd.add_argument("--assessment", required=True, metavar="ID")
    cmd.add_argument("--assessor", required=True, metavar="NAME")
    cmd.add_argument("--manager", metavar="NAME", help="the one manager who may sign it off")
    cmd.add_argument("--attempt", type=int, default=1)
    cmd.add_argument("--submitted-at", metavar="TIME")
    cmd.add_argument("--evidence", action="append", default=[], metavar="FILE")
    cmd = command(
        submissions,
        "withdraw",
        submission_withdraw,
        "withdraw a submission",
        "issuer submission withdraw sub-001",
    )
    cmd.add_argument("id", metavar="SUBMISSION")
    sessions = group(sub, "session", "exam sessions and their proctors")
    cmd = command(
        sessions,
        "assign",
        session_assign,
        "create an exam session run by a proctor, or reassign it",
        "issuer session assign exam-1 --title 'Written paper' --location 'Room 4' "
        "--starts-at 2026-11-24T09:00:00Z --proctor 'Pat Proctor'",
    )
    cmd.add_argument("id", metavar="SESSION")
    cmd.add_argument("--title", required=True)
    cmd.add_argument("--location", required=True)
    cmd.add_argument("--starts-at", required=True, metavar="TIME")
    cmd.add_argument("--proctor", required=True, metavar="NAME")
    records = group(sub, "record", "signed records received from devices")
    cmd = command(
        records,
        "list",
        record_list,
        "list received records with their state and reason",
        "issuer record list --json",
    )
    cmd.add_argument("--state", choices=RECORD_STATES)
    cmd.add_argument("--check", action="store_true", help="exit 1 when any record is not accepted")
