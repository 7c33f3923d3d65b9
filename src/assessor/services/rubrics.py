"""Rubric use cases: import (publish) versions, list, show, diff."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from assessor.domain.errors import DomainError, NotAllowed, UnknownChoice
from assessor.domain.policy import Operation
from assessor.domain.rubric import Rubric
from assessor.domain.rubric_diff import Change, diff_rubrics
from assessor.formats.rubric_files import load_rubric_file, read_rubric_file
from assessor.security.canonical import canonicalize
from assessor.security.digests import digest_bytes
from assessor.services.access import Actor, check, operation
from assessor.store import drafts
from assessor.store import models as m
from assessor.store import queries as q
from assessor.store.audit import append_event
from assessor.store.db import Database, SqlTx, Tx
from assessor.store.types import utcnow


@dataclass(frozen=True)
class RubricVersionInfo:
    id: str
    version: int
    digest: str
    title: str
    kind: str
    published: bool
    created: bool = False  # True when this call made the version
    published_now: bool = False  # True when this call published it
    replaced_draft: bool = False  # True when this call rewrote an unpublished draft in place

    @property
    def state(self) -> str:
        """What the call did, in words, for the command line."""
        if self.created:
            done = "replaced the draft" if self.replaced_draft else "imported"
            return f"{done}, published" if self.published else f"{done}, as a draft"
        if self.published_now:
            return "published (it was a draft with the same content)"
        return "unchanged, already published" if self.published else "unchanged, still a draft"

    @property
    def ref(self) -> str:
        return f"{self.id}@{self.version}"


def _info(
    row: m.RubricVersion,
    created: bool = False,
    *,
    published_now: bool = False,
    replaced_draft: bool = False,
) -> RubricVersionInfo:
    return RubricVersionInfo(
        row.rubric_id,
        row.version,
        row.digest,
        row.title,
        row.kind,
        row.published_at is not None,
        created,
        published_now,
        replaced_draft,
    )


@operation(Operation.RUBRIC_IMPORT)
def import_rubric(
    tx: Tx, rubric: Rubric, *, source_format: str, actor: str, publish: bool = True
) -> RubricVersionInfo:
    """Store a rubric as a version. Identical content returns the existing version; changed
    content under the same id becomes version n+1, or replaces an unpublished draft in place.
    Published versions are never rewritten.

    With `publish`, the version is published (irreversibly), also when it already existed as
    a draft with the same content; the result says so (`published_now`), so a caller never
    reports a version it has just published as "unchanged"."""
    check(Actor.local(), Operation.RUBRIC_IMPORT)
    if publish:
        check(Actor.local(), Operation.RUBRIC_PUBLISH)
    document = canonicalize(rubric.to_document())
    digest = digest_bytes(document)
    existing = q.version_by_digest(tx, digest)
    if existing is not None:
        if publish and existing.published_at is None:
            _publish(tx, existing, actor)
            return _info(existing, published_now=True)
        return _info(existing)
    now = utcnow()
    if tx.get(m.Rubric, rubric.id) is None:
        tx.add(m.Rubric(id=rubric.id, title=rubric.title, created_at=now))
    latest = q.latest_version(tx, rubric.id)
    replacing = latest is not None and latest.published_at is None
    if latest is not None and replacing:
        # An unpublished draft is replaced in place: drafts are not yet anyone's contract.
        row = latest
        row.digest, row.document, row.title = digest, document.decode(), rubric.title
        row.kind, row.source_format = rubric.kind.value, source_format
        tx.flush()
        _imported(tx, row, source_format, actor)
    else:
        version = (latest.version + 1) if latest else 1
        row = _add_version(tx, rubric, version, document, source_format, actor)
    if publish:
        _publish(tx, row, actor)
    return _info(row, created=True, published_now=publish, replaced_draft=replacing)


@operation(Operation.RUBRIC_IMPORT)
def adopt_version(
    tx: Tx, rubric: Rubric, version: int, *, source_format: str, actor: str
) -> RubricVersionInfo:
    """Store a published rubric version under the number it has where it came from (a package
    hands over the exact version its work is scored against). The caller has checked that no
    version of this folder has the digest or the number."""
    check(Actor.local(), Operation.RUBRIC_IMPORT)
    check(Actor.local(), Operation.RUBRIC_PUBLISH)
    document = canonicalize(rubric.to_document())
    if tx.get(m.Rubric, rubric.id) is None:
        tx.add(m.Rubric(id=rubric.id, title=rubric.title, created_at=utcnow()))
    row = _add_version(tx, rubric, version, document, source_format, actor)
    _publish(tx, row, actor)
    return _info(row, created=True, published_now=True)


def _add_version(
    tx: Tx, rubric: Rubric, version: int, document: bytes, source_format: str, actor: str
) -> m.RubricVersion:
    """A new version row of `rubric` holding its canonical `document`, and its import event."""
    row = m.RubricVersion(
        rubric_id=rubric.id,
        version=version,
        digest=digest_bytes(document),
        title=rubric.title,
        kind=rubric.kind.value,
        document=document.decode("utf-8"),
        source_format=source_format,
        imported_at=utcnow(),
    )
    tx.add(row)
    tx.flush()
    _imported(tx, row, source_format, actor)
    return row


def _imported(tx: Tx, row: m.RubricVersion, source_format: str, actor: str) -> None:
    append_event(
        tx,
        actor=actor,
        action="rubric.import",
        entity_type="rubric_version",
        entity_id=f"{row.rubric_id}@{row.version}",
        payload={"digest": row.digest, "source": source_format},
    )


def _publish(tx: Tx, row: m.RubricVersion, actor: str) -> None:
    row.published_at = utcnow()
    tx.flush()
    append_event(
        tx,
        actor=actor,
        action="rubric.publish",
        entity_type="rubric_version",
        entity_id=f"{row.rubric_id}@{row.version}",
        payload={"digest": row.digest},
    )


@operation(Operation.RUBRIC_IMPORT)
def import_rubric_file(
    db: Database, path: Path, *, actor: str = "system", publish: bool = True
) -> list[RubricVersionInfo]:
    """Validate a rubric file completely, then import every rubric in it in one transaction."""
    parsed = load_rubric_file(path)  # raises ValidationFailed before anything is written
    with db.write() as tx:
        return [
            import_rubric(tx, rubric, source_format=parsed.format, actor=actor, publish=publish)
            for rubric in parsed.rubrics
        ]


@operation(Operation.RUBRIC_PUBLISH)
def publish_version(db: Database, ref: str, *, actor: str = "system") -> RubricVersionInfo:
    check(Actor.local(), Operation.RUBRIC_PUBLISH)
    with db.write() as tx:
        row = _resolve(tx, ref)
        if row.published_at is not None:
            raise NotAllowed(f"rubric {ref} is already published")
        _publish(tx, row, actor)
        return _info(row)


@operation(None)
def list_versions(db: Database) -> list[RubricVersionInfo]:
    with db.read() as tx:
        return [_info(row) for row in q.all_versions(tx)]


_PARSED: dict[str, Rubric] = {}
_PARSED_LIMIT = 256


@operation(None)
def rubric_by_digest(tx: Tx | SqlTx, digest: str) -> Rubric:
    """The rubric of a stored version. Cached by digest: a digest names its content, so an
    entry can never go stale. The stored text is checked against its digest when first read."""
    found = _PARSED.get(digest)
    if found is None:
        document = drafts.rubric_document(tx, digest)
        if digest_bytes(document.encode("utf-8")) != digest:
            raise DomainError(f"stored rubric version {digest} does not match its digest")
        found = Rubric.from_document(json.loads(document))
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        _PARSED[digest] = found
    return found


@operation(None)
def load_version(tx: Tx, row: m.RubricVersion) -> Rubric:
    return rubric_by_digest(tx, row.digest)


@operation(None)
def show_version(db: Database, ref: str) -> tuple[RubricVersionInfo, Rubric]:
    with db.read() as tx:
        row = _resolve(tx, ref)
        return _info(row), load_version(tx, row)


@operation(None)
def diff_versions(db: Database, ref_a: str, ref_b: str) -> list[Change]:
    """Each side is ID[@VERSION], a digest, or a rubric file path (to preview an import)."""
    return diff_rubrics(_rubric_for(db, ref_a), _rubric_for(db, ref_b))


def _rubric_for(db: Database, ref: str) -> Rubric:
    path = Path(ref)
    if path.suffix == ".json" and path.is_file():
        parsed = read_rubric_file(path)
        if len(parsed) != 1:
            raise DomainError(f"{ref}: holds {len(parsed)} rubrics; diff takes one")
        return parsed[0]
    return show_version(db, ref)[1]


def _resolve(tx: Tx, ref: str) -> m.RubricVersion:
    """ID (latest version), ID@N, or a uEi… digest."""
    if ref.startswith("uEi"):
        row = q.version_by_digest(tx, ref)
        if row is None:
            raise UnknownChoice("rubric digest", ref, [v.digest for v in q.all_versions(tx)])
        return row
    rubric_id, _, version = ref.partition("@")
    if tx.get(m.Rubric, rubric_id) is None:
        raise UnknownChoice("rubric", rubric_id, q.rubric_ids(tx))
    if not version:
        found = q.latest_version(tx, rubric_id)
    elif version.isdigit():
        found = q.version_by_number(tx, rubric_id, int(version))
    else:
        raise DomainError(f"'{ref}': a version is a number, as in {rubric_id}@2")
    if found is None:
        numbers = [str(v.version) for v in q.all_versions(tx) if v.rubric_id == rubric_id]
        raise UnknownChoice(f"version of rubric '{rubric_id}'", version, numbers)
    return found
