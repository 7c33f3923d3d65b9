"""Artifact previews: what the preview child found in each file (pages, pixels, encoding, or
why it could not tell), as JSON.

Same schema major (1): one nullable column, so a release at 0002 can still read and write the
file (it leaves the column null, and the preview is prepared again).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("artifacts", sa.Column("preview", sa.Text(), nullable=True))


def downgrade() -> None:
    # A batch rebuild drops the table's triggers: keep their DDL and create them again.
    triggers = (
        op.get_bind()
        .execute(
            sa.text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
            {"t": "artifacts"},
        )
        .scalars()
        .all()
    )
    with op.batch_alter_table("artifacts") as batch:
        batch.drop_column("preview")
    for ddl in triggers:
        op.execute(ddl)
