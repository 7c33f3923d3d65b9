"""Data folders for the sign-off and session reports, made through the services with hostile
text wherever the services take text (control characters they refuse: the rendering tests put
those in the report data directly)."""

from __future__ import annotations

import csv
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from assessor.services import exam_sessions as es
from assessor.services.exam_seal import amend_session, seal_session
from assessor.services.profiles import add_profile, unlock
from assessor.services.signoff import MAX_REASON, decide
from assessor.store.db import Database
from tests.conftest import PASSPHRASE, sealed_key
from tests.reports.conftest import HOSTILE, LONG_COMMENT, World, build_world

START = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
MANAGER = f"Мария {HOSTILE['markup']} {HOSTILE['rlo']}"
# Every hostile string in one reason, as long as a reason may be.
REASON = (" ".join(HOSTILE.values()) + " " + LONG_COMMENT)[:MAX_REASON]
INCIDENT_TEXT = LONG_COMMENT  # 10,000 characters, the most an incident takes


@dataclass(frozen=True)
class SignedOff:
    world: World
    manager: str
    reason: str


def signed_off(db: Database, *, approve: bool = False) -> SignedOff:
    """The hostile world's submission, returned to the assessor by a hostile manager."""
    world = build_world(db, finalized=False)
    con = sqlite3.connect(db.path)
    con.execute("UPDATE assessments SET signoff_required = 1")
    con.commit()
    con.close()
    from assessor.services.finalize import finalize
    from assessor.services.profiles import list_profiles

    [assessor] = list_profiles(db)
    finalize(db, world.submission, unlock(db, assessor.id, PASSPHRASE))
    with db.write() as tx:
        manager = add_profile(tx, MANAGER, ["manager"], sealed_key()).id
    signer = unlock(db, manager, PASSPHRASE)
    if approve:
        decide(db, world.submission, signer, approve=True, reason=REASON)
    else:
        decide(db, world.submission, signer, approve=False, return_to="assessor", reason=REASON)
    return SignedOff(world, MANAGER, REASON)


@dataclass(frozen=True)
class Session:
    id: str
    title: str
    location: str
    names: dict[str, str]  # candidate id → name
    texts: dict[str, str]  # incident field → text
    amendment: str
    clock_back_seq: int


def _roster(folder: Path, candidates: int) -> tuple[Path, dict[str, str]]:
    keys = list(HOSTILE)
    names = {f"C{n:03d}": f"{HOSTILE[keys[n % len(keys)]]} {n}" for n in range(1, candidates + 1)}
    path = folder / "roster.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["candidate", "name", "learner"])
        for n, (cid, name) in enumerate(names.items()):
            writer.writerow([cid, name, f"learner-{n}" if n % 2 else ""])
    return path, names


def session(db: Database, folder: Path, *, candidates: int = 4, sealed: bool = True) -> Session:
    """A session with every kind of entry, hostile text in every field, a clock that went
    back, sealed by a hostile proctor and amended by a hostile manager."""
    with db.write() as tx:
        proctor = add_profile(tx, f"Προκτωρ {HOSTILE['cjk']}", ["proctor"], sealed_key()).id
        manager = add_profile(tx, MANAGER, ["manager"], sealed_key()).id
    title = f"Paper {HOSTILE['markup']} {HOSTILE['arabic-brackets']}"
    location = f"Room {HOSTILE['rlo']} {HOSTILE['emoji']}"
    v = es.create_session(
        db, proctor, title=title, kind="site", location=location,
        starts_at=START, ends_at=START + timedelta(hours=2), now=START,
    )  # fmt: skip
    path, names = _roster(folder, candidates)
    es.import_roster(db, proctor, v.id, path)
    ids = list(names)
    at = START + timedelta(minutes=1)
    for n, cid in enumerate(ids):
        if n == len(ids) - 1:
            break  # the last one never came
        es.check_in(db, proctor, v.id, cid, "passport", now=at + timedelta(seconds=n))
    texts = {
        "text": INCIDENT_TEXT,
        "witness": HOSTILE["hebrew"] + " " + HOSTILE["markup"],
        "action": HOSTILE["rlo"] + " " + HOSTILE["cjk"],
        "notified": HOSTILE["emoji"] + " " + HOSTILE["greek-cyrillic"],
    }
    first = es.log_incident(
        db, proctor, v.id,
        es.Incident("prohibited-item", "red", texts["text"], [ids[0]],
                    texts["witness"], texts["action"], texts["notified"]),
        now=at + timedelta(minutes=30),
    )  # fmt: skip
    # The laptop's clock went back ten minutes: flagged, kept in its place in the sequence.
    back = es.log_incident(
        db, proctor, v.id,
        es.Incident("technical-issue", "blue", HOSTILE["mixed"], [], None, None, None, first.seq),
        now=at + timedelta(minutes=20),
    )  # fmt: skip
    es.log_incident(
        db, proctor, v.id, es.Incident("communication", "yellow", HOSTILE["arabic"], ids[1:2]),
        now=at + timedelta(minutes=40),
    )  # fmt: skip
    for cid in ids[:-1]:
        es.set_outcome(db, proctor, v.id, cid, "completed", now=at + timedelta(minutes=90))
    es.set_outcome(db, proctor, v.id, ids[-1], "no-show", now=at + timedelta(minutes=91))
    amendment = f"Amended {HOSTILE['markup']} {HOSTILE['emoji']} {HOSTILE['arabic']}"
    if sealed:
        seal_session(db, v.id, unlock(db, proctor, PASSPHRASE), now=at + timedelta(minutes=95))
        amend_session(db, v.id, unlock(db, manager, PASSPHRASE), amendment)
    return Session(v.id, title, location, names, texts, amendment, back.seq)
