"""`issuer achievement|rubric publish`, `issuer assessment create`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from issuer.cli.common import command, group, open_database, out, say
from issuer.services.achievement_file import read_achievement_file
from issuer.services.catalogue import create_assessment, publish_achievement, publish_rubric
from issuer.services.rubric_source import read_rubrics


def achievement_publish(args: argparse.Namespace) -> int:
    definition = read_achievement_file(Path(args.file))  # every problem, before any write
    db = open_database(args)
    with db.write() as session:
        ident, changed = publish_achievement(session, definition)
    if args.json:
        out({"id": ident, "level": definition.level, "changed": changed})
    else:
        say(f"{'published' if changed else 'unchanged'}: {ident} ({definition.level})")
    return 0


def rubric_publish(args: argparse.Namespace) -> int:
    source_format, rubrics = read_rubrics(Path(args.file))
    db = open_database(args)
    with db.write() as session:
        published = [publish_rubric(session, r, source_format) for r in rubrics]
    if args.json:
        out([p.to_json() for p in published])
    else:
        for p in published:
            state = "published" if p.created else "already published"
            say(f"{state}: {p.id}@{p.version} {p.digest} {p.title}")
    return 0


def assessment_create(args: argparse.Namespace) -> int:
    db = open_database(args)
    with db.write() as session:
        row = create_assessment(
            session, args.id, args.title, args.achievement, args.rubric, args.signoff_required
        )
        result: dict[str, Any] = {
            "id": row.id,
            "achievement": row.achievement_id,
            "rubricVersion": args.rubric,
            "signoffRequired": row.signoff_required,
        }
    if args.json:
        out(result)
    else:
        sign = "sign-off required" if row.signoff_required else "no sign-off"
        say(f"assessment {row.id}: {row.achievement_id} by {args.rubric}, {sign}")
    return 0


def register(sub: Any) -> None:
    achievements = group(sub, "achievement", "achievements a pass earns")
    cmd = command(
        achievements,
        "publish",
        achievement_publish,
        "publish an achievement file (docs/issuer.md)",
        "issuer achievement publish wiring-badge.json",
    )
    cmd.add_argument("file", metavar="FILE")
    rubrics = group(sub, "rubric", "rubric versions assessors score against")
    cmd = command(
        rubrics,
        "publish",
        rubric_publish,
        "publish every rubric in a file (own JSON format or CASE 1.1)",
        "issuer rubric publish wiring.json",
    )
    cmd.add_argument("file", metavar="FILE")
    assessments = group(sub, "assessment", "assessments: achievement + rubric version")
    cmd = command(
        assessments,
        "create",
        assessment_create,
        "create an assessment",
        "issuer assessment create --id wiring-l2 --title 'Wiring (L2)' "
        "--achievement wiring-badge --rubric wiring@1 --signoff-required",
    )
    cmd.add_argument("--id", required=True)
    cmd.add_argument("--title", required=True)
    cmd.add_argument("--achievement", required=True, metavar="ID")
    cmd.add_argument(
        "--rubric", required=True, metavar="ID@VERSION", help="or the version's digest (uEi…)"
    )
    cmd.add_argument(
        "--signoff-required",
        action="store_true",
        help="a manager must approve before a credential is issued",
    )
