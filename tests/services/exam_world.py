"""A data folder with people for exam sessions: two proctors, a manager, an assessor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from assessor.services import exam_sessions as es
from assessor.services.profiles import Signer, add_profile, unlock
from assessor.store.db import Database
from tests.conftest import PASSPHRASE, sealed_key

START = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class People:
    proctor: str
    other_proctor: str
    manager: str
    assessor: str

    def signer(self, db: Database, profile_id: str | None = None) -> Signer:
        return unlock(db, profile_id or self.proctor, PASSPHRASE)


def people(db: Database) -> People:
    with db.write() as tx:
        ids = [
            add_profile(tx, name, [role], sealed_key()).id
            for name, role in (
                ("Pat Proctor", "proctor"),
                ("Quinn Proctor", "proctor"),
                ("Mo Manager", "manager"),
                ("Ash Assessor", "assessor"),
            )
        ]
    return People(*ids)


def roster_file(folder: Path, lines: list[str], name: str = "roster.csv") -> Path:
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def session_with_roster(db: Database, who: People, folder: Path, candidates: int = 3) -> str:
    view = es.create_session(
        db,
        who.proctor,
        title="Safe isolation — written paper",
        kind="site",
        starts_at=START,
        ends_at=START + timedelta(hours=2),
    )
    lines = ["candidate,name,learner"] + [
        f"C{n},Candidate {n},{'l-' + str(n) if n % 2 else ''}" for n in range(1, candidates + 1)
    ]
    es.import_roster(db, who.proctor, view.id, roster_file(folder, lines))
    return view.id


def sealed_and_amended(db: Database, folder: Path, manager_id: str) -> str:
    """A proctor's session with every kind of entry, sealed, then amended by the manager:
    a row in every exam table."""
    from assessor.services.exam_seal import amend_session, seal_session

    with db.write() as tx:
        proctor = add_profile(tx, "Sam Proctor", ["proctor"], sealed_key()).id
    view = es.create_session(
        db, proctor, title="Paper", kind="remote", starts_at=START, ends_at=START + timedelta(1)
    )
    path = roster_file(folder, ["candidate,name,learner", "C1,Ann,learner-0", "C2,Bob,"])
    es.import_roster(db, proctor, view.id, path)
    es.check_in(db, proctor, view.id, "C1", "passport")
    es.record_movement(db, proctor, view.id, "C1", "break-start")
    es.log_incident(
        db,
        proctor,
        view.id,
        es.Incident("illness", "blue", "Felt faint", ["C1"], "Sam", "Water", "Centre"),
    )
    es.set_outcome(db, proctor, view.id, "C1", "completed")
    es.set_outcome(db, proctor, view.id, "C2", "no-show")
    seal_session(db, view.id, unlock(db, proctor, PASSPHRASE))
    amend_session(db, view.id, unlock(db, manager_id, PASSPHRASE), "C2 was excused.")
    return view.id
