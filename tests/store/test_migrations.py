"""Migrations: head equals the models, every revision up and down, the guard triggers, the
schema-0001 fixture, and what `Database.open` does with old, new, foreign and current files.

Pending migrations with data: the schema-0001 fixture upgraded to head, and a test-only
revision 0099 added to a copy of the migrations (`future_migrations`) for the failure path.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assessor.security.audit import GENESIS, event_hash
from assessor.store import migrate
from assessor.store import models as m
from assessor.store.audit import event_content
from assessor.store.db import Database
from assessor.store.engine import create_sqlite_engine
from assessor.store.errors import NotAssessorDatabase, SchemaTooNew
from assessor.store.types import utcnow
from tests.store import make_fixture
from tests.store.make_fixture import load_fixture

FIXTURE_0001 = Path(__file__).with_name("fixtures") / "schema-0001.sql"
TRIGGERS = {
    "rubric_versions_published_no_update",
    "rubric_versions_published_no_delete",
    "audit_events_no_update",
    "audit_events_no_delete",
    "records_no_update",
    "records_no_delete",
    "records_move_head",
    "audit_events_move_head",
    "chain_heads_no_delete",
    "chain_heads_forward_only",
    "evaluations_final_no_update",
    "evaluations_final_no_delete",
    "artifacts_signed_no_update",
    "artifacts_signed_no_delete",
    "evaluation_scores_final_no_insert",
    "evaluation_scores_final_no_update",
    "evaluation_scores_final_no_delete",
    "exam_sessions_sealed_no_update",
    "exam_sessions_sealed_no_delete",
    "exam_runs_sealed_no_update",
    "exam_roster_sealed_no_insert",
    "exam_roster_sealed_no_update",
    "exam_roster_sealed_no_delete",
    "exam_roster_terminal_outcome",
    "exam_entries_sealed_no_insert",
    "exam_entries_no_update",
    "exam_entries_no_delete",
    "exam_amendments_no_update",
    "exam_amendments_no_delete",
    "signoffs_no_update",
    "signoffs_no_delete",
}
FIXTURE_COUNTS = {
    "profiles": 2,
    "rubrics": 1,
    "rubric_versions": 2,
    "achievements": 2,
    "achievement_prerequisites": 1,
    "assessments": 1,
    "learners": 2,
    "submissions": 2,
    "artifacts": 2,
    "evaluations": 2,
    "evaluation_scores": 3,
    "audit_events": 3,
    "outbox_items": 1,
    "exam_sessions": 1,
    "exam_candidates": 2,
}

REVISION_FUTURE = """
from alembic import op
import sqlalchemy as sa

revision = "0099"
down_revision = "HEAD"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("test_extra", sa.Column("id", sa.Integer, primary_key=True))
    FAIL


def downgrade():
    op.drop_table("test_extra")
"""


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    eng = create_sqlite_engine(tmp_path / "assessor.db")
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


@pytest.fixture
def fixture_0001(data_dir: Path) -> Path:
    path = data_dir / "assessor.db"
    load_fixture(FIXTURE_0001, path)
    return path


def future_migrations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, fail: bool = False
) -> None:
    """Point the store at our migrations plus a test-only revision 0099 after head."""
    location = tmp_path / "migrations"
    shutil.copytree(migrate.SCRIPT_LOCATION, location, ignore=shutil.ignore_patterns("__pycache__"))
    body = REVISION_FUTURE.replace("FAIL", 'raise RuntimeError("0099 failed")' if fail else "")
    body = body.replace("HEAD", migrate.head_revision())
    (location / "versions" / "0099_test_extra.py").write_text(body)
    monkeypatch.setattr(migrate, "SCRIPT_LOCATION", location)


def sqlite_value(path: Path, sql: str) -> object:
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def triggers(conn_or_path: Path) -> set[str]:
    con = sqlite3.connect(conn_or_path)
    try:
        rows = con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
    finally:
        con.close()
    return {name for (name,) in rows}


def backups(data_dir: Path) -> list[Path]:
    folder = data_dir / "backups"
    return sorted(folder.iterdir()) if folder.exists() else []


# -- the migrations themselves ----------------------------------------------------------------


def test_head_equals_the_models(engine: Engine) -> None:
    migrate.upgrade(engine)
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        assert compare_metadata(context, m.Base.metadata) == []


def test_upgrade_from_empty_marks_the_file_and_guards_the_tables(
    engine: Engine, tmp_path: Path
) -> None:
    migrate.upgrade(engine)
    path = tmp_path / "assessor.db"
    with engine.connect() as conn:
        assert migrate.current_revision(conn) == migrate.head_revision()
        assert not migrate.pending(conn)
    assert sqlite_value(path, "PRAGMA user_version") == migrate.SCHEMA_MAJOR
    assert sqlite_value(path, "PRAGMA application_id") == migrate.APPLICATION_ID
    assert triggers(path) == TRIGGERS


def test_every_revision_goes_down_and_up_again(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "assessor.db"
    migrate.upgrade(engine)
    migrate.downgrade(engine, "base")
    tables = sqlite_value(path, "SELECT group_concat(name) FROM sqlite_master")
    assert tables == "alembic_version,sqlite_autoindex_alembic_version_1"
    assert sqlite_value(path, "PRAGMA user_version") == 0
    assert sqlite_value(path, "PRAGMA application_id") == 0
    migrate.upgrade(engine)
    with engine.connect() as conn:
        assert migrate.current_revision(conn) == migrate.head_revision()


def test_a_failing_migration_changes_nothing(
    fixture_0001: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    future_migrations(tmp_path, monkeypatch, fail=True)
    eng = create_sqlite_engine(fixture_0001)
    try:
        with pytest.raises(RuntimeError, match="0099 failed"):
            migrate.upgrade(eng)
        with eng.connect() as conn:
            assert migrate.current_revision(conn) == "0001"
            names = conn.exec_driver_sql("SELECT name FROM sqlite_master").scalars().all()
            assert "test_extra" not in names
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        eng.dispose()


# -- the guard triggers -----------------------------------------------------------------------


def _version(published: bool) -> m.RubricVersion:
    return m.RubricVersion(
        rubric_id="r",
        version=1,
        digest="uEi-test",
        title="R",
        kind="analytic",
        document="{}",
        source_format="test",
        imported_at=utcnow(),
        published_at=utcnow() if published else None,
    )


@pytest.fixture
def db(data_dir: Path) -> Iterator[Database]:
    with Database.open(data_dir) as database:
        yield database


def _add_version(db: Database, published: bool) -> int:
    with db.write() as tx:
        tx.add(m.Rubric(id="r", title="R", created_at=utcnow()))
        row = _version(published)
        tx.add(row)
    return row.id


def test_published_rubric_version_cannot_be_updated_or_deleted(db: Database) -> None:
    row_id = _add_version(db, published=True)
    for sql in (
        "UPDATE rubric_versions SET title = 'changed' WHERE id = :id",
        "UPDATE rubric_versions SET published_at = NULL WHERE id = :id",
        "DELETE FROM rubric_versions WHERE id = :id",
    ):
        with pytest.raises(IntegrityError, match="published and immutable"), db.write() as tx:
            tx.execute(text(sql), {"id": row_id})
    with db.read() as tx:
        assert tx.get_one(m.RubricVersion, row_id).title == "R"


def test_unpublished_rubric_version_can_be_edited_published_or_deleted(db: Database) -> None:
    row_id = _add_version(db, published=False)
    with db.write() as tx:
        tx.get_one(m.RubricVersion, row_id).title = "R, edited"
    with db.write() as tx:
        tx.get_one(m.RubricVersion, row_id).published_at = utcnow()
    with db.read() as tx:
        row = tx.get_one(m.RubricVersion, row_id)
        assert (row.title, row.published_at is not None) == ("R, edited", True)

    draft_id = _add_draft(db)
    with db.write() as tx:
        tx.execute(text("DELETE FROM rubric_versions WHERE id = :id"), {"id": draft_id})


def _add_draft(db: Database) -> int:
    with db.write() as tx:
        row = _version(published=False)
        row.version, row.digest = 2, "uEi-draft"
        tx.add(row)
    return row.id


def test_audit_events_are_append_only(db: Database) -> None:
    with db.write() as tx:
        tx.add(
            m.AuditEvent(
                seq=1,
                at=utcnow(),
                actor="a",
                action="x",
                entity_type="t",
                entity_id="1",
                payload="{}",
                prev_hash=GENESIS,
                hash="f" * 64,
            )
        )
    for sql in ("UPDATE audit_events SET actor = 'b'", "DELETE FROM audit_events"):
        with pytest.raises(IntegrityError, match="append-only"), db.write() as tx:
            tx.execute(text(sql))
    with db.read() as tx:
        assert tx.scalars(select(m.AuditEvent.actor)).all() == ["a"]


# -- the schema-0001 fixture ------------------------------------------------------------------


def test_fixture_0001_opens_with_its_data_intact(fixture_0001: Path, data_dir: Path) -> None:
    migrated = migrate.head_revision() != "0001"
    with Database.open(data_dir) as db, db.read() as tx:
        assert migrate.current_revision(tx.connection()) == migrate.head_revision()
        for table, count in FIXTURE_COUNTS.items():
            baseline = 1 if table == "audit_events" else 0  # 0005's event of the rows it found
            found = tx.execute(text(f"SELECT count(*) FROM {table}")).scalar()
            assert found == count + baseline, table
        _check_fixture_values(tx)
    assert len(backups(data_dir)) == (1 if migrated else 0)
    assert triggers(fixture_0001) == TRIGGERS


def test_revision_0001_still_writes_what_it_wrote_when_released(tmp_path: Path) -> None:
    """A released migration must never change: users' files were made by it."""
    db_path = tmp_path / "assessor.db"
    make_fixture.build(db_path)
    assert make_fixture.dump(db_path) == FIXTURE_0001.read_text(encoding="utf-8")


def _check_fixture_values(tx: Session) -> None:
    finalized = tx.scalars(select(m.Evaluation).where(m.Evaluation.status == "finalized")).one()
    assert [(s.criterion_id, s.points) for s in finalized.scores] == [
        ("plan", Decimal("2")),
        ("prove-dead", Decimal("6")),
    ]
    assert finalized.finalized_at is not None and finalized.finalized_at.utcoffset() is not None
    published = tx.scalars(select(m.RubricVersion).where(m.RubricVersion.version == 1)).one()
    assert published.digest.startswith("uEi") and published.published_at is not None
    prev = GENESIS
    for event in tx.scalars(select(m.AuditEvent).order_by(m.AuditEvent.seq)):
        assert event.prev_hash == prev and event.hash == event_hash(
            prev,
            event_content(
                event.seq,
                event.at,
                event.actor,
                event.action,
                event.entity_type,
                event.entity_id,
                event.payload,
            ),
        )
        prev = event.hash


# -- what open does with the file it finds ----------------------------------------------------


def test_a_new_database_is_created_without_a_backup(data_dir: Path) -> None:
    with Database.open(data_dir) as db, db.read() as tx:
        assert migrate.current_revision(tx.connection()) == migrate.head_revision()
    assert backups(data_dir) == []


def test_an_up_to_date_database_opens_without_backup_or_migration(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Database.open(data_dir).close()
    before = (data_dir / "assessor.db").read_bytes()

    def no_upgrade(engine: Engine, revision: str = "head") -> None:
        raise AssertionError("upgrade must not run on an up-to-date database")

    monkeypatch.setattr(migrate, "upgrade", no_upgrade)
    Database.open(data_dir).close()
    assert backups(data_dir) == []
    assert (data_dir / "assessor.db").read_bytes() == before


def test_a_pending_migration_runs_after_a_backup(
    fixture_0001: Path, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    future_migrations(tmp_path, monkeypatch)
    with Database.open(data_dir) as db, db.read() as tx:
        assert migrate.current_revision(tx.connection()) == "0099"
        assert tx.execute(text("SELECT count(*) FROM test_extra")).scalar() == 0
    [copy] = backups(data_dir)
    assert copy.name.startswith("assessor-") and copy.name.endswith("-0001.db")
    assert sqlite_value(copy, "SELECT version_num FROM alembic_version") == "0001"
    assert sqlite_value(copy, "SELECT count(*) FROM audit_events") == 3
    assert sqlite_value(copy, "PRAGMA integrity_check") == "ok"


def test_a_newer_minor_revision_opens_as_it_is(fixture_0001: Path, data_dir: Path) -> None:
    con = sqlite3.connect(fixture_0001)
    with con:
        con.execute("UPDATE alembic_version SET version_num = '0007_from_the_future'")
        con.execute(f"PRAGMA user_version = {migrate.SCHEMA_MAJOR}")  # same major as ours
        con.execute("CREATE TABLE added_later (id INTEGER PRIMARY KEY)")
    con.close()
    with Database.open(data_dir) as db, db.read() as tx:
        assert migrate.current_revision(tx.connection()) == "0007_from_the_future"
        assert tx.execute(text("SELECT count(*) FROM profiles")).scalar() == 2
    assert backups(data_dir) == []


def test_a_newer_major_schema_is_refused_and_left_untouched(
    fixture_0001: Path, data_dir: Path
) -> None:
    con = sqlite3.connect(fixture_0001)
    con.execute("PRAGMA user_version = 99")
    con.close()
    before = fixture_0001.read_bytes()
    with pytest.raises(SchemaTooNew) as refused:
        Database.open(data_dir)
    assert str(refused.value) == (
        "this database was written by a newer Assessor (schema 99); "
        f"this version reads schema {migrate.SCHEMA_MAJOR} — update Assessor"
    )
    assert fixture_0001.read_bytes() == before
    assert sorted(p.name for p in data_dir.iterdir()) == ["assessor.db", "assessor.lock"]
    with pytest.raises(SchemaTooNew):
        Database.open(data_dir)  # refused again, not DataFolderLocked: the lock was released


@pytest.mark.parametrize(
    ("prepare", "reason"),
    [
        (["PRAGMA application_id = 1234"], "application id 0x4d2"),
        (["CREATE TABLE notes (body TEXT)", "INSERT INTO notes VALUES ('hi')"], "no Assessor"),
    ],
)
def test_a_foreign_sqlite_file_is_refused_and_left_untouched(
    data_dir: Path, prepare: list[str], reason: str
) -> None:
    path = data_dir / "assessor.db"
    con = sqlite3.connect(path)
    for sql in prepare:
        con.execute(sql)
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(NotAssessorDatabase, match=f"not an Assessor database.*{reason}"):
        Database.open(data_dir)
    assert path.read_bytes() == before
    assert backups(data_dir) == []


def test_a_file_that_is_not_sqlite_is_refused(data_dir: Path) -> None:
    path = data_dir / "assessor.db"
    path.write_bytes(b"not a database at all, just some text that is long enough" * 20)
    with pytest.raises(NotAssessorDatabase, match="not an Assessor database"):
        Database.open(data_dir)
    assert path.read_bytes().startswith(b"not a database")


@pytest.mark.parametrize("create", [True, False], ids=["writing", "reading"])
def test_an_empty_file_is_refused_not_rebuilt(data_dir: Path, create: bool) -> None:
    """A 0-byte assessor.db is a database that lost its content, never a new one: Assessor
    builds a new database aside and renames it in, so it never leaves an empty one itself."""
    (data_dir / "assessor.db").touch()
    with pytest.raises(NotAssessorDatabase, match=r"it is empty, 0 bytes; restore it"):
        Database.open(data_dir, create=create)
    assert (data_dir / "assessor.db").stat().st_size == 0
    assert not (data_dir / "assessor.db-wal").exists()


def test_backup_of_a_database_without_revision_is_labelled_empty(tmp_path: Path) -> None:
    source = tmp_path / "assessor.db"
    con = sqlite3.connect(source)
    con.execute("CREATE TABLE t (x)")
    con.execute("INSERT INTO t VALUES (42)")
    con.commit()
    con.close()
    copy = migrate.backup(source, tmp_path / "backups")
    assert copy.name.endswith("-empty.db") and copy.parent == tmp_path / "backups"
    assert sqlite_value(copy, "SELECT x FROM t") == 42
    assert [p.name for p in copy.parent.iterdir()] == [copy.name]  # no .partial left behind


def test_revision_0002_starts_the_chain_heads_where_0001_left_the_audit_log(
    fixture_0001: Path, data_dir: Path
) -> None:
    with Database.open(data_dir) as db, db.read() as tx:
        rows = tx.execute(text("SELECT chain, length || ' ' || head FROM chain_heads")).all()
        heads = {str(chain): str(value) for chain, value in rows}
        last = tx.execute(text("SELECT seq, hash FROM audit_events ORDER BY seq DESC")).first()
        assert last is not None
        assert heads == {"audit": f"{last[0]} {last[1]}", "records": f"0 {'0' * 64}"}
        profiles = tx.execute(text("SELECT did, sealed_key, failed_unlocks FROM profiles")).all()
        assert profiles and all(p == (None, None, 0) for p in profiles)  # no keys in 0001


def test_verify_knows_every_guard_trigger_of_the_head(engine: Engine, tmp_path: Path) -> None:
    from assessor.store.integrity import GUARD_TRIGGERS

    migrate.upgrade(engine)
    assert set(GUARD_TRIGGERS) == triggers(tmp_path / "assessor.db") == TRIGGERS


def test_revisions_read_from_the_files_agree_with_alembic(tmp_path: Path) -> None:
    """Starting reads the revisions without importing Alembic; Alembic must agree."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(migrate.SCRIPT_LOCATION))
    assert migrate.head_revision() == script.get_current_head()
    assert migrate.known_revisions() == {s.revision for s in script.walk_revisions()}
    with Database.open(tmp_path / "data") as db, db.read() as tx:
        conn = tx.connection()
        assert migrate.current_revision(conn) == script.get_current_head()
        assert MigrationContext.configure(conn).get_current_revision() == script.get_current_head()
