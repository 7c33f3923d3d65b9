"""`issuer demo`: seed the demo of `assessor demo` (services/demo.py)."""

from __future__ import annotations

import argparse
from typing import Any

from issuer.cli.common import command, out, say
from issuer.paths import database_url


def demo(args: argparse.Namespace) -> int:
    from issuer.services.credentials import stamp
    from issuer.services.demo import seed  # the evidence makers (reportlab): only here

    seeded = seed(database_url(getattr(args, "db", None)))
    if args.json:
        out(seeded.to_json())
        return 0
    say(
        f"Seeded the demo (seed {seeded.seed}): {len(seeded.rubrics)} rubrics, "
        f"{seeded.achievements} achievements, {seeded.assessments} assessments, "
        f"{seeded.learners} learners, {len(seeded.submissions)} submissions with "
        f"{seeded.evidence} evidence files, exam session {seeded.exam_session}."
    )
    say("Enrolment codes (one use each, note them now; only their hashes are kept):")
    for c in seeded.codes:
        say(f"  {c.person} as {c.role}: {c.code} (until {stamp(c.expires_at)})")
    return 0


def register(sub: Any) -> None:
    command(
        sub,
        "demo",
        demo,
        "seed the catalogue, people, learners, submissions and evidence of 'assessor demo'",
        "issuer init --domain localhost:8443 && issuer demo --json",
    )
