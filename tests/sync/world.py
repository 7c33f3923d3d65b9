"""A real `issuer serve` process (SQLite) seeded with its own CLI, and desktop data folders
that enrol with it and sync through the desktop's own services."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from assessor.security.secrets import MemoryKeyring, SecretStore
from assessor.services.finalize import finalize
from assessor.services.profiles import Signer, add_profile, unlock
from assessor.services.scoring import SetLevel, save_draft
from assessor.services.workspace import open_workspace
from assessor.store import models as m
from assessor.store.db import Database
from assessor.sync.push import Backoff
from assessor.sync.service import SyncService
from tests.conftest import PASSPHRASE, sealed_key
from tests.issuer.service.harness import Issuer, unique

PASSING = [
    SetLevel("plan", "competent"),
    SetLevel("terminate", "proficient"),
    SetLevel("prove-dead", "competent"),
    SetLevel("record", "full"),
]
# No waiting in tests: the delays themselves are the benchmark's and a unit test's business.
NO_WAIT = Backoff(base=0.0, cap=0.0, tries=2)


def start_issuer() -> Issuer:
    from tests.issuer.service.conftest import publish_catalogue

    folder = Path(tempfile.mkdtemp(prefix="sync-issuer-"))
    issuer = Issuer(folder, f"sqlite:///{folder / 'issuer.db'}")
    issuer.init()
    publish_catalogue(issuer, folder / "catalogue")
    issuer.start()
    return issuer


@dataclass
class Desk:
    """One desktop data folder with one assessor profile, and that person on the issuer."""

    issuer: Issuer
    folder: Path
    name: str
    db: Database
    profile_id: str
    secrets: SecretStore = field(default_factory=lambda: SecretStore(MemoryKeyring()))
    url: str = ""

    @property
    def signer(self) -> Signer:
        return unlock(self.db, self.profile_id, PASSPHRASE)

    def code(self) -> str:
        found = self.issuer.cli("enrolment", "create", "--person", self.name, "--role", "assessor")
        return str(found["code"])

    def service(self, **options: Any) -> SyncService:
        options.setdefault("backoff", NO_WAIT)
        options.setdefault("sleep", lambda _: None)
        return SyncService(self.db, self.secrets, **options)

    def enrol(self, url: str | None = None, **options: Any) -> None:
        self.url = url or self.issuer.base_url
        self.service(**options).enrol(self.url, self.code(), self.signer)

    def assign(self, count: int = 1, assessment: str = "wiring-a", **extra: str) -> list[str]:
        made = []
        for _ in range(count):
            submission, learner = unique("sub"), unique("learner")
            args = ["submission", "assign", submission, "--learner", learner]
            args += ["--learner-name", f"Learner {learner[-4:]}"]
            args += ["--assessment", assessment, "--assessor", self.name]
            for key, value in extra.items():
                args += [f"--{key}", value]
            self.issuer.cli(*args)
            made.append(submission)
        return made

    def score(self, submission: str, levels: list[SetLevel] = PASSING) -> str:
        save_draft(self.db, submission, self.profile_id, levels)
        return finalize(self.db, submission, self.signer).record_id

    def close(self) -> None:
        self.db.close()


def finalize_demo_submission(db: Database, profile_id: str) -> str:
    """Score a demo folder's first submission to score that needs no sign-off, every
    criterion at its best level, and sign it with the demo passphrase: its record id."""
    from assessor.demo import DEMO_PASSPHRASE

    with db.read() as tx:
        submission = tx.scalars(
            select(m.Submission.id)
            .join(m.Assessment)
            .where(m.Submission.status == "to_score", ~m.Assessment.signoff_required)
            .order_by(m.Submission.id)
        ).first()
    assert submission is not None
    rubric = open_workspace(db, submission, profile_id).rubric
    best = [SetLevel(c.id, max(c.levels, key=lambda lv: lv.points).id) for c in rubric.criteria]
    save_draft(db, submission, profile_id, best)
    return finalize(db, submission, unlock(db, profile_id, DEMO_PASSPHRASE)).record_id


_EMPTY: list[Path] = []  # a data folder migrated once per process, copied for each desk


def empty_data_folder(folder: Path) -> Database:
    """A new data folder at the current schema (migrating one takes a second on a busy
    machine; a copy of one does not)."""
    if not _EMPTY:
        work = Path(tempfile.mkdtemp(prefix="sync-empty-"))
        atexit.register(shutil.rmtree, work, ignore_errors=True)
        Database.open(work / "data").close()
        _EMPTY.append(work / "data")
    shutil.copytree(_EMPTY[0], folder, dirs_exist_ok=True)
    return Database.open(folder)


def make_desk(issuer: Issuer, folder: Path, name: str | None = None) -> Desk:
    """A new data folder; a new person on the issuer unless `name` (an existing one) is given."""
    if name is None:
        name = unique("Ada")
        issuer.cli("person", "add", name, "--role", "assessor")
    db = empty_data_folder(folder)
    with db.write() as tx:
        profile = add_profile(tx, name, ["assessor"], sealed_key())
    return Desk(issuer, folder, name, db, profile.id)


@contextmanager
def desk(issuer: Issuer, folder: Path, name: str | None = None) -> Iterator[Desk]:
    made = make_desk(issuer, folder, name)
    try:
        yield made
    finally:
        made.close()


def server_records(issuer: Issuer) -> dict[str, tuple[str, str]]:
    """Record id → (digest, state) as the issuer's own CLI lists them."""
    return {r["id"]: (r["digest"], r["state"]) for r in issuer.cli("record", "list")}


def server_credentials(issuer: Issuer) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = issuer.cli("credential", "list")
    return found


def alive(url: str) -> bool:
    try:
        return httpx.get(url + "/.well-known/assessor-api", timeout=2).status_code == 200
    except httpx.TransportError:
        return False
