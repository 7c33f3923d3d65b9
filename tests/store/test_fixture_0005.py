"""The schema-0005 fixture (tests/store/make_fixture_0005.py: the 0003 fixture migrated, then
used): today's Assessor opens it without losing a row, it verifies — the baseline, and every
event since carrying the rows it wrote — and work carries on, still verifying. A revision
after 0005 must keep all of this true."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from assessor.services.scoring import SetOverallComment, save_draft
from assessor.services.verify import verify_store
from assessor.store import migrate
from assessor.store.db import Database
from tests.store import make_fixture_0003
from tests.store.make_fixture import load_fixture
from tests.store.make_fixture_0003 import ADA
from tests.store.test_fixture_0003 import row_counts

FIXTURE_0005 = Path(__file__).with_name("fixtures") / "schema-0005.sql"


@pytest.fixture
def opened(data_dir: Path) -> Iterator[Database]:
    data_dir.mkdir()
    load_fixture(FIXTURE_0005, data_dir / "assessor.db")
    with Database.open(data_dir) as db:
        for content in make_fixture_0003.EVIDENCE.values():
            db.blobs.put_bytes(content)
        yield db


def actions(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return [a for (a,) in con.execute("SELECT action FROM audit_events ORDER BY seq")]
    finally:
        con.close()


def test_fixture_0005_is_what_it_says(tmp_path: Path) -> None:
    path = tmp_path / "assessor.db"
    load_fixture(FIXTURE_0005, path)
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone() == ("0005",)
    assert con.execute("PRAGMA user_version").fetchone() == (2,)
    con.close()
    logged = actions(path)
    assert logged.count("store.baseline") == 1
    after = logged[logged.index("store.baseline") + 1 :]
    assert {"evaluation.change", "evaluation.finalize", "profile.unlock-failed"} <= set(after)


def test_fixture_0005_opens_at_head_and_verifies(opened: Database, tmp_path: Path) -> None:
    load_fixture(FIXTURE_0005, tmp_path / "as-made.db")
    fixture_tables = set(row_counts(tmp_path / "as-made.db"))
    before = row_counts(opened.path)
    with opened.read() as tx:
        assert migrate.current_revision(tx.connection()) == migrate.head_revision()
    report = verify_store(opened)
    assert report.ok, report.finding
    assert (report.audit_events, report.records) == (before["audit_events"], 3)
    # Every table the fixture's schema had holds rows (later revisions' tables start empty).
    assert fixture_tables < set(before)
    assert all(before[t] for t in fixture_tables)


def test_work_carries_on_and_still_verifies(opened: Database) -> None:
    save_draft(opened, "sub-003", ADA, [SetOverallComment("Begun after the upgrade")])
    assert verify_store(opened).ok
    con = sqlite3.connect(opened.path)
    con.execute("DROP TRIGGER evaluations_final_no_update")
    con.execute(
        "UPDATE evaluations SET overall_comment = 'Rewritten' WHERE submission_id = 'sub-003'"
    )
    con.commit()
    con.close()
    found = verify_store(opened).finding
    assert found is not None and found.table == "evaluations"


def test_a_change_to_a_row_logged_before_0006_names_only_the_changed_column(
    opened: Database,
) -> None:
    """The outbox rows were logged before 0006 added answer, reason and synced_at (null for
    them): a later change names the column changed, not those it never had."""
    con = sqlite3.connect(opened.path)
    con.execute("UPDATE outbox_items SET attempts = 7 WHERE id = 2")
    con.commit()
    con.close()
    found = verify_store(opened).finding
    assert found is not None and found.table == "outbox_items"
    assert found.problem.startswith("attempts differs from what audit event #")
    assert "(attempts: the table has 7, the log 0)" in found.problem
