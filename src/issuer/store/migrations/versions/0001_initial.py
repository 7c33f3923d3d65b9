"""The issuer's first schema: people, devices and tokens, the catalogue, work, records,
credentials, status lists, the change feed and rate counts.

Written from autogenerate and reviewed. Times are stored as text (UTCDateTime), spelled here
as what is stored so this file never changes with the app.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "achievements",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("level", sa.String(length=30), nullable=False),
        sa.Column("validity_days", sa.Integer(), nullable=True),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("published_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_achievements")),
    )
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_blobs")),
    )
    op.create_table(
        "changes",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.String(length=300), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=60), nullable=True),
        sa.Column("payload", sa.Text(), nullable=True),
        sa.Column("audience_person", sa.String(length=36), nullable=True),
        sa.Column("audience_device", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_changes")),
    )
    op.create_table(
        "feed_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_counter")),
    )
    op.create_table(
        "learners",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learners")),
    )
    op.create_table(
        "pending_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_checks")),
    )
    op.create_table(
        "people",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("name", name=op.f("uq_people_name")),
    )
    op.create_table(
        "rate_windows",
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("window", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("device_id", "window", name=op.f("pk_rate_windows")),
    )
    op.create_table(
        "rubric_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rubric_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=60), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("source_format", sa.String(length=40), nullable=False),
        sa.Column("published_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rubric_versions")),
        sa.UniqueConstraint("digest", name=op.f("uq_rubric_versions_digest")),
        sa.UniqueConstraint(
            "rubric_id", "version", name=op.f("uq_rubric_versions_rubric_id_version")
        ),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "status_lists",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("bits", sa.LargeBinary(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.Column("credential", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_lists")),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("achievement_id", sa.String(length=100), nullable=False),
        sa.Column("rubric_version_id", sa.Integer(), nullable=False),
        sa.Column("signoff_required", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name=op.f("fk_assessments_achievement_id_achievements"),
        ),
        sa.ForeignKeyConstraint(
            ["rubric_version_id"],
            ["rubric_versions.id"],
            name=op.f("fk_assessments_rubric_version_id_rubric_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
    )
    op.create_table(
        "credentials",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("basis", sa.String(length=200), nullable=False),
        sa.Column("achievement_id", sa.String(length=100), nullable=False),
        sa.Column("learner_id", sa.String(length=200), nullable=False),
        sa.Column("record_id", sa.String(length=60), nullable=True),
        sa.Column("renews_id", sa.String(length=36), nullable=True),
        sa.Column("status_list_id", sa.String(length=40), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.String(length=32), nullable=False),
        sa.Column("valid_until", sa.String(length=32), nullable=True),
        sa.Column("revoked_at", sa.String(length=32), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.Column("document", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name=op.f("fk_credentials_achievement_id_achievements"),
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name=op.f("fk_credentials_learner_id_learners")
        ),
        sa.ForeignKeyConstraint(
            ["status_list_id"],
            ["status_lists.id"],
            name=op.f("fk_credentials_status_list_id_status_lists"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credentials")),
        sa.UniqueConstraint("basis", name=op.f("uq_credentials_basis")),
        sa.UniqueConstraint(
            "status_list_id",
            "status_index",
            name=op.f("uq_credentials_status_list_id_status_index"),
        ),
    )
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.create_index(
            "ix_credentials_learner", ["learner_id", "achievement_id"], unique=False
        )

    op.create_table(
        "devices",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("did", sa.String(length=100), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("enrolled_at", sa.String(length=32), nullable=False),
        sa.Column("revoked_at", sa.String(length=32), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_devices_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_devices")),
        sa.UniqueConstraint("did", name=op.f("uq_devices_did")),
    )
    op.create_table(
        "enrolment_codes",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("expires_at", sa.String(length=32), nullable=False),
        sa.Column("used_at", sa.String(length=32), nullable=True),
        sa.Column("challenge_hash", sa.String(length=64), nullable=True),
        sa.Column("challenge_expires_at", sa.String(length=32), nullable=True),
        sa.Column("device_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_enrolment_codes_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolment_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_enrolment_codes_code_hash")),
    )
    op.create_table(
        "exam_sessions",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("location", sa.String(length=500), nullable=False),
        sa.Column("starts_at", sa.String(length=32), nullable=False),
        sa.Column("proctor_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["proctor_id"], ["people.id"], name=op.f("fk_exam_sessions_proctor_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exam_sessions")),
    )
    op.create_table(
        "person_roles",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_person_roles_person_id_people")
        ),
        sa.PrimaryKeyConstraint("person_id", "role", name=op.f("pk_person_roles")),
    )
    op.create_table(
        "prerequisites",
        sa.Column("achievement_id", sa.String(length=100), nullable=False),
        sa.Column("prerequisite_id", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["achievement_id"],
            ["achievements.id"],
            name=op.f("fk_prerequisites_achievement_id_achievements"),
        ),
        sa.ForeignKeyConstraint(
            ["prerequisite_id"],
            ["achievements.id"],
            name=op.f("fk_prerequisites_prerequisite_id_achievements"),
        ),
        sa.PrimaryKeyConstraint("achievement_id", "prerequisite_id", name=op.f("pk_prerequisites")),
    )
    op.create_table(
        "credential_sources",
        sa.Column("credential_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["credentials.id"],
            name=op.f("fk_credential_sources_credential_id_credentials"),
        ),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_credential_sources_device_id_devices")
        ),
        sa.PrimaryKeyConstraint("credential_id", "device_id", name=op.f("pk_credential_sources")),
    )
    op.create_table(
        "device_roles",
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_device_roles_device_id_devices")
        ),
        sa.PrimaryKeyConstraint("device_id", "role", name=op.f("pk_device_roles")),
    )
    op.create_table(
        "records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.String(length=60), nullable=False),
        sa.Column("digest", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("did", sa.String(length=100), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("chain_seq", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=True),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("valid_from", sa.String(length=32), nullable=False),
        sa.Column("received_at", sa.String(length=32), nullable=False),
        sa.Column("submission_id", sa.String(length=200), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("subject_record", sa.String(length=60), nullable=True),
        sa.Column("superseded_by", sa.String(length=60), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_records_device_id_devices")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_records_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_records")),
        sa.UniqueConstraint("did", "chain_seq", name=op.f("uq_records_did_chain_seq")),
        sa.UniqueConstraint("record_id", name=op.f("uq_records_record_id")),
    )
    op.create_table(
        "submissions",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("learner_id", sa.String(length=200), nullable=False),
        sa.Column("assessment_id", sa.String(length=200), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.String(length=32), nullable=False),
        sa.Column("assessor_id", sa.String(length=36), nullable=False),
        sa.Column("manager_id", sa.String(length=36), nullable=True),
        sa.Column("withdrawn_at", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_submissions_assessment_id_assessments"),
        ),
        sa.ForeignKeyConstraint(
            ["assessor_id"], ["people.id"], name=op.f("fk_submissions_assessor_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["learner_id"], ["learners.id"], name=op.f("fk_submissions_learner_id_learners")
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["people.id"], name=op.f("fk_submissions_manager_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
    )
    op.create_table(
        "tokens",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.String(length=32), nullable=False),
        sa.Column("revoked_at", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["device_id"], ["devices.id"], name=op.f("fk_tokens_device_id_devices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_tokens_token_hash")),
    )
    op.create_table(
        "evidence",
        sa.Column("submission_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("media_type", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["submissions.id"],
            name=op.f("fk_evidence_submission_id_submissions"),
        ),
        sa.PrimaryKeyConstraint("submission_id", "name", name=op.f("pk_evidence")),
    )


def downgrade() -> None:
    op.drop_table("evidence")
    op.drop_table("tokens")
    op.drop_table("submissions")
    op.drop_table("records")
    op.drop_table("device_roles")
    op.drop_table("credential_sources")
    op.drop_table("prerequisites")
    op.drop_table("person_roles")
    op.drop_table("exam_sessions")
    op.drop_table("enrolment_codes")
    op.drop_table("devices")
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.drop_index("ix_credentials_learner")

    op.drop_table("credentials")
    op.drop_table("assessments")
    op.drop_table("status_lists")
    op.drop_table("settings")
    op.drop_table("rubric_versions")
    op.drop_table("rate_windows")
    op.drop_table("people")
    op.drop_table("pending_checks")
    op.drop_table("learners")
    op.drop_table("feed_counter")
    op.drop_table("changes")
    op.drop_table("blobs")
    op.drop_table("achievements")
