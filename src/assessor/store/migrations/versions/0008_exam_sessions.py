"""Exam sessions run by a proctor: the roster, an append-only log (check-ins, entries,
exits, breaks, incidents, outcomes) numbered by a per-session sequence, the seal and the
amendments a manager adds after it.

`exam_runs` holds, per session, what a run adds to `exam_sessions` (new columns there would
change rows the audit baseline holds); `exam_roster` holds the candidates and what
is true of each now (check-in, outcome); `exam_entries` is the log, insert only, every row
numbered by the session's `last_seq`; `exam_amendments` links a manager's signed amendment
to the session. Triggers keep the log append-only, a sealed session and its roster frozen,
and a terminal outcome final.

Same schema major (2): new tables and triggers only.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SEALED = "'a sealed exam session never changes'"
_LOG = "'the exam session log is append-only; a correction is a new entry'"
_TERMINAL = "'a terminal outcome never changes'"
_IS_SEALED = "(SELECT status FROM exam_sessions WHERE id = {}.session_id) = 'sealed'"

TRIGGERS = {
    "exam_sessions_sealed_no_update": f"""
        CREATE TRIGGER exam_sessions_sealed_no_update BEFORE UPDATE ON exam_sessions
        FOR EACH ROW WHEN OLD.status = 'sealed'
        BEGIN SELECT RAISE(ABORT, {_SEALED}); END
    """,
    "exam_sessions_sealed_no_delete": f"""
        CREATE TRIGGER exam_sessions_sealed_no_delete BEFORE DELETE ON exam_sessions
        FOR EACH ROW WHEN OLD.status = 'sealed'
        BEGIN SELECT RAISE(ABORT, {_SEALED}); END
    """,
    "exam_runs_sealed_no_update": f"""
        CREATE TRIGGER exam_runs_sealed_no_update BEFORE UPDATE ON exam_runs
        FOR EACH ROW WHEN {_IS_SEALED.format("OLD")}
        BEGIN SELECT RAISE(ABORT, {_SEALED}); END
    """,
    "exam_roster_sealed_no_insert": f"""
        CREATE TRIGGER exam_roster_sealed_no_insert BEFORE INSERT ON exam_roster
        FOR EACH ROW WHEN {_IS_SEALED.format("NEW")}
        BEGIN SELECT RAISE(ABORT, {_SEALED}); END
    """,
    "exam_roster_sealed_no_update": f"""
        CREATE TRIGGER exam_roster_sealed_no_update BEFORE UPDATE ON exam_roster
        FOR EACH ROW WHEN {_IS_SEALED.format("OLD")}
        BEGIN SELECT RAISE(ABORT, {_SEALED}); END
    """,
    "exam_roster_sealed_no_delete": f"""
        CREATE TRIGGER exam_roster_sealed_no_delete BEFORE DELETE ON exam_roster
        FOR EACH ROW WHEN {_IS_SEALED.format("OLD")}
        BEGIN SELECT RAISE(ABORT, {_SEALED}); END
    """,
    "exam_roster_terminal_outcome": f"""
        CREATE TRIGGER exam_roster_terminal_outcome BEFORE UPDATE OF outcome ON exam_roster
        FOR EACH ROW WHEN OLD.outcome IN ('completed', 'withdrew', 'terminated', 'voided')
          AND NEW.outcome IS NOT OLD.outcome
        BEGIN SELECT RAISE(ABORT, {_TERMINAL}); END
    """,
    "exam_entries_sealed_no_insert": f"""
        CREATE TRIGGER exam_entries_sealed_no_insert BEFORE INSERT ON exam_entries
        FOR EACH ROW WHEN {_IS_SEALED.format("NEW")}
        BEGIN SELECT RAISE(ABORT, {_SEALED}); END
    """,
    "exam_entries_no_update": f"""
        CREATE TRIGGER exam_entries_no_update BEFORE UPDATE ON exam_entries
        BEGIN SELECT RAISE(ABORT, {_LOG}); END
    """,
    "exam_entries_no_delete": f"""
        CREATE TRIGGER exam_entries_no_delete BEFORE DELETE ON exam_entries
        BEGIN SELECT RAISE(ABORT, {_LOG}); END
    """,
    "exam_amendments_no_update": """
        CREATE TRIGGER exam_amendments_no_update BEFORE UPDATE ON exam_amendments
        BEGIN SELECT RAISE(ABORT, 'an amendment is signed and never changes'); END
    """,
    "exam_amendments_no_delete": """
        CREATE TRIGGER exam_amendments_no_delete BEFORE DELETE ON exam_amendments
        BEGIN SELECT RAISE(ABORT, 'an amendment is signed and never changes'); END
    """,
}


def upgrade() -> None:
    op.create_table(
        "exam_runs",
        sa.Column("session_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("ends_at", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_at", sa.String(length=32), nullable=True),
        sa.Column("sealed_at", sa.String(length=32), nullable=True),
        sa.Column("record_id", sa.String(length=60), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"], ["exam_sessions.id"], name="fk_exam_runs_session_id_exam_sessions"
        ),
        sa.PrimaryKeyConstraint("session_id", name="pk_exam_runs"),
    )
    op.create_table(
        "exam_roster",
        sa.Column("session_id", sa.String(length=200), nullable=False),
        sa.Column("candidate_id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("learner_id", sa.String(length=200), nullable=True),
        sa.Column("checked_in_at", sa.String(length=32), nullable=True),
        sa.Column("id_method", sa.String(length=30), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("outcome_at", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"], ["exam_sessions.id"], name="fk_exam_roster_session_id_exam_sessions"
        ),
        sa.PrimaryKeyConstraint("session_id", "candidate_id", name="pk_exam_roster"),
    )
    op.create_table(
        "exam_entries",
        sa.Column("session_id", sa.String(length=200), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("candidates", sa.Text(), nullable=False),
        sa.Column("value", sa.String(length=30), nullable=True),
        sa.Column("incident_type", sa.String(length=30), nullable=True),
        sa.Column("severity", sa.String(length=10), nullable=True),
        sa.Column("witness", sa.Text(), nullable=True),
        sa.Column("action_taken", sa.Text(), nullable=True),
        sa.Column("notified", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("corrects", sa.Integer(), nullable=True),
        sa.Column("clock_back", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["exam_sessions.id"], name="fk_exam_entries_session_id_exam_sessions"
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["profiles.id"], name="fk_exam_entries_actor_id_profiles"
        ),
        sa.PrimaryKeyConstraint("session_id", "seq", name="pk_exam_entries"),
    )
    op.create_table(
        "exam_amendments",
        sa.Column("record_id", sa.String(length=60), nullable=False),
        sa.Column("session_id", sa.String(length=200), nullable=False),
        sa.Column("amends", sa.String(length=60), nullable=False),
        sa.Column("manager_id", sa.String(length=36), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["exam_sessions.id"],
            name="fk_exam_amendments_session_id_exam_sessions",
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["profiles.id"], name="fk_exam_amendments_manager_id_profiles"
        ),
        sa.PrimaryKeyConstraint("record_id", name="pk_exam_amendments"),
    )
    for ddl in TRIGGERS.values():
        op.execute(ddl)


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("exam_amendments")
    op.drop_table("exam_entries")
    op.drop_table("exam_roster")
    op.drop_table("exam_runs")
