"""Publishing what assessors work against: achievements, rubric versions, assessments.

Each function runs in the caller's transaction and writes its change-feed entry there, so a
device sees a change exactly when it is committed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessor.domain.errors import UnknownChoice
from assessor.domain.rubric import Rubric
from assessor.security.canonical import canonicalize
from assessor.security.digests import digest_bytes
from assessor.sync.protocol import ChangeKind
from issuer.errors import BadInput
from issuer.services.achievement_file import AchievementDefinition
from issuer.services.blobs import put_blob
from issuer.store import feed
from issuer.store import models as m


@dataclass(frozen=True)
class PublishedRubric:
    id: str
    version: int
    digest: str
    title: str
    created: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "digest": self.digest,
            "title": self.title,
            "created": self.created,
        }


def rubric_change(row: m.RubricVersion) -> dict[str, Any]:
    return {
        "id": row.rubric_id,
        "version": row.version,
        "digest": row.digest,
        "title": row.title,
        "kind": row.kind,
        "path": f"/api/v1/rubrics/{row.rubric_id}/versions/{row.version}",
    }


def publish_rubric(session: Session, rubric: Rubric, source_format: str) -> PublishedRubric:
    """Store a rubric version. The same content again is the same version; new content under
    the same id is the next version. Versions never change once published."""
    document = canonicalize(rubric.to_document())
    digest = digest_bytes(document)
    existing = session.scalar(select(m.RubricVersion).where(m.RubricVersion.digest == digest))
    if existing is not None:
        return PublishedRubric(existing.rubric_id, existing.version, digest, existing.title, False)
    latest = session.scalar(
        select(func.max(m.RubricVersion.version)).where(m.RubricVersion.rubric_id == rubric.id)
    )
    row = m.RubricVersion(
        rubric_id=rubric.id,
        version=(latest or 0) + 1,
        digest=digest,
        title=rubric.title,
        kind=rubric.kind.value,
        document=document.decode("utf-8"),
        source_format=source_format,
        published_at=m.utcnow(),
    )
    session.add(row)
    session.flush()
    feed.append(
        session, ChangeKind.RUBRIC_VERSION, f"{row.rubric_id}@{row.version}", rubric_change(row)
    )
    return PublishedRubric(row.rubric_id, row.version, digest, row.title, True)


def rubric_version(session: Session, ref: str) -> m.RubricVersion:
    """A published version by 'ID@VERSION' or by digest ('uEi…')."""
    if ref.startswith("uEi"):
        row = session.scalar(select(m.RubricVersion).where(m.RubricVersion.digest == ref))
    else:
        rubric_id, _, version = ref.partition("@")
        if not version.isdigit():
            raise BadInput(f"--rubric: '{ref}' is not ID@VERSION or a digest")
        row = session.scalar(
            select(m.RubricVersion).where(
                m.RubricVersion.rubric_id == rubric_id, m.RubricVersion.version == int(version)
            )
        )
    if row is None:
        known = session.execute(select(m.RubricVersion.rubric_id, m.RubricVersion.version)).all()
        raise UnknownChoice("rubric version", ref, [f"{r}@{v}" for r, v in known])
    return row


def achievement_change(row: m.Achievement) -> dict[str, Any]:
    doc = json.loads(row.document)
    return {
        "id": row.id,
        "name": row.name,
        "level": row.level,
        "description": doc["description"],
        "prerequisites": doc["prerequisites"],
    }


def publish_achievement(session: Session, definition: AchievementDefinition) -> tuple[str, bool]:
    """Store (or update) an achievement; its image goes to the blob store. (id, changed)."""
    for prerequisite in definition.prerequisites:
        if session.get(m.Achievement, prerequisite) is None:
            known = session.scalars(select(m.Achievement.id)).all()
            raise UnknownChoice("prerequisite achievement", prerequisite, known)
    if definition.id in definition.prerequisites:
        raise BadInput(f"achievement '{definition.id}' cannot be its own prerequisite")
    if definition.image_bytes is not None:
        put_blob(session, definition.image_bytes, device_id=None)
    document = canonicalize(definition.to_document()).decode("utf-8")
    row = session.get(m.Achievement, definition.id)
    if row is not None and row.document == document:
        return row.id, False
    if row is None:
        row = m.Achievement(id=definition.id)
        session.add(row)
    row.name, row.level = definition.name, definition.level
    row.validity_days, row.document = definition.validity_days, document
    row.published_at = m.utcnow()
    session.flush()
    for old in session.scalars(
        select(m.Prerequisite).where(m.Prerequisite.achievement_id == row.id)
    ):
        session.delete(old)
    session.flush()
    for prerequisite in definition.prerequisites:
        session.add(m.Prerequisite(achievement_id=row.id, prerequisite_id=prerequisite))
    session.flush()
    feed.append(session, ChangeKind.ACHIEVEMENT, row.id, achievement_change(row))
    return row.id, True


def achievement(session: Session, achievement_id: str) -> m.Achievement:
    row = session.get(m.Achievement, achievement_id)
    if row is None:
        known = session.scalars(select(m.Achievement.id)).all()
        raise UnknownChoice("achievement", achievement_id, known)
    return row


def assessment_change(session: Session, row: m.Assessment) -> dict[str, Any]:
    version = session.get(m.RubricVersion, row.rubric_version_id)
    goal = session.get(m.Achievement, row.achievement_id)
    assert version is not None and goal is not None  # foreign keys
    return {
        "id": row.id,
        "title": row.title,
        "achievement": {"id": goal.id, "name": goal.name, "level": goal.level},
        "rubric": {"id": version.rubric_id, "version": version.version, "digest": version.digest},
        "signoffRequired": row.signoff_required,
    }


def create_assessment(
    session: Session,
    assessment_id: str,
    title: str,
    achievement_id: str,
    rubric_ref: str,
    signoff_required: bool,
) -> m.Assessment:
    """An assessment: what a pass earns, the rubric version applied, whether a manager must
    approve. Fixed once made (make a new one to change it)."""
    _check_id(assessment_id, "assessment id")
    if not title.strip():
        raise BadInput("--title: an assessment needs a title")
    goal = achievement(session, achievement_id)
    version = rubric_version(session, rubric_ref)
    existing = session.get(m.Assessment, assessment_id)
    if existing is not None:
        same = (
            existing.achievement_id == goal.id
            and existing.rubric_version_id == version.id
            and existing.signoff_required == signoff_required
            and existing.title == title
        )
        if same:
            return existing
        raise BadInput(
            f"assessment '{assessment_id}' exists with other settings; assessments do not "
            "change (work was scored against them): create one with a new id"
        )
    row = m.Assessment(
        id=assessment_id,
        title=title.strip(),
        achievement_id=goal.id,
        rubric_version_id=version.id,
        signoff_required=signoff_required,
        created_at=m.utcnow(),
    )
    session.add(row)
    session.flush()
    feed.append(session, ChangeKind.ASSESSMENT, row.id, assessment_change(session, row))
    return row


def _check_id(value: str, what: str) -> None:
    allowed = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:@/+-")
    if not value or len(value) > 200 or not set(value) <= allowed or not value[0].isalnum():
        raise BadInput(
            f"{what} '{value}': letters, digits and . _ : @ / + - (starting with a letter or "
            "digit), at most 200"
        )


check_id = _check_id


def read_evidence(paths: list[Path]) -> list[tuple[str, bytes, str]]:
    """(name, bytes, media type) of evidence files given on the command line."""
    from mimetypes import guess_type

    files = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise BadInput(f"{path}: cannot read the file: {exc.strerror or exc}") from None
        media_type = guess_type(path.name)[0] or "application/octet-stream"
        files.append((path.name, data, media_type))
    return files
