"""The first paint's plain-sqlite3 read of the queue equals the service's read, row for row."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from assessor.demo import write_demo
from assessor.services.profiles import list_profiles
from assessor.services.queue import QueueFilter, QueueSort, queue_page
from assessor.store.db import Database
from assessor.store.first_page import read_first_page
from tests.conftest import CHEAP_KDF


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("first-page") / "data"
    write_demo(folder, kdf_cost=CHEAP_KDF)
    return folder


def test_first_page_equals_the_services_rows_for_every_profile(demo: Path) -> None:
    with Database.open(demo) as db:
        people = [p.id for p in list_profiles(db)] + [None]
        for limit in (3, 200):
            for person in people:
                service = queue_page(db, QueueFilter(), QueueSort(), 0, limit, assessor_id=person)
                first = read_first_page(demo, person, limit)
                assert first == service.rows, (person, limit)
        every = read_first_page(demo, people[0], 1000) or []
    # The demo has what could differ: a blind-marked assessment and criteria already scored.
    assert len(every) > 3
    assert any(row.blind for row in every)
    assert any(
        row.criteria_scored
        for person in people
        for row in read_first_page(demo, person, 1000) or []
    )


def test_blind_marked_rows_show_the_anonymous_code_only(demo: Path) -> None:
    rows = read_first_page(demo, None, 1000) or []
    con = sqlite3.connect(demo / "assessor.db")
    names = {name for (name,) in con.execute("SELECT name FROM learners")}
    con.close()
    assert all(row.learner not in names for row in rows if row.blind)


def _copy(demo: Path, tmp_path: Path) -> tuple[Path, sqlite3.Connection]:
    """A copy of the demo's database in a folder of its own, open for the test to spoil."""
    folder = tmp_path / "data"
    folder.mkdir()
    con = sqlite3.connect(folder / "assessor.db")
    source = sqlite3.connect(demo / "assessor.db")
    source.backup(con)
    source.close()
    return folder, con


def test_no_first_page_from_a_database_at_another_schema(demo: Path, tmp_path: Path) -> None:
    folder, con = _copy(demo, tmp_path)
    con.execute("UPDATE alembic_version SET version_num = '0001'")
    con.commit()
    con.close()
    assert read_first_page(folder, None, 10) is None  # the service migrates it, or refuses


def test_no_first_page_from_a_row_the_service_could_not_read_either(
    demo: Path, tmp_path: Path
) -> None:
    folder, con = _copy(demo, tmp_path)
    con.execute("UPDATE submissions SET submitted_at = 'not a time'")
    con.commit()
    con.close()
    assert read_first_page(folder, None, 10) is None  # no traceback: the service says why


def test_no_first_page_and_no_file_made_where_there_is_no_database(tmp_path: Path) -> None:
    assert read_first_page(tmp_path, None, 10) is None
    assert list(tmp_path.iterdir()) == []
