"""Fixtures: a real issuer server per backend (SQLite; PostgreSQL with 2 workers), a
catalogue published on it, and per test fresh people, a desktop data folder and devices."""

from __future__ import annotations

import json
import struct
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from assessor.domain.errors import DomainError
from assessor.security.records import parse_record
from assessor.services.finalize import finalize
from assessor.services.profiles import Signer, add_profile, unlock
from assessor.services.records import export_record
from assessor.services.rubrics import import_rubric
from assessor.services.scoring import SetLevel, save_draft
from assessor.store import models as dm
from assessor.store.db import Database as DeskDatabase
from assessor.store.types import utcnow
from tests.conftest import PASSPHRASE as DESK_PASSPHRASE
from tests.conftest import sample_rubric, sealed_key
from tests.issuer.service.harness import (
    Device,
    HandKey,
    Issuer,
    PostgresCluster,
    postgres_bin,
    unique,
)

PASSING = [
    SetLevel("plan", "competent"),
    SetLevel("terminate", "proficient"),
    SetLevel("prove-dead", "competent"),
    SetLevel("record", "full"),
]
FAILING = [
    SetLevel("plan", "not-yet"),
    SetLevel("terminate", "not-yet"),
    SetLevel("prove-dead", "not-yet"),
    SetLevel("record", "none"),
]


def png(size: int = 64) -> bytes:
    """A real PNG (an orange square), made here."""
    raw = b"".join(b"\x00" + b"\xe0\x70\x10" * size for _ in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


ASSESSMENTS = {"wiring-a": "badge-a", "wiring-b": "badge-b"}


def publish_catalogue(issuer: Issuer, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "badge.png").write_bytes(png())
    rubric = folder / "wiring.json"
    rubric.write_text(json.dumps(sample_rubric().to_document()))
    issuer.cli("rubric", "publish", str(rubric))
    achievements = [
        ("badge-a", "Safe isolation", "badge", [], 365),
        ("badge-b", "Ring final circuit project", "badge", [], None),
        ("micro-ab", "Domestic installer", "micro-credential", ["badge-a", "badge-b"], None),
    ]
    for ident, name, level, prerequisites, days in achievements:
        doc: dict[str, Any] = {
            "format": "assessor-achievement/1",
            "id": ident,
            "name": name,
            "description": f"{name}: awarded for work judged against the wiring rubric.",
            "criteria": {"narrative": f"Pass the {name.lower()} assessment."},
            "image": "badge.png",
            "level": level,
            "prerequisites": prerequisites,
        }
        if days:
            doc["validityDays"] = days
        path = folder / f"{ident}.json"
        path.write_text(json.dumps(doc))
        issuer.cli("achievement", "publish", str(path))
    issuer.cli(
        "assessment",
        "create",
        "--id",
        "wiring-a",
        "--title",
        "Wiring A",
        "--achievement",
        "badge-a",
        "--rubric",
        "wiring@1",
    )
    issuer.cli(
        "assessment",
        "create",
        "--id",
        "wiring-b",
        "--title",
        "Wiring B",
        "--achievement",
        "badge-b",
        "--rubric",
        "wiring@1",
        "--signoff-required",
    )


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    if postgres_bin() is None:
        pytest.skip("needs the Debian package postgresql (/usr/lib/postgresql/*/bin/initdb)")
    cluster = PostgresCluster()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


def _make_issuer(kind: str, request: pytest.FixtureRequest, **options: Any) -> Issuer:
    folder = Path(tempfile.mkdtemp(prefix=f"issuer-{kind}-"))
    if kind == "postgres":
        cluster: PostgresCluster = request.getfixturevalue("postgres")
        name = unique("db").replace("-", "_")
        issuer = Issuer(folder, cluster.create_database(name), workers=2, **options)
    else:
        issuer = Issuer(folder, f"sqlite:///{folder / 'issuer.db'}", **options)
    issuer.init()
    publish_catalogue(issuer, folder / "catalogue")
    return issuer


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def server(request: pytest.FixtureRequest) -> Iterator[Issuer]:
    issuer = _make_issuer(request.param, request, forked=False)  # the command line's own
    issuer.start()
    try:
        yield issuer
    finally:
        issuer.close()


@dataclass
class World:
    """One test's people on the issuer, their desktop folder and enrolled devices."""

    issuer: Issuer
    desk: DeskDatabase
    assessor: Signer
    assessor_name: str
    manager: HandKey
    proctor: HandKey
    folder: Path

    def code(self, name: str, role: str) -> str:
        return str(self.issuer.cli("enrolment", "create", "--person", name, "--role", role)["code"])

    def device(self, private_key: Any, name: str, role: str) -> Device:
        device = Device(self.issuer, private_key)
        device.enrol(self.code(name, role))
        return device

    def assign(
        self,
        assessment: str = "wiring-a",
        *,
        learner: str | None = None,
        manager: str | None = None,
        evidence: list[Path] | None = None,
    ) -> str:
        """A submission assigned to this world's assessor, on the issuer and the desktop."""
        submission, learner = unique("sub"), learner or unique("learner")
        args = [
            "submission",
            "assign",
            submission,
            "--learner",
            learner,
            "--learner-name",
            f"Learner {learner[-4:]}",
        ]
        args += ["--assessment", assessment, "--assessor", self.assessor_name]
        if manager:
            args += ["--manager", manager]
        for path in evidence or []:
            args += ["--evidence", str(path)]
        self.issuer.cli(*args)
        with self.desk.write() as tx:
            if tx.get(dm.Learner, learner) is None:
                tx.add(
                    dm.Learner(
                        id=learner, name=f"Learner {learner[-4:]}", anonymous_code=learner[-6:]
                    )
                )
            tx.add(
                dm.Submission(
                    id=submission,
                    learner_id=learner,
                    assessment_id=assessment,
                    attempt=1,
                    submitted_at=utcnow(),
                    status="to_score",
                )
            )
        return submission

    def score(self, submission: str, levels: list[SetLevel] = PASSING) -> dict[str, Any]:
        """Score and finalize with the desktop's services; the signed record as exported."""
        save_draft(self.desk, submission, self.assessor.profile.id, levels)
        done = finalize(self.desk, submission, self.assessor)
        out = self.folder / f"{done.record_id.rsplit(':', 1)[-1]}.json"
        export_record(self.desk, done.record_id, out)
        return parse_record(out.read_bytes())

    def signoff(
        self, record: dict[str, Any], decision: str = "approved", key: HandKey | None = None
    ) -> dict[str, Any]:
        key = key or self.manager
        subject = {
            "id": record["credentialSubject"]["id"],
            "assessmentRecord": {
                "id": record["id"],
                "digestMultibase": _digest(record),
                "issuer": record["issuer"]["id"],
            },
            "decision": decision,
            "comment": "Checked against the evidence.",
        }
        if decision == "returned":
            subject["returnTo"] = "assessor"
        return key.sign("ProjectSignOffRecord", subject)


def _digest(record: dict[str, Any]) -> str:
    from assessor.security.records import record_digest

    return record_digest(record)


def make_world(issuer: Issuer, folder: Path) -> World:
    tag = folder.name[-12:]
    assessor_name, manager_name, proctor_name = f"Ada {tag}", f"Max {tag}", f"Pat {tag}"
    issuer.cli("person", "add", assessor_name, "--role", "assessor")
    issuer.cli("person", "add", manager_name, "--role", "manager")
    issuer.cli("person", "add", proctor_name, "--role", "proctor")
    desk = DeskDatabase.open(folder / "desk")
    with desk.write() as tx:
        import_rubric(tx, sample_rubric(), source_format="test", actor="system")
        version = tx.query(dm.RubricVersion).one()
        profile = add_profile(tx, assessor_name, ["assessor"], sealed_key())
        for assessment, achievement in ASSESSMENTS.items():
            tx.add(dm.Achievement(id=achievement, title=achievement, kind="badge"))
            tx.add(
                dm.Assessment(
                    id=assessment,
                    title=assessment,
                    achievement_id=achievement,
                    rubric_version_id=version.id,
                )
            )
    try:
        signer = unlock(desk, profile.id, DESK_PASSPHRASE)
    except DomainError as exc:  # pragma: no cover - a broken fixture says why
        raise AssertionError(exc.message) from None
    return World(
        issuer,
        desk,
        signer,
        assessor_name,
        HandKey(manager_name, "manager"),
        HandKey(proctor_name, "proctor"),
        folder,
    )


@pytest.fixture
def world(server: Issuer, tmp_path: Path) -> Iterator[World]:
    made = make_world(server, tmp_path)
    try:
        yield made
    finally:
        made.desk.close()
