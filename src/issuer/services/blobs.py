"""Content-addressed evidence: stored by the SHA-256 the server computes itself."""

from __future__ import annotations

import hashlib

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from issuer.store import models as m


def put_blob(session: Session, data: bytes, *, device_id: str | None) -> tuple[str, bool]:
    """Store bytes under their SHA-256 (hex); (digest, created). Storing again is a no-op."""
    digest = hashlib.sha256(data).hexdigest()
    if session.get(m.Blob, digest) is not None:
        return digest, False
    session.add(
        m.Blob(sha256=digest, size=len(data), data=data, device_id=device_id, created_at=m.utcnow())
    )
    session.flush()
    return digest, True


def have_blobs(session: Session, digests: set[str]) -> set[str]:
    """The digests among these whose bytes are stored."""
    if not digests:
        return set()
    return set(session.scalars(select(m.Blob.sha256).where(m.Blob.sha256.in_(digests))))


def may_read(session: Session, digest: str, device_id: str, person_id: str) -> bool:
    """A device reads a blob it uploaded, or evidence of work assigned to its person."""
    blob = session.get(m.Blob, digest)
    if blob is None:
        return False
    if blob.device_id == device_id:
        return True
    assigned = session.scalar(
        select(m.Evidence.submission_id)
        .join(m.Submission, m.Submission.id == m.Evidence.submission_id)
        .where(
            m.Evidence.sha256 == digest,
            or_(m.Submission.assessor_id == person_id, m.Submission.manager_id == person_id),
        )
        .limit(1)
    )
    return assigned is not None


def read_blob(session: Session, digest: str) -> bytes | None:
    blob = session.get(m.Blob, digest)
    return None if blob is None else blob.data
