"""Commands that print and export: `report score-sheet`, `report signoff`, `report session`,
`export results`."""

from __future__ import annotations

import argparse
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from assessor.cli.common import add_output, command, identifier, open_db
from assessor.cli.text import out, say
from assessor.reports.csv_results import results_csv
from assessor.services.report_data import results_data, score_sheet_data
from assessor.services.report_session import session_report_data
from assessor.services.report_signoff import signoff_report_data
from assessor.store.files import write_output


def _write_report(
    args: argparse.Namespace, data_dir: Path, write: Callable[[BinaryIO], Any]
) -> None:
    """Render the report first (a failure leaves no file at all), then write it through
    `write_output`: never into a data folder, never over a file without --force."""
    buffer = io.BytesIO()
    write(buffer)
    with write_output(Path(args.out), data_dir=data_dir, force=args.force) as f:
        f.write(buffer.getvalue())


def cmd_score_sheet(args: argparse.Namespace) -> int:
    from assessor.reports.score_sheet import write_score_sheet  # reportlab: only when printing

    with open_db(args, create=False) as db:
        data = score_sheet_data(db, args.submission)
        pages: list[int] = []
        _write_report(args, db.data_dir, lambda f: pages.append(write_score_sheet(data, f)))
    signature = data.signature.describe()
    if args.json:
        out(
            {
                "file": args.out,
                "submission": data.submission_id,
                "status": data.status,
                "pages": pages[0],
                "record": data.record_id,
                "digest": data.record_digest,
                "signature": data.signature.state,
                "problems": [p for p in (data.signature.problem, *data.problems) if p],
            }
        )
        return 0
    say(f"Wrote the score sheet of {data.submission_id} ({pages[0]} page(s)) to {args.out}")
    if data.record_id:
        say(f"  record {data.record_id}", f"  digest {data.record_digest}")
    say(f"  {signature}", *(f"  problem: {problem}" for problem in data.problems))
    return 0


def _problems(*found: str | None) -> list[str]:
    return [p for p in found if p]


def cmd_signoff(args: argparse.Namespace) -> int:
    from assessor.reports.signoff import write_signoff  # reportlab: only when printing

    with open_db(args, create=False) as db:
        data = signoff_report_data(db, args.submission)
        pages: list[int] = []
        _write_report(args, db.data_dir, lambda f: pages.append(write_signoff(data, f)))
    problems = _problems(
        data.signature.problem, data.sheet.signature.problem, *data.problems, *data.sheet.problems
    )
    if args.json:
        out(
            {
                "file": args.out,
                "submission": data.sheet.submission_id,
                "pages": pages[0],
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
        f"Wrote the sign-off record of {data.sheet.submission_id} ({pages[0]} page(s)) "
        f"to {args.out}",
        f"  {data.decision_words} · record {data.record_id}",
        f"  digest {data.record_digest}",
        f"  manager: {data.signature.describe()}",
        f"  assessor: {data.sheet.signature.describe()}",
        *(f"  problem: {p}" for p in problems),
    )
    return 0


def cmd_session(args: argparse.Namespace) -> int:
    from assessor.reports.session import write_session  # reportlab: only when printing

    with open_db(args, create=False) as db:
        data = session_report_data(db, args.session)
        pages: list[int] = []
        _write_report(args, db.data_dir, lambda f: pages.append(write_session(data, f)))
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
                "pages": pages[0],
                "record": v.record_id,
                "digest": data.record_digest,
                "signature": data.signature.state,
                "verified": data.verified,
                "problems": problems,
            }
        )
        return 0
    say(f"Wrote the report of exam session {v.id} ({pages[0]} page(s)) to {args.out}")
    if v.record_id:
        say(f"  record {v.record_id}", f"  digest {data.record_digest}")
    else:
        say("  the session is open: not sealed, so not signed (stamped on every page)")
    say(f"  {data.signature.describe()}", *(f"  problem: {p}" for p in problems))
    return 0


def cmd_export_results(args: argparse.Namespace) -> int:
    with open_db(args, create=False) as db:
        data = results_data(db, args.assessment)
        _write_report(args, db.data_dir, lambda f: f.write(results_csv(data)))
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
    c = command(
        rsub,
        "score-sheet",
        cmd_score_sheet,
        "a submission's score sheet and feedback as PDF, with its record's digest and QR code",
        "assessor report score-sheet sub-001 --out sub-001.pdf",
    )
    c.add_argument("submission", metavar="SUBMISSION", type=identifier)
    add_output(c, "the PDF", "FILE.pdf")
    c = command(
        rsub,
        "signoff",
        cmd_signoff,
        "a submission's sign-off record as PDF: the decision, reason, both signers, digest, QR",
        "assessor report signoff sub-001 --out sub-001-signoff.pdf",
    )
    c.add_argument("submission", metavar="SUBMISSION", type=identifier)
    add_output(c, "the PDF", "FILE.pdf")
    c = command(
        rsub,
        "session",
        cmd_session,
        "an exam session's report as PDF: roster, timeline, incidents, amendments, seal",
        "assessor report session exam-01 --out exam-01.pdf",
    )
    c.add_argument("session", metavar="SESSION", type=identifier)
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
