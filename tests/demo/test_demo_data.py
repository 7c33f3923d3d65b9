"""The demo data does not contradict itself: blind-marked work names nobody, a draft's comments
are written for its own rubric, criterion and level, assessments fall due on different days."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from assessor.demo import demo_rubric_files, write_demo
from assessor.demo.comments import comments_for, draft_comments
from assessor.formats.rubric_files import read_rubric_file
from assessor.store import models as m
from assessor.store.db import Database
from tests.conftest import CHEAP_KDF


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    folder = tmp_path_factory.mktemp("demo") / "data"
    write_demo(folder, kdf_cost=CHEAP_KDF)
    with Database.open(folder) as db:
        yield db


def _file_text(media_type: str, data: bytes) -> str:
    """Everything a reader of the file could see: a PDF's pages and its document information
    (author, title), a text file, a PNG's text chunks (its caption)."""
    if media_type == "application/pdf":
        reader = PdfReader(io.BytesIO(data))
        info = [str(v) for v in (reader.metadata or {}).values()]
        return "\n".join([*(p.extract_text() for p in reader.pages), *info])
    return data.decode("utf-8", errors="replace")


def test_blind_marked_evidence_names_no_learner_only_the_anonymous_code(demo: Database) -> None:
    with demo.read() as tx:
        names = [learner.name for learner in tx.query(m.Learner)]
        subs = [s for s in tx.query(m.Submission).all() if s.assessment.blind_marking]
        files = [
            (s.id, s.learner.anonymous_code, a.name, a.media_type, a.sha256)
            for s in subs
            for a in s.artifacts
        ]
        own = {s.id: s.learner.name for s in subs}
    assert len(subs) >= 8 and files
    for sid, code, name, media_type, sha256 in files:
        text = _file_text(media_type, demo.blobs.read_bytes(sha256))
        for learner in names:
            assert learner not in text, (sid, name, learner)
        # nor the learner's own first or last name on its own
        for word in own[sid].split():
            assert not re.search(rf"\b{re.escape(word)}\b", text), (sid, name, word)
        assert code in text, (sid, name)  # the files were read: the code is printed in them


def test_other_work_still_names_its_learner(demo: Database) -> None:
    with demo.read() as tx:
        subs = [s for s in tx.query(m.Submission).all() if not s.assessment.blind_marking]
        for s in subs:
            pdf = next(a for a in s.artifacts if a.media_type == "application/pdf")
            text = _file_text(pdf.media_type, demo.blobs.read_bytes(pdf.sha256))
            assert s.learner.name in text and s.learner.anonymous_code not in text


def test_every_draft_comment_was_written_for_its_rubric_criterion_and_level(
    demo: Database,
) -> None:
    with demo.read() as tx:
        scores = [
            (e.rubric_version.rubric_id, s.criterion_id, s.level_id, s.comment)
            for e in tx.query(m.Evaluation).all()
            for s in e.scores
        ]
    commented = [s for s in scores if s[3]]
    assert len({r for r, *_ in commented}) >= 2 and len(commented) >= 6  # not a vacuous pass
    for rubric_id, criterion_id, level_id, comment in commented:
        assert level_id is not None, (rubric_id, criterion_id, comment)
        assert comment in comments_for(rubric_id, criterion_id, level_id), (
            rubric_id,
            criterion_id,
            level_id,
            comment,
        )


def test_comments_cover_each_level_of_each_demo_rubric_and_nothing_else() -> None:
    rubrics = {r.id: r for path in demo_rubric_files() for r in read_rubric_file(path)}
    written = draft_comments()
    assert set(written) == set(rubrics)
    every: list[str] = []
    for rubric_id, rubric in rubrics.items():
        assert set(written[rubric_id]) == {c.id for c in rubric.criteria}, rubric_id
        for c in rubric.criteria:
            assert set(written[rubric_id][c.id]) == set(c.level_ids()), (rubric_id, c.id)
            for level in c.levels:
                texts = comments_for(rubric_id, c.id, level.id)
                assert texts, (rubric_id, c.id, level.id)
                every += texts
    # each comment is written once: none can be read as belonging to another criterion
    assert len(every) == len(set(every))


def test_assessments_fall_due_on_different_days_at_the_end_of_the_day(demo: Database) -> None:
    with demo.read() as tx:
        due = [a.due_at for a in tx.query(m.Assessment).all()]
    assert len(due) == 4 and all(d is not None for d in due)
    assert len({d.date() for d in due if d is not None}) == len(due)
    assert all(d is not None and (d.hour, d.minute) == (17, 0) for d in due)


def test_the_demo_is_the_same_for_the_same_seed(demo: Database, tmp_path: Path) -> None:
    """Built apart, two folders hold the same content and name the same learners,
    submissions, rubric versions and evidence: what a demo issuer is seeded with matches any
    demo folder."""
    write_demo(tmp_path / "again", kdf_cost=CHEAP_KDF)
    with Database.open(tmp_path / "again") as again:
        assert _content(again) == _content(demo)
        mine, theirs = _ids_and_digests(demo), _ids_and_digests(again)
    assert mine == theirs
    submissions, rubrics, evidence, learners, sessions = mine
    assert len(submissions) == 40 and len(rubrics) == 4 and len(evidence) >= 40
    assert len(learners) == 30 and len(sessions) == 1
    assert all(learner.startswith("urn:uuid:") for learner in learners)


def test_another_seed_gives_other_ids_and_evidence(demo: Database, tmp_path: Path) -> None:
    write_demo(tmp_path / "seven", seed=7, kdf_cost=CHEAP_KDF)
    with Database.open(tmp_path / "seven") as seven:
        _, rubrics, evidence, learners, _ = _ids_and_digests(seven)
    _, my_rubrics, my_evidence, my_learners, _ = _ids_and_digests(demo)
    assert rubrics == my_rubrics  # the rubric files are the same
    assert not set(learners) & set(my_learners)
    assert evidence != my_evidence


def _ids_and_digests(db: Database) -> tuple[list[object], ...]:
    with db.read() as tx:
        submissions = [
            (s.id, s.learner_id, s.assessment_id, s.attempt, s.submitted_at)
            for s in tx.query(m.Submission).order_by(m.Submission.id)
        ]
        rubrics = sorted(
            (v.rubric_id, v.version, v.digest) for v in tx.query(m.RubricVersion).all()
        )
        evidence = sorted(
            (a.submission_id, a.position, a.name, a.sha256, a.size)
            for a in tx.query(m.Artifact).all()
        )
        learners = sorted(x.id for x in tx.query(m.Learner).all())
        sessions = sorted(
            (
                e.id,
                tuple(
                    sorted(
                        c.learner_id for c in tx.query(m.ExamCandidate).filter_by(session_id=e.id)
                    )
                ),
            )
            for e in tx.query(m.ExamSession).all()
        )
    return submissions, rubrics, evidence, learners, sessions


def _content(db: Database) -> list[tuple[object, ...]]:
    """What the seed decides that ids do not show: who handed in what, the evidence files, the
    drafts' levels and comments."""
    with db.read() as tx:
        subs = [
            (
                s.id,
                s.learner.name,
                s.learner.anonymous_code,
                s.assessment_id,
                tuple((a.name, a.size) for a in s.artifacts),
            )
            for s in tx.query(m.Submission).order_by(m.Submission.id)
        ]
        drafts = [
            (e.submission_id, s.criterion_id, s.level_id, str(s.points), s.comment)
            for e in tx.query(m.Evaluation).order_by(m.Evaluation.submission_id)
            for s in e.scores
        ]
    return [*subs, *drafts]
