"""What the scoring workspace shows for one submission: who, what, which rubric version, the
evidence with its stored preview, and the asking assessor's own evaluation."""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from assessor.domain.errors import UnknownChoice
from assessor.domain.rubric import Rubric
from assessor.domain.workflow import SIGNED_STATUSES
from assessor.services.access import operation
from assessor.services.preview import Preview
from assessor.services.rubrics import rubric_by_digest
from assessor.services.scoring import EvaluationView, evaluation_for
from assessor.store import models as m
from assessor.store import queries as q
from assessor.store.blobs import BlobStore
from assessor.store.db import Database

# Reading more than this into memory for a viewer is refused: the viewer says so instead.
VIEWER_LIMIT = 200 * 1024 * 1024


@dataclass(frozen=True)
class ArtifactInfo:
    id: int
    name: str  # the learner's file name: shown, never used as a path
    media_type: str
    size: int
    sha256: str
    preview: Preview | None  # None: not prepared yet

    @property
    def kind(self) -> str:
        """pdf | image | text | other — what the viewer should do with it."""
        if self.preview is None or self.preview.summary is None:
            return "other"
        return str(self.preview.summary.get("kind") or "other")

    @property
    def reason(self) -> str | None:
        """Why it cannot be previewed, in intake's words; None when it can."""
        if self.preview is None:
            return "the preview has not been prepared yet"
        return self.preview.reason

    @property
    def pages(self) -> int | None:
        if self.kind != "pdf" or self.preview is None or self.preview.summary is None:
            return None
        pages = self.preview.summary.get("pages")
        return pages if isinstance(pages, int) else None


@dataclass(frozen=True)
class Workspace:
    submission_id: str
    learner: str  # anonymous code when the assessment is blind-marked
    blind: bool
    assessment: str
    submitted_at: datetime
    rubric: Rubric
    artifacts: tuple[ArtifactInfo, ...]
    evaluation: EvaluationView  # the assessor's own draft, else the current one, else empty
    editable: bool  # False once finalized: corrections are a separate, signed act


def _artifact(a: m.Artifact) -> ArtifactInfo:
    preview = None if a.preview is None else Preview.from_json(json.loads(a.preview))
    return ArtifactInfo(a.id, a.name, a.media_type, a.size, a.sha256, preview)


@operation(None)
def open_workspace(db: Database, submission_id: str, assessor_id: str) -> Workspace:
    """Everything the workspace needs, read in one go. Nothing is written: a draft starts
    with the first change (scoring.save_draft)."""
    with db.read() as tx:
        sub = tx.get(m.Submission, submission_id)
        if sub is None:
            raise UnknownChoice("submission", submission_id, q.submission_ids(tx))
        blind = sub.assessment.blind_marking
        learner = sub.learner.anonymous_code if blind else sub.learner.name
        artifacts = tuple(_artifact(a) for a in sub.artifacts)
        status = sub.status
        assessment = sub.assessment.title
        submitted = sub.submitted_at
    evaluation = evaluation_for(db, submission_id, assessor_id)
    with db.read() as tx:
        rubric = rubric_by_digest(tx, evaluation.rubric_digest)
    return Workspace(
        submission_id=submission_id,
        learner=learner,
        blind=blind,
        assessment=assessment,
        submitted_at=submitted,
        rubric=rubric,
        artifacts=artifacts,
        evaluation=evaluation,
        editable=status not in SIGNED_STATUSES,
    )


@operation(None)
def read_artifact(db: Database, sha256: str, *, limit: int = VIEWER_LIMIT) -> bytes:
    """The artifact's bytes, checked against their hash as they are read (BlobMissing,
    BlobCorrupt otherwise). Refuses files over `limit`."""
    blobs = BlobStore(db.data_dir / "blobs")
    path = blobs.path_of(sha256)
    size = path.lstat().st_size if path.exists() else 0
    if size > limit:
        raise ValueError(f"the file is {size} bytes, more than the viewer reads ({limit})")
    return blobs.read_bytes(sha256, limit=limit)  # a regular file, read no further than that


_UNSAFE = re.compile(r"[^\w.\- ]+")


def safe_name(name: str) -> str:
    """A file name that is only a name on every system: the learner chose the original."""
    base = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).strip(" .") or "evidence"
    return base[:120]


@operation(None)
def copy_for_viewer(db: Database, artifact: ArtifactInfo, folder: Path) -> Path:
    """Copy a verified artifact into `folder` under a safe name, for a system viewer.
    The store's own file is never handed out: a viewer could change it."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{artifact.sha256[:16]}-{safe_name(artifact.name)}"
    if target.exists():
        return target  # opened before: the same bytes, already read-only
    blobs = BlobStore(db.data_dir / "blobs")
    partial = target.with_name(target.name + ".part")
    with (
        blobs.open_verified(artifact.sha256, limit=artifact.size) as src,
        partial.open("wb") as out,
    ):
        shutil.copyfileobj(src, out)
    partial.chmod(0o400)
    partial.replace(target)
    return target
