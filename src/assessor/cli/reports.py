"""Commands that print and export: `report score-sheet`, `report signoff`, `report session`,
`export results`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from assessor.cli.common import add_output, command, identifier, open_db
from assessor.cli.text import out, say
from assessor.reports.csv_results import results_csv
from assessor.reports.output import make_report, save
from assessor.services.report_results import results_data


def _make(args: argparse.Namespace, kind: str, subject_id: str) -> tuple[Any, int]:
    """The report's data and its number of pages, once written to --out."""
    with open_db(args, create=False) as db:
        made = make_report(db, kind, subject_id, Path(args.out), force=args.force)
    return made.data, made.pages


def cmd_score_sheet(args: argparse.Namespace) -> int:
    data, pages = _make(args, "score-sheet", args.submission)
    signature = data.signature.describe()
    if args.json:
        out(
            {
                "file": args.out,
                "submission": data.submission_id,
                "status": data.status,
                "pages": pages,
                "record": data.record_id,
                "digest": data.record_digest,
                "signature": data.signature.state,
                "problems": [p for p in (data.signature.problem, *data.problems) if p],
            }
        )
        return 0
    say(f"Wrote the score sheet of {data.submission_id} ({pages} page(s)) to {args.out}")
    if data.record_id:
        say(f"  record {data.record_id}", f"  digest {data.record_digest}")
    say(f"  {signature}", *(f"  problem: {problem}" for problem in data.problems))
    return 0


def _problems(*found: str | None) -> list[str]:
    return [p for p in found if p]


def cmd_signoff(args: argparse.Namespace) -> int:
    data, pages = _make(args, "signoff", args.submission)
    problems = _problems(
        data.signature.problem, data.sheet.signature.problem, *data.problems, *data.sheet.problems
    )
    if args.json:
        out(
            {
                "file": args.out,
                "submission": data.sheet.submission_id,
                "pages": pages,
                "decision": data.decision,
                "returnTo": data.return_to,
                "record": data.record_id,
                "digest": data.record_digest,
                "assessmentRecord": data.sheet.record_id,
                "verified": data.verified,
                "problems": problems,
            }
        )
        return 0
    say(
        f"Wrote the sign-off record of {data.sheet.submission_id} ({pages} page(s)) to {args.out}",
        f"  {data.decision_words} · record {data.record_id}",
        f"  digest {data.record_digest}",
        f"  manager: {data.signature.describe()}",
        f"  assessor: {data.sheet.signature.describe()}",
        *(f"  problem: {p}" for p in problems),
    )
    return 0


def cmd_session(args: argparse.Namespace) -> int:
    data, pages = _make(args, "session", args.session)
    v = data.session
    problems = _problems(
        data.signature.problem,
        *data.problems,
        *(f"amendment {a.record_id}: {a.problem or a.signature.problem}"
          for a in data.amendments if a.problem or a.signature.problem),
    )  # fmt: skip
    if args.json:
        out(
            {
                "file": args.out,
                "session": v.id,
                "state": v.state,
                "pages": pages,
                "record": v.record_id,
                "digest": data.record_digest,
                "signature": data.signature.state,
                "verified": data.verified,
                "problems": problems,
            }
        )
        return 0
    say(f"Wrote the report of exam session {v.id} ({pages} page(s)) to {args.out}")
    if v.record_id:
        say(f"  record {v.record_id}", f"  digest {data.record_digest}")
    else:
        say("  the session is open: not sealed, so not signed (stamped on every page)")
    say(f"  {data.signature.describe()}", *(f"  problem: {p}" for p in problems))
    return 0


def cmd_export_results(args: argparse.Namespace) -> int:
    with open_db(args, create=False) as db:
        data = results_data(db, args.assessment)
        save(results_csv(data), Path(args.out), db.data_dir, force=args.force)
    unverified = sum(1 for row in data.rows if row.signature.state != "verified")
    if args.json:
        out(
            {
                "file": args.out,
                "assessment": data.assessment_id,
                "rows": len(data.rows),
                "unverified": unverified,
                "inProgress": data.in_progress,
            }
        )
        return 0
    say(
        f"Wrote {len(data.rows)} signed result(s) of {data.assessment_id} to {args.out} "
        f"({len(data.criteria)} criteria)"
    )
    if data.in_progress:
        say(f"  {data.in_progress} submission(s) in progress: drafts are not exported")
    if unverified:
        say(f"  {unverified} result(s) whose record does not verify: see the signature column")
    return 0


def register(sub: Any) -> None:
    report = sub.add_parser("report", help="printable PDF reports")
    rsub = report.add_subparsers(dest="report_command", metavar="KIND", required=True)
    for name, handler, about, example, target in (
        (
            "score-sheet",
            cmd_score_sheet,
            "a submission's score sheet and feedback as PDF, with its record's digest and QR code",
            "assessor report score-sheet sub-001 --out sub-001.pdf",
            "submission",
        ),
        (
            "signoff",
            cmd_signoff,
            "a submission's sign-off record as PDF: the decision, reason, both signers, digest, QR",
            "assessor report signoff sub-001 --out sub-001-signoff.pdf",
            "submission",
        ),
        (
            "session",
            cmd_session,
            "an exam session's report as PDF: roster, timeline, incidents, amendments, seal",
            "assessor report session exam-01 --out exam-01.pdf",
            "session",
        ),
    ):
        c = command(rsub, name, handler, about, example)
        c.add_argument(target, metavar=target.upper(), type=identifier)
        add_output(c, "the PDF", "FILE.pdf")

    export = sub.add_parser("export", help="data for other programs")
    xsub = export.add_subparsers(dest="export_command", metavar="WHAT", required=True)
    c = command(
        xsub,
        "results",
        cmd_export_results,
        "an assessment's signed results as CSV (UTF-8 with BOM), one row per evaluation",
        "assessor export results safe-isolation-l2 --out results.csv",
    )
    c.add_argument("assessment", metavar="ASSESSMENT", type=identifier)
    add_output(c, "the CSV file", "FILE.csv")
