"""Evidence intake: import a submission package (all or nothing) and export submissions as one.

Import runs in three steps so that a refusal leaves nothing behind: (1) the archive's
directory and the manifest are checked and matched, the rubric documents of the catalogue
(format 2) read and checked against their digests, and the plan checked against the store;
(2) each file is streamed into the blob store, its CRC, size, SHA-256 and media type checked
on the way (a file that fails is never renamed into the store); (3) one write transaction adds
the rows (catalogue first) and the audit event. When anything fails after (2) began, the
blobs this import added are removed again. See docs/package-format.md.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from assessor.domain.errors import DomainError, Problem, ValidationFailed
from assessor.domain.policy import Operation
from assessor.domain.rubric import Rubric
from assessor.domain.workflow import SubmissionStatus
from assessor.services.access import Actor, check, operation
from assessor.services.catalogue_intake import (
    CataloguePlan,
    plan_catalogue,
    read_rubrics,
    rubric_entries,
    unknown_assessment,
    write_catalogue,
)
from assessor.services.media import HEAD_SIZE, OCTET_STREAM, compatible, normalize, sniff
from assessor.services.package_format import (
    MANIFEST,
    ArtifactSpec,
    LearnerSpec,
    Manifest,
    SubmissionSpec,
    parse_manifest,
)
from assessor.services.package_zip import Limits, SafeZip, refusal
from assessor.store import models as m
from assessor.store import queries as q
from assessor.store import records as r
from assessor.store.audit import append_event
from assessor.store.db import Database, Tx
from assessor.store.errors import BlobMismatch

Progress = Callable[[int, int], None]  # bytes done, bytes to do


@dataclass(frozen=True)
class ImportResult:
    imported: tuple[str, ...]  # submissions added
    unchanged: tuple[str, ...]  # already here with the same content: nothing was written
    artifacts: int
    bytes: int
    new_learners: int
    new_assessments: tuple[str, ...] = ()  # from the package's catalogue
    new_rubrics: tuple[str, ...] = ()  # ID@VERSION added from the catalogue
    notes: tuple[str, ...] = ()  # what the person should know (e.g. a version numbered apart)


@operation(Operation.PACKAGE_IMPORT)
def import_package(
    db: Database,
    path: Path,
    *,
    limits: Limits | None = None,
    progress: Progress | None = None,
    actor: Actor | None = None,
) -> ImportResult:
    """Import every submission of the package at `path`, or nothing. Importing the same
    package again changes nothing and says so (`unchanged`). Refusals are ValidationFailed
    naming the entry or the manifest field and the reason."""
    check(actor or Actor.local(), Operation.PACKAGE_IMPORT)
    source = str(path)
    if not path.is_file():
        raise ValidationFailed([Problem("", "no such file")], source=source)
    with SafeZip(path, limits or Limits(), source=source) as pkg:
        manifest_bytes = pkg.read_manifest()
        manifest = parse_manifest(manifest_bytes, source=source)
        _match_entries(pkg, manifest, source)
        rubrics = read_rubrics(pkg, manifest.catalogue, source)
        with db.read() as tx:
            fresh, unchanged, plan = _plan(tx, manifest, rubrics, source)
        if not fresh and plan.empty:
            return ImportResult((), unchanged, 0, 0, 0, notes=tuple(plan.notes))
        added: list[str] = []
        try:
            types = _store_files(db, pkg, fresh, source, progress, added)
            with db.write() as tx:
                # Checked again under the write lock: only this transaction may now write.
                again, _, replan = _plan(tx, manifest, rubrics, source)
                if [s.id for s in again] != [s.id for s in fresh] or replan.audit() != plan.audit():
                    raise DomainError("the data folder changed during the import; import again")
                write_catalogue(tx, plan, actor="local")
                learners = _write(tx, fresh, types)
                total = sum(a.size for s in fresh for a in s.artifacts)
                append_event(
                    tx,
                    actor="local",
                    action="package.import",
                    entity_type="package",
                    entity_id=hashlib.sha256(manifest_bytes).hexdigest(),
                    payload={
                        "file": path.name,
                        "submissions": [s.id for s in fresh],
                        "artifacts": len(types),
                        "bytes": total,
                    }
                    | ({} if plan.empty else {"catalogue": plan.audit()}),
                )
        except BaseException:
            _take_back(db, added)
            raise
    return ImportResult(
        tuple(s.id for s in fresh),
        unchanged,
        len(types),
        total,
        learners,
        new_assessments=tuple(a.id for a in plan.assessments),
        new_rubrics=tuple(spec.ref.ref for spec, _ in plan.rubrics),
        notes=tuple(plan.notes),
    )


def _take_back(db: Database, added: list[str]) -> None:
    """Remove the blobs this import created, unless rows have come to name them meanwhile
    (another import of the same bytes that committed first)."""
    if not added:
        return
    with db.read() as tx:
        named = q.referenced_blobs(tx, added)
    for sha256 in added:
        if sha256 not in named:
            db.blobs.remove(sha256)


def _match_entries(pkg: SafeZip, manifest: Manifest, source: str) -> None:
    problems: list[Problem] = []
    named = set()
    for k, entry in enumerate(rubric_entries(manifest.catalogue)):
        named.add(entry)
        if entry not in pkg.files:
            missing = f"no entry '{entry}' in the package"
            problems.append(Problem(f"{MANIFEST}/catalogue/rubrics/{k}/entry", missing))
    for at, a in manifest.artifacts():
        named.add(a.entry)
        info = pkg.files.get(a.entry)
        if info is None:
            missing = f"no entry '{a.entry}' in the package"
            problems.append(Problem(f"{MANIFEST}{at}/entry", missing))
        elif info.file_size != a.size:
            problems.append(
                Problem(
                    f"entry {a.entry!r}",
                    f"the manifest says {a.size} bytes, the archive {info.file_size}",
                )
            )
    problems += [
        Problem(f"entry {name!r}", "the file is not named in the manifest")
        for name in pkg.files
        if name != MANIFEST and name not in named
    ]
    if problems:
        raise ValidationFailed(problems, source=source)


def _plan(
    tx: Tx, manifest: Manifest, rubrics: dict[str, Rubric], source: str
) -> tuple[list[SubmissionSpec], tuple[str, ...], CataloguePlan]:
    """The submissions to add, those already here identically, and what the catalogue adds;
    refuses unknown assessments, a catalogue that contradicts the folder, and submissions
    that exist with other content."""
    plan, problems = plan_catalogue(tx, manifest.catalogue, rubrics)
    fresh: list[SubmissionSpec] = []
    unchanged: list[str] = []
    for i, s in enumerate(manifest.submissions):
        at = f"{MANIFEST}/submissions/{i}"
        unknown = unknown_assessment(tx, s.assessment, plan)
        if unknown is not None:
            problems.append(Problem(f"{at}/assessment", unknown))
        code = s.learner.anonymous_code
        if code and tx.get(m.Learner, s.learner.id) is None:
            other = tx.query(m.Learner).filter_by(anonymous_code=code).first()
            if other is not None:
                problems.append(
                    Problem(f"{at}/learner/anonymousCode", f"'{code}' belongs to another learner")
                )
        existing = r.submission(tx, s.id)
        if existing is None:
            fresh.append(s)
        elif _same(existing, s, r.evidence(tx, s.id)):
            unchanged.append(s.id)
        else:
            problems.append(
                Problem(f"{at}/id", f"submission '{s.id}' already exists with other content")
            )
    if problems:
        raise ValidationFailed(problems, source=source)
    return fresh, tuple(unchanged), plan


def _same(row: m.Submission, s: SubmissionSpec, files: list[r.EvidenceFile]) -> bool:
    mine = [(f.name, f.size, f.sha256) for f in files]
    theirs = [(a.name, a.size, a.sha256) for a in s.artifacts]
    return (row.learner_id, row.assessment_id, row.attempt, row.submitted_at) == (
        s.learner.id,
        s.assessment,
        s.attempt,
        s.submitted_at,
    ) and mine == theirs


def _store_files(
    db: Database,
    pkg: SafeZip,
    fresh: list[SubmissionSpec],
    source: str,
    progress: Progress | None,
    added: list[str],
) -> list[str]:
    """Stream every artifact into the blob store; return the media type to record for each."""
    todo = sum(a.size for s in fresh for a in s.artifacts)
    done = 0

    def counted(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, todo)

    types = []
    for s in fresh:
        for a in s.artifacts:
            found: list[str] = []
            chunks = _typed(pkg.stream(a.entry, counted), a, found, source)
            try:
                ref, new = db.blobs.add_chunks(chunks, expect=a.sha256)
            except BlobMismatch as exc:
                raise refusal(
                    source, a.entry, f"its SHA-256 is {exc.actual}, the manifest says {a.sha256}"
                ) from None
            if new:
                added.append(ref.sha256)
            types.append(found[0])
    return types


def _typed(
    chunks: Iterator[bytes], a: ArtifactSpec, found: list[str], source: str
) -> Iterator[bytes]:
    """Pass the bytes on; once the head is in, check the claimed media type against it."""
    head = b""
    for data in chunks:
        if not found and len(head) < HEAD_SIZE:
            head += data[: HEAD_SIZE - len(head)]
            if len(head) >= HEAD_SIZE:
                found.append(_media_type(head, a, source))
        yield data
    if not found:
        found.append(_media_type(head, a, source))


def _media_type(head: bytes, a: ArtifactSpec, source: str) -> str:
    sniffed = sniff(head, a.name)
    if not compatible(a.media_type, sniffed):
        raise refusal(
            source, a.entry, f"the manifest says {a.media_type} but the content is {sniffed}"
        )
    # The claim may be more precise (a .docx sniffs as zip); a generic claim is not.
    return sniffed if normalize(a.media_type) == OCTET_STREAM else normalize(a.media_type)


def _write(tx: Tx, fresh: list[SubmissionSpec], types: list[str]) -> int:
    new_learners = 0
    kinds = iter(types)
    for s in fresh:
        if tx.get(m.Learner, s.learner.id) is None:
            tx.add(_learner(tx, s.learner))
            tx.flush()
            new_learners += 1
        tx.add(
            m.Submission(
                id=s.id,
                learner_id=s.learner.id,
                assessment_id=s.assessment,
                attempt=s.attempt,
                submitted_at=s.submitted_at,
                status=SubmissionStatus.TO_SCORE.value,
            )
        )
        for pos, a in enumerate(s.artifacts):
            tx.add(
                m.Artifact(
                    submission_id=s.id,
                    position=pos,
                    name=a.name,
                    media_type=next(kinds),
                    size=a.size,
                    sha256=a.sha256,
                )
            )
    tx.flush()
    return new_learners


def _learner(tx: Tx, spec: LearnerSpec) -> m.Learner:
    """A learner first met in a package; the anonymous code is theirs if the package gives
    one (so blind marking shows the same code on every machine), else a new one."""
    code = spec.anonymous_code
    while code is None or tx.query(m.Learner).filter_by(anonymous_code=code).first():
        code = "C-" + "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(7))
    return m.Learner(id=spec.id, name=spec.name, anonymous_code=code)
