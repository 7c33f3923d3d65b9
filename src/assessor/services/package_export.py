"""Export submissions as a package, to hand work to another assessor offline. Importing it
into another data folder reproduces the same files under the same SHA-256 digests; the
package's catalogue carries the assessments, their achievements and the exact rubric versions,
so the receiving folder need not have them."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assessor.domain.errors import UnknownChoice
from assessor.domain.policy import Operation
from assessor.services.access import Actor, check, operation
from assessor.services.catalogue_intake import catalogue_for, rubric_document
from assessor.services.package_format import (
    MANIFEST,
    ArtifactSpec,
    LearnerSpec,
    Manifest,
    SubmissionSpec,
    manifest_json,
)
from assessor.services.package_zip import CHUNK
from assessor.store import queries as q
from assessor.store import records as r
from assessor.store.db import Database
from assessor.store.files import write_output

# Already compressed: deflating them again costs time and gains nothing.
_STORED_TYPES = ("image/", "video/", "audio/", "application/pdf", "application/zip")
_EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed entry times: the same work gives the same package


@dataclass(frozen=True)
class ExportResult:
    submissions: tuple[str, ...]
    artifacts: int
    bytes: int


def _entry_name(k: int, pos: int, name: str) -> str:
    """A safe, unique entry name; the learner's name travels in the manifest."""
    tail = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[-80:].strip("._-") or "file"
    return f"{k + 1:03d}/{pos + 1:03d}-{tail}"


def _manifest(db: Database, submission_ids: Sequence[str]) -> Manifest:
    specs = []
    with db.read() as tx:
        for k, sid in enumerate(dict.fromkeys(submission_ids)):
            row = r.submission(tx, sid)
            if row is None:
                raise UnknownChoice("submission", sid, q.submission_ids(tx))
            files = r.evidence(tx, sid)
            learner = row.learner
            specs.append(
                SubmissionSpec(
                    id=row.id,
                    learner=LearnerSpec(learner.id, learner.name, learner.anonymous_code),
                    assessment=row.assessment_id,
                    attempt=row.attempt,
                    submitted_at=row.submitted_at,
                    artifacts=tuple(
                        ArtifactSpec(
                            f.name, _entry_name(k, pos, f.name), f.media_type, f.size, f.sha256
                        )
                        for pos, f in enumerate(files)
                    ),
                )
            )
        catalogue = catalogue_for(tx, [s.assessment for s in specs])
    return Manifest(tuple(specs), catalogue)


@operation(Operation.PACKAGE_EXPORT)
def export_package(
    db: Database,
    submission_ids: Sequence[str],
    out: Path,
    *,
    actor: Actor | None = None,
    force: bool = False,
) -> ExportResult:
    """Write the submissions and their files to the package `out` through `write_output`
    (complete or not at all, never into a data folder, never over an existing file unless
    `force`). Every file is read verified: a corrupt blob stops the export."""
    check(actor or Actor.local(), Operation.PACKAGE_EXPORT)
    manifest = _manifest(db, submission_ids)
    with (
        write_output(out, data_dir=db.data_dir, force=force) as f,
        zipfile.ZipFile(f, "w") as zf,
    ):
        doc = json.dumps(manifest_json(manifest), indent=2, ensure_ascii=False)
        info = zipfile.ZipInfo(MANIFEST, _EPOCH)
        info.compress_type = zipfile.ZIP_DEFLATED
        zf.writestr(info, doc.encode("utf-8"))
        for _, a in manifest.artifacts():
            _add(db, zf, a)
        _add_rubrics(db, zf, manifest)
    artifacts = manifest.artifacts()
    return ExportResult(
        tuple(s.id for s in manifest.submissions),
        len(artifacts),
        sum(a.size for _, a in artifacts),
    )


def _add_rubrics(db: Database, zf: zipfile.ZipFile, manifest: Manifest) -> None:
    """Each rubric version's normalised document, as stored (its digest is checked)."""
    with db.read() as tx:
        for spec in manifest.catalogue.rubrics if manifest.catalogue else ():
            info = zipfile.ZipInfo(spec.entry, _EPOCH)
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, rubric_document(tx, spec.ref.digest))


def _add(db: Database, zf: zipfile.ZipFile, a: ArtifactSpec) -> None:
    info = zipfile.ZipInfo(a.entry, _EPOCH)
    info.external_attr = 0o100644 << 16  # a regular file, whatever the reader's platform
    info.file_size = a.size  # lets zipfile choose ZIP64 up front for large files
    stored = a.media_type.startswith(_STORED_TYPES)
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with db.blobs.open_verified(a.sha256) as src, zf.open(info, "w") as dst:
        shutil.copyfileobj(src, dst, CHUNK)
