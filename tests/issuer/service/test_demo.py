"""`issuer demo` seeds what `assessor demo` writes, from the same generator and seed: the ids
and digests agree, and a record finalized in a demo folder is accepted by a real `issuer serve`
on a demo database, its key enrolled with the code `issuer demo` gave."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from assessor.demo import DEMO_ASSESSOR, DEMO_PASSPHRASE, write_demo
from assessor.demo.folder import FOR_SIGNOFF
from assessor.security import keys
from assessor.security.records import parse_record
from assessor.services.finalize import finalize
from assessor.services.profiles import unlock
from assessor.services.records import export_record
from assessor.services.rubrics import show_version
from assessor.services.scoring import SetLevel, save_draft, show_evaluation
from assessor.store import models as dm
from assessor.store.db import Database as DeskDatabase
from issuer.services.demo import seed
from issuer.store import models as m
from issuer.store.db import Database
from tests.conftest import CHEAP_KDF
from tests.issuer.service.harness import Device, Issuer


@pytest.fixture(scope="module")
def desk_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("desk") / "data"
    write_demo(folder, kdf_cost=CHEAP_KDF)
    return folder


@pytest.fixture(scope="module")
def demo_issuer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Issuer, Any]]:
    folder = tmp_path_factory.mktemp("issuer")
    issuer = Issuer(folder, f"sqlite:///{folder / 'issuer.db'}")
    issuer.init()
    seeded = issuer.cli("demo", "--db", issuer.db_url)
    issuer.start()
    try:
        yield issuer, seeded
    finally:
        issuer.stop()


def _desk(folder: Path) -> dict[str, Any]:
    with DeskDatabase.open(folder) as db, db.read() as tx:
        return {
            "submissions": sorted(
                (s.id, s.learner_id, s.assessment_id, s.attempt)
                for s in tx.query(dm.Submission).all()
            ),
            "rubrics": sorted(
                (v.rubric_id, v.version, v.digest) for v in tx.query(dm.RubricVersion).all()
            ),
            "evidence": sorted(
                (a.submission_id, a.name, a.sha256, a.size, a.media_type)
                for a in tx.query(dm.Artifact).all()
            ),
            "assessments": sorted(
                (a.id, a.achievement_id, a.signoff_required) for a in tx.query(dm.Assessment).all()
            ),
            "sessions": sorted(s.id for s in tx.query(dm.ExamSession).all()),
        }


def _issuer(url: str) -> dict[str, Any]:
    db = Database(url)
    try:
        with db.read() as session:
            versions = {v.id: v for v in session.scalars(select(m.RubricVersion))}
            return {
                "submissions": sorted(
                    (s.id, s.learner_id, s.assessment_id, s.attempt)
                    for s in session.scalars(select(m.Submission))
                ),
                "rubrics": sorted((v.rubric_id, v.version, v.digest) for v in versions.values()),
                "evidence": sorted(
                    (e.submission_id, e.name, e.sha256, e.size, e.media_type)
                    for e in session.scalars(select(m.Evidence))
                ),
                "assessments": sorted(
                    (a.id, a.achievement_id, a.signoff_required)
                    for a in session.scalars(select(m.Assessment))
                ),
                "sessions": sorted(s.id for s in session.scalars(select(m.ExamSession))),
                "assessment_rubrics": {
                    a.id: versions[a.rubric_version_id].digest
                    for a in session.scalars(select(m.Assessment))
                },
                "blobs": set(session.scalars(select(m.Blob.sha256))),
            }
    finally:
        db.close()


def test_a_demo_folder_and_a_demo_issuer_agree_on_ids_and_digests(
    desk_folder: Path, demo_issuer: tuple[Issuer, Any]
) -> None:
    issuer, seeded = demo_issuer
    desk, served = _desk(desk_folder), _issuer(issuer.db_url)
    for part in ("submissions", "rubrics", "evidence", "assessments", "sessions"):
        assert desk[part] and served[part] == desk[part], part  # equal, and not both empty
    assert len(desk["submissions"]) == 40 and len(desk["rubrics"]) == 4
    assert {e[2] for e in desk["evidence"]} <= served["blobs"]  # every file is there
    assert seeded["submissions"] == [s[0] for s in desk["submissions"]]
    with DeskDatabase.open(desk_folder) as db, db.read() as tx:
        for a in tx.query(dm.Assessment).all():
            assert served["assessment_rubrics"][a.id] == a.rubric_version.digest
    codes = {(c["person"], c["role"]) for c in seeded["enrolmentCodes"]}
    assert codes == {
        ("Ada Assessor", "assessor"),
        ("Malik Manager", "manager"),
        ("Priya Proctor", "proctor"),
    }


def test_the_function_api_seeds_the_same_demo_in_another_database(
    demo_issuer: tuple[Issuer, Any], tmp_path: Path
) -> None:
    first, _ = demo_issuer
    other = Issuer(tmp_path, f"sqlite:///{tmp_path / 'issuer.db'}")
    other.init()
    with other._environment():
        seeded = seed(other.db_url)
    assert len(seeded.codes) == 3 and seeded.evidence > 40
    mine, theirs = _issuer(first.db_url), _issuer(other.db_url)
    for part in ("submissions", "rubrics", "evidence", "assessments", "sessions"):
        assert mine[part] and theirs[part] == mine[part], part


def test_a_second_demo_is_refused_and_writes_nothing(demo_issuer: tuple[Issuer, Any]) -> None:
    issuer, _ = demo_issuer
    before = issuer.counts()
    people = issuer.count(m.Person)
    err = issuer.cli("demo", expect=2)
    assert "already has the demo's submission 'sub-001'" in err
    assert issuer.counts() == before and issuer.count(m.Person) == people


def test_demo_refuses_a_database_issuer_init_has_not_made(tmp_path: Path) -> None:
    issuer = Issuer(tmp_path, f"sqlite:///{tmp_path / 'nothing.db'}")
    err = issuer.cli("demo", expect=2)
    assert "issuer init" in err
    assert not (tmp_path / "nothing.db").exists()


def _score_all(db: DeskDatabase, submission: str, assessor_id: str) -> None:
    """Every criterion at its top level, as an assessor would at the keyboard."""
    view = show_evaluation(db, submission)
    _, rubric = show_version(db, f"{view.rubric_id}@{view.rubric_version}")
    changes = []
    for c in rubric.criteria:
        best = max(c.levels, key=lambda level: level.top)
        changes.append(SetLevel(c.id, best.id, best.top if best.is_range else None))
    save_draft(db, submission, assessor_id, changes)


def test_records_finalized_in_a_demo_folder_are_accepted_by_a_demo_issuer(
    desk_folder: Path, demo_issuer: tuple[Issuer, Any]
) -> None:
    issuer, seeded = demo_issuer
    code = next(c["code"] for c in seeded["enrolmentCodes"] if c["role"] == "assessor")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "data"
        write_demo(folder, kdf_cost=CHEAP_KDF)  # a folder of its own: this one is changed
        with DeskDatabase.open(folder) as db:
            with db.read() as tx:
                profile = tx.query(dm.Profile).filter_by(name=DEMO_ASSESSOR).one()
                profile_id = profile.id
                sealed = keys.SealedKey.from_json(profile.sealed_key or "")
                # one of each kind of rubric: own format, and the CASE 1.1 import
                chosen = [
                    tx.query(dm.Submission.id)
                    .filter_by(assessment_id=assessment, status="to_score")
                    .order_by(dm.Submission.id)
                    .limit(1)
                    .scalar()
                    for assessment in ("site-induction", "code-review")
                ]
            device = Device(issuer, keys.unseal(sealed, DEMO_PASSPHRASE))
            # as `assessor --demo` does: the folder is written (its work for sign-off signed),
            # then the key is enrolled, within the clock skew the issuer allows
            device.enrol(code)
            signer = unlock(db, profile_id, DEMO_PASSPHRASE)
            for submission in chosen:
                assert submission is not None
                _score_all(db, submission, profile_id)
                finalize(db, submission, signer)
            with db.read() as tx:  # the demo's waiting records first, in the key's sequence
                signed = tx.scalars(select(dm.Record.id).order_by(dm.Record.number)).all()
            records = []
            for record_id in signed:
                out = Path(scratch) / f"record-{len(records)}.json"
                export_record(db, record_id, out)
                records.append(parse_record(out.read_bytes()))
    assert len(records) == FOR_SIGNOFF + 2
    answers = device.send(*records)
    assert [str(a.state) for a in answers] == ["accepted"] * len(records), answers
    assert [a.id for a in answers] == [r["id"] for r in records]
    listed = {r["id"]: r["state"] for r in issuer.cli("record", "list")}
    assert all(listed[r["id"]] == "accepted" for r in records)
    # both passed, neither needs a sign-off: each earned its badge
    earned = {c["achievement"] for c in issuer.cli("credential", "list")}
    assert {"badge-site-induction", "badge-code-review"} <= earned
