"""Realistic demo data: rubrics, stacked achievements, learners, submissions with real evidence
files, a few drafts in progress and one exam session."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from importlib import resources
from pathlib import Path

from assessor.domain.errors import DomainError
from assessor.domain.ids import uuid7
from assessor.domain.policy import Operation
from assessor.domain.workflow import SubmissionStatus
from assessor.security import keys
from assessor.services.access import Actor, check, operation
from assessor.services.demo_evidence import evidence_for
from assessor.services.preview import prepare_all_previews
from assessor.services.profiles import add_profile
from assessor.services.rubric_files import case_rubric_id
from assessor.services.rubrics import RubricVersionInfo, import_rubric_file, show_version
from assessor.services.scoring import SetComment, SetLevel, save_draft, show_evaluation
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

# (assessment id, title, rubric id, achievement id, evidence kind, submissions, sign-off, blind)
_ASSESSMENTS = [
    (
        "safe-isolation-l2",
        "Safe isolation of a final circuit (L2)",
        "safe-isolation",
        "badge-safe-isolation",
        "safe-isolation",
        14,
        True,
        False,
    ),
    (
        "site-induction",
        "Site safety induction",
        "site-induction-checklist",
        "badge-site-induction",
        "site-induction",
        10,
        False,
        False,
    ),
    (
        "reflective-practice",
        "Reflective practice journal",
        "reflective-practice",
        "badge-reflective-practice",
        "reflective-practice",
        8,
        False,
        True,
    ),
    (
        "code-review",
        "Peer code review",
        CASE_DEMO_RUBRIC,
        "badge-code-review",
        "code-review",
        8,
        False,
        False,
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
    """Fill an empty data folder with demo data. Refuses a folder that already has a database.
    The demo profiles' keys are sealed under DEMO_PASSPHRASE."""
    if (data_dir / "assessor.db").exists():
        raise DomainError(f"{data_dir} already holds an Assessor database; choose a new folder")
    check(Actor.local(), Operation.DEMO_WRITE)
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
    for aid, title, rubric_id, achievement, _, _, signoff, blind in _ASSESSMENTS:
        version = (
            tx.query(m.RubricVersion)
            .filter_by(rubric_id=rubric_id, version=rubrics[rubric_id].version)
            .one()
        )
        tx.add(
            m.Assessment(
                id=aid,
                title=title,
                achievement_id=achievement,
                rubric_version_id=version.id,
                evidence_expected="Documents, photographs and records as set out in the brief.",
                signoff_required=signoff,
                double_marking=False,
                blind_marking=blind,
                due_at=utcnow() + timedelta(days=14),
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
    for aid, _, _, _, kind, count, _, _ in _ASSESSMENTS:
        for learner in rng.sample(learners, count):
            seed = rng.randrange(1 << 30)
            submitted_at = now - timedelta(hours=rng.randrange(6, 500))
            # the documents are dated from the submission (UTC date, as the CLI shows it)
            files = evidence_for(kind, learner.name, seed, on=submitted_at.date())
            refs = [db.blobs.put_bytes(f.data) for f in files]  # blobs first: rows never dangle
            with db.write() as tx:
                sub = m.Submission(
                    id=f"sub-{len(ids) + 1:03d}",
                    learner_id=learner.id,
                    assessment_id=aid,
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
    """A few submissions part-scored, as an assessor's queue looks mid-week."""
    chosen = rng.sample(submissions, 6)
    for sub_id in chosen:
        view = show_evaluation(db, sub_id)
        _, rubric = show_version(db, f"{view.rubric_id}@{view.rubric_version}")
        changes: list[SetLevel | SetComment] = []
        for c in rubric.criteria[: rng.randrange(1, max(2, len(rubric.criteria)))]:
            level = rng.choice(c.levels)
            changes.append(SetLevel(c.id, level.id, level.top if level.is_range else None))
        changes.append(SetComment(rubric.criteria[0].id, "Clear method; check the photo again."))
        save_draft(db, sub_id, assessor_id, list(changes))
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
