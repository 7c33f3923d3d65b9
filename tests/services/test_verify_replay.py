"""`verify` replays the audit log's rows and compares them with the tables.

The mutation test of the store: every table × (a changed value in each column, a deleted
row, an inserted row), made as an attacker with the file does it (triggers dropped, the
change made, the triggers put back exactly), and `verify` must name a problem for every one.
The count is printed (run with -s) for the record. Then the issue's own case (a signed result
moved to another learner, its overall comment rewritten) and the rules of the replay."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import pytest

from assessor.services.finalize import finalize, start_correction
from assessor.services.preview import prepare_previews
from assessor.services.profiles import add_profile, unlock
from assessor.services.rubrics import import_rubric
from assessor.services.scoring import SetLevel, SetOverallComment, save_draft
from assessor.services.signoff import decide
from assessor.services.verify import Finding, verify_store
from assessor.store import models as m
from assessor.store.audit import append_event
from assessor.store.db import Database
from assessor.store.errors import StoreError
from assessor.store.types import utcnow
from tests.conftest import Seed, sample_rubric, sealed_key, seed
from tests.services.exam_world import sealed_and_amended
from tests.services.test_finalize import score_all
from tests.services.test_verify import add_evidence

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A store with a row in every table and a value in nearly every column: a signed and
    corrected evaluation returned by its manager, a draft, evidence with previews, a draft
    rubric version, an exam session planned and one run, sealed and amended, a throttled
    profile, stacked achievements."""
    folder = tmp_path_factory.mktemp("pristine") / "data"
    with Database.open(folder) as db:
        s: Seed = seed(db, submissions=3)
        add_evidence(db, "sub-001", b"the report\n", b"the photo\n")
        add_evidence(db, "sub-002", b"the notes\n")
        with db.write() as tx:
            draft = replace(sample_rubric(), criteria=sample_rubric().criteria[:3])
            import_rubric(tx, draft, source_format="test", actor="system", publish=False)
            tx.add(m.Achievement(id="cred", title="Credential", kind="micro-credential"))
            tx.flush()
            tx.add(m.AchievementPrerequisite(achievement_id="cred", prerequisite_id="badge"))
            tx.add(
                m.ExamSession(
                    id="exam-1",
                    title="Written paper",
                    assessment_id="wiring-l2",
                    location="Room 1",
                    starts_at=utcnow() + timedelta(days=1),
                    status="planned",
                    proctor_id=s.manager_id,
                )
            )
            tx.flush()
            tx.add(m.ExamCandidate(session_id="exam-1", learner_id="learner-0", outcome="absent"))
            rows = tx.query(m.Assessment).all()
            rows[0].due_at = utcnow() + timedelta(days=7)
            rows[0].signoff_required = True
        prepare_previews(db, "sub-001")
        score_all(db, s, "sub-001")
        finalize(db, "sub-001", s.signer(db))
        start_correction(db, "sub-001", s.signer(db), "The plan was scored too low")
        save_draft(db, "sub-001", s.assessor_id, [SetLevel("plan", "proficient")])
        finalize(db, "sub-001", s.signer(db))
        manager = s.signer(db, s.manager_id)
        decide(db, "sub-001", manager, approve=False, return_to="learner", reason="Blurred")
        save_draft(
            db,
            "sub-002",
            s.assessor_id,
            [SetLevel("plan", "competent"), SetOverallComment("Half way through")],
        )
        sealed_and_amended(db, folder.parent, s.manager_id)
        with pytest.raises(Exception, match="wrong passphrase"):
            unlock(db, s.manager_id, "not the passphrase")
        add_sync_state(db, s.assessor_id)
        assert verify_store(db).ok
    yield folder


def add_sync_state(db: Database, profile_id: str) -> None:
    """A row in every sync table, and an outbox item answered by a backend."""
    now = utcnow()
    with db.write() as tx:
        tx.add(
            m.SyncEnrolment(
                profile_id=profile_id,
                backend="http://127.0.0.1:9",
                audience="did:web:127.0.0.1%3A9",
                device_id="dev-1",
                person="Ada",
                roles="assessor",
                enrolled_at=now,
                cursor="c1",
                credentials_cursor="c2",
                last_sync_at=now,
                last_error="offline",
            )
        )
        tx.add(
            m.SyncCredential(
                id="urn:uuid:cred-1",
                profile_id=profile_id,
                url="http://127.0.0.1:9/credentials/1",
                achievement="badge",
                learner="urn:assessor:learner:learner-0",
                status="active",
                issued_at="2026-12-02T00:00:00Z",
                valid_until="2027-12-02T00:00:00Z",
                records="[]",
                updated_at=now,
            )
        )
        tx.add(
            m.SyncFlag(
                profile_id=profile_id,
                kind="withdrawn",
                subject="sub-003",
                reason="withdrawn",
                local_work=True,
                created_at=now,
            )
        )
        tx.add(
            m.SyncPendingWork(
                submission_id="sub-9",
                profile_id=profile_id,
                payload="{}",
                attempts=1,
                last_error="offline",
                created_at=now,
            )
        )
        tx.add(m.SyncUpload(backend="http://127.0.0.1:9", sha256="0" * 64))
        item = tx.query(m.OutboxItem).first()
        assert item is not None
        item.state, item.answer, item.reason = "rejected", "rejected", "not-assigned"
        item.attempts, item.synced_at, item.next_attempt_at = 1, now, now
        item.last_error = "not assigned"


@dataclass(frozen=True)
class Mutation:
    table: str
    what: str  # "column NAME", "delete", "insert"
    sql: str
    params: tuple[object, ...]


def guard_sql(con: sqlite3.Connection) -> list[tuple[str, str]]:
    return [
        (str(n), str(sql))
        for n, sql in con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
    ]


def tables(con: sqlite3.Connection) -> list[str]:
    return [
        str(n)
        for (n,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]


def columns(con: sqlite3.Connection, table: str) -> list[tuple[str, str, bool]]:
    """(name, declared type, part of the primary key) of each column."""
    info = con.execute(f'PRAGMA table_info("{table}")')
    return [(str(r[1]), str(r[2]).upper(), bool(r[5])) for r in info]


def unique_columns(con: sqlite3.Connection, table: str) -> set[str]:
    found = {name for name, _, key in columns(con, table) if key}
    for index in con.execute(f'PRAGMA index_list("{table}")'):
        if index[2]:  # unique
            found |= {str(r[2]) for r in con.execute(f'PRAGMA index_info("{index[1]}")')}
    return found


def changed(value: object, declared: str) -> object:
    """Another value of the same kind: what an attacker would write."""
    if value is None:
        return 7 if "INT" in declared else "X"
    if isinstance(value, int):
        return 1 - value if declared == "BOOLEAN" and value in (0, 1) else value + 1000
    if isinstance(value, str):
        return value + "~"
    raise AssertionError(f"unexpected value {value!r}")


def mutations(con: sqlite3.Connection) -> list[Mutation]:
    """Every table: each column changed in one row (rows taken in turn), the last row
    deleted, a copy of it inserted under new keys."""
    found = []
    for table in tables(con):
        rowids = [r for (r,) in con.execute(f'SELECT rowid FROM "{table}" ORDER BY rowid')]
        assert rowids, f"the pristine store has no row in {table}"
        cols = columns(con, table)
        for n, (name, declared, _) in enumerate(cols):
            rowid = rowids[n % len(rowids)]
            (value,) = con.execute(
                f'SELECT "{name}" FROM "{table}" WHERE rowid = ?', (rowid,)
            ).fetchone()
            found.append(
                Mutation(
                    table,
                    f"column {name}",
                    f'UPDATE "{table}" SET "{name}" = ? WHERE rowid = ?',
                    (changed(value, declared), rowid),
                )
            )
        last = rowids[-1]
        found.append(Mutation(table, "delete", f'DELETE FROM "{table}" WHERE rowid = ?', (last,)))
        row = con.execute(f'SELECT * FROM "{table}" WHERE rowid = ?', (last,)).fetchone()
        unique = unique_columns(con, table)
        copy = [
            changed(v, declared) if name in unique else v
            for (name, declared, _), v in zip(cols, row, strict=True)
        ]
        listed = ", ".join(f'"{c}"' for c, _, _ in cols)
        found.append(
            Mutation(
                table,
                "insert",
                f'INSERT INTO "{table}" ({listed}) VALUES ({", ".join("?" * len(cols))})',
                tuple(copy),
            )
        )
    return found


def attacked(pristine: Path, folder: Path, mutation: Mutation) -> None:
    """A copy of the store changed as an attacker does it: guards dropped, the change, the
    guards put back exactly as they were (so only the data can tell)."""
    shutil.copytree(pristine, folder, ignore=shutil.ignore_patterns("assessor.lock"))
    con = sqlite3.connect(folder / "assessor.db")
    guards = guard_sql(con)
    for name, _ in guards:
        con.execute(f'DROP TRIGGER "{name}"')
    changed_rows = con.execute(mutation.sql, mutation.params).rowcount
    assert changed_rows == 1, mutation
    for _, sql in guards:
        con.execute(sql)
    con.commit()
    con.close()


def test_every_change_to_every_table_is_found(pristine: Path, tmp_path: Path) -> None:
    con = sqlite3.connect(pristine / "assessor.db")
    todo = mutations(con)
    covered = set(tables(con))
    con.close()
    assert {"evaluations", "submissions", "profiles", "outbox_items", "audit_events"} <= covered
    missed: list[Mutation] = []
    named: dict[str, Finding] = {}
    for n, mutation in enumerate(todo):
        folder = tmp_path / f"m{n}"
        attacked(pristine, folder, mutation)
        try:
            with Database.open(folder, create=False) as db:  # as `assessor verify` opens it
                found = verify_store(db).finding
        except StoreError as refused:  # the file is refused before verify: found too
            found = Finding("(open)", 1, "-", refused.message)
        if found is None:
            missed.append(mutation)
        else:
            named[f"{mutation.table} {mutation.what}"] = found
        shutil.rmtree(folder)
    detected = len(todo) - len(missed)
    print(f"\nstore mutations: {len(todo)} over {len(covered)} tables, {detected} detected")
    for what, found in named.items():
        print(f"  {what}: {found.describe()}")
    assert not missed, missed
    assert len(todo) > 150


def tamper(db: Database, *statements: str) -> None:
    """Triggers dropped, rows changed, triggers put back: the issue's recipe."""
    con = sqlite3.connect(db.path)
    guards = guard_sql(con)
    for name, _ in guards:
        con.execute(f'DROP TRIGGER "{name}"')
    for sql in statements:
        assert con.execute(sql).rowcount == 1, sql
    for _, sql in guards:
        con.execute(sql)
    con.commit()
    con.close()


def test_a_signed_result_moved_to_another_learner_is_named(db: Database, seeded: Seed) -> None:
    score_all(db, seeded, "sub-001")
    finalize(db, "sub-001", seeded.signer(db))
    assert verify_store(db).ok
    tamper(db, "UPDATE submissions SET learner_id = 'learner-2' WHERE id = 'sub-001'")
    found = verify_store(db).finding
    assert found is not None and found.table == "submissions"
    assert "the learner differs from what was signed" in found.problem


def test_a_rewritten_overall_comment_is_named(db: Database, seeded: Seed) -> None:
    save_draft(db, "sub-001", seeded.assessor_id, [SetOverallComment("Methodical")])
    score_all(db, seeded, "sub-001")
    finalize(db, "sub-001", seeded.signer(db))
    tamper(db, "UPDATE evaluations SET overall_comment = 'Careless' WHERE status = 'finalized'")
    found = verify_store(db).finding
    assert found is not None and found.table == "evaluations"
    assert "the overall comment differs from what was signed" in found.problem


def test_a_rewritten_exam_amendment_is_named(db: Database, seeded: Seed, tmp_path: Path) -> None:
    """An amendment shown with other text than its manager signed: named as the amendment,
    before the audit log's image of the row is compared."""
    sealed_and_amended(db, tmp_path, seeded.manager_id)
    assert verify_store(db).ok
    tamper(db, "UPDATE exam_amendments SET text = 'C2 was a no-show.'")
    found = verify_store(db).finding
    assert found is not None and found.table == "exam_amendments"
    assert "differs from what was signed" in found.problem


def test_a_session_shown_as_sealed_by_another_record_is_named(
    db: Database, seeded: Seed, tmp_path: Path
) -> None:
    session = sealed_and_amended(db, tmp_path, seeded.manager_id)
    tamper(db, "UPDATE exam_runs SET record_id = 'urn:uuid:another'")
    found = verify_store(db).finding
    assert found is not None and found.table == "exam_runs"
    assert f"session {session} is not sealed by this record" in found.problem


def test_a_draft_changed_behind_the_assessors_back_is_named(db: Database, seeded: Seed) -> None:
    """Unsigned work too: a level in a draft the assessor would then sign."""
    save_draft(db, "sub-002", seeded.assessor_id, [SetLevel("plan", "not-yet")])
    tamper(db, "UPDATE evaluation_scores SET level_id = 'proficient', points = '3'")
    found = verify_store(db).finding
    assert found is not None and found.table == "evaluation_scores"
    assert found.problem.startswith("level_id, points differ from what audit event #")
    assert 'the table has "proficient", the log "not-yet"' in found.problem


def test_values_entered_by_anyone_but_the_assessor_are_named(db: Database, seeded: Seed) -> None:
    """An event in the chain whose actor is not the draft's assessor: refused, so an
    assessor never signs values someone else entered."""
    save_draft(db, "sub-002", seeded.assessor_id, [SetLevel("plan", "not-yet")])
    with db.write() as tx:
        other = add_profile(tx, "Other Assessor", ["assessor"], sealed_key())
    with db.write() as tx:
        tx.connection().exec_driver_sql("UPDATE evaluation_scores SET level_id = 'proficient'")
        append_event(
            tx,
            actor=other.id,
            action="evaluation.change",
            entity_type="evaluation",
            entity_id="-",
            payload={},
        )
    found = verify_store(db).finding
    assert found is not None and found.table == "audit_events"
    assert f"as {seeded.assessor_id} (evaluations " in found.problem
    assert f", assessor_id), but its actor is {other.id}" in found.problem


def test_a_write_without_an_event_gets_one_and_a_write_outside_is_named(
    db: Database, seeded: Seed
) -> None:
    with db.write() as tx:  # through Assessor, no event: the store appends store.write
        tx.add(m.Learner(id="learner-9", name="Late Learner", anonymous_code="C-0009"))
    assert verify_store(db).ok
    con = sqlite3.connect(db.path)  # outside Assessor: no event at all
    con.execute("INSERT INTO learners VALUES ('learner-10', 'Intruder', 'C-0010')")
    con.commit()
    con.close()
    found = verify_store(db).finding
    assert found is not None
    assert (found.table, found.id, found.problem) == (
        "learners",
        "learner-10",
        "not written by any audit event",
    )


def test_a_guard_rewritten_under_its_own_name_is_named(db: Database, seeded: Seed) -> None:
    con = sqlite3.connect(db.path)
    con.execute("DROP TRIGGER evaluations_final_no_update")
    con.execute(
        "CREATE TRIGGER evaluations_final_no_update BEFORE UPDATE ON evaluations "
        "FOR EACH ROW WHEN 0 BEGIN SELECT RAISE(ABORT, 'never'); END"
    )
    con.commit()
    con.close()
    found = verify_store(db).finding
    assert found is not None
    assert (found.table, found.id) == ("triggers", "evaluations_final_no_update")
    assert "its SQL differs" in found.problem


def test_a_points_value_that_is_no_number_is_named_not_a_crash(db: Database, seeded: Seed) -> None:
    score_all(db, seeded, "sub-001")
    finalize(db, "sub-001", seeded.signer(db))
    tamper(db, "UPDATE evaluations SET total = 'lots' WHERE status = 'finalized'")
    found = verify_store(db).finding
    assert found is not None and found.table == "evaluations"


@pytest.mark.parametrize(
    "value", ["X'00ff'", "CAST(X'c328' AS TEXT)"], ids=["a blob", "text that is not UTF-8"]
)
def test_a_value_of_another_type_is_named_not_a_crash(
    db: Database, seeded: Seed, value: str
) -> None:
    save_draft(db, "sub-002", seeded.assessor_id, [SetOverallComment("Fine")])
    tamper(db, f"UPDATE evaluations SET overall_comment = {value}")
    found = verify_store(db).finding
    assert found is not None and found.table == "evaluations", found
