"""Commands that print and export: `report score-sheet`, `export results`."""

from __future__ import annotations

import argparse
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from assessor.cli.common import UsageError, command, open_db, out
from assessor.domain.text import for_terminal
from assessor.reports.csv_results import results_csv
from assessor.reports.score_sheet import write_score_sheet
from assessor.services.report_data import results_data, score_sheet_data
from assessor.store.files import atomic_output


def _write_output(
    target: str, force: bool, data_dir: Path, write: Callable[[BinaryIO], Any]
) -> None:
    """Write a report to `target` whole or not at all. Refused: an existing file without
    --force, and any path inside the data folder (a report must never replace the store's
    own files). The lead routes this through the shared safe-output function on merge."""
    path = Path(target).expanduser()
    resolved = path.resolve()
    folder = data_dir.resolve()
    if resolved == folder or folder in resolved.parents:
        raise UsageError(f"{target}: inside the data folder {folder}; write the report elsewhere")
    if path.is_dir():
        raise UsageError(f"{target}: is a folder; give a file name")
    if path.exists() and not force:
        raise UsageError(f"{target}: already exists; add --force to replace it")
    buffer = io.BytesIO()  # rendered first: a failure leaves no file at all
    write(buffer)
    try:
        with atomic_output(path) as f:
            f.write(buffer.getvalue())
    except OSError as exc:
        raise UsageError(f"{target}: cannot write: {exc.strerror or exc}") from None


def cmd_score_sheet(args: argparse.Namespace) -> int:
    with open_db(args, create=False) as db:
        data = score_sheet_data(db, args.submission)
        pages: list[int] = []
        _write_output(
            args.out, args.force, db.data_dir, lambda f: pages.append(write_score_sheet(data, f))
        )
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
    print(f"Wrote the score sheet of {data.submission_id} ({pages[0]} page(s)) to {args.out}")
    if data.record_id:
        print(f"  record {data.record_id}\n  digest {data.record_digest}")
    print(f"  {for_terminal(signature)}")
    for problem in data.problems:
        print(f"  problem: {for_terminal(problem)}")
    return 0


def cmd_export_results(args: argparse.Namespace) -> int:
    with open_db(args, create=False) as db:
        data = results_data(db, args.assessment)
        _write_output(args.out, args.force, db.data_dir, lambda f: f.write(results_csv(data)))
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
    print(
        f"Wrote {len(data.rows)} signed result(s) of {data.assessment_id} to {args.out} "
        f"({len(data.criteria)} criteria)"
    )
    if data.in_progress:
        print(f"  {data.in_progress} submission(s) in progress: drafts are not exported")
    if unverified:
        print(f"  {unverified} result(s) whose record does not verify: see the signature column")
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
    c.add_argument("submission", metavar="SUBMISSION")
    c.add_argument("--out", required=True, metavar="FILE.pdf")
    c.add_argument("--force", action="store_true", help="replace FILE if it exists")

    export = sub.add_parser("export", help="data for other programs")
    xsub = export.add_subparsers(dest="export_command", metavar="WHAT", required=True)
    c = command(
        xsub,
        "results",
        cmd_export_results,
        "an assessment's signed results as CSV (UTF-8 with BOM), one row per evaluation",
        "assessor export results safe-isolation-l2 --out results.csv",
    )
    c.add_argument("assessment", metavar="ASSESSMENT")
    c.add_argument("--out", required=True, metavar="FILE.csv")
    c.add_argument("--force", action="store_true", help="replace FILE if it exists")
