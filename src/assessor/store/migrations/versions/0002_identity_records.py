"""Identity and signed records: profile keys and unlock throttling, the records table, chain
heads, and triggers that make finalized evaluations, their scores and records immutable.

Same schema major (1): new tables, nullable or defaulted columns, indexes and triggers only,
so a release at 0001 can still read and write the file.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64  # frozen here: must equal security.audit.GENESIS

_FINAL = "'finalized evaluations and their scores are immutable; make a correction instead'"
_RECORDS = "'signed records are immutable'"
_SIGNED_EVIDENCE = "'evidence named by a signed record is immutable'"

TRIGGERS = {
    "records_no_update": f"""
        CREATE TRIGGER records_no_update BEFORE UPDATE ON records
        BEGIN SELECT RAISE(ABORT, {_RECORDS}); END
    """,
    "records_no_delete": f"""
        CREATE TRIGGER records_no_delete BEFORE DELETE ON records
        BEGIN SELECT RAISE(ABORT, {_RECORDS}); END
    """,
    "records_move_head": """
        CREATE TRIGGER records_move_head AFTER INSERT ON records
        BEGIN
          UPDATE chain_heads SET length = length + 1, head = NEW.digest WHERE chain = 'records';
        END
    """,
    "audit_events_move_head": """
        CREATE TRIGGER audit_events_move_head AFTER INSERT ON audit_events
        BEGIN
          UPDATE chain_heads SET length = NEW.seq, head = NEW.hash WHERE chain = 'audit';
        END
    """,
    "chain_heads_no_delete": """
        CREATE TRIGGER chain_heads_no_delete BEFORE DELETE ON chain_heads
        BEGIN SELECT RAISE(ABORT, 'chain heads only move forward'); END
    """,
    "chain_heads_forward_only": """
        CREATE TRIGGER chain_heads_forward_only BEFORE UPDATE ON chain_heads
        FOR EACH ROW WHEN NEW.length <= OLD.length OR NEW.chain <> OLD.chain
        BEGIN SELECT RAISE(ABORT, 'chain heads only move forward'); END
    """,
    "artifacts_signed_no_update": f"""
        CREATE TRIGGER artifacts_signed_no_update
        BEFORE UPDATE OF submission_id, position, name, media_type, size, sha256 ON artifacts
        FOR EACH ROW WHEN EXISTS (SELECT 1 FROM records WHERE submission_id = OLD.submission_id)
        BEGIN SELECT RAISE(ABORT, {_SIGNED_EVIDENCE}); END
    """,
    "artifacts_signed_no_delete": f"""
        CREATE TRIGGER artifacts_signed_no_delete BEFORE DELETE ON artifacts
        FOR EACH ROW WHEN EXISTS (SELECT 1 FROM records WHERE submission_id = OLD.submission_id)
        BEGIN SELECT RAISE(ABORT, {_SIGNED_EVIDENCE}); END
    """,
    "evaluations_final_no_update": f"""
        CREATE TRIGGER evaluations_final_no_update BEFORE UPDATE ON evaluations
        FOR EACH ROW WHEN OLD.status <> 'draft'
        BEGIN SELECT RAISE(ABORT, {_FINAL}); END
    """,
    "evaluations_final_no_delete": f"""
        CREATE TRIGGER evaluations_final_no_delete BEFORE DELETE ON evaluations
        FOR EACH ROW WHEN OLD.status <> 'draft'
        BEGIN SELECT RAISE(ABORT, {_FINAL}); END
    """,
    "evaluation_scores_final_no_insert": f"""
        CREATE TRIGGER evaluation_scores_final_no_insert BEFORE INSERT ON evaluation_scores
        FOR EACH ROW WHEN (SELECT status FROM evaluations WHERE id = NEW.evaluation_id) <> 'draft'
        BEGIN SELECT RAISE(ABORT, {_FINAL}); END
    """,
    "evaluation_scores_final_no_update": f"""
        CREATE TRIGGER evaluation_scores_final_no_update BEFORE UPDATE ON evaluation_scores
        FOR EACH ROW WHEN (SELECT status FROM evaluations WHERE id = OLD.evaluation_id) <> 'draft'
        BEGIN SELECT RAISE(ABORT, {_FINAL}); END
    """,
    "evaluation_scores_final_no_delete": f"""
        CREATE TRIGGER evaluation_scores_final_no_delete BEFORE DELETE ON evaluation_scores
        FOR EACH ROW WHEN (SELECT status FROM evaluations WHERE id = OLD.evaluation_id) <> 'draft'
        BEGIN SELECT RAISE(ABORT, {_FINAL}); END
    """,
}


def upgrade() -> None:
    op.add_column("profiles", sa.Column("did", sa.String(length=100), nullable=True))
    op.add_column("profiles", sa.Column("sealed_key", sa.Text(), nullable=True))
    op.add_column(
        "profiles",
        sa.Column("failed_unlocks", sa.Integer(), server_default=sa.text("0"), nullable=False),
    )
    op.add_column(
        "profiles", sa.Column("unlock_blocked_until", sa.String(length=32), nullable=True)
    )
    op.create_index("uq_profiles_did", "profiles", ["did"], unique=True)
    op.create_table(
        "records",
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("issuer", sa.String(length=100), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("prev", sa.String(length=60), nullable=True),
        sa.Column("digest", sa.String(length=60), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("evaluation_id", sa.String(length=36), nullable=True),
        sa.Column("submission_id", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["evaluation_id"], ["evaluations.id"], name="fk_records_evaluation_id_evaluations"
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name="fk_records_submission_id_submissions"
        ),
        sa.PrimaryKeyConstraint("number", name="pk_records"),
    )
    op.create_index("uq_records_id", "records", ["id"], unique=True)
    op.create_index("uq_records_digest", "records", ["digest"], unique=True)
    op.create_index("uq_records_issuer_seq", "records", ["issuer", "seq"], unique=True)
    op.create_index("ix_records_evaluation_id", "records", ["evaluation_id"])
    op.create_index("ix_records_submission_id", "records", ["submission_id"])
    op.create_table(
        "chain_heads",
        sa.Column("chain", sa.String(length=20), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("head", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("chain", name="pk_chain_heads"),
    )
    op.execute(f"INSERT INTO chain_heads (chain, length, head) VALUES ('records', 0, '{GENESIS}')")
    op.execute(
        "INSERT INTO chain_heads (chain, length, head) "
        f"SELECT 'audit', coalesce(max(seq), 0), coalesce("
        f"(SELECT hash FROM audit_events ORDER BY seq DESC LIMIT 1), '{GENESIS}') "
        "FROM audit_events"
    )
    for ddl in TRIGGERS.values():
        op.execute(ddl)


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table("chain_heads")
    for index in (
        "ix_records_submission_id",
        "ix_records_evaluation_id",
        "uq_records_issuer_seq",
        "uq_records_digest",
        "uq_records_id",
    ):
        op.drop_index(index, table_name="records")
    op.drop_table("records")
    op.drop_index("uq_profiles_did", table_name="profiles")
    with op.batch_alter_table("profiles") as batch:
        for column in ("unlock_blocked_until", "failed_unlocks", "sealed_key", "did"):
            batch.drop_column(column)
