"""`issuer demo`: the demo catalogue, people, learners, submissions (with their evidence) and
exam session of `assessor demo`, from the same generator and seed
(`assessor.formats.demo_data`), so every id and digest agrees with any demo folder.

The people get one-time enrolment codes (one per role, 24 hours): a demo folder's profile
enrols its own key with one, proving it holds it, as every desktop does. The issuer never
learns a private key and trusts no key it was simply told about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from assessor.formats.demo_data import (
    ACHIEVEMENTS,
    ASSESSMENTS,
    DEMO_PEOPLE,
    DEMO_PROCTOR,
    DEMO_SEED,
    demo_rubric_files,
    demo_set,
)
from issuer.errors import BadInput
from issuer.paths import database_url
from issuer.services.achievement_file import AchievementDefinition
from issuer.services.catalogue import (
    PublishedRubric,
    create_assessment,
    publish_achievement,
    publish_rubric,
)
from issuer.services.credentials import stamp
from issuer.services.people import add_person, create_code
from issuer.services.rubric_source import read_rubrics
from issuer.services.setup import open_initialised
from issuer.services.work import Assignment, assign_session, assign_submission
from issuer.store import models as m


@dataclass(frozen=True)
class DemoCode:
    person: str
    role: str
    code: str
    expires_at: datetime


@dataclass(frozen=True)
class DemoSeeded:
    """What `issuer demo` wrote, and the enrolment codes for the demo's people."""

    seed: int
    rubrics: tuple[PublishedRubric, ...]
    achievements: int
    assessments: int
    learners: int
    submissions: tuple[str, ...]
    evidence: int
    exam_session: str
    codes: tuple[DemoCode, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "rubrics": [r.to_json() for r in self.rubrics],
            "achievements": self.achievements,
            "assessments": self.assessments,
            "learners": self.learners,
            "submissions": list(self.submissions),
            "evidence": self.evidence,
            "examSession": self.exam_session,
            "enrolmentCodes": [
                {
                    "person": c.person,
                    "role": c.role,
                    "code": c.code,
                    "expiresAt": stamp(c.expires_at),
                }
                for c in self.codes
            ],
        }


def seed(
    db_url: str | None = None, *, now: datetime | None = None, seed_number: int = DEMO_SEED
) -> DemoSeeded:
    """Seed an initialised issuer database (`db_url`, else `$ISSUER_DB` or the data folder's)
    with the demo, in one transaction: all of it or nothing."""
    moment = now or m.utcnow()
    db = open_initialised(database_url(db_url))
    try:
        with db.write() as session:
            return seed_demo(session, moment, seed_number)
    finally:
        db.close()


def seed_demo(session: Session, now: datetime, seed: int = DEMO_SEED) -> DemoSeeded:
    """The demo, written in the caller's transaction. Refuses a database that already holds a
    submission the demo would make (its evidence is fixed; run it on a new issuer)."""
    demo = demo_set(seed)
    taken = [s.id for s in demo.submissions if session.get(m.Submission, s.id) is not None]
    if taken:
        raise BadInput(
            f"this issuer already has the demo's submission '{taken[0]}'; "
            "seed a new database (issuer init --db …)"
        )
    rubrics = _rubrics(session)
    other = next((r for r in rubrics if r.version != 1), None)
    if other is not None:  # a demo folder scores version 1 of each: its records would not match
        raise BadInput(
            f"this issuer has another rubric '{other.id}' already; the demo's is version "
            f"{other.version} here, not 1: seed a new database"
        )
    for goal in ACHIEVEMENTS:  # prerequisites come after what they name
        definition = AchievementDefinition(
            id=goal.id,
            name=goal.title,
            description=goal.description,
            criteria_narrative=f"Pass the assessment for {goal.title.lower()}.",
            level=goal.kind,
            prerequisites=goal.prerequisites,
            tags=(goal.level,),
        )
        publish_achievement(session, definition)
    versions = {r.id: f"{r.id}@{r.version}" for r in rubrics}
    for a in ASSESSMENTS:
        create_assessment(
            session, a.id, a.title, a.achievement_id, versions[a.rubric_id], a.signoff
        )
    codes = []
    for name, role in DEMO_PEOPLE:
        add_person(session, name, [role])
        code, expires = create_code(session, name, role, now)
        codes.append(DemoCode(name, role, code, expires))
    assessor = next(name for name, role in DEMO_PEOPLE if role == "assessor")
    for s in demo.submissions:
        files = tuple((f.name, f.data, f.media_type) for f in s.files)
        work = Assignment(
            s.id, s.learner.id, s.assessment.id, assessor, s.manager, s.attempt, files
        )
        assign_submission(session, work, s.learner.name, s.submitted_at)
    plan = demo.exam_session
    assign_session(session, plan.id, plan.title, plan.location, plan.starts_at(now), DEMO_PROCTOR)
    return DemoSeeded(
        seed=seed,
        rubrics=tuple(rubrics),
        achievements=len(ACHIEVEMENTS),
        assessments=len(ASSESSMENTS),
        learners=len(demo.learners),
        submissions=tuple(s.id for s in demo.submissions),
        evidence=demo.artifacts,
        exam_session=plan.id,
        codes=tuple(codes),
    )


def _rubrics(session: Session) -> list[PublishedRubric]:
    published = []
    for path in demo_rubric_files():
        source_format, rubrics = read_rubrics(path)
        published += [publish_rubric(session, r, source_format) for r in rubrics]
    return published
