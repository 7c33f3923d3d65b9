"""Commands for the catalogue: demo data and rubrics."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from assessor import paths
from assessor.cli.common import (
    MAX_PATH,
    bounded_text,
    check_input_files,
    command,
    identifier,
    open_db,
)
from assessor.cli.text import out, say, table
from assessor.domain.numbers import fmt, to_json_number
from assessor.domain.rubric import Rubric
from assessor.formats.rubric_files import validate_rubric_files
from assessor.services import rubrics


def cmd_demo(args: argparse.Namespace) -> int:
    from assessor import demo  # reportlab and the evidence makers: only here

    target = paths.data_dir(args.data_dir)
    say(f"Writing demo data to {target} …", err=True)
    s = demo.write_demo(target)
    if args.json:
        out(
            {
                "dataDir": str(s.data_dir),
                "rubrics": [_version_json(i) for i in s.rubrics],
                "learners": s.learners,
                "submissions": s.submissions,
                "artifacts": s.artifacts,
                "drafts": s.drafts,
                "forSignOff": s.for_signoff,
                "examSessions": s.exam_sessions,
            }
        )
        return 0
    say(f"Demo data written to {s.data_dir}")
    table(
        [(i.ref, i.kind, i.title, i.digest) for i in s.rubrics],
        ["rubric", "kind", "title", "digest"],
    )
    say(
        "",
        f"{s.learners} learners, {s.submissions} submissions with {s.artifacts} evidence "
        f"files, {s.drafts} drafts in progress, {s.for_signoff} signed evaluations waiting "
        f"for sign-off, {s.exam_sessions} exam session.",
        f"Profiles: {', '.join(name for name, _ in demo.DEMO_PROFILES)}; "
        f"their passphrase is '{demo.DEMO_PASSPHRASE}' (demo only).",
        f"Next: assessor submission list --data-dir {s.data_dir}",
    )
    return 0


# rubric -----------------------------------------------------------------------------


def _version_json(i: rubrics.RubricVersionInfo) -> dict[str, Any]:
    return {"id": i.id, "version": i.version, "digest": i.digest, "title": i.title}


def cmd_rubric_validate(args: argparse.Namespace) -> int:
    check_input_files(args.files)
    lines = validate_rubric_files([Path(f) for f in args.files])
    if args.json:
        out(
            [
                {"file": f, "location": loc, "message": msg}
                for f, loc, msg in (line.split(": ", 2) for line in lines)
            ]
        )
    else:
        say(*lines, err=True)
        if not lines:
            say(f"{len(args.files)} file(s) valid")
    return 2 if lines else 0


def cmd_rubric_import(args: argparse.Namespace) -> int:
    check_input_files(args.files)
    problems = validate_rubric_files([Path(f) for f in args.files])
    if problems:  # validate everything before opening, so bad input writes nothing
        say(*problems, err=True)
        return 2
    with open_db(args) as db:
        infos = [
            i
            for f in args.files
            for i in rubrics.import_rubric_file(db, Path(f), publish=not args.draft)
        ]
    if args.json:
        out(
            [
                _version_json(i)
                | {
                    "created": i.created,
                    "published": i.published,
                    "publishedNow": i.published_now,
                    "replacedDraft": i.replaced_draft,
                }
                for i in infos
            ]
        )
    else:
        for i in infos:
            say(f"{i.ref}  {i.digest}  {i.state}")
    return 0


def cmd_rubric_list(args: argparse.Namespace) -> int:
    with open_db(args, create=False) as db:
        infos = rubrics.list_versions(db)
    if args.json:
        out([_version_json(i) for i in infos])
    else:
        table(
            [
                (i.ref, i.kind, "published" if i.published else "draft", i.title, i.digest)
                for i in infos
            ],
            ["version", "kind", "state", "title", "digest"],
        )
    return 0


def rubric_json(info: rubrics.RubricVersionInfo, rubric: Rubric) -> dict[str, Any]:
    return _version_json(info) | {
        "kind": rubric.kind.value,
        "criteria": [
            {
                "id": c.id,
                "title": c.title,
                "weight": to_json_number(c.weight),
                "critical": c.critical,
                "minimumLevel": c.minimum_level,
                "levels": [
                    {"id": lv.id, "title": lv.title, "points": to_json_number(lv.points)}
                    | ({"maxPoints": to_json_number(lv.top)} if lv.is_range else {})
                    for lv in c.levels
                ],
            }
            for c in rubric.criteria
        ],
    }


def cmd_rubric_show(args: argparse.Namespace) -> int:
    with open_db(args, create=False) as db:
        info, rubric = rubrics.show_version(db, args.ref)
    if args.json:
        out(rubric_json(info, rubric))
        return 0
    rule = rubric.pass_rule
    say(
        info.title,
        f"{info.ref} ({rubric.kind.value}) {info.digest}",
        f"Pass: {fmt(rule.threshold)}{'%' if rule.kind.value == 'percentage' else ' points'}"
        f" · maximum {fmt(rubric.max_points)} points",
    )
    for c in rubric.criteria:
        crit = f"  CRITICAL ≥ {c.level(c.minimum_level).title}" if c.minimum_level else ""
        say("", f"{c.id}: {c.title}  (weight {fmt(c.weight)}){crit}")
        for n, lv in enumerate(c.levels, 1):
            pts = fmt(lv.points) if not lv.is_range else f"{fmt(lv.points)}–{fmt(lv.top)}"
            say(f"  [{n}] {lv.id}: {lv.title} — {pts} pt")
    for b in rubric.bands:
        say(f"Band {b.title}")
    return 0


def cmd_rubric_diff(args: argparse.Namespace) -> int:
    with open_db(args, create=False) as db:
        changes = rubrics.diff_versions(db, args.a, args.b)
    if args.json:
        out(
            [
                {"kind": c.kind, "path": c.path, "before": c.before, "after": c.after}
                for c in changes
            ]
        )
    else:
        say(*(c.describe() for c in changes))
        if not changes:
            say("no differences")
    return 0


def register(sub: Any) -> None:
    command(
        sub,
        "demo",
        cmd_demo,
        "write realistic demo data into a new data folder",
        "assessor demo --data-dir ~/assessor-demo",
    )

    rubric = sub.add_parser("rubric", help="validate, import and inspect rubrics")
    rsub = rubric.add_subparsers(dest="rubric_command", metavar="ACTION", required=True)
    c = command(
        rsub,
        "validate",
        cmd_rubric_validate,
        "check rubric files, reporting every problem",
        "assessor rubric validate safe-isolation.json case-package.json",
    )
    c.add_argument("files", nargs="+", metavar="FILE")
    c = command(
        rsub,
        "import",
        cmd_rubric_import,
        "import and publish rubric versions (own JSON or CASE 1.1); --draft keeps them unpublished",
        "assessor rubric import safe-isolation.json",
    )
    c.add_argument("files", nargs="+", metavar="FILE")
    c.add_argument(
        "--draft",
        action="store_true",
        help="import without publishing. Without --draft every version in FILE is published, "
        "irreversibly: also one imported before as a draft with the same content (the output "
        "then says 'published (it was a draft …)'), and a changed rubric whose latest version "
        "is a draft replaces that draft ('replaced the draft')",
    )
    command(rsub, "list", cmd_rubric_list, "list rubric versions", "assessor rubric list --json")
    c = command(
        rsub,
        "show",
        cmd_rubric_show,
        "show one rubric version",
        "assessor rubric show safe-isolation@2",
    )
    c.add_argument("ref", metavar="ID[@VERSION]", type=identifier)
    c = command(
        rsub,
        "diff",
        cmd_rubric_diff,
        "what changed between two versions (or a file)",
        "assessor rubric diff safe-isolation@1 safe-isolation@2",
    )
    c.add_argument("a", metavar="A", type=bounded_text(MAX_PATH))
    c.add_argument("b", metavar="B", type=bounded_text(MAX_PATH))
