"""What each run of the sync state machine starts from: three people on the issuer (an
assessor with work, some of it needing sign-off; a manager; a proctor with an exam session),
seeded through the issuer's services in one transaction, and a desktop data folder where each
has a profile enrolled with its own key."""

from __future__ import annotations

import shutil
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from assessor.security.secrets import MemoryKeyring, SecretStore
from assessor.services import exam_sessions as es
from assessor.services.profiles import Signer, add_profile, unlock
from assessor.store.db import Database
from assessor.sync.service import SyncService
from issuer.services.people import add_person, create_code
from issuer.services.work import Assignment, assign_session, assign_submission
from issuer.store.db import Database as IssuerDatabase
from tests.conftest import PASSPHRASE, sealed_key
from tests.issuer.service.harness import Issuer, unique
from tests.sync.world import Desk

ROLES = ("assessor", "manager", "proctor")
# Submissions assigned to each run's assessor: the even ones need a manager's sign-off.
WORK = ("wiring-b", "wiring-a", "wiring-b", "wiring-a")


class Killed(BaseException):
    """The client process dying: nothing after this point runs, nothing is committed."""


# Made once: building a TLS context reads the CA bundle (a tenth of a second), and every
# transport makes one, though these talk plain HTTP to 127.0.0.1.
_TLS = ssl.create_default_context()


class KillingTransport(httpx.HTTPTransport):
    """The client's own network stack, which can die once a request has been answered."""

    def __init__(self) -> None:
        super().__init__(verify=_TLS)
        self.kill_after: int | None = None
        self.done = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        response.read()
        self.done += 1
        if self.kill_after is not None and self.done > self.kill_after:
            self.kill_after = None
            raise Killed
        return response


@dataclass
class Seeded:
    names: dict[str, str]  # role → person
    codes: dict[str, str]  # role → enrolment code
    work: list[str]  # submission ids, in WORK's order
    session: str  # the proctor's exam session


def seed(db: IssuerDatabase) -> Seeded:
    now = datetime.now(UTC)
    names = {role: unique(role.title()) for role in ROLES}
    with db.write() as session:
        for role, name in names.items():
            add_person(session, name, [role])
        work = []
        for assessment in WORK:
            submission, learner = unique("sub"), unique("learner")
            assignment = Assignment(submission, learner, assessment, names["assessor"], None, 1)
            assign_submission(session, assignment, f"Learner {learner[-4:]}", now)
            work.append(submission)
        exam = unique("exam")
        assign_session(session, exam, "Written paper", "Room 4", now, names["proctor"])
        codes = {role: create_code(session, name, role, now)[0] for role, name in names.items()}
    return Seeded(names, codes, work, exam)


@dataclass
class Folder:
    """The run's data folder: one desk, a profile per role (ids by role), the exam session."""

    desk: Desk
    profiles: dict[str, str]
    dids: dict[str, str]
    session: str


def pulled_template(issuer: Issuer, db: IssuerDatabase, folder: Path) -> None:
    """A data folder at the current schema holding what every run's first pull fetches alike
    (the rubric, achievements, assessments): pulled once by a person with no work, whose
    profile then unenrols. A run's pulls still read the whole feed; the rubric is not
    fetched again."""
    name = unique("Template")
    with db.write() as session:
        add_person(session, name, ["assessor"])
        code = create_code(session, name, "assessor", datetime.now(UTC))[0]
    desk = Database.open(folder)
    try:
        with desk.write() as tx:
            profile = add_profile(tx, name, ["assessor"], sealed_key()).id
        service = SyncService(desk, SecretStore(MemoryKeyring()))
        service.enrol(issuer.base_url, code, signer(desk, profile))
        report = service.sync(profile)
        assert report.ok and report.pulled.rubrics == 1, report
        service.unenrol(profile)
    finally:
        desk.close()


def open_folder(issuer: Issuer, template: Path, folder: Path, seeded: Seeded) -> Folder:
    shutil.copytree(template, folder)
    db = Database.open(folder)
    with db.write() as tx:
        made = {role: add_profile(tx, seeded.names[role], [role], sealed_key()) for role in ROLES}
    profiles = {role: p.id for role, p in made.items()}
    dids = {role: str(p.did) for role, p in made.items()}
    desk = Desk(issuer, folder, seeded.names["assessor"], db, profiles["assessor"])
    return Folder(desk, profiles, dids, seeded.session)


def open_session(db: Database, proctor: str, session: str, folder: Path) -> None:
    """The proctor opens the issuer's session here, with one candidate who did not come (a
    session is sealed once every candidate has an outcome)."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
    es.create_session(
        db,
        proctor,
        title="Written paper",
        kind="site",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        location="Room 4",
        session_id=session,
    )
    roster = folder / "roster.csv"
    roster.write_text("candidate,name\nC1,Ann\n", encoding="utf-8")
    es.import_roster(db, proctor, session, roster)
    es.set_outcome(db, proctor, session, "C1", "no-show")


def signer(db: Database, profile_id: str) -> Signer:
    return unlock(db, profile_id, PASSPHRASE)
