"""Command line: `assessor COMMAND ...`. Composition root for commands; never imports the UI.

Exit status: 0 success, 1 a check found a problem, 2 bad input or usage (nothing written).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assessor import __version__, paths
from assessor.app import open_data
from assessor.domain.errors import DomainError, UnknownChoice, ValidationFailed
from assessor.domain.numbers import fmt, parse_decimal, to_json_number
from assessor.domain.rubric import Rubric
from assessor.domain.workflow import STATUS_WORDS, SubmissionStatus
from assessor.services import demo, rubrics, scoring, submissions
from assessor.services.profiles import resolve_profile
from assessor.services.rubric_files import validate_rubric_files
from assessor.store.db import Database

Handler = Callable[[argparse.Namespace], int]


class UsageError(DomainError):
    code = "usage"


def _out(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def _table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> None:
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def _open(args: argparse.Namespace) -> Database:
    return open_data(args.data_dir)


# ---- demo -------------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace) -> int:
    target = paths.data_dir(args.data_dir)
    print(f"Writing demo data to {target} …", file=sys.stderr)
    s = demo.write_demo(target)
    if args.json:
        _out(
            {
                "dataDir": str(s.data_dir),
                "rubrics": [_version_json(i) for i in s.rubrics],
                "learners": s.learners,
                "submissions": s.submissions,
                "artifacts": s.artifacts,
                "drafts": s.drafts,
                "examSessions": s.exam_sessions,
            }
        )
        return 0
    print(f"Demo data written to {s.data_dir}")
    _table(
        [(i.ref, i.kind, i.title, i.digest) for i in s.rubrics],
        ["rubric", "kind", "title", "digest"],
    )
    print(
        f"\n{s.learners} learners, {s.submissions} submissions with {s.artifacts} evidence "
        f"files, {s.drafts} drafts in progress, {s.exam_sessions} exam session."
    )
    print(f"Next: assessor submission list --data-dir {s.data_dir}")
    return 0


# ---- rubric -----------------------------------------------------------------------------


def _version_json(i: rubrics.RubricVersionInfo) -> dict[str, Any]:
    return {"id": i.id, "version": i.version, "digest": i.digest, "title": i.title}


def cmd_rubric_validate(args: argparse.Namespace) -> int:
    lines = validate_rubric_files([Path(f) for f in args.files])
    if args.json:
        _out(
            [
                {"file": f, "location": loc, "message": msg}
                for f, loc, msg in (line.split(": ", 2) for line in lines)
            ]
        )
    else:
        for line in lines:
            print(line, file=sys.stderr)
        if not lines:
            print(f"{len(args.files)} file(s) valid")
    return 2 if lines else 0


def cmd_rubric_import(args: argparse.Namespace) -> int:
    problems = validate_rubric_files([Path(f) for f in args.files])
    if problems:  # validate everything before opening, so bad input writes nothing
        for line in problems:
            print(line, file=sys.stderr)
        return 2
    with _open(args) as db:
        infos = [
            i
            for f in args.files
            for i in rubrics.import_rubric_file(db, Path(f), publish=not args.draft)
        ]
    if args.json:
        _out([_version_json(i) | {"created": i.created, "published": i.published} for i in infos])
    else:
        for i in infos:
            state = "imported" if i.created else "unchanged, already"
            print(f"{i.ref}  {i.digest}  {state} {'published' if i.published else 'draft'}")
    return 0


def cmd_rubric_list(args: argparse.Namespace) -> int:
    with _open(args) as db:
        infos = rubrics.list_versions(db)
    if args.json:
        _out([_version_json(i) for i in infos])
    else:
        _table(
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
    with _open(args) as db:
        info, rubric = rubrics.show_version(db, args.ref)
    if args.json:
        _out(rubric_json(info, rubric))
        return 0
    print(f"{info.title}\n{info.ref} ({rubric.kind.value}) {info.digest}")
    rule = rubric.pass_rule
    print(
        f"Pass: {fmt(rule.threshold)}{'%' if rule.kind.value == 'percentage' else ' points'}"
        f" · maximum {fmt(rubric.max_points)} points"
    )
    for c in rubric.criteria:
        crit = f"  CRITICAL ≥ {c.level(c.minimum_level).title}" if c.minimum_level else ""
        print(f"\n{c.id}: {c.title}  (weight {fmt(c.weight)}){crit}")
        for n, lv in enumerate(c.levels, 1):
            pts = fmt(lv.points) if not lv.is_range else f"{fmt(lv.points)}–{fmt(lv.top)}"
            print(f"  [{n}] {lv.id}: {lv.title} — {pts} pt")
    for b in rubric.bands:
        print(f"Band {b.title}")
    return 0


def cmd_rubric_diff(args: argparse.Namespace) -> int:
    with _open(args) as db:
        changes = rubrics.diff_versions(db, args.a, args.b)
    if args.json:
        _out(
            [
                {"kind": c.kind, "path": c.path, "before": c.before, "after": c.after}
                for c in changes
            ]
        )
    else:
        for c in changes:
            print(c.describe())
        if not changes:
            print("no differences")
    return 0


# ---- submissions and scoring ------------------------------------------------------------


def cmd_submission_list(args: argparse.Namespace) -> int:
    f = submissions.QueueFilter(args.status, args.assessment, args.search)
    with _open(args) as db:
        rows = submissions.list_submissions(db, f, limit=args.limit)
    if args.json:
        _out([submissions.to_json(r) for r in rows])
    else:
        _table(
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
    print(
        f"{view.submission_id} · {view.status} · rubric {view.rubric_id}@{view.rubric_version}"
        f" {view.rubric_digest}"
    )
    for c in view.criteria:
        level = f"{c.level_title} ({fmt(c.points)} pt)" if c.points is not None else "—"
        print(f"  {c.id}: {level}" + (f"  «{c.comment}»" if c.comment else ""))
    r = view.result
    print(
        f"Total {fmt(r.total)} / {fmt(r.maximum)} ({fmt(r.percentage)} %) · "
        f"Outcome: {r.outcome.value.replace('_', ' ').upper()}"
        + (f" · band {r.band}" if r.band else "")
    )
    for reason in r.reasons:
        print(f"  - {reason}")


def cmd_evaluation_show(args: argparse.Namespace) -> int:
    with _open(args) as db:
        view = scoring.show_evaluation(db, args.submission)
    _out(view.to_json()) if args.json else _print_evaluation(view)
    return 0


def _parse_pair(text: str, option: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key or not value:
        raise UsageError(f"{option} '{text}': expected CRITERION=VALUE")
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
        points = parse_decimal(points_text) if points_text else None
    except ValueError as exc:
        raise UsageError(f"--level '{text}': points {exc}") from None
    return scoring.SetLevel(criterion.id, level_ref, points)


def cmd_score(args: argparse.Namespace) -> int:
    if not (args.level or args.comment or args.overall is not None):
        raise UsageError("nothing to save: give --level, --comment or --overall")
    with _open(args) as db:
        view = scoring.show_evaluation(db, args.submission)
        _, rubric = rubrics.show_version(db, f"{view.rubric_id}@{view.rubric_version}")
        changes: list[scoring.DraftChange] = [_level_change(view, rubric, t) for t in args.level]
        for text in args.comment:
            cid, comment = _parse_pair(text, "--comment")
            changes.append(scoring.SetComment(rubric.criterion(cid).id, comment))
        if args.overall is not None:
            changes.append(scoring.SetOverallComment(args.overall))
        profile = resolve_profile(db, args.profile, "assessor")
        saved = scoring.save_draft(db, args.submission, profile.id, changes)
    if args.json:
        _out(saved.to_json())
    else:
        print(f"Saved draft ({len(changes)} change(s)) as {profile.name}")
        _print_evaluation(saved)
    return 0


# ---- parser -----------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        default=argparse.SUPPRESS,
        metavar="DIR",
        help="data folder (default: $ASSESSOR_DATA_DIR or the user data folder)",
    )
    common.add_argument("--json", action="store_true", help="machine-readable output")
    p = argparse.ArgumentParser(
        prog="assessor",
        description="Score evidence of skill against versioned rubrics, offline first.",
    )
    p.add_argument("--version", action="version", version=f"assessor {__version__}")
    p.add_argument("--data-dir", default=None, metavar="DIR", help=argparse.SUPPRESS)
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def add(
        parent: Any, name: str, handler: Handler, help_: str, example: str
    ) -> argparse.ArgumentParser:
        cmd: argparse.ArgumentParser = parent.add_parser(
            name,
            parents=[common],
            help=help_,
            description=help_,
            epilog=f"example:\n  {example}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        cmd.set_defaults(handler=handler)
        return cmd

    add(
        sub,
        "demo",
        cmd_demo,
        "write realistic demo data into a new data folder",
        "assessor demo --data-dir ~/assessor-demo",
    )

    rubric = sub.add_parser("rubric", help="validate, import and inspect rubrics")
    rsub = rubric.add_subparsers(dest="rubric_command", metavar="ACTION", required=True)
    c = add(
        rsub,
        "validate",
        cmd_rubric_validate,
        "check rubric files, reporting every problem",
        "assessor rubric validate safe-isolation.json case-package.json",
    )
    c.add_argument("files", nargs="+", metavar="FILE")
    c = add(
        rsub,
        "import",
        cmd_rubric_import,
        "import rubric versions (own JSON or CASE 1.1)",
        "assessor rubric import safe-isolation.json",
    )
    c.add_argument("files", nargs="+", metavar="FILE")
    c.add_argument("--draft", action="store_true", help="import without publishing")
    add(rsub, "list", cmd_rubric_list, "list rubric versions", "assessor rubric list --json")
    c = add(
        rsub,
        "show",
        cmd_rubric_show,
        "show one rubric version",
        "assessor rubric show safe-isolation@2",
    )
    c.add_argument("ref", metavar="ID[@VERSION]")
    c = add(
        rsub,
        "diff",
        cmd_rubric_diff,
        "what changed between two versions (or a file)",
        "assessor rubric diff safe-isolation@1 safe-isolation@2",
    )
    c.add_argument("a", metavar="A")
    c.add_argument("b", metavar="B")

    submission = sub.add_parser("submission", help="the work queue")
    ssub = submission.add_subparsers(dest="submission_command", metavar="ACTION", required=True)
    c = add(
        ssub,
        "list",
        cmd_submission_list,
        "list submissions",
        "assessor submission list --status to_score --search Priya",
    )
    c.add_argument("--status", choices=["to_score", "in_progress", "finalized"])
    c.add_argument("--assessment", metavar="ID")
    c.add_argument("--search", metavar="TEXT", help="learner name, anonymous code or id")
    c.add_argument("--limit", type=int, default=200)

    evaluation = sub.add_parser("evaluation", help="evaluations of submissions")
    esub = evaluation.add_subparsers(dest="evaluation_command", metavar="ACTION", required=True)
    c = add(
        esub,
        "show",
        cmd_evaluation_show,
        "show a submission's evaluation",
        "assessor evaluation show sub-001 --json",
    )
    c.add_argument("submission", metavar="SUBMISSION")

    c = add(
        sub,
        "score",
        cmd_score,
        "save levels and comments to your draft evaluation",
        "assessor score sub-001 --level prove-dead=competent --level identify=3 "
        "--comment prove-dead='Tested on a known source'",
    )
    c.add_argument("submission", metavar="SUBMISSION")
    c.add_argument(
        "--level",
        action="append",
        default=[],
        metavar="CRITERION=LEVEL[:POINTS]",
        help="level id or number (1 = lowest); points for a level with a range",
    )
    c.add_argument("--comment", action="append", default=[], metavar="CRITERION=TEXT")
    c.add_argument("--overall", metavar="TEXT", help="overall comment")
    c.add_argument("--profile", metavar="NAME", help="assessor profile (default: the only one)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "data_dir"):
        args.data_dir = None
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        print(
            "The desktop window arrives with the scoring desk. Meanwhile try:\n"
            "  assessor demo --data-dir DIR\n  assessor --help",
            file=sys.stderr,
        )
        return 2
    try:
        return handler(args)
    except ValidationFailed as exc:
        for line in exc.lines():
            print(line, file=sys.stderr)
        return 2
    except DomainError as exc:
        print(f"assessor: error: {exc.message}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
