"""Artifacts whose preview has not been prepared yet (services/preview.py fills them in)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from assessor.store.db import Tx
from assessor.store.models import Artifact


@dataclass(frozen=True)
class PendingArtifact:
    id: int
    submission_id: str
    name: str
    media_type: str
    sha256: str


def pending(tx: Tx, submission_id: str | None = None) -> list[PendingArtifact]:
    """Artifacts without a preview, of one submission or of all, in a stable order."""
    stmt = select(Artifact).where(Artifact.preview.is_(None))
    if submission_id is not None:
        stmt = stmt.where(Artifact.submission_id == submission_id)
    rows = tx.scalars(stmt.order_by(Artifact.submission_id, Artifact.position))
    return [PendingArtifact(a.id, a.submission_id, a.name, a.media_type, a.sha256) for a in rows]
