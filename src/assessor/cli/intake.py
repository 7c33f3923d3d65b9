"""Commands for evidence intake: import and export submission packages."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from assessor.cli.common import (
    add_output,
    bounded_int,
    check_input_files,
    command,
    identifier,
    open_db,
)
from assessor.cli.text import out, say
from assessor.services.intake import import_package
from assessor.services.package_export import export_package
from assessor.services.package_zip import Limits
from assessor.services.preview import prepare_previews

_DEFAULTS = Limits()


def _mib(n: int) -> str:
    return f"{n / (1 << 20):.1f} MiB"


def cmd_package_import(args: argparse.Namespace) -> int:
    shown = not args.json and sys.stderr.isatty()

    def progress(done: int, total: int) -> None:
        if shown:
            print(f"\r  {_mib(done)} of {_mib(total)} …", end="", file=sys.stderr, flush=True)

    check_input_files([args.file])
    limits = Limits(args.max_total, args.max_entries, args.max_ratio)
    with open_db(args, create=False) as db:
        try:
            result = import_package(db, Path(args.file), limits=limits, progress=progress)
        finally:
            if shown:
                print("\r\033[K", end="", file=sys.stderr, flush=True)
        # Previews in sandboxed children, after the import committed: a file that cannot be
        # previewed never blocks the import, and the submission can still be scored.
        previews = [p for sid in result.imported for p in prepare_previews(db, sid)]
    if args.json:
        out(
            {
                "file": args.file,
                "imported": list(result.imported),
                "unchanged": list(result.unchanged),
                "artifacts": result.artifacts,
                "bytes": result.bytes,
                "newLearners": result.new_learners,
                "newAssessments": list(result.new_assessments),
                "newRubrics": list(result.new_rubrics),
                "notes": list(result.notes),
                "previews": [{"artifact": p.name, "preview": p.text} for p in previews],
            }
        )
        return 0
    if result.imported:
        say(
            f"Imported {len(result.imported)} submission(s) from {args.file}: "
            f"{', '.join(result.imported)} ({result.artifacts} files, {_mib(result.bytes)}, "
            f"{result.new_learners} new learner(s))"
        )
    if result.unchanged:
        say(f"Already imported, unchanged: {', '.join(result.unchanged)}")
    if result.new_assessments or result.new_rubrics:
        added = [f"assessment {a}" for a in result.new_assessments]
        added += [f"rubric {r} (published)" for r in result.new_rubrics]
        say(f"From the package's catalogue: {', '.join(added)}")
    say(*(f"  note: {note}" for note in result.notes))
    say(*(f"  {p.name}: {p.text}" for p in previews if not p.ok))
    return 0


def cmd_package_export(args: argparse.Namespace) -> int:
    with open_db(args) as db:
        result = export_package(db, args.submission, Path(args.out), force=args.force)
    if args.json:
        out(
            {
                "file": args.out,
                "submissions": list(result.submissions),
                "artifacts": result.artifacts,
            }
        )
    else:
        say(
            f"Wrote {len(result.submissions)} submission(s), {result.artifacts} files "
            f"({_mib(result.bytes)}) to {args.out}"
        )
    return 0


def register(sub: Any) -> None:
    package = sub.add_parser("package", help="submission packages (zip with manifest.json)")
    psub = package.add_subparsers(dest="package_command", metavar="ACTION", required=True)
    c = command(
        psub,
        "import",
        cmd_package_import,
        "import a submission package, all or nothing (see docs/package-format.md)",
        "assessor package import work-from-site-7.zip",
    )
    c.add_argument("file", metavar="FILE")
    c.add_argument(
        "--max-total",
        type=bounded_int(1, 1 << 40),
        default=_DEFAULTS.total_bytes,
        metavar="BYTES",
        help="refuse more unpacked bytes than this (default: 2 GiB)",
    )
    c.add_argument(
        "--max-entries",
        type=bounded_int(1, 1_000_000),
        default=_DEFAULTS.entries,
        metavar="N",
        help="refuse more archive entries than this (default: 10000)",
    )
    c.add_argument(
        "--max-ratio",
        type=bounded_int(1, 100_000),
        default=_DEFAULTS.ratio,
        metavar="R",
        help="refuse a file compressed more than R:1 (default: 200)",
    )
    c = command(
        psub,
        "export",
        cmd_package_export,
        "write submissions and their files as a package for another assessor",
        "assessor package export sub-001 sub-002 --out for-sam.zip",
    )
    c.add_argument("submission", metavar="SUBMISSION", nargs="+", type=identifier)
    add_output(c, "the package")
