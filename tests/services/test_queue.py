"""The queue sorted by the database: every column, both directions, over 50k submissions,
checked against plain SQL written out here; and "next" following that order across pages."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assessor.domain.workflow import TO_SCORE_STATUSES, SubmissionStatus
from assessor.services.queue import (
    SORT_COLUMNS,
    QueueFilter,
    QueueSort,
    next_to_score,
    previous_in_queue,
    queue_page,
)
from assessor.services.scoring import SetLevel, save_draft
from assessor.store import models as m
from assessor.store.db import Database
from tests.conftest import seed

TOTAL = 50_000
PAGE = 200

# The queue's order written out by hand: each column's key, then the submission id.
BASE = """
SELECT s.id, s.status
FROM submissions s
JOIN learners l ON s.learner_id = l.id
JOIN assessments a ON s.assessment_id = a.id
JOIN rubric_versions v ON a.rubric_version_id = v.id
LEFT OUTER JOIN evaluations mine ON mine.id = (
  SELECT e.id FROM evaluations e WHERE e.submission_id = s.id AND e.assessor_id = :me
  ORDER BY e.status = 'draft' DESC, e.created_at DESC LIMIT 1)
LEFT OUTER JOIN rubric_versions mv ON mv.id = mine.rubric_version_id
WHERE (:status IS NULL OR s.status = :status)
"""
PROGRESS = """coalesce(
  CAST((SELECT count(*) FROM evaluation_scores es
        WHERE es.evaluation_id = mine.id AND es.level_id IS NOT NULL) AS REAL)
  / nullif(json_array_length(coalesce(mv.document, v.document), '$.criteria'), 0), 0.0)"""
KEYS = {
    "learner": [
        "(CASE WHEN a.blind_marking = 1 THEN l.anonymous_code ELSE l.name END) COLLATE NOCASE"
    ],
    "assessment": ["a.title COLLATE NOCASE"],
    "rubric": ["v.rubric_id", "v.version"],
    "submitted": ["s.submitted_at"],
    "progress": [PROGRESS],
    # The order of the states as the filter buttons show them.
    "status": [
        "CASE s.status "
        + " ".join(f"WHEN '{st.value}' THEN {n}" for n, st in enumerate(SubmissionStatus))
        + " ELSE 99 END"
    ],
    "due": ["coalesce(a.due_at, '9999')"],
}


def plain_sql(column: str, descending: bool) -> str:
    way = " DESC" if descending else ""
    return BASE + "ORDER BY " + ", ".join(f"{k}{way}" for k in [*KEYS[column], "s.id"])


@dataclass(frozen=True)
class Big:
    db: Database
    me: str
    raw: sqlite3.Connection

    def order(self, column: str, descending: bool = False, status: str | None = None) -> list:
        args = {"me": self.me, "status": status}
        return self.raw.execute(plain_sql(column, descending), args).fetchall()


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Big]:
    folder = tmp_path_factory.mktemp("queue-50k") / "data"
    db = Database.open(folder)
    try:
        seeded = seed(db, submissions=3)
        _fill(db, folder / "assessor.db")
        # Drafts of the assessor's own, so "my progress" differs from row to row.
        rubric, rng = seeded.rubric, random.Random(7)
        raw = sqlite3.connect(folder / "assessor.db")
        open_work = [
            r[0]
            for r in raw.execute(
                "SELECT id FROM submissions WHERE status IN ('to_score', 'in_progress')"
            )
        ]
        for n, sid in enumerate(rng.sample(sorted(open_work), 40)):
            changes = [SetLevel(c.id, c.levels[1].id, None) for c in rubric.criteria[: 1 + n % 4]]
            save_draft(db, sid, seeded.assessor_id, changes)
        yield Big(db, seeded.assessor_id, raw)
        raw.close()
    finally:
        db.close()


def _fill(db: Database, path: Path) -> None:
    """Assessments with and without a due date and blind marking, learners whose names
    differ only by case, and 50k submissions in every status."""
    with db.write() as tx:
        version = tx.query(m.Assessment).one().rubric_version_id
        for n, (title, due, blind) in enumerate(
            [("alpha", None, False), ("Beta", 3, True), ("gamma", 1, False), ("Alpha", 2, False)]
        ):
            tx.add(
                m.Assessment(
                    id=f"extra-{n}",
                    title=title,
                    achievement_id="badge",
                    rubric_version_id=version,
                    blind_marking=blind,
                    due_at=None if due is None else datetime(2026, 6, due, tzinfo=UTC),
                )
            )
    rng = random.Random(1)
    con = sqlite3.connect(path)
    names = [rng.choice(["amara", "Amara", "ben", "Ben", "Ç", "zoë"]) for _ in range(300)]
    with con:
        con.executemany(
            "INSERT INTO learners (id, name, anonymous_code) VALUES (?, ?, ?)",
            [(f"bulk-l{i}", f"{names[i]} {i % 7}", f"Q-{i:05d}") for i in range(300)],
        )
        start = datetime(2026, 1, 1, tzinfo=UTC)
        con.executemany(
            "INSERT INTO submissions (id, learner_id, assessment_id, attempt, submitted_at,"
            " status) VALUES (?, ?, ?, 1, ?, ?)",
            (
                (
                    f"bulk-{i:05d}",
                    f"bulk-l{rng.randrange(300)}",
                    rng.choice(["wiring-l2", "extra-0", "extra-1", "extra-2", "extra-3"]),
                    # Many share a moment: the id must break the ties.
                    (start + timedelta(minutes=rng.randrange(5000))).strftime(
                        "%Y-%m-%dT%H:%M:%S.%fZ"
                    ),
                    rng.choice(
                        ["to_score"] * 5
                        + ["in_progress", "finalized", "finalized", "returned", "signed_off"]
                    ),
                )
                for i in range(TOTAL)
            ),
        )
    con.close()


@pytest.mark.parametrize("column", SORT_COLUMNS)
def test_every_column_sorts_as_plain_sql_in_both_directions(big: Big, column: str) -> None:
    everything = QueueFilter()
    for descending in (False, True):
        expected = [r[0] for r in big.order(column, descending)]
        assert len(expected) == TOTAL + 3
        sort = QueueSort(column, descending)
        first = queue_page(big.db, everything, sort, 0, PAGE, assessor_id=big.me)
        assert [r.id for r in first.rows] == expected[:PAGE]
        assert first.total == TOTAL + 3
        for offset in (PAGE, TOTAL // 2, TOTAL + 3 - PAGE):
            page = queue_page(big.db, everything, sort, offset, PAGE, assessor_id=big.me)
            assert [r.id for r in page.rows] == expected[offset : offset + PAGE], offset
            assert page.counts is None  # counted with the first page only


def test_the_whole_queue_in_one_order_is_the_plain_sql_order(big: Big) -> None:
    expected = [r[0] for r in big.order("learner")]
    page = queue_page(big.db, QueueFilter(), QueueSort("learner"), 0, TOTAL + 3, assessor_id=big.me)
    assert [r.id for r in page.rows] == expected


def _unfinished_after(order: list, at: int) -> str:
    return next(sid for sid, status in order[at + 1 :] if status in TO_SCORE_STATUSES)


@pytest.mark.parametrize("column", ["learner", "progress", "due"])
def test_next_follows_the_shown_order_across_pages(big: Big, column: str) -> None:
    for descending in (False, True):
        order, sort = big.order(column, descending), QueueSort(column, descending)
        last_of_page = order[PAGE - 1][0]
        found = next_to_score(big.db, QueueFilter(), sort, last_of_page, assessor_id=big.me)
        assert found == _unfinished_after(order, PAGE - 1)
        assert [sid for sid, _ in order].index(found) >= PAGE  # on a page not loaded yet
        before = previous_in_queue(big.db, QueueFilter(), sort, order[PAGE][0], assessor_id=big.me)
        assert before == last_of_page


def test_next_wraps_round_and_skips_finalized_work(big: Big) -> None:
    order, sort = big.order("submitted"), QueueSort("submitted")
    unfinished = [sid for sid, status in order if status in TO_SCORE_STATUSES]
    last = unfinished[-1]
    assert next_to_score(big.db, QueueFilter(), sort, last, assessor_id=big.me) == unfinished[0]
    assert next_to_score(big.db, QueueFilter(), sort, None, assessor_id=big.me) == unfinished[0]
    # From a finalized row, the next one still to score after it (a returned one counts).
    at = next(n for n, (_sid, status) in enumerate(order) if status == "finalized")
    found = next_to_score(big.db, QueueFilter(), sort, order[at][0], assessor_id=big.me)
    assert found == _unfinished_after(order, at)
    assert previous_in_queue(big.db, QueueFilter(), sort, order[0][0]) is None


def test_next_within_a_filter_starts_from_a_row_that_left_it(big: Big) -> None:
    """The row just finalized is no longer "to score": its place still counts."""
    to_score = QueueFilter(status="to_score")
    sort = QueueSort("assessment", descending=True)
    everything = big.order("assessment", True)
    at = next(n for n, (_sid, status) in enumerate(everything) if status == "finalized")
    expected = next(sid for sid, status in everything[at + 1 :] if status == "to_score")
    assert next_to_score(big.db, to_score, sort, everything[at][0]) == expected
    shown = [r[0] for r in big.order("assessment", True, status="to_score")]
    assert expected in shown


def test_a_queue_with_one_row_left_has_no_next(db: Database) -> None:
    seeded = seed(db, submissions=1)
    only = seeded.submission_ids[0]
    assert next_to_score(db, QueueFilter(), QueueSort(), only) is None
    assert next_to_score(db, QueueFilter(), QueueSort(), "no-such-submission") == only
    with pytest.raises(ValueError, match="no queue column 'colour'"):
        QueueSort("colour")
