"""The schema-0003 fixture (tests/store/make_fixture_0003.py) opened by today's Assessor: the
file is backed up and migrated to head, keeps every row, still verifies, the guard triggers of
head hold on its rows, and what it holds reads back (and carries on) through the services."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from assessor.domain.errors import DomainError
from assessor.security.keys import UnlockThrottled
from assessor.services.finalize import finalize
from assessor.services.preview import preview_of
from assessor.services.profiles import list_profiles, unlock
from assessor.services.records import check_record_bytes, export_record, list_records, local_roster
from assessor.services.scoring import SetLevel, save_draft, show_evaluation
from assessor.services.submissions import list_submissions, outbox_waiting, status_counts
from assessor.services.verify import verify_store
from assessor.services.workspace import open_workspace
from assessor.store import migrate, previews
from assessor.store import models as m
from assessor.store import queries as q
from assessor.store import records as r
from assessor.store.audit import append_event
from assessor.store.db import Database
from tests.store import make_fixture, make_fixture_0003
from tests.store.make_fixture import load_fixture
from tests.store.make_fixture_0003 import ADA, E1, E2, E3, KIND, PASSPHRASE, R1, R2
from tests.store.test_migrations import TRIGGERS, backups, sqlite_value, triggers

FIXTURE_0003 = Path(__file__).with_name("fixtures") / "schema-0003.sql"
FINAL = "finalized evaluations and their scores are immutable"
SIGNED = "signed records are immutable"
EVIDENCE = "evidence named by a signed record is immutable"
FORWARD = "chain heads only move forward"


@pytest.fixture
def fixture_0003(data_dir: Path) -> Path:
    data_dir.mkdir()
    path = data_dir / "assessor.db"
    load_fixture(FIXTURE_0003, path)
    return path


@pytest.fixture
def opened(fixture_0003: Path, data_dir: Path) -> Iterator[Database]:
    """The fixture opened (so migrated to head), with its evidence files in the blob store."""
    with Database.open(data_dir) as db:
        for data in make_fixture_0003.EVIDENCE.values():
            db.blobs.put_bytes(data)
        yield db


def row_counts(path: Path) -> dict[str, int]:
    """Rows of every table but Alembic's."""
    con = sqlite3.connect(path)
    try:
        tables = [
            name
            for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if name != "alembic_version"
        ]
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


def values(path: Path, columns: dict[str, list[str]]) -> dict[str, list[tuple[object, ...]]]:
    """The rows of the given columns of each table, sorted."""
    con = sqlite3.connect(path)
    try:
        found = {}
        for table, names in columns.items():
            listed = ", ".join(f'"{c}"' for c in names)
            found[table] = sorted(
                con.execute(f'SELECT {listed} FROM "{table}"').fetchall(), key=repr
            )
        return found
    finally:
        con.close()


def column_names(path: Path, tables: list[str]) -> dict[str, list[str]]:
    con = sqlite3.connect(path)
    try:
        return {t: [c[1] for c in con.execute(f'PRAGMA table_info("{t}")')] for t in tables}
    finally:
        con.close()


def contents(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


# -- opened at head ---------------------------------------------------------------------------


def test_fixture_0003_opens_at_head_with_every_row_kept(fixture_0003: Path, data_dir: Path) -> None:
    before = row_counts(fixture_0003)
    assert sqlite_value(fixture_0003, "SELECT version_num FROM alembic_version") == "0003"
    assert {"records", "chain_heads", "artifacts"} <= before.keys()
    assert all(before.values()), {t: n for t, n in before.items() if not n}  # no empty table
    with Database.open(data_dir) as db, db.read() as tx:
        assert migrate.current_revision(tx.connection()) == migrate.head_revision()
    after = row_counts(fixture_0003)
    # Every row kept; the log gains one event: 0005's baseline of the rows it found.
    assert {t: after[t] for t in before} == {**before, "audit_events": before["audit_events"] + 1}
    con = sqlite3.connect(fixture_0003)
    (action, actor, payload) = con.execute(
        "SELECT action, actor, payload FROM audit_events ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    con.close()
    assert (action, actor) == ("store.baseline", "system")
    baselined = {table for _, table, _, _ in json.loads(payload)["rows"]}
    assert baselined == set(before) - {"audit_events", "chain_heads"}
    assert triggers(fixture_0003) == TRIGGERS
    copies = backups(data_dir)
    assert len(copies) == (0 if migrate.head_revision() == "0003" else 1)
    for copy in copies:
        assert copy.name.startswith("assessor-") and copy.name.endswith("-0003.db")
        assert sqlite_value(copy, "SELECT version_num FROM alembic_version") == "0003"
        assert row_counts(copy) == before


def test_fixture_0003_keeps_every_value_it_held(fixture_0003: Path, data_dir: Path) -> None:
    """Each column the file had at 0003 holds the same values, row for row, at head."""
    columns = column_names(fixture_0003, list(row_counts(fixture_0003)))
    assert "preview" in columns["artifacts"] and "sealed_key" in columns["profiles"]
    before = values(fixture_0003, columns)
    Database.open(data_dir).close()
    after = values(fixture_0003, columns)
    # The audit log only grows (0005's baseline event), and its head moves with it.
    events_after, events_before = after.pop("audit_events"), before.pop("audit_events")
    assert len(events_after) == len(events_before) + 1
    assert set(events_before) <= set(events_after)
    assert [row[:1] for row in after.pop("chain_heads")] == [
        row[:1] for row in before.pop("chain_heads")
    ]
    assert after == before


def test_fixture_0003_verifies_at_head(opened: Database) -> None:
    """Audit chain, chain heads, both records' signatures and per-key chain, what the records
    signed against the evaluation, score and artifact rows, the evidence blobs, the triggers."""
    report = verify_store(opened)
    assert report.finding is None, report.finding.describe()
    counts = row_counts(opened.path)
    blobs = len(set(make_fixture_0003.EVIDENCE.values()))
    assert (report.audit_events, report.records, report.issuers, report.blobs) == (
        counts["audit_events"],
        counts["records"],
        1,
        blobs,
    )


def test_revision_0003_still_writes_what_it_wrote_when_released(tmp_path: Path) -> None:
    """Revisions up to 0003 must never change: users' files were made by them."""
    db_path = tmp_path / "assessor.db"
    make_fixture.build(db_path, make_fixture_0003.REVISION, make_fixture_0003.steps())
    assert make_fixture.dump(db_path) == FIXTURE_0003.read_text(encoding="utf-8")


# -- the guard triggers of head on the migrated rows ------------------------------------------


@pytest.mark.parametrize(
    ("sql", "refusal"),
    [
        (f"UPDATE evaluations SET overall_comment = 'changed' WHERE id = '{E1}'", FINAL),
        (f"UPDATE evaluations SET status = 'draft' WHERE id = '{E3}'", FINAL),
        (f"UPDATE evaluations SET supersedes_id = NULL WHERE id = '{E3}'", FINAL),
        (f"DELETE FROM evaluations WHERE id = '{E3}'", FINAL),
        (f"UPDATE evaluation_scores SET points = '3' WHERE evaluation_id = '{E1}'", FINAL),
        (f"DELETE FROM evaluation_scores WHERE evaluation_id = '{E1}'", FINAL),
        (f"INSERT INTO evaluation_scores VALUES ('{E3}', 'extra', 2, NULL, NULL, '')", FINAL),
        ("UPDATE records SET body = body || ' ' WHERE number = 1", SIGNED),
        ("UPDATE records SET evaluation_id = NULL WHERE number = 2", SIGNED),
        ("DELETE FROM records WHERE number = 2", SIGNED),
        ("UPDATE artifacts SET sha256 = substr(sha256, 2) || '0' WHERE id = 1", EVIDENCE),
        ("UPDATE artifacts SET name = 'other.txt' WHERE id = 1", EVIDENCE),
        ("DELETE FROM artifacts WHERE id = 1", EVIDENCE),
        ("UPDATE rubric_versions SET title = 'changed' WHERE version = 1", "published"),
        ("DELETE FROM rubric_versions WHERE version = 1", "published"),
        ("UPDATE audit_events SET actor = 'someone' WHERE seq = 9", "append-only"),
        ("DELETE FROM audit_events WHERE seq = (SELECT max(seq) FROM audit_events)", "append-only"),
        ("UPDATE chain_heads SET length = length - 1 WHERE chain = 'records'", FORWARD),
        ("DELETE FROM chain_heads WHERE chain = 'audit'", FORWARD),
    ],
)
def test_head_guards_the_rows_0003_wrote(opened: Database, sql: str, refusal: str) -> None:
    before = contents(opened.path)
    with pytest.raises(IntegrityError, match=refusal), opened.write() as tx:
        tx.execute(text(sql))
    assert contents(opened.path) == before


def test_rows_the_guards_leave_free_stay_free(opened: Database) -> None:
    """The guards pick rows by their state: a draft, unsigned evidence, a signed file's
    preview, an unpublished version can change, and the audit head moves on from 0003's."""
    free = [
        f"UPDATE evaluations SET overall_comment = 'Half way' WHERE id = '{E2}'",
        f"UPDATE evaluation_scores SET comment = 'Planned' WHERE evaluation_id = '{E2}'",
        "UPDATE artifacts SET name = 'notes-1.txt' WHERE id = 3",  # sub-002: not signed
        "UPDATE artifacts SET preview = NULL WHERE id = 1",  # prepared again, signed or not
        "UPDATE rubric_versions SET title = 'Draft 3' WHERE version = 2",
    ]
    with opened.write() as tx:
        audit_length = tx.get_one(m.ChainHead, "audit").length
        for sql in free:
            assert tx.connection().execute(text(sql)).rowcount == 1, sql
        # The draft's own assessor: verify refuses evaluation rows anyone else wrote.
        digest = append_event(
            tx, actor=ADA, action="test.event", entity_type="test", entity_id="1", payload={}
        )
    with opened.read() as tx:
        head = tx.get_one(m.ChainHead, "audit")
        assert (head.length, head.head) == (audit_length + 1, digest)
    assert verify_store(opened).finding is None


# -- what it holds, through the services -------------------------------------------------------


def test_fixture_0003_reads_back_through_the_services(opened: Database, tmp_path: Path) -> None:
    queue = list_submissions(opened, assessor_id=ADA)
    assert [
        (s.id, s.learner, s.status, s.rubric_version, s.criteria_scored, s.criteria_total, s.blind)
        for s in queue
    ] == [
        ("sub-001", "C-0001", "finalized", 1, 2, 2, True),
        ("sub-002", "C-0002", "in_progress", 1, 1, 2, True),
        ("sub-003", "C-0001", "to_score", 1, 0, 2, True),
    ]
    assert status_counts(opened) == {"finalized": 1, "in_progress": 1, "to_score": 1}
    assert outbox_waiting(opened) == 1

    people = list_profiles(opened)
    assert [(p.name, p.roles, p.did is not None) for p in people] == [
        ("Ada Assessor", ("assessor",), True),
        ("Max Manager", ("manager", "proctor"), True),
        ("Olly Older", ("assessor",), False),
    ]
    ada_did = people[0].did

    signed = list_records(opened)
    assert [(i.id, i.kind, i.issuer, i.seq, i.submission_id, i.synced) for i in signed] == [
        (R1, KIND, ada_did, 1, "sub-001", True),
        (R2, KIND, ada_did, 2, "sub-001", False),
    ]
    out = tmp_path / "record.json"
    export_record(opened, R2, out)
    check = check_record_bytes(out.read_bytes(), submission="sub-001", roster=local_roster(opened))
    assert check.problem is None
    assert (check.id, check.digest, check.seq) == (R2, signed[1].digest, 2)

    shown = show_evaluation(opened, "sub-001")
    assert (shown.evaluation_id, shown.status, shown.record) == (
        E3,
        "finalized",
        (R2, signed[1].digest),
    )
    assert [(c.id, c.level_id, c.points) for c in shown.criteria] == [
        ("plan", "proficient", Decimal(3)),
        ("prove-dead", "proficient", Decimal(3)),
    ]
    assert (shown.result.total, shown.result.maximum) == (Decimal(9), Decimal(9))
    with opened.read() as tx:
        latest = q.finalized_by(tx, "sub-001", ADA)
        assert latest is not None and latest.id == E3 and latest.supersedes_id == E1
        assert q.is_superseded(tx, E1) and not q.is_superseded(tx, E3)
        first = r.record_by_ref(tx, R1)
        assert first is not None and first.evaluation_id == E1
        assert first.created_at.utcoffset() == timedelta(0)


def test_previews_written_at_0003_read_back(opened: Database) -> None:
    def shown(submission_id: str) -> list[tuple[str, str, str | None]]:
        workspace = open_workspace(opened, submission_id, ADA)
        return [(a.name, a.kind, a.reason) for a in workspace.artifacts]

    assert shown("sub-001") == [("results.txt", "text", None)]
    assert shown("sub-002") == [
        ("results.txt", "text", None),
        ("notes.txt", "other", "the preview has not been prepared yet"),
    ]
    assert shown("sub-003") == [
        ("board.jpg", "other", "malformed JPEG: no frame header before the image data")
    ]
    assert not open_workspace(opened, "sub-001", ADA).editable
    draft = open_workspace(opened, "sub-002", ADA).evaluation
    assert (draft.evaluation_id, draft.status, draft.result.outcome.value) == (
        E2,
        "draft",
        "incomplete",
    )
    assert [(c.id, c.level_id, c.points, c.comment) for c in draft.criteria] == [
        ("plan", "competent", Decimal(2), "Started"),
        ("prove-dead", None, None, ""),
    ]
    stored = preview_of(opened, 1)
    assert stored is not None and (stored.text, stored.media_type) == (
        "text (utf-8), 1 line",
        "text/plain",
    )
    with opened.read() as tx:
        assert [(a.id, a.name) for a in previews.pending(tx)] == [(3, "notes.txt")]


# -- carrying on from it ----------------------------------------------------------------------


def test_keys_sealed_at_0003_still_unlock_and_sign_on_the_same_chain(opened: Database) -> None:
    signer = unlock(opened, "Ada Assessor", PASSPHRASE)
    save_draft(opened, "sub-002", ADA, [SetLevel("prove-dead", "competent")])
    done = finalize(opened, "sub-002", signer)
    with opened.read() as tx:
        last = r.record_by_ref(tx, R2)
        new = r.record_by_ref(tx, done.record_id)
    assert last is not None and new is not None
    assert (new.issuer, new.seq, new.prev) == (last.issuer, last.seq + 1, last.digest)
    report = verify_store(opened)
    assert report.finding is None, report.finding.describe()
    assert report.records == 3

    with pytest.raises(DomainError, match="has no signing key"):
        unlock(opened, "Olly Older", PASSPHRASE)


def test_unlock_throttling_written_at_0003_still_holds(opened: Database) -> None:
    blocked = datetime.fromisoformat(make_fixture_0003.BLOCKED_UNTIL)
    with pytest.raises(UnlockThrottled):
        unlock(opened, "Max Manager", PASSPHRASE, now=blocked - timedelta(milliseconds=500))
    signer = unlock(opened, "Max Manager", PASSPHRASE, now=blocked + timedelta(seconds=1))
    assert signer.profile.roles == ("manager", "proctor")
    with opened.read() as tx:
        row = tx.get_one(m.Profile, signer.profile.id)
        assert (row.failed_unlocks, row.unlock_blocked_until) == (0, None)
