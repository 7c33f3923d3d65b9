"""A demo data folder: the demo set (assessor.formats.demo_data) written with the services,
plus what only a desktop has: profiles with sealed keys, a few drafts in progress, work the
assessor finalized and signed for the manager to sign off, previews."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from assessor.demo.build_aside import build_aside
from assessor.demo.comments import comments_for
from assessor.domain.policy import Operation
from assessor.domain.workflow import SubmissionStatus
from assessor.formats.demo_data import (
    ACHIEVEMENTS,
    ASSESSMENTS,
    DEMO_PEOPLE,
    DEMO_SEED,
    Submission,
    demo_rubric_files,
    demo_set,
)
from assessor.security import keys
from assessor.services.access import Actor, check, operation
from assessor.services.exam_demo import seed_session_in_progress
from assessor.services.finalize import finalize
from assessor.services.preview import prepare_all_previews
from assessor.services.profiles import add_profile, unlock
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

# Public on purpose (README): the demo profiles' keys protect nothing of value.
DEMO_PASSPHRASE = "demo passphrase"  # noqa: S105
DEMO_PROFILES = DEMO_PEOPLE
FOR_SIGNOFF = 4  # finalized evaluations waiting for the manager


@dataclass(frozen=True)
class DemoSummary:
    data_dir: Path
    rubrics: list[RubricVersionInfo]
    learners: int
    submissions: int
    artifacts: int
    drafts: int
    for_signoff: int
    exam_sessions: int


@operation(Operation.DEMO_WRITE)
def write_demo(
    data_dir: Path, *, seed: int = DEMO_SEED, kdf_cost: tuple[int, int, int] | None = None
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
    demo = demo_set(seed)
    sealed = [keys.create_key(DEMO_PASSPHRASE, cost=kdf_cost)[0] for _ in DEMO_PROFILES]
    with Database.open(data_dir) as db:
        infos = [i for path in demo_rubric_files() for i in import_rubric_file(db, path)]
        with db.write() as tx:
            assessor, _, proctor = (
                add_profile(tx, name, [role], key)
                for (name, role), key in zip(DEMO_PROFILES, sealed, strict=True)
            )
            _catalogue(tx, {i.id: i for i in infos})
            tx.add_all(
                m.Learner(id=x.id, name=x.name, anonymous_code=x.anonymous_code)
                for x in demo.learners
            )
        for submission in demo.submissions:
            _submission(db, submission)
        submissions = [s.id for s in demo.submissions]
        drafts = _drafts(db, random.Random(demo.draft_seed), submissions, assessor.id)
        for_signoff = _for_signoff(db, random.Random(demo.draft_seed + 1), assessor.id)
        plan = demo.exam_session
        seed_session_in_progress(
            db,
            proctor.id,
            learners=[(x.id, x.name) for x in plan.candidates],
            title=plan.title,
            session_id=plan.id,  # the id the issuer's demo knows
        )
        with db.write() as tx:
            # Learners, submissions and evidence came in as one seeding act: one event says so.
            append_event(
                tx,
                actor="local",
                action="demo.write",
                entity_type="data",
                entity_id="demo",
                payload={
                    "learners": len(demo.learners),
                    "submissions": len(submissions),
                    "artifacts": demo.artifacts,
                    "seed": seed,
                },
            )
        prepare_all_previews(db)  # as an import would: the demo shows what the GUI will
    return DemoSummary(
        data_dir,
        infos,
        len(demo.learners),
        len(submissions),
        demo.artifacts,
        drafts,
        for_signoff,
        1,
    )


def _catalogue(tx: Tx, rubrics: dict[str, RubricVersionInfo]) -> None:
    for goal in ACHIEVEMENTS:
        tx.add(
            m.Achievement(
                id=goal.id,
                title=goal.title,
                kind=goal.kind,
                level=goal.level,
                description=goal.description,
            )
        )
    tx.flush()
    for goal in ACHIEVEMENTS:
        for prerequisite in goal.prerequisites:
            tx.add(m.AchievementPrerequisite(achievement_id=goal.id, prerequisite_id=prerequisite))
    # due at the end of a working day, each assessment on its own day
    today_close = utcnow().replace(hour=17, minute=0, second=0, microsecond=0)
    for a in ASSESSMENTS:
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
                evidence_expected=a.evidence_expected,
                signoff_required=a.signoff,
                double_marking=False,
                blind_marking=a.blind,
                due_at=today_close + timedelta(days=a.due_in_days),
            )
        )


def _submission(db: Database, s: Submission) -> None:
    refs = [db.blobs.put_bytes(f.data) for f in s.files]  # blobs first: rows never dangle
    with db.write() as tx:
        tx.add(
            m.Submission(
                id=s.id,
                learner_id=s.learner.id,
                assessment_id=s.assessment.id,
                attempt=s.attempt,
                submitted_at=s.submitted_at,
                status=SubmissionStatus.TO_SCORE.value,
            )
        )
        for pos, (f, ref) in enumerate(zip(s.files, refs, strict=True)):
            tx.add(
                m.Artifact(
                    submission_id=s.id,
                    position=pos,
                    name=f.name,
                    media_type=f.media_type,
                    size=ref.size,
                    sha256=ref.sha256,
                )
            )


def _drafts(db: Database, rng: random.Random, submissions: list[str], assessor_id: str) -> int:
    """A few submissions part-scored, as an assessor's queue looks mid-week. Each comment is
    one written for that rubric's criterion at the level chosen (demo_comments)."""
    chosen = rng.sample(submissions, 6)
    for sub_id in chosen:
        _score(db, rng, sub_id, assessor_id, whole=False)
    return len(chosen)


def _for_signoff(db: Database, rng: random.Random, assessor_id: str) -> int:
    """The manager's desk has work: the last few unstarted submissions (by id) of
    assessments that need sign-off, scored whole (mostly passing) and finalized with the
    assessor's demo key, as the assessor would. The signed records wait in the outbox for the
    first sync; the demo issuer accepts them (it enrols the keys when it starts)."""
    with db.read() as tx:
        started = {e.submission_id for e in tx.query(m.Evaluation).all()}
        chosen = [
            s.id
            for s in tx.query(m.Submission).order_by(m.Submission.id.desc())
            if s.assessment.signoff_required and s.id not in started
        ][:FOR_SIGNOFF]
    signer = unlock(db, assessor_id, DEMO_PASSPHRASE)
    for sub_id in chosen:
        _score(db, rng, sub_id, assessor_id, whole=True)
        finalize(db, sub_id, signer)
    return len(chosen)


def _score(db: Database, rng: random.Random, sub_id: str, assessor_id: str, *, whole: bool) -> None:
    """Levels and comments chosen by `rng`: every criterion at a passing level (`whole`), or
    the first few at any level, as a draft in progress."""
    view = show_evaluation(db, sub_id)
    _, rubric = show_version(db, f"{view.rubric_id}@{view.rubric_version}")
    changes: list[DraftChange] = []
    n_scored = len(rubric.criteria) if whole else rng.randrange(1, max(2, len(rubric.criteria)))
    for n, c in enumerate(rubric.criteria[:n_scored]):
        level = rng.choice(c.levels[1:] or c.levels) if whole else rng.choice(c.levels)
        changes.append(SetLevel(c.id, level.id, level.top if level.is_range else None))
        said = comments_for(rubric.id, c.id, level.id)
        if said and (whole or n == 0 or rng.random() < 0.4):
            changes.append(SetComment(c.id, rng.choice(said)))
    save_draft(db, sub_id, assessor_id, changes)
