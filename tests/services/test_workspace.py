"""What the scoring workspace reads: one submission, its evidence and the assessor's sheet."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from assessor.demo import DEMO_ASSESSOR, write_demo
from assessor.domain.errors import UnknownChoice
from assessor.services.profiles import add_profile, list_profiles
from assessor.services.scoring import SetLevel, save_draft
from assessor.services.submissions import list_submissions
from assessor.services.workspace import (
    copy_for_viewer,
    open_workspace,
    read_artifact,
    safe_name,
)
from assessor.store.blobs import BlobStore
from assessor.store.db import Database
from assessor.store.errors import BlobCorrupt
from tests.conftest import CHEAP_KDF, Seed, sealed_key


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, str]]:
    folder = tmp_path_factory.mktemp("demo")
    write_demo(folder, kdf_cost=CHEAP_KDF)
    with Database.open(folder) as db:
        me = next(p.id for p in list_profiles(db) if p.name == DEMO_ASSESSOR)
        yield db, me


def test_a_submission_with_its_evidence_and_previews(demo: tuple[Database, str]) -> None:
    db, me = demo
    row = next(
        r
        for r in list_submissions(db, limit=100)
        if "Safe isolation" in r.assessment and r.status == "to_score"  # not the demo's signed
    )
    ws = open_workspace(db, row.id, me)
    assert ws.learner == row.learner and not ws.blind and ws.editable
    assert ws.rubric.id == row.rubric_id
    kinds = {a.kind for a in ws.artifacts}
    assert kinds == {"pdf", "image", "text"}
    pdf = next(a for a in ws.artifacts if a.kind == "pdf")
    assert pdf.reason is None and pdf.pages is not None and pdf.pages > 0
    assert read_artifact(db, pdf.sha256)[:5] == b"%PDF-"


def test_blind_marking_shows_the_code_never_the_name(demo: tuple[Database, str]) -> None:
    db, me = demo
    row = next(r for r in list_submissions(db, limit=100) if r.blind)
    ws = open_workspace(db, row.id, me)
    assert ws.blind and ws.learner == row.learner and ws.learner.startswith("C-")


def test_the_sheet_is_mine_not_another_assessors_draft(db: Database, seeded: Seed) -> None:
    sub = seeded.submission_ids[0]
    with db.write() as tx:
        other = add_profile(tx, "Other Assessor", ["assessor"], sealed_key())
    save_draft(db, sub, other.id, [SetLevel("plan", "proficient")])
    mine = open_workspace(db, sub, seeded.assessor_id)
    assert mine.evaluation.evaluation_id is None  # their draft is theirs
    assert all(c.level_id is None for c in mine.evaluation.criteria)
    save_draft(db, sub, seeded.assessor_id, [SetLevel("plan", "competent")])
    mine = open_workspace(db, sub, seeded.assessor_id)
    assert {c.id: c.level_id for c in mine.evaluation.criteria}["plan"] == "competent"


def test_an_unknown_submission_names_the_choices(db: Database, seeded: Seed) -> None:
    with pytest.raises(UnknownChoice) as caught:
        open_workspace(db, "sub-999", seeded.assessor_id)
    assert "sub-001" in str(caught.value)


def test_a_changed_blob_is_refused_not_shown(demo: tuple[Database, str], tmp_path: Path) -> None:
    db, me = demo
    row = list_submissions(db, limit=1)[0]
    artifact = open_workspace(db, row.id, me).artifacts[0]
    path = BlobStore(db.data_dir / "blobs").path_of(artifact.sha256)
    original = path.read_bytes()
    path.chmod(0o600)
    try:
        path.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
        with pytest.raises(BlobCorrupt):
            read_artifact(db, artifact.sha256)
        with pytest.raises(BlobCorrupt):
            copy_for_viewer(db, artifact, tmp_path / "out")
    finally:
        path.write_bytes(original)


def test_a_copy_for_the_system_viewer_is_read_only_with_a_safe_name(
    demo: tuple[Database, str], tmp_path: Path
) -> None:
    db, me = demo
    row = list_submissions(db, limit=1)[0]
    artifact = open_workspace(db, row.id, me).artifacts[0]
    copy = copy_for_viewer(db, artifact, tmp_path / "opened")
    assert copy.parent == tmp_path / "opened"
    assert copy.read_bytes() == read_artifact(db, artifact.sha256)
    assert not copy.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert copy != BlobStore(db.data_dir / "blobs").path_of(artifact.sha256)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\evil.exe", "evil.exe"),
        ("a\u202egnp.exe", "a_gnp.exe"),
        ("...", "evidence"),
        ("name with spaces.txt", "name with spaces.txt"),
        ("x" * 300 + ".pdf", "x" * 120),
    ],
)
def test_safe_name(name: str, expected: str) -> None:
    assert safe_name(name) == expected


def test_opening_the_same_file_twice_reuses_the_copy(
    demo: tuple[Database, str], tmp_path: Path
) -> None:
    db, me = demo
    artifact = open_workspace(db, list_submissions(db, limit=1)[0].id, me).artifacts[0]
    first = copy_for_viewer(db, artifact, tmp_path / "opened")
    assert copy_for_viewer(db, artifact, tmp_path / "opened") == first
    assert [p.name for p in (tmp_path / "opened").iterdir()] == [first.name]
