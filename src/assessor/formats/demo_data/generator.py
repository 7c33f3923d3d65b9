"""The demo's data set from one seed: catalogue, people, learners, submissions and their
evidence bytes. No database: `assessor demo` writes it to a data folder, `issuer demo` to the
issuer's database, so the ids and digests agree on both sides.

What a person reads as "recent" (due dates, the exam session) is placed by each side from its
own clock; what ends up in an id, a digest or a signed record (ids, submission times, the
dates printed in the evidence) is fixed by the seed and `DEMO_DAY`.
"""

from __future__ import annotations

import functools
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

from assessor.formats.case_rubrics import case_rubric_id
from assessor.formats.demo_data.evidence import EvidenceFile, evidence_for
from assessor.formats.demo_data.names import FIRST_NAMES, LAST_NAMES

DEMO_SEED = 2026
# The day the demo's work was handed in by: evidence is dated from it, so its bytes (and
# digests) are the same whatever day the demo is built.
DEMO_DAY = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)

DEMO_ASSESSOR = "Ada Assessor"
DEMO_MANAGER = "Malik Manager"
DEMO_PROCTOR = "Priya Proctor"
DEMO_PEOPLE = (
    (DEMO_ASSESSOR, "assessor"),
    (DEMO_MANAGER, "manager"),
    (DEMO_PROCTOR, "proctor"),
)

# The CFRubric identifier in resources/demo/rubrics/case-code-review.json.
CASE_DEMO_RUBRIC = case_rubric_id("8450f984-1244-4277-bb8c-b882bdb82a05")


@dataclass(frozen=True)
class Achievement:
    id: str
    title: str
    kind: str  # badge, micro-credential
    level: str
    prerequisites: tuple[str, ...] = ()

    @property
    def description(self) -> str:
        return f"Awarded for demonstrating {self.title.lower()}."


@dataclass(frozen=True)
class Assessment:
    id: str
    title: str
    rubric_id: str
    achievement_id: str
    evidence: str  # the kind of evidence a learner hands in (evidence.KINDS)
    submissions: int
    signoff: bool
    blind: bool
    due_in_days: int  # each its own: a queue sorted by due date shows an order

    evidence_expected = "Documents, photographs and records as set out in the brief."


@dataclass(frozen=True)
class Learner:
    id: str
    name: str
    anonymous_code: str


@dataclass(frozen=True)
class Submission:
    id: str
    learner: Learner
    assessment: Assessment
    attempt: int
    submitted_at: datetime
    files: tuple[EvidenceFile, ...]

    @property
    def manager(self) -> str | None:
        """The manager who signs it off, when its assessment needs one."""
        return DEMO_MANAGER if self.assessment.signoff else None


@dataclass(frozen=True)
class ExamSession:
    id: str
    title: str
    assessment_id: str
    location: str
    candidates: tuple[Learner, ...]

    def starts_at(self, now: datetime) -> datetime:
        """Tomorrow at 09:30 (UTC) from `now`: always ahead of whoever opens the demo."""
        return (now + timedelta(days=1)).replace(hour=9, minute=30, second=0, microsecond=0)


@dataclass(frozen=True)
class DemoSet:
    """What the seed decides; the catalogue (ACHIEVEMENTS, ASSESSMENTS) is the same for all."""

    seed: int
    learners: tuple[Learner, ...]
    submissions: tuple[Submission, ...]
    exam_session: ExamSession
    draft_seed: int  # what the desktop's drafts in progress are chosen with

    @property
    def artifacts(self) -> int:
        return sum(len(s.files) for s in self.submissions)


ACHIEVEMENTS = (
    Achievement("badge-safe-isolation", "Safe Isolation Practitioner", "badge", "Level 2"),
    Achievement("badge-site-induction", "Site Safety Inducted", "badge", "Level 1"),
    Achievement("badge-reflective-practice", "Reflective Practitioner", "badge", "Level 2"),
    Achievement("badge-code-review", "Code Review Fundamentals", "badge", "Level 3"),
    Achievement(
        "mc-electrical-safety",
        "Electrical Installation Safety",
        "micro-credential",
        "Level 2",
        ("badge-safe-isolation", "badge-site-induction", "badge-reflective-practice"),
    ),
)

ASSESSMENTS = (
    Assessment(
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
    Assessment(
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
    Assessment(
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
    Assessment(
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
)


def demo_rubric_files() -> list[Path]:
    """The demo's rubric files (own format and CASE 1.1), in a fixed order."""
    folder = resources.files("assessor") / "resources" / "demo" / "rubrics"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".json"))


@functools.lru_cache(maxsize=2)
def demo_set(seed: int = DEMO_SEED) -> DemoSet:
    """Everything the seed decides, the evidence bytes included. The same seed gives the same
    set, byte for byte, on any machine and any day. Kept once made (it is frozen): the desktop
    demo and its in-process issuer use the same set, and rendering its evidence is the slow
    part."""
    rng = random.Random(seed)
    learners = _learners(rng)
    submissions = _submissions(rng, learners)
    session = ExamSession(
        id=f"exam-{_uuid(rng)}",
        title="Electrical safety — written paper (L2)",
        assessment_id="safe-isolation-l2",
        location="Training centre, room 3",
        candidates=tuple(rng.sample(learners, 12)),
    )
    return DemoSet(
        seed=seed,
        learners=tuple(learners),
        submissions=tuple(submissions),
        exam_session=session,
        draft_seed=rng.randrange(1 << 30),
    )


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _learners(rng: random.Random) -> list[Learner]:
    learners = []
    for i, (first, last) in enumerate(zip(FIRST_NAMES, LAST_NAMES, strict=True)):
        code = "C-" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(5))
        learners.append(Learner(f"urn:uuid:{_uuid(rng)}", f"{first} {last}", f"{code}{i:02d}"))
    return learners


def _submissions(rng: random.Random, learners: list[Learner]) -> list[Submission]:
    made: list[Submission] = []
    for a in ASSESSMENTS:
        for learner in rng.sample(learners, a.submissions):
            seed = rng.randrange(1 << 30)
            submitted_at = DEMO_DAY - timedelta(hours=rng.randrange(6, 500))
            # Under blind marking the work carries the candidate code, never the name: the
            # assessor sees the code in the queue and must not read the name in the files.
            author = learner.anonymous_code if a.blind else learner.name
            # the documents are dated from the submission (UTC date, as the CLI shows it)
            files = evidence_for(a.evidence, author, seed, on=submitted_at.date())
            made.append(
                Submission(f"sub-{len(made) + 1:03d}", learner, a, 1, submitted_at, tuple(files))
            )
    return made
