"""An exam session in progress for the demo: a roster, check-ins with identity methods, a
break, incidents (one corrected), some outcomes, and candidates still sitting. Made from a
fixed seed through the same services a proctor uses, so it is saved, audited and verifiable
like real work; the session can be sealed once the remaining outcomes are recorded."""

from __future__ import annotations

import random
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from assessor.domain.policy import Operation
from assessor.services import exam_sessions as es
from assessor.services.access import operation
from assessor.store.db import Database

DEMO_SEED = 2026
_NAMES = (
    "Amara Okafor",
    "Ben Hughes",
    "Chloe Martin",
    "Dev Patel",
    "Ewa Nowak",
    "Farid Haddad",
    "Grace Lee",
    "Hamish Reid",
    "Ines Duarte",
    "Jonah Klein",
    "Kofi Mensah",
    "Lena Fischer",
)


def _roster(learners: Sequence[tuple[str, str]], rng: random.Random) -> list[str]:
    """CSV lines: the learners given (id, name), or the demo's own names without learners."""
    chosen = list(learners) or [("", name) for name in _NAMES]
    lines = [
        f"C-{100 + n},{name.replace(',', ' ')},{learner}"
        for n, (learner, name) in enumerate(chosen, 1)
    ]
    rng.shuffle(lines)  # the order candidates were listed in, not by number
    return ["candidate,name,learner", *lines]


@operation(Operation.EXAM_OPEN)
def seed_session_in_progress(
    db: Database,
    proctor_id: str,
    *,
    learners: Sequence[tuple[str, str]] = (),
    seed: int = DEMO_SEED,
    now: datetime | None = None,
    title: str = "Electrical safety — written paper (L2)",
) -> str:
    """Create and partly run a session as `proctor_id`; return its id. The same seed gives
    the same session id, roster, entries and outcomes (times follow `now`)."""
    rng = random.Random(seed)
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    start = moment - timedelta(minutes=45)
    view = es.create_session(
        db,
        proctor_id,
        title=title,
        kind="site",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        location="Training centre, room 3",
        session_id=f"exam-demo-{seed}",
        now=start - timedelta(minutes=30),
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "roster.csv"
        path.write_text("\n".join(_roster(learners, rng)) + "\n", encoding="utf-8")
        es.import_roster(db, proctor_id, view.id, path)
    candidates = [c.id for c in es.show_session(db, view.id).candidates]
    absent, *present = candidates
    methods = ["passport", "driving-licence", "institution-card", "known"]
    at = start - timedelta(minutes=20)
    for n, c in enumerate(present):
        at += timedelta(seconds=rng.randrange(20, 90))
        es.check_in(db, proctor_id, view.id, c, methods[n % len(methods)], now=at)
    tick = start + timedelta(minutes=5)

    def later(minutes: int) -> datetime:
        nonlocal tick
        tick += timedelta(minutes=minutes, seconds=rng.randrange(0, 60))
        return tick

    es.set_outcome(db, proctor_id, view.id, absent, "no-show", now=later(0))
    phone = rng.choice(present)
    first = es.log_incident(
        db,
        proctor_id,
        view.id,
        es.Incident(
            "prohibited-item",
            "red",
            "Phone visible on the desk, screen on.",
            [phone],
            witness="Second invigilator",
            action="Phone taken and bagged",
            notified="Centre manager",
        ),
        now=later(8),
    )
    es.log_incident(
        db,
        proctor_id,
        view.id,
        es.Incident(
            "prohibited-item",
            "yellow",
            "Correction: the phone was switched off; the screen was a reflection.",
            [phone],
            witness="Second invigilator",
            corrects=first.seq,
        ),
        now=later(3),
    )
    ill = rng.choice([c for c in present if c != phone])
    es.record_movement(db, proctor_id, view.id, ill, "break-start", now=later(4))
    es.log_incident(
        db,
        proctor_id,
        view.id,
        es.Incident(
            "illness", "blue", "Felt faint; given water outside.", [ill], action="Escorted"
        ),
        now=later(1),
    )
    es.record_movement(db, proctor_id, view.id, ill, "break-end", now=later(6))
    es.log_incident(
        db,
        proctor_id,
        view.id,
        es.Incident("disruption", "green", "Fire alarm test next door; no pause needed."),
        now=later(2),
    )
    done = [c for c in present if c not in (phone, ill)][:3]
    for c in done:
        es.record_movement(db, proctor_id, view.id, c, "exit", now=later(2))
        es.set_outcome(db, proctor_id, view.id, c, "completed", now=later(0))
    return view.id
