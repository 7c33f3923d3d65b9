"""Commands for managers: the sign-off queue, and approving or returning signed work."""

from __future__ import annotations

import argparse
from typing import Any

from assessor.cli.common import (
    UsageError,
    add_queue_filters,
    bounded_text,
    command,
    identifier,
    open_db,
    read_passphrase,
)
from assessor.cli.text import out, say, table
from assessor.services import profiles, signoff
from assessor.services.profiles import resolve_profile


def cmd_signoff_list(args: argparse.Namespace) -> int:
    state = None if args.state == "all" else args.state
    f = signoff.SignOffFilter(state, args.assessment, args.search)
    with open_db(args, create=False) as db:
        rows = signoff.signoff_queue(db, f, limit=args.limit)
    if args.json:
        out([signoff.to_json(r) for r in rows])
        return 0
    table(
        [
            (r.submission_id, r.learner, r.assessment_id, r.assessor, r.state, r.record_id)
            for r in rows
        ],
        ["submission", "learner", "assessment", "assessor", "state", "record"],
    )
    return 0


def cmd_signoff_decide(args: argparse.Namespace) -> int:
    if args.approve == (args.return_to is not None):
        raise UsageError("give --approve or --return-to assessor|learner")
    # Every input checked before the key is unlocked: bad input costs no passphrase.
    reason = signoff.signoff_reason(args.reason, returned=not args.approve)
    with open_db(args, create=False) as db:
        profile = resolve_profile(db, args.profile, "manager")
        signer = profiles.unlock(db, profile.id, read_passphrase(profile.name))
        done = signoff.decide(
            db,
            args.submission,
            signer,
            approve=args.approve,
            return_to=args.return_to,
            reason=reason,
        )
    if args.json:
        out(
            {
                "submission": done.submission_id,
                "decision": done.decision,
                "returnTo": done.return_to,
                "record": done.record_id,
                "digest": done.digest,
                "seq": done.seq,
            }
        )
        return 0
    said = "Approved" if args.approve else f"Returned to the {args.return_to}"
    say(
        f"{said}: {done.submission_id}, signed by {profile.name}: record {done.record_id}",
        f"  digest {done.digest} · seq {done.seq}",
    )
    return 0


def register(sub: Any) -> None:
    parser = sub.add_parser("signoff", help="managers: sign off signed work")
    ssub = parser.add_subparsers(dest="signoff_command", metavar="ACTION", required=True)
    c = command(
        ssub,
        "list",
        cmd_signoff_list,
        "list signed work whose assessment requires sign-off (by default: not decided yet)",
        "assessor signoff list --json",
    )
    c.add_argument(
        "--state",
        choices=[*signoff.STATES, "all"],
        default="pending",
        help="pending (default), approved, returned, or all",
    )
    add_queue_filters(c, "learner name, anonymous code, submission id or assessor")

    c = command(
        ssub,
        "decide",
        cmd_signoff_decide,
        "approve signed work, or return it to the assessor or the learner with a reason "
        "(reads the passphrase from standard input)",
        "assessor signoff decide sub-003 --return-to assessor --reason 'Recheck the test record'",
    )
    c.add_argument("submission", metavar="SUBMISSION", type=identifier)
    c.add_argument("--approve", action="store_true", help="approve the signed evaluation")
    c.add_argument(
        "--return-to",
        choices=signoff.RETURN_TO,
        help="return it to the assessor (rescoring) or the learner (resubmission)",
    )
    c.add_argument(
        "--reason",
        metavar="TEXT",
        type=bounded_text(signoff.MAX_REASON),
        help="why (required with --return-to); signed into the record",
    )
    c.add_argument(
        "--profile",
        metavar="NAME",
        type=identifier,
        help="manager profile (default: the only one)",
    )
