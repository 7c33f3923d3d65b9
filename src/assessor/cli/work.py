"""Commands for the work: the queue, evaluations, scoring."""

from __future__ import annotations

import argparse
from typing import Any

from assessor.cli.common import (
    UsageError,
    add_queue_filters,
    command,
    identifier,
    open_db,
    read_passphrase,
)
from assessor.cli.text import esc, out, say, table
from assessor.domain.errors import UnknownChoice
from assessor.domain.numbers import bounded_decimal, fmt
from assessor.domain.rubric import Rubric
from assessor.domain.workflow import STATUS_WORDS, SubmissionStatus
from assessor.services import finalize, profiles, rubrics, scoring, signoff, submissions
from assessor.services.profiles import resolve_profile
from assessor.store.db import Database


def cmd_submission_list(args: argparse.Namespace) -> int:
    f = submissions.QueueFilter(args.status, args.assessment, args.search)
    with open_db(args, create=False) as db:
        rows = submissions.list_submissions(db, f, limit=args.limit)
    if args.json:
        out([submissions.to_json(r) for r in rows])
    else:
        table(
            [
                (
                    r.id,
                    r.learner,
                    r.assessment,
                    STATUS_WORDS[SubmissionStatus(r.status)],
                    f"{r.rubric_id}@{r.rubric_version}",
                    r.submitted_at.strftime("%Y-%m-%d"),
                )
                for r in rows
            ],
            ["submission", "learner", "assessment", "status", "rubric", "submitted"],
        )
    return 0


def _print_evaluation(view: scoring.EvaluationView) -> None:
    say(
        f"{view.submission_id} · {view.status} · rubric {view.rubric_id}@{view.rubric_version}"
        f" {view.rubric_digest}"
    )
    for c in view.criteria:
        level = f"{c.level_title} ({fmt(c.points)} pt)" if c.points is not None else "—"
        say(f"  {c.id}: {level}" + (f"  «{c.comment}»" if c.comment else ""))
    r = view.result
    say(
        f"Total {fmt(r.total)} / {fmt(r.maximum)} ({fmt(r.percentage)} %) · "
        f"Outcome: {r.outcome.value.replace('_', ' ').upper()}"
        + (f" · band {r.band}" if r.band else "")
    )
    say(*(f"  - {reason}" for reason in r.reasons))


def cmd_evaluation_show(args: argparse.Namespace) -> int:
    with open_db(args, create=False) as db:
        view = scoring.show_evaluation(db, args.submission)
        decided = signoff.decision_for(db, args.submission)
    if args.json:
        out(view.to_json())
        return 0
    _print_evaluation(view)
    if decided is not None:
        to = f"Returned to the {decided.return_to}" if decided.return_to else "Signed off"
        say(f"{to} by {decided.manager}" + (f": {decided.reason}" if decided.reason else ""))
    return 0


def _parse_pair(text: str, option: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key or not value:
        raise UsageError(f"{option} '{esc(text)}': expected CRITERION=VALUE")
    return key.strip(), value.strip()


def _level_change(view: scoring.EvaluationView, rubric: Rubric, text: str) -> scoring.SetLevel:
    criterion_id, value = _parse_pair(text, "--level")
    criterion = rubric.criterion(criterion_id)
    level_ref, _, points_text = value.partition(":")
    if level_ref not in criterion.level_ids() and level_ref.isdigit():
        n = int(level_ref)  # the level's number, as on the keyboard: 1 = lowest
        if not 1 <= n <= len(criterion.levels):
            raise UnknownChoice(
                f"level of criterion '{criterion.id}'", level_ref, criterion.level_ids()
            )
        level_ref = criterion.levels[n - 1].id
    criterion.level(level_ref)
    try:
        points = bounded_decimal(points_text) if points_text else None
    except ValueError as exc:
        raise UsageError(f"--level '{esc(text)}': points {exc}") from None
    return scoring.SetLevel(criterion.id, level_ref, points)


def _changes(db: Database, args: argparse.Namespace) -> list[scoring.DraftChange]:
    """The changes asked for, checked against the rubric (nothing is written here)."""
    view = scoring.show_evaluation(db, args.submission)
    _, rubric = rubrics.show_version(db, f"{view.rubric_id}@{view.rubric_version}")
    changes: list[scoring.DraftChange] = [_level_change(view, rubric, t) for t in args.level]
    for text in args.comment:
        cid, comment = _parse_pair(text, "--comment")
        changes.append(scoring.SetComment(rubric.criterion(cid).id, comment))
    if args.overall is not None:
        changes.append(scoring.SetOverallComment(args.overall))
    scoring.check_changes(rubric, changes)
    return changes


def cmd_score(args: argparse.Namespace) -> int:
    edits = args.level or args.comment or args.overall is not None
    if not (edits or args.finalize or args.correct):
        raise UsageError("nothing to do: give --level, --comment, --overall or --finalize")
    with open_db(args, create=False) as db:
        profile = resolve_profile(db, args.profile, "assessor")
        # Every input checked, then the key unlocked, before anything is written: bad input
        # or a wrong passphrase leaves the draft as it was.
        if args.correct is not None:
            finalize.correction_reason(args.correct)
        changes = _changes(db, args) if edits else []
        needs_key = args.finalize or args.correct
        signer = (
            profiles.unlock(db, profile.id, read_passphrase(profile.name)) if needs_key else None
        )
        if args.correct and signer:
            finalize.start_correction(db, args.submission, signer, args.correct)
        if changes:
            saved = scoring.save_draft(db, args.submission, profile.id, changes)
        done = finalize.finalize(db, args.submission, signer) if signer and args.finalize else None
        if done or not changes:
            saved = scoring.show_evaluation(db, args.submission)
    if args.json:
        out(saved.to_json())
        return 0
    if args.correct:
        say(f"Started a correction of {args.submission}: {args.correct}")
    if changes:
        say(f"Saved draft ({len(changes)} change(s)) as {profile.name}")
    if done:
        say(
            f"Finalized and signed by {profile.name}: record {done.record_id}",
            f"  digest {done.digest} · seq {done.seq}",
        )
    _print_evaluation(saved)
    return 0


def register(sub: Any) -> None:
    submission = sub.add_parser("submission", help="the work queue")
    ssub = submission.add_subparsers(dest="submission_command", metavar="ACTION", required=True)
    c = command(
        ssub,
        "list",
        cmd_submission_list,
        "list submissions",
        "assessor submission list --status to_score --search Priya",
    )
    c.add_argument("--status", choices=[s.value for s in SubmissionStatus])
    add_queue_filters(c, "learner name, anonymous code or id")

    evaluation = sub.add_parser("evaluation", help="evaluations of submissions")
    esub = evaluation.add_subparsers(dest="evaluation_command", metavar="ACTION", required=True)
    c = command(
        esub,
        "show",
        cmd_evaluation_show,
        "show a submission's evaluation",
        "assessor evaluation show sub-001 --json",
    )
    c.add_argument("submission", metavar="SUBMISSION", type=identifier)

    c = command(
        sub,
        "score",
        cmd_score,
        "save levels and comments to your draft evaluation; finalize and sign it",
        "assessor score sub-001 --level prove-dead=competent --level identify=3 "
        "--comment prove-dead='Tested on a known source'",
    )
    c.add_argument("submission", metavar="SUBMISSION", type=identifier)
    c.add_argument(
        "--level",
        action="append",
        default=[],
        metavar="CRITERION=LEVEL[:POINTS]",
        help="level id or number (1 = lowest); points for a level with a range",
    )
    c.add_argument("--comment", action="append", default=[], metavar="CRITERION=TEXT")
    c.add_argument("--overall", metavar="TEXT", help="overall comment")
    c.add_argument(
        "--profile",
        metavar="NAME",
        type=identifier,
        help="assessor profile (default: the only one)",
    )
    c.add_argument(
        "--finalize",
        action="store_true",
        help="finalize and sign the evaluation (reads the passphrase from standard input)",
    )
    c.add_argument(
        "--correct",
        metavar="REASON",
        help="start a correction of your finalized evaluation, which it will supersede "
        "(reads the passphrase from standard input)",
    )
