"""The queue's order as an index: submissions by (submitted_at, id).

The work queue pages through submissions oldest first; without this index SQLite sorted every
matching row to return 200 of them (an unfiltered first page of 100k: 90 ms → 0.5 ms,
benchmarks/bench_queue_filter_gui.py).

Same schema major (1): an index only, so a release at 0003 reads and writes the file as before.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_submissions_submitted_id", "submissions", ["submitted_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_submissions_submitted_id", table_name="submissions")
