"""Realistic demo data: rubrics, stacked achievements, learners, submissions with real evidence
files, a few drafts in progress and one exam session."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from assessor.domain.ids import uuid7
from assessor.domain.policy import Operation
from assessor.domain.workflow import SubmissionStatus
from assessor.formats.rubric_files import case_rubric_id
from assessor.security import keys
from assessor.services.access import Actor, check, operation
from assessor.services.build_aside import build_aside
from assessor.services.demo_comments import comments_for
from assessor.services.demo_evidence import evidence_for
from assessor.services.preview import prepare_all_previews
from assessor.services.profiles import add_profile
from assessor.services.rubrics import RubricVersionInfo, import_rubric_file, show_version
from assessor.services.scoring import (
    DraftChange,
    SetComment,
    SetLevel,
    save_draft,
    show_evaluation,
)
from assessor.store import models as m
from assessor.store.audit import append_event
from assessor.store.db import Database, Tx
from assessor.store.types import utcnow

DEMO_ASSESSOR = "Ada Assessor"
# Public on purpose (README): the demo profiles' keys protect nothing of value.
DEMO_PASSPHRASE = "demo passphrase"  # noqa: S105
DEMO_PROFILES = (
    (DEMO_ASSESSOR, "assessor"),
    ("Malik Manager", "manager"),
    ("Priya Proctor", "proctor"),
)

_FIRST = [
    "Priya",
    "Tomasz",
    "Amara",
    "Liam",
    "Sofia",
    "Kwame",
    "Mei",
    "Oisín",
    "Fatima",
    "Jonas",
    "Aaliyah",
    "Mateo",
    "Chloé",
    "Arjun",
    "Zanele",
    "Hiroshi",
    "Niamh",
    "Diego",
    "Leila",
    "Bartek",
    "Ifeoma",
    "Sven",
    "Rosa",
    "Yusuf",
    "Hannah",
    "Kai",
    "Ana",
    "Dmitri",
    "Grace",
    "Emeka",
]
_LAST = [
    "Shah",
    "Kowalski",
    "Okafor",
    "Byrne",
    "Rossi",
    "Mensah",
    "Chen",
    "Ó Briain",
    "Haddad",
    "Berg",
    "Johnson",
    "García",
    "Lefèvre",
    "Patel",
    "Dlamini",
    "Tanaka",
    "Murphy",
    "Silva",
    "Karimi",
    "Nowak",
    "Eze",
    "Lindqvist",
    "Martínez",
    "Demir",
    "Fischer",
    "Nakamura",
    "Costa",
    "Volkov",
    "Adeyemi",
    "Obi",
]

# The CFRubric identifier in resources/demo/rubrics/case-code-review.json.
CASE_DEMO_RUBRIC = case_rubric_id("8450f984-1244-4277-bb8c-b882bdb82a05")


class _Assessment(NamedTuple):
    id: str
    title: str
    rubric_id: str
    achievement_id: str
    evidence: str  # the kind of evidence a learner hands in (demo_evidence.KINDS)
    submissions: int
    signoff: bool
    blind: bool
    due_in_days: int  # each its own: a queue sorted by due date shows an order


_ASSESSMENTS = [
    _Assessment(
        "safe-isolation-l2",
        "Safe isolation of a final circuit (L2)",
        "safe-isolation",
        "badge-safe-isolation",
        "safe-isolation",
        14,
        signoff=True,
        blind=False,
        due_in_days=10,
    ),
    _Assessment(
        "site-induction",
        "Site safety induction",
        "site-induction-checklist",
        "badge-site-induction",
        "site-induction",
        10,
        signoff=False,
        blind=False,
        due_in_days=3,
    ),
    _Assessment(
        "reflective-practice",
        "Reflective practice journal",
        "reflective-practice",
        "badge-reflective-practice",
        "reflective-practice",
        8,
        signoff=False,
        blind=True,
        due_in_days=21,
    ),
    _Assessment(
        "code-review",
        "Peer code review",
        CASE_DEMO_RUBRIC,
        "badge-code-review",
        "code-review",
        8,
        signoff=False,
        blind=False,
        due_in_days=7,
    ),
]

_ACHIEVEMENTS = [
    ("badge-safe-isolation", "Safe Isolation Practitioner", "badge", "Level 2"),
    ("badge-site-induction", "Site Safety Inducted", "badge", "Level 1"),
    ("badge-reflective-practice", "Reflective Practitioner", "badge", "Level 2"),
    ("badge-code-review", "Code Review Fundamentals", "badge", "Level 3"),
    ("mc-electrical-safety", "Electrical Installation Safety", "micro-credential", "Level 2"),
]
_STACK = [
    ("mc-electrical-safety", p)
    for p in ("badge-safe-isolation", "badge-site-induction", "badge-reflective-practice")
]


@dataclass(frozen=True)
class DemoSummary:
    data_dir: Path
    rubrics: list[RubricVersionInfo]
    learners: int
    submissions: int
    artifacts: int
    drafts: int
    exam_sessions: int


def demo_rubric_files() -> list[Path]:
    folder = resources.files("assessor") / "resources" / "demo" / "rubrics"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".json"))


@operation(Operation.DEMO_WRITE)
def write_demo(
    data_dir: Path, *, seed: int = 2026, kdf_cost: tuple[int, int, int] | None = None
) -> DemoSummary:
    """Fill a new (absent or empty) data folder with demo data. Refuses any other folder.

    The folder appears whole or not at all: the data is written in a folder beside it and
    moved into place when complete, so a demo that fails, runs out of space or is killed
    leaves `data_dir` as it was, and running it again works. The demo profiles' keys are
    sealed under DEMO_PASSPHRASE."""
    check(Actor.local(), Operation.DEMO_WRITE)
    with build_aside(data_dir) as staging:
        summary = _write(staging, seed, kdf_cost)
    return replace(summary, data_dir=data_dir)


def _write(data_dir: Path, seed: int, kdf_cost: tuple[int, int, int] | None) -> DemoSummary:
    rng = random.Random(seed)
    sealed = [keys.create_key(DEMO_PASSPHRASE, cost=kdf_cost)[0] for _ in DEMO_PROFILES]
    with Database.open(data_dir) as db:
        infos = [i for path in demo_rubric_files() for i in import_rubric_file(db, path)]
        with db.write() as tx:
            assessor, _, proctor = (
                add_profile(tx, name, [role], key)
                for (name, role), key in zip(DEMO_PROFILES, sealed, strict=True)
            )
            _catalogue(tx, {i.id: i for i in infos})
            learners = _learners(tx, rng)
        submissions, artifacts = _submissions(db, rng, learners)
        drafts = _drafts(db, rng, submissions, assessor.id)
        with db.write() as tx:
            _exam_session(tx, rng, learners, proctor.id)
            # Learners, submissions and evidence came in as one seeding act: one event says so.
            append_event(
                tx,
                actor="local",
                action="demo.write",
                entity_type="data",
                entity_id="demo",
                payload={
                    "learners": len(learners),
                    "submissions": len(submissions),
                    "artifacts": artifacts,
                    "seed": seed,
                },
            )
        prepare_all_previews(db)  # as an import would: the demo shows what the GUI will
    return DemoSummary(data_dir, infos, len(learners), len(submissions), artifacts, drafts, 1)


def _catalogue(tx: Tx, rubrics: dict[str, RubricVersionInfo]) -> None:
    for aid, title, kind, level in _ACHIEVEMENTS:
        tx.add(
            m.Achievement(
                id=aid,
                title=title,
                kind=kind,
                level=level,
                description=f"Awarded for demonstrating {title.lower()}.",
            )
        )
    tx.flush()
    for achievement, prerequisite in _STACK:
        tx.add(m.AchievementPrerequisite(achievement_id=achievement, prerequisite_id=prerequisite))
    # due at the end of a working day, each assessment on its own day
    today_close = utcnow().replace(hour=17, minute=0, second=0, microsecond=0)
    for a in _ASSESSMENTS:
        version = (
            tx.query(m.RubricVersion)
            .filter_by(rubric_id=a.rubric_id, version=rubrics[a.rubric_id].version)
            .one()
        )
        tx.add(
            m.Assessment(
                id=a.id,
                title=a.title,
                achievement_id=a.achievement_id,
                rubric_version_id=version.id,
                evidence_expected="Documents, photographs and records as set out in the brief.",
                signoff_required=a.signoff,
                double_marking=False,
                blind_marking=a.blind,
                due_at=today_close + timedelta(days=a.due_in_days),
            )
        )


def _learners(tx: Tx, rng: random.Random) -> list[m.Learner]:
    learners = []
    for i, (first, last) in enumerate(zip(_FIRST, _LAST, strict=True)):
        code = "C-" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(5))
        learner = m.Learner(
            id=f"urn:uuid:{uuid7()}", name=f"{first} {last}", anonymous_code=f"{code}{i:02d}"
        )
        tx.add(learner)
        learners.append(learner)
    return learners


def _submissions(
    db: Database, rng: random.Random, learners: list[m.Learner]
) -> tuple[list[str], int]:
    ids: list[str] = []
    artifacts = 0
    now = utcnow()
    for a in _ASSESSMENTS:
        for learner in rng.sample(learners, a.submissions):
            seed = rng.randrange(1 << 30)
            submitted_at = now - timedelta(hours=rng.randrange(6, 500))
            # Under blind marking the work carries the candidate code, never the name: the
            # assessor sees the code in the queue and must not read the name in the files.
            author = learner.anonymous_code if a.blind else learner.name
            # the documents are dated from the submission (UTC date, as the CLI shows it)
            files = evidence_for(a.evidence, author, seed, on=submitted_at.date())
            refs = [db.blobs.put_bytes(f.data) for f in files]  # blobs first: rows never dangle
            with db.write() as tx:
                sub = m.Submission(
                    id=f"sub-{len(ids) + 1:03d}",
                    learner_id=learner.id,
                    assessment_id=a.id,
                    attempt=1,
                    submitted_at=submitted_at,
                    status=SubmissionStatus.TO_SCORE.value,
                )
                tx.add(sub)
                for pos, (f, ref) in enumerate(zip(files, refs, strict=True)):
                    tx.add(
                        m.Artifact(
                            submission_id=sub.id,
                            position=pos,
                            name=f.name,
                            media_type=f.media_type,
                            size=ref.size,
                            sha256=ref.sha256,
                        )
                    )
            ids.append(sub.id)
            artifacts += len(files)
    return ids, artifacts


def _drafts(db: Database, rng: random.Random, submissions: list[str], assessor_id: str) -> int:
    """A few submissions part-scored, as an assessor's queue looks mid-week. Each comment is
    one written for that rubric's criterion at the level chosen (demo_comments)."""
    chosen = rng.sample(submissions, 6)
    for sub_id in chosen:
        view = show_evaluation(db, sub_id)
        _, rubric = show_version(db, f"{view.rubric_id}@{view.rubric_version}")
        changes: list[DraftChange] = []
        scored = rubric.criteria[: rng.randrange(1, max(2, len(rubric.criteria)))]
        for n, c in enumerate(scored):
            level = rng.choice(c.levels)
            changes.append(SetLevel(c.id, level.id, level.top if level.is_range else None))
            said = comments_for(rubric.id, c.id, level.id)
            if said and (n == 0 or rng.random() < 0.4):
                changes.append(SetComment(c.id, rng.choice(said)))
        save_draft(db, sub_id, assessor_id, changes)
    return len(chosen)


def _exam_session(tx: Tx, rng: random.Random, learners: list[m.Learner], proctor_id: str) -> None:
    session = m.ExamSession(
        id=f"exam-{uuid7()}",
        title="Electrical safety — written paper (L2)",
        assessment_id="safe-isolation-l2",
        location="Training centre, room 3",
        starts_at=(utcnow() + timedelta(days=1)).replace(
            hour=9, minute=30, second=0, microsecond=0
        ),
        status="planned",
        proctor_id=proctor_id,
    )
    tx.add(session)
    tx.flush()
    for learner in rng.sample(learners, 12):
        tx.add(m.ExamCandidate(session_id=session.id, learner_id=learner.id))
