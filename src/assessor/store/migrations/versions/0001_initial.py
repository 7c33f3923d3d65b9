"""Initial schema: every table of the first Assessor release, its guard triggers, and the
file's identity (application id) and schema major version.

Written from autogenerate and reviewed. Column types are spelled as what is stored (the
UTCDateTime and DecimalText decorators store text), so this file never changes with the app.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPLICATION_ID = 0x41535352  # "ASSR"; frozen here, must equal migrate.APPLICATION_ID
SCHEMA_MAJOR = 1


def utc() -> sa.String:
    return sa.String(length=32)


def decimal() -> sa.String:
    return sa.String(length=40)


TRIGGERS = {
    "rubric_versions_published_no_update": """
        CREATE TRIGGER rubric_versions_published_no_update
        BEFORE UPDATE ON rubric_versions
        FOR EACH ROW WHEN OLD.published_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'rubric version is published and immutable'); END
    """,
    "rubric_versions_published_no_delete": """
        CREATE TRIGGER rubric_versions_published_no_delete
        BEFORE DELETE ON rubric_versions
        FOR EACH ROW WHEN OLD.published_at IS NOT NULL
        BEGIN SELECT RAISE(ABORT, 'rubric version is published and immutable'); END
    """,
    "audit_events_no_update": """
        CREATE TRIGGER audit_events_no_update
        BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only and immutable'); END
    """,
    "audit_events_no_delete": """
        CREATE TRIGGER audit_events_no_delete
        BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only and immutable'); END
    """,
}


def upgrade() -> None:
    _people_and_catalogue()
    _work()
    _records()
    for ddl in TRIGGERS.values():
        op.execute(ddl)
    op.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    op.execute(f"PRAGMA user_version = {SCHEMA_MAJOR}")


def downgrade() -> None:
    for name in TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    for table in (
        "evaluation_scores",
        "exam_candidates",
        "evaluations",
        "artifacts",
        "submissions",
        "exam_sessions",
        "assessments",
        "rubric_versions",
        "achievement_prerequisites",
        "rubrics",
        "profiles",
        "outbox_items",
        "learners",
        "audit_events",
        "achievements",
    ):
        op.drop_table(table)
    op.execute("PRAGMA user_version = 0")
    op.execute("PRAGMA application_id = 0")


def _people_and_catalogue() -> None:
    op.create_table(
        "profiles",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("roles", sa.String(length=100), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_profiles"),
        sa.UniqueConstraint("name", name="uq_profiles_name"),
    )
    op.create_table(
        "learners",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("anonymous_code", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_learners"),
        sa.UniqueConstraint("anonymous_code", name="uq_learners_anonymous_code"),
    )
    op.create_table(
        "rubrics",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rubrics"),
    )
    op.create_table(
        "rubric_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rubric_id", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("source_format", sa.String(length=40), nullable=False),
        sa.Column("imported_at", utc(), nullable=False),
        sa.Column("published_at", utc(), nullable=True),
        sa.Column("issuer_signature", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["rubric_id"], ["rubrics.id"], name="fk_rubric_versions_rubric_id_rubrics"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_rubric_versions"),
        sa.UniqueConstraint("digest", name="uq_rubric_versions_digest"),
        sa.UniqueConstraint("rubric_id", "version", name="uq_rubric_versions_rubric_id_version"),
    )
    op.create_table(
        "achievements",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("level", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_achievements"),
    )
    op.create_table(
        "achievement_prerequisites",
        sa.Column("achievement_id", sa.String(length=200), nullable=False),
        sa.Column("prerequisite_id", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name="fk_achievement_prerequisites_achievement_id_achievements",
        ),
        sa.ForeignKeyConstraint(
            ["prerequisite_id"],
            ["achievements.id"],
            name="fk_achievement_prerequisites_prerequisite_id_achievements",
        ),
        sa.PrimaryKeyConstraint(
            "achievement_id", "prerequisite_id", name="pk_achievement_prerequisites"
        ),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("achievement_id", sa.String(length=200), nullable=False),
        sa.Column("rubric_version_id", sa.Integer(), nullable=False),
        sa.Column("evidence_expected", sa.Text(), nullable=False),
        sa.Column("signoff_required", sa.Boolean(), nullable=False),
        sa.Column("double_marking", sa.Boolean(), nullable=False),
        sa.Column("blind_marking", sa.Boolean(), nullable=False),
        sa.Column("due_at", utc(), nullable=True),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name="fk_assessments_achievement_id_achievements",
        ),
        sa.ForeignKeyConstraint(
            ["rubric_version_id"],
            ["rubric_versions.id"],
            name="fk_assessments_rubric_version_id_rubric_versions",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_assessments"),
    )


def _work() -> None:
    op.create_table(
        "submissions",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("learner_id", sa.String(length=200), nullable=False),
        sa.Column("assessment_id", sa.String(length=200), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("submitted_at", utc(), nullable=False),
        sa.Column(
            "status", sa.String(length=20), server_default=sa.text("'to_score'"), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name="fk_submissions_assessment_id_assessments",
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_submissions_learner_id_learners"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_submissions"),
    )
    op.create_index("ix_submissions_learner_id", "submissions", ["learner_id"])
    op.create_index(
        "ix_submissions_status_assessment",
        "submissions",
        ["status", "assessment_id", "submitted_at"],
    )
    op.create_index(
        "ix_submissions_assessment_submitted", "submissions", ["assessment_id", "submitted_at"]
    )
    op.create_table(
        "artifacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("media_type", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name="fk_artifacts_submission_id_submissions"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_artifacts"),
        sa.UniqueConstraint("submission_id", "name", name="uq_artifacts_submission_id_name"),
    )
    op.create_index("ix_artifacts_sha256", "artifacts", ["sha256"])
    op.create_table(
        "evaluations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("submission_id", sa.String(length=200), nullable=False),
        sa.Column("assessor_id", sa.String(length=36), nullable=False),
        sa.Column("rubric_version_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("overall_comment", sa.Text(), nullable=False),
        sa.Column("total", decimal(), nullable=True),
        sa.Column("maximum", decimal(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("band", sa.String(length=200), nullable=True),
        sa.Column("engine_version", sa.String(length=40), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.Column("updated_at", utc(), nullable=False),
        sa.Column("finalized_at", utc(), nullable=True),
        sa.Column("supersedes_id", sa.String(length=36), nullable=True),
        sa.Column("supersede_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessor_id"], ["profiles.id"], name="fk_evaluations_assessor_id_profiles"
        ),
        sa.ForeignKeyConstraint(
            ["rubric_version_id"],
            ["rubric_versions.id"],
            name="fk_evaluations_rubric_version_id_rubric_versions",
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name="fk_evaluations_submission_id_submissions",
        ),
        sa.ForeignKeyConstraint(
            ["supersedes_id"],
            ["evaluations.id"],
            name="fk_evaluations_supersedes_id_evaluations",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_evaluations"),
    )
    op.create_index("ix_evaluations_submission_id", "evaluations", ["submission_id"])
    op.create_index(
        "uq_evaluations_one_draft",
        "evaluations",
        ["submission_id", "assessor_id"],
        unique=True,
        sqlite_where=sa.text("status = 'draft'"),
    )
    op.create_table(
        "evaluation_scores",
        sa.Column("evaluation_id", sa.String(length=36), nullable=False),
        sa.Column("criterion_id", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("level_id", sa.String(length=200), nullable=True),
        sa.Column("points", decimal(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluations.id"],
            name="fk_evaluation_scores_evaluation_id_evaluations",
        ),
        sa.PrimaryKeyConstraint("evaluation_id", "criterion_id", name="pk_evaluation_scores"),
    )
    op.create_table(
        "exam_sessions",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("assessment_id", sa.String(length=200), nullable=True),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("starts_at", utc(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("proctor_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name="fk_exam_sessions_assessment_id_assessments",
        ),
        sa.ForeignKeyConstraint(
            ["proctor_id"], ["profiles.id"], name="fk_exam_sessions_proctor_id_profiles"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_exam_sessions"),
    )
    op.create_table(
        "exam_candidates",
        sa.Column("session_id", sa.String(length=200), nullable=False),
        sa.Column("learner_id", sa.String(length=200), nullable=False),
        sa.Column("checked_in_at", utc(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name="fk_exam_candidates_learner_id_learners"
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["exam_sessions.id"],
            name="fk_exam_candidates_session_id_exam_sessions",
        ),
        sa.PrimaryKeyConstraint("session_id", "learner_id", name="pk_exam_candidates"),
    )


def _records() -> None:
    op.create_table(
        "audit_events",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", utc(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=100), nullable=False),
        sa.Column("entity_type", sa.String(length=50), nullable=False),
        sa.Column("entity_id", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_events"),
        sa.UniqueConstraint("hash", name="uq_audit_events_hash"),
    )
    op.create_table(
        "outbox_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "state", sa.String(length=20), server_default=sa.text("'pending'"), nullable=False
        ),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("created_at", utc(), nullable=False),
        sa.Column("next_attempt_at", utc(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_items"),
        sa.UniqueConstraint("record_id", name="uq_outbox_items_record_id"),
    )
