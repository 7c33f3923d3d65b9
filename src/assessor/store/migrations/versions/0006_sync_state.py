"""Sync state: which backend each profile is enrolled with (never its token: that is in the
keyring), the feed cursors, each outbox item's answer and reason, pulled credentials, flags
for a person to look at, pulled work waiting for its evidence, evidence the backend holds.

Same schema major (2): new tables and nullable columns only, so a release at 0005 reads and
writes the file as before (its outbox rows simply have no answer yet).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OUTBOX_COLUMNS = ("answer", "reason", "synced_at")
TABLES = ("sync_uploads", "sync_pending_work", "sync_flags", "sync_credentials", "sync_enrolments")


def utc() -> sa.String:
    return sa.String(length=32)


def upgrade() -> None:
    op.add_column("outbox_items", sa.Column("answer", sa.String(length=20), nullable=True))
    op.add_column("outbox_items", sa.Column("reason", sa.String(length=60), nullable=True))
    op.add_column("outbox_items", sa.Column("synced_at", utc(), nullable=True))
    op.create_table(
        "sync_enrolments",
        sa.Column("profile_id", sa.String(length=36), nullable=False),
        sa.Column("backend", sa.String(length=500), nullable=False),
        sa.Column("audience", sa.String(length=300), nullable=False),
        sa.Column("device_id", sa.String(length=100), nullable=False),
        sa.Column("person", sa.String(length=300), nullable=False),
        sa.Column("roles", sa.String(length=200), nullable=False),
        sa.Column(
            "key_status", sa.String(length=20), server_default=sa.text("'active'"), nullable=False
        ),
        sa.Column("enrolled_at", utc(), nullable=False),
        sa.Column("cursor", sa.String(length=200), nullable=True),
        sa.Column("credentials_cursor", sa.String(length=200), nullable=True),
        sa.Column("last_sync_at", utc(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["profile_id"], ["profiles.id"], name="fk_sync_enrolments_profile_id_profiles"
        ),
        sa.PrimaryKeyConstraint("profile_id", name="pk_sync_enrolments"),
    )
    op.create_table(
        "sync_credentials",
        sa.Column("id", sa.String(length=300), nullable=False),
        sa.Column("profile_id", sa.String(length=36), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("achievement", sa.String(length=300), nullable=False),
        sa.Column("learner", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("issued_at", sa.String(length=40), nullable=False),
        sa.Column("valid_until", sa.String(length=40), nullable=True),
        sa.Column("records", sa.Text(), nullable=False),
        sa.Column("updated_at", utc(), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"], ["profiles.id"], name="fk_sync_credentials_profile_id_profiles"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_sync_credentials"),
    )
    op.create_index("ix_sync_credentials_profile_id", "sync_credentials", ["profile_id"])
    op.create_table(
        "sync_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("local_work", sa.Boolean(), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"], ["profiles.id"], name="fk_sync_flags_profile_id_profiles"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_sync_flags"),
        sa.UniqueConstraint(
            "profile_id", "kind", "subject", name="uq_sync_flags_profile_id_kind_subject"
        ),
    )
    op.create_table(
        "sync_pending_work",
        sa.Column("submission_id", sa.String(length=200), nullable=False),
        sa.Column("profile_id", sa.String(length=36), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", utc(), nullable=False),
        sa.ForeignKeyConstraint(
            ["profile_id"], ["profiles.id"], name="fk_sync_pending_work_profile_id_profiles"
        ),
        sa.PrimaryKeyConstraint("submission_id", name="pk_sync_pending_work"),
    )
    op.create_table(
        "sync_uploads",
        sa.Column("backend", sa.String(length=500), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("backend", "sha256", name="pk_sync_uploads"),
    )


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
    with op.batch_alter_table("outbox_items") as batch:
        for column in OUTBOX_COLUMNS:
            batch.drop_column(column)
