"""Shared fixtures: a real SQLite data folder in tmp_path, seeded through the services."""

from __future__ import annotations

import gc
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from assessor.domain.rubric import (
    Criterion,
    GradeBand,
    Level,
    PassRule,
    PassRuleKind,
    Rubric,
    RubricKind,
)
from assessor.security import keys
from assessor.services.profiles import Signer, add_profile, unlock
from assessor.services.rubrics import import_rubric
from assessor.store import models as m
from assessor.store.db import Database
from assessor.store.types import utcnow

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


# The vendored official vectors and schemas (tests/conformance/README.md names their sources).
# The one place that knows the folder: tests import CONFORMANCE from here.
CONFORMANCE = Path(__file__).resolve().parent / "conformance"


def levels(points: tuple[int, ...] = (0, 1, 2, 3)) -> tuple[Level, ...]:
    names = ["not-yet", "developing", "competent", "proficient", "expert"]
    return tuple(
        Level(names[i], names[i].replace("-", " ").title(), Decimal(p))
        for i, p in enumerate(points)
    )


def sample_rubric(rubric_id: str = "wiring", title: str = "Wiring a ring final circuit") -> Rubric:
    return Rubric(
        id=rubric_id,
        title=title,
        kind=RubricKind.ANALYTIC,
        criteria=(
            Criterion("plan", "Plan the route", levels(), Decimal(1)),
            Criterion("terminate", "Terminate conductors", levels(), Decimal(2)),
            Criterion("prove-dead", "Prove dead", levels(), Decimal(3), minimum_level="competent"),
            Criterion(
                "record",
                "Record results",
                (
                    Level("none", "None", Decimal(0)),
                    Level("partial", "Partial", Decimal(1), max_points=Decimal("2.5")),
                    Level("full", "Full", Decimal(3)),
                ),
                Decimal("1.5"),
            ),
        ),
        pass_rule=PassRule(PassRuleKind.PERCENTAGE, Decimal(60)),
        bands=(GradeBand("pass", "Pass"), GradeBand("merit", "Merit", min_percentage=Decimal(80))),
    )


# Argon2id at its minimum cost: tests seal many keys; the real cost is measured by
# benchmarks/bench_argon2.py and used whenever no cost is given.
CHEAP_KDF = (1, 1, 8)
PASSPHRASE = "correct horse battery staple"


def sealed_key() -> keys.SealedKey:
    return keys.create_key(PASSPHRASE, cost=CHEAP_KDF)[0]


@dataclass(frozen=True)
class Seed:
    assessor_id: str
    submission_ids: list[str]
    rubric: Rubric
    manager_id: str = ""

    def signer(self, db: Database, profile_id: str | None = None) -> Signer:
        return unlock(db, profile_id or self.assessor_id, PASSPHRASE)


def seed(db: Database, submissions: int = 3) -> Seed:
    rubric = sample_rubric()
    with db.write() as tx:
        info = import_rubric(tx, rubric, source_format="test", actor="system")
        version = tx.query(m.RubricVersion).filter_by(digest=info.digest).one()
        assessor = add_profile(tx, "Test Assessor", ["assessor"], sealed_key())
        manager = add_profile(tx, "Test Manager", ["manager"], sealed_key())
        tx.add(m.Achievement(id="badge", title="Badge", kind="badge"))
        tx.add(
            m.Assessment(
                id="wiring-l2",
                title="Wiring (L2)",
                achievement_id="badge",
                rubric_version_id=version.id,
            )
        )
        ids = []
        for i in range(submissions):
            tx.add(m.Learner(id=f"learner-{i}", name=f"Learner {i}", anonymous_code=f"C-{i:04d}"))
            sid = f"sub-{i + 1:03d}"
            tx.add(
                m.Submission(
                    id=sid,
                    learner_id=f"learner-{i}",
                    assessment_id="wiring-l2",
                    attempt=1,
                    submitted_at=utcnow() - timedelta(hours=i),
                    status="to_score",
                )
            )
            ids.append(sid)
    return Seed(assessor.id, ids, rubric, manager.id)


@pytest.fixture(autouse=True)
def no_default_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands that fall back to $ASSESSOR_DATA_DIR or the user data folder must not find
    the developer's own data: point the fallback at a folder that does not exist."""
    monkeypatch.setenv("ASSESSOR_DATA_DIR", str(tmp_path / "no-default-data-folder"))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture(scope="session")
def empty_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new data folder as `Database.open` makes it, made once: building and migrating its
    database costs most of a second, copying it a hundredth (a new database holds nothing
    but the schema and the chains' zero heads, the same in every folder)."""
    folder = tmp_path_factory.mktemp("empty") / "data"
    Database.open(folder).close()
    return folder


@pytest.fixture
def db(data_dir: Path, empty_folder: Path) -> Iterator[Database]:
    """The data folder's database; a new folder is a copy of `empty_folder`, opened (not
    built) here."""
    if not data_dir.exists():
        shutil.copytree(empty_folder, data_dir, ignore=shutil.ignore_patterns("assessor.lock"))
    database = Database.open(data_dir)
    try:
        yield database
    finally:
        database.close()


@pytest.fixture
def seeded(db: Database) -> Seed:
    return seed(db)


@pytest.fixture(autouse=True)
def _issuer_settings_put_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """The issuer's commands read ISSUER_* from the environment (`issuer serve` sets them for
    its workers); a test that runs them in this process must not leave them to the tests
    after it."""
    for name in ("ISSUER_DATA_DIR", "ISSUER_DB", "ISSUER_KEY_PASSPHRASE"):
        if name in os.environ:
            monkeypatch.setenv(name, os.environ[name])
        else:
            monkeypatch.setenv(name, "")
            monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def _heap_thawed() -> Iterator[None]:
    """The window freezes the heap once open (gc.freeze, decision 0028). In this long-lived
    test process that would keep everything made so far from ever being collected: thaw it
    after the test that froze it."""
    yield
    if gc.get_freeze_count():
        gc.unfreeze()
