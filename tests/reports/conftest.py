"""A data folder in which every text a report prints is hostile, seeded through the services
where they take it and written straight into the database where only an attacker with the
file could put it (control characters)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest

from assessor.domain.rubric import Criterion, Level, PassRule, PassRuleKind, Rubric, RubricKind
from assessor.services.finalize import finalize
from assessor.services.profiles import add_profile, unlock
from assessor.services.rubrics import import_rubric
from assessor.services.scoring import SetComment, SetLevel, SetOverallComment, save_draft
from assessor.store import models as m
from assessor.store.db import Database
from assessor.store.types import utcnow
from tests.conftest import PASSPHRASE, sealed_key

RLO = "\u202e"
LONG_WORDS = " ".join(f"word{i} ünïcödé Ωμέγα" for i in range(700))
LONG_COMMENT = (LONG_WORDS + " " + "x" * 400)[:10_000]  # a 10,000-character comment
assert len(LONG_COMMENT) == 10_000

# Each is printed somewhere on the sheet; all must come back as written.
HOSTILE = {
    "markup": "<font color=red>red</font> <para>para</para> <b><i>unbalanced </b> &amp; &lt;x&gt;",
    "rlo": f"Ada {RLO}evil.exe{RLO} spoof",
    "emoji": "Great work 👍🎉 ✔ ★",
    "cjk": "王芳 山田太郎 김민준 ひらがな",
    "arabic": "محمد عبد الله",
    "hebrew": "דוד כהן",
    "arabic-brackets": "فاطمة (أم علي)",
    "greek-cyrillic": "Ελένη Παπαδοπούλου · Ёжик Дмитриевич · Łukasz Żółć",
    "mixed": "Ada Lovelace — אדה לאבלייס",
}


@dataclass(frozen=True)
class World:
    submission: str
    learner: str
    assessment_title: str
    rubric: Rubric
    comments: dict[str, str]
    overall: str


def hostile_rubric(criteria: int = 4) -> Rubric:
    def levels(c: int) -> tuple[Level, ...]:
        return (
            Level("low", f"<b>Low</b> {HOSTILE['cjk']}", Decimal(0), f"&amp; {HOSTILE['rlo']} {c}"),
            Level("mid", f"Mid <para> {HOSTILE['arabic']}", Decimal(1), HOSTILE["markup"]),
            Level("high", f"High {HOSTILE['emoji']}", Decimal(2), f"{HOSTILE['hebrew']} high {c}"),
        )

    return Rubric(
        id="hostile",
        title=f"Rubric <font color=red>{HOSTILE['greek-cyrillic']}",
        kind=RubricKind.ANALYTIC,
        criteria=tuple(
            Criterion(
                f"c{i:02d}",
                f"Criterion {i} <i>{HOSTILE['mixed']}",
                levels(i),
                description=f"What to look for: {HOSTILE['greek-cyrillic']} </td> {i}",
            )
            for i in range(criteria)
        ),
        pass_rule=PassRule(PassRuleKind.PERCENTAGE, Decimal(50)),
    )


def _raw(db: Database, sql: str, *params: object) -> None:
    """As an attacker with the database file would: no service, no check."""
    con = sqlite3.connect(db.path)
    try:
        con.execute(sql, params)
        con.commit()
    finally:
        con.close()


def build_world(
    db: Database, *, criteria: int = 4, finalized: bool = True, blind: bool = False
) -> World:
    rubric = hostile_rubric(criteria)
    learner = f"{HOSTILE['arabic']} {HOSTILE['rlo']}"
    title = f"Assessment {HOSTILE['markup']}"
    with db.write() as tx:
        info = import_rubric(tx, rubric, source_format="test", actor="system")
        version = tx.query(m.RubricVersion).filter_by(digest=info.digest).one()
        assessor = add_profile(tx, "Ада Ассессор <b>", ["assessor"], sealed_key())
        tx.add(m.Achievement(id="badge", title="Badge", kind="badge"))
        tx.add(
            m.Assessment(
                id="hostile-l2",
                title="placeholder",
                achievement_id="badge",
                rubric_version_id=version.id,
                blind_marking=blind,
            )
        )
        tx.add(m.Learner(id="learner-0", name="placeholder", anonymous_code="ANON-0042"))
        tx.add(
            m.Submission(
                id="sub-001",
                learner_id="learner-0",
                assessment_id="hostile-l2",
                submitted_at=utcnow() - timedelta(hours=1),
                status="to_score",
            )
        )
    # Control characters: straight into the file.
    learner_raw = learner + " \x1b[31mred\x1b[0m\x07"
    title_raw = title + " \x00nul \x7fdel \x9bcsi"
    _raw(db, "UPDATE learners SET name = ? WHERE id = 'learner-0'", learner_raw)
    _raw(db, "UPDATE assessments SET title = ? WHERE id = 'hostile-l2'", title_raw)
    keys = list(HOSTILE)
    comments = {
        c.id: HOSTILE[keys[i % len(keys)]] + f" · {i}" for i, c in enumerate(rubric.criteria)
    }
    comments[rubric.criteria[0].id] = LONG_COMMENT
    overall = f"{HOSTILE['markup']} {HOSTILE['cjk']} {HOSTILE['arabic-brackets']}"
    changes: list[object] = [SetLevel(c.id, "mid") for c in rubric.criteria]
    changes += [SetComment(cid, text) for cid, text in comments.items()]
    changes.append(SetOverallComment(overall))
    save_draft(db, "sub-001", assessor.id, changes)  # type: ignore[arg-type]
    # A control character in a comment, as the attacker would write it before signing.
    second = rubric.criteria[1].id
    comments[second] = comments[second] + " \x1b]8;;http://x\x07link\x08"
    _raw(
        db,
        "UPDATE evaluation_scores SET comment = ? WHERE criterion_id = ?",
        comments[second],
        second,
    )
    if finalized:
        finalize(db, "sub-001", unlock(db, assessor.id, PASSPHRASE))
    return World("sub-001", learner_raw, title_raw, rubric, comments, overall)


@pytest.fixture
def world(db: Database) -> World:
    return build_world(db)
