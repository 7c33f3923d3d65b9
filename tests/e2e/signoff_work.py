"""Work waiting for the demo's manager: the assessor's first unstarted submissions on
assessments that need sign-off, scored (mostly passing) and signed with the demo key. A test
helper: the demo itself starts with no signed records (the issuer's demo and the status bar's
"0 records waiting" rely on that)."""

from __future__ import annotations

import random

from assessor.demo import DEMO_PASSPHRASE
from assessor.demo.comments import comments_for
from assessor.services.finalize import finalize
from assessor.services.profiles import unlock
from assessor.services.rubrics import show_version
from assessor.services.scoring import DraftChange, SetComment, SetLevel, save_draft, show_evaluation
from assessor.store import models as m
from assessor.store.db import Database

WAITING = 4


def finalized_for_signoff(db: Database, submissions: list[str], assessor_id: str) -> int:
    with db.read() as tx:
        started = {e.submission_id for e in tx.query(m.Evaluation).all()}
        needs = {a.id for a in tx.query(m.Assessment).filter_by(signoff_required=True).all()}
        chosen = [
            s.id
            for s in tx.query(m.Submission).order_by(m.Submission.id).all()
            if s.assessment_id in needs and s.id not in started and s.id in submissions
        ][:WAITING]
    if not chosen:
        return 0
    signer = unlock(db, assessor_id, DEMO_PASSPHRASE)
    rng = random.Random(len(chosen))
    for sub_id in chosen:
        view = show_evaluation(db, sub_id)
        _, rubric = show_version(db, f"{view.rubric_id}@{view.rubric_version}")
        changes: list[DraftChange] = []
        for c in rubric.criteria:
            level = rng.choice(c.levels[1:] or c.levels)  # mostly passing work
            changes.append(SetLevel(c.id, level.id, level.top if level.is_range else None))
            said = comments_for(rubric.id, c.id, level.id)
            if said:
                changes.append(SetComment(c.id, rng.choice(said)))
        save_draft(db, sub_id, assessor_id, changes)
        finalize(db, sub_id, signer)
    return len(chosen)
