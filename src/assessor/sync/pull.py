"""Reading the backend's change feed into the data folder.

Each page is applied in one transaction together with the cursor after it, so a crash
repeats a page (every change applies idempotently) and never skips one. Network reads
(rubric documents, evidence) happen outside transactions. Nothing local is ever deleted: a
withdrawn or reassigned submission is flagged, whatever work it holds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from assessor.domain.errors import DomainError
from assessor.domain.rubric_format import parse_rubric_document
from assessor.security.canonical import StrictJSONError, canonicalize, loads_strict
from assessor.security.digests import digest_bytes
from assessor.services.rubrics import adopt_version
from assessor.store import models as m
from assessor.store import sync_state as st
from assessor.store.audit import append_event
from assessor.store.db import Database, Tx
from assessor.store.errors import StoreError
from assessor.sync import protocol as p
from assessor.sync.client import Backend, Refused

Progress = Callable[[str, int, int], None]  # (step, done, total: 0 when unknown)
TAKE_AT_ONCE = 200  # pulled submissions made local in one transaction


@dataclass
class Pulled:
    """What a pull changed here, by kind; and what it refused or flagged, in words."""

    rubrics: int = 0
    assessments: int = 0
    submissions: int = 0
    credentials: int = 0
    keys: int = 0
    flagged: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    waiting_evidence: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "rubrics": self.rubrics,
            "assessments": self.assessments,
            "submissions": self.submissions,
            "credentials": self.credentials,
            "keys": self.keys,
            "flagged": list(self.flagged),
            "refused": list(self.refused),
            "waitingForEvidence": self.waiting_evidence,
        }


class Puller:
    def __init__(
        self,
        db: Database,
        backend: Backend,
        enrolment: st.Enrolment,
        key: str,
        now: Callable[[], datetime],
        progress: Progress,
    ) -> None:
        self.db, self.backend, self.enrolment, self.key = db, backend, enrolment, key
        self.profile = enrolment.profile_id
        self.now, self.progress = now, progress
        self.result = Pulled()

    def run(self) -> Pulled:
        cursor = self.enrolment.cursor
        pages = 0
        while True:
            page = self.backend.changes(cursor)
            documents = self._rubric_documents(page.changes)
            with self.db.write() as tx:
                for change in page.changes:
                    self._apply(tx, change, documents)
                st.update_enrolment(tx, self.profile, cursor=page.cursor)
                append_event(
                    tx,
                    actor=self.profile,
                    action="sync.pull",
                    entity_type="profile",
                    entity_id=self.profile,
                    payload={"changes": len(page.changes), "cursor": page.cursor},
                )
            cursor, pages = page.cursor, pages + 1
            self.progress("pull", pages, 0)
            if not page.more:
                break
        self.evidence()
        return self.result

    # ---- rubric versions: bytes checked against their digest before anything is stored --

    def _rubric_documents(self, changes: tuple[p.Change, ...]) -> dict[str, bytes | str]:
        """Rubric id@version → its checked bytes, or why it was refused."""
        found: dict[str, bytes | str] = {}
        for change in changes:
            if change.kind is not p.ChangeKind.RUBRIC_VERSION or change.deleted:
                continue
            data = change.data or {}
            digest, rubric_id, version = data.get("digest"), data.get("id"), data.get("version")
            if not (isinstance(digest, str) and isinstance(rubric_id, str)):
                found[change.id] = "the change does not name the rubric and its digest"
                continue
            if not isinstance(version, int) or isinstance(version, bool):
                found[change.id] = "the change does not give the version as a number"
                continue
            with self.db.read() as tx:
                if tx.query(m.RubricVersion).filter_by(digest=digest).first() is not None:
                    continue
            try:
                body = self.backend.rubric_version(rubric_id, version)
            except Refused as exc:
                found[change.id] = f"the backend would not send it ({exc.message})"
                continue
            actual = digest_bytes(body)
            if actual != digest:
                found[change.id] = f"its bytes hash to {actual}, not to its digest {digest}"
                continue
            found[change.id] = body
        return found

    def _rubric(self, tx: Tx, change: p.Change, documents: Mapping[str, bytes | str]) -> None:
        data = change.data or {}
        digest = str(data.get("digest", ""))
        if tx.query(m.RubricVersion).filter_by(digest=digest).first() is not None:
            return
        got = documents.get(change.id, "it could not be read")
        problem = got if isinstance(got, str) else None
        rubric = None
        if isinstance(got, bytes):
            try:
                rubric = parse_rubric_document(loads_strict(got))
            except (StrictJSONError, DomainError) as exc:
                problem = f"it is not a rubric this desktop reads ({exc})"
            if rubric is not None and digest_bytes(canonicalize(rubric.to_document())) != digest:
                problem = "its content does not read back to its digest"
        version = int(data.get("version", 0))
        taken = (
            tx.query(m.RubricVersion)
            .filter_by(rubric_id=str(data.get("id", "")), version=version)
            .first()
        )
        if problem is None and taken is not None:
            problem = f"version {version} here already has other content ({taken.digest})"
        if problem is not None or rubric is None:
            why = f"rubric {change.id} refused: {problem}"
            self.result.refused.append(why)
            st.add_flag(tx, self.profile, "rubric", change.id, why, False, self.now())
            return
        adopt_version(tx, rubric, version, source_format="backend", actor=self.profile)
        self.result.rubrics += 1

    # ---- the rest of the feed -------------------------------------------------------------

    def _apply(self, tx: Tx, change: p.Change, documents: Mapping[str, bytes | str]) -> None:
        kind, data = change.kind, change.data or {}
        if kind is p.ChangeKind.RUBRIC_VERSION and not change.deleted:
            self._rubric(tx, change, documents)
        elif kind is p.ChangeKind.ACHIEVEMENT and not change.deleted:
            self._achievement(tx, data)
        elif kind is p.ChangeKind.ASSESSMENT and not change.deleted:
            self._assessment(tx, change.id, data)
        elif kind is p.ChangeKind.SUBMISSION:
            if change.deleted:
                self._tombstone(tx, change.id, change.reason or "withdrawn")
            elif tx.get(m.Submission, change.id) is None:
                st.hold_work(tx, self.profile, change.id, json.dumps(data), self.now())
        elif kind is p.ChangeKind.KEY and change.id == self.key:
            status = "revoked" if change.deleted else str(data.get("status", "active"))
            roles = data.get("roles")
            values: dict[str, object] = {"key_status": status}
            if isinstance(roles, list):
                values["roles"] = " ".join(str(r) for r in roles)
            st.update_enrolment(tx, self.profile, **values)
            self.result.keys += 1
        elif kind is p.ChangeKind.CREDENTIAL and not change.deleted:
            status = str(data.get("status", ""))
            if st.set_credential_status(tx, change.id, status, self.now()):
                self.result.credentials += 1

    def _achievement(self, tx: Tx, data: Mapping[str, Any]) -> None:
        ident = str(data.get("id", ""))
        row = tx.get(m.Achievement, ident)
        if row is None:
            row = m.Achievement(id=ident, title="", kind="badge")
            tx.add(row)
        row.title = str(data.get("name", ident))[:500]
        row.kind = str(data.get("level", "badge"))[:40]
        row.description = str(data.get("description", ""))
        tx.flush()

    def _assessment(self, tx: Tx, ident: str, data: Mapping[str, Any]) -> None:
        if tx.get(m.Assessment, ident) is not None:
            return  # an assessment never changes once made
        goal, rubric = data.get("achievement") or {}, data.get("rubric") or {}
        version = tx.query(m.RubricVersion).filter_by(digest=rubric.get("digest")).first()
        if version is None:
            why = f"assessment {ident} not taken: its rubric version is not here"
            self.result.refused.append(why)
            st.add_flag(tx, self.profile, "assessment", ident, why, False, self.now())
            return
        if tx.get(m.Achievement, str(goal.get("id", ""))) is None:
            self._achievement(tx, goal)
        tx.add(
            m.Assessment(
                id=ident,
                title=str(data.get("title", ident))[:500],
                achievement_id=str(goal.get("id", "")),
                rubric_version_id=version.id,
                signoff_required=bool(data.get("signoffRequired", False)),
            )
        )
        tx.flush()
        self.result.assessments += 1

    def _tombstone(self, tx: Tx, submission_id: str, reason: str) -> None:
        """Kept, and flagged: with a local draft or signed work the person decides."""
        st.release_work(tx, submission_id)  # not here yet: nothing local to keep
        if tx.get(m.Submission, submission_id) is None:
            return
        local_work = tx.query(m.Evaluation).filter_by(submission_id=submission_id).count() > 0
        kind = "reassigned" if reason == "reassigned" else "withdrawn"
        why = f"{submission_id} was {kind} on the backend" + (
            "; the local work on it is kept" if local_work else ""
        )
        if st.add_flag(tx, self.profile, kind, submission_id, why, local_work, self.now()):
            self.result.flagged.append(why)
            self.result.submissions += 1

    # ---- credentials of this device's work --------------------------------------------------

    def credentials(self) -> None:
        cursor = self.enrolment.credentials_cursor
        while True:
            page = self.backend.credentials(cursor)
            with self.db.write() as tx:
                for c in page.credentials:
                    value = st.Credential(
                        c.id,
                        self.profile,
                        c.url,
                        c.achievement,
                        c.learner,
                        c.status.value,
                        c.issued_at,
                        c.valid_until,
                        c.records,
                    )
                    if st.put_credential(tx, value, self.now()):
                        self.result.credentials += 1
                st.update_enrolment(tx, self.profile, credentials_cursor=page.cursor)
            cursor = page.cursor
            if not page.more:
                return

    # ---- evidence: downloaded, hash-checked, and only then the submission counts ------------

    def evidence(self) -> None:
        """Held work whose files are all here and intact becomes local work, many
        submissions to a transaction; a file that fails leaves its submission waiting."""
        with self.db.read() as tx:
            held = st.held_work(tx, self.profile)
        ready: list[tuple[str, dict[str, Any]]] = []
        for n, (submission_id, payload) in enumerate(held, 1):
            data = json.loads(payload)
            try:
                for artifact in data.get("artifacts", []):
                    self._download(str(artifact["sha256"]), int(artifact["size"]))
            except (Refused, StoreError, KeyError, ValueError) as exc:
                message = getattr(exc, "message", str(exc))
                with self.db.write() as tx:
                    st.work_failed(tx, submission_id, message)
                self.result.waiting_evidence += 1
                continue
            ready.append((submission_id, data))
            if len(ready) >= TAKE_AT_ONCE or n == len(held):
                self._take(ready)
                ready = []
                self.progress("work", n, len(held))
        self._take(ready)

    def _take(self, ready: list[tuple[str, dict[str, Any]]]) -> None:
        if not ready:
            return
        with self.db.write() as tx:
            for submission_id, data in ready:
                if self._take_work(tx, submission_id, data):
                    self.result.submissions += 1

    def _download(self, sha256: str, size: int) -> None:
        blobs = self.db.blobs
        if blobs.exists(sha256) and blobs.verify(sha256, size):
            return

        def chunks() -> Iterator[bytes]:
            seen = 0
            for chunk in self.backend.blob_chunks(sha256):
                seen += len(chunk)
                if seen > size:
                    raise ValueError(f"evidence {sha256[:12]}… is larger than its stated size")
                yield chunk

        blobs.add_chunks(chunks(), expect=sha256)  # refused unless it hashes to its name

    def _take_work(self, tx: Tx, submission_id: str, data: Mapping[str, Any]) -> bool:
        if tx.get(m.Submission, submission_id) is not None:
            st.release_work(tx, submission_id)
            return False
        assessment = str(data.get("assessment", ""))
        if tx.get(m.Assessment, assessment) is None:
            st.work_failed(tx, submission_id, f"its assessment {assessment} is not here yet")
            self.result.waiting_evidence += 1
            return False
        learner = data.get("learner") or {}
        learner_id = str(learner.get("id", ""))
        if tx.get(m.Learner, learner_id) is None:
            tx.add(
                m.Learner(
                    id=learner_id,
                    name=str(learner.get("name", learner_id))[:300],
                    anonymous_code=_anonymous_code(tx, learner_id),
                )
            )
        tx.add(
            m.Submission(
                id=submission_id,
                learner_id=learner_id,
                assessment_id=assessment,
                attempt=int(data.get("attempt", 1)),
                submitted_at=datetime.fromisoformat(
                    str(data["submittedAt"]).replace("Z", "+00:00")
                ),
                status="to_score",
            )
        )
        tx.flush()
        for n, a in enumerate(data.get("artifacts", [])):
            tx.add(
                m.Artifact(
                    submission_id=submission_id,
                    position=n,
                    name=str(a["name"]),
                    media_type=str(a["mediaType"]),
                    size=int(a["size"]),
                    sha256=str(a["sha256"]),
                )
            )
        st.release_work(tx, submission_id)
        append_event(
            tx,
            actor=self.profile,
            action="sync.work",
            entity_type="submission",
            entity_id=submission_id,
            payload={"assessment": assessment, "artifacts": len(data.get("artifacts", []))},
        )
        return True


def _anonymous_code(tx: Tx, learner_id: str) -> str:
    base = "L" + hashlib.sha256(learner_id.encode("utf-8")).hexdigest()[:9].upper()
    code, n = base, 1
    while tx.query(m.Learner).filter_by(anonymous_code=code).first() is not None:
        n += 1
        code = f"{base}-{n}"
    return code
