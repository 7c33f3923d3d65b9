"""Sign-off decisions: a manager's signed approval or return of a finalized evaluation.

Same schema major (2): a new table and its guard triggers only, so a release at 0006 reads
and writes the file as before (it logs the new table's rows like any other, decision 0019).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SIGNED = "'a sign-off decision is signed and never changes'"
TRIGGERS = {
    "signoffs_no_update": f"""
        CREATE TRIGGER signoffs_no_update BEFORE UPDATE ON signoffs
        BEGIN SELECT RAISE(ABORT, {_SIGNED}); END
    """,
    "signoffs_no_delete": f"""
        CREATE TRIGGER signoffs_no_delete BEFORE DELETE ON signoffs
        BEGIN SELECT RAISE(ABORT, {_SIGNED}); END
    """,
}


def upgrade() -> None:
    op.create_table(
        "signoffs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("submission_id", sa.String(length=200), nullable=False),
        sa.Column("evaluation_id", sa.String(length=36), nullable=False),
        sa.Column("record_id", sa.String(length=100), nullable=False),
        sa.Column("manager_id", sa.String(length=36), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("return_to", sa.String(length=20), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name="fk_signoffs_submission_id_submissions"
        ),
        sa.ForeignKeyConstraint(
            ["evaluation_id"], ["evaluations.id"], name="fk_signoffs_evaluation_id_evaluations"
        ),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name="fk_signoffs_record_id_records"
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["profiles.id"], name="fk_signoffs_manager_id_profiles"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_signoffs"),
    )
    op.create_index("ix_signoffs_submission_id", "signoffs", ["submission_id"])
    op.create_index("uq_signoffs_evaluation_id", "signoffs", ["evaluation_id"], unique=True)
    for ddl in TRIGGERS.values():
        op.execute(ddl)


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("uq_signoffs_evaluation_id", table_name="signoffs")
    op.drop_index("ix_signoffs_submission_id", table_name="signoffs")
    op.drop_table("signoffs")
