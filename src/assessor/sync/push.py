"""Sending the outbox: batches of at most 100 records in each key's chain order, the evidence
they vouch for uploaded first, each item marked by the backend's answer for it.

A batch that gets no usable answer is sent again (exponential backoff with jitter): the
backend answers a record it already holds `duplicate`, so "it committed but the answer was
lost" ends as synced, exactly once. Nothing here ever changes or deletes a signed record;
a rejected or conflicting item stays, with the backend's reason.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from assessor.security.digests import decode_multibase_digest
from assessor.store import sync_state as st
from assessor.store.audit import append_event
from assessor.store.db import Database
from assessor.store.errors import StoreError
from assessor.sync import protocol as p
from assessor.sync.client import Backend, Unreachable

Progress = Callable[[str, int, int], None]
FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Backoff:
    """Delays between tries: base · 2^n, at most `cap`, times a random factor in [½, 1]
    ("equal jitter"), so many devices coming back online do not all knock at once."""

    base: float = 1.0
    cap: float = 3600.0
    tries: int = 4  # tries of one batch within a round before the round gives up

    def delay(self, attempt: int, rng: random.Random) -> float:
        full = min(self.cap, self.base * float(2 ** min(attempt, 30)))
        return full * (0.5 + rng.random() / 2)


@dataclass
class Pushed:
    accepted: int = 0
    duplicate: int = 0
    rejected: int = 0
    conflict: int = 0
    deferred: int = 0
    batches: int = 0
    evidence_uploaded: int = 0
    synced: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "duplicate": self.duplicate,
            "rejected": self.rejected,
            "conflict": self.conflict,
            "deferred": self.deferred,
            "batches": self.batches,
            "evidenceUploaded": self.evidence_uploaded,
        }


class Pusher:
    def __init__(
        self,
        db: Database,
        backend: Backend,
        enrolment: st.Enrolment,
        key: str,
        *,
        batch_size: int,
        backoff: Backoff,
        now: Callable[[], datetime],
        sleep: Callable[[float], None],
        rng: random.Random,
        progress: Progress,
    ) -> None:
        self.db, self.backend, self.enrolment, self.key = db, backend, enrolment, key
        self.batch_size, self.backoff = batch_size, backoff
        self.now, self.sleep, self.rng, self.progress = now, sleep, rng, progress
        self.result = Pushed()

    def run(self, *, due_only: bool = False) -> Pushed:
        """Send what waits: everything (a person asked), or with `due_only` only the items
        whose backoff has passed (a round the program started by itself)."""
        with self.db.read() as tx:
            total = st.waiting(tx, self.key)
        sent = 0
        later: set[int] = set()  # items answered "deferred" wait for the next round
        while True:
            until = self.now() if due_only else FAR_FUTURE
            with self.db.read() as tx:
                items = st.due(tx, self.key, until, self.batch_size + len(later))
            items = [i for i in items if i.id not in later][: self.batch_size]
            if not items:
                return self.result
            self._evidence(items)
            answers = self._send(items)
            self._mark(items, answers)
            later.update(i.id for i, a in zip(items, answers, strict=True) if not a.state.final)
            sent += len(items)
            self.progress("push", sent, total)

    def _send(self, items: list[st.Due]) -> tuple[p.ItemAnswer, ...]:
        attempt = 0
        while True:
            try:
                answer = self.backend.post_records([i.body for i in items])
                self.result.batches += 1
                _check_answers(items, answer)
                return answer.results
            except Unreachable as exc:
                attempt += 1
                if attempt >= self.backoff.tries:
                    until = self.now() + timedelta(
                        seconds=self.backoff.delay(max(i.attempts for i in items), self.rng)
                    )
                    with self.db.write() as tx:
                        st.postpone(tx, [i.id for i in items], exc.message, until)
                    raise
                self.sleep(self.backoff.delay(attempt - 1, self.rng))

    def _mark(self, items: list[st.Due], answers: tuple[p.ItemAnswer, ...]) -> None:
        now = self.now()
        markings, told = [], {}
        for item, answer in zip(items, answers, strict=True):
            state = answer.state
            reason = answer.reason.value if answer.reason else None
            if state in (p.AnswerState.ACCEPTED, p.AnswerState.DUPLICATE):
                marking = st.Marking(item.id, st.SYNCED, state.value, None, None, None)
            elif state is p.AnswerState.REJECTED:
                marking = st.Marking(
                    item.id, st.REJECTED, state.value, reason, answer.message, None
                )
            elif state is p.AnswerState.CONFLICT:
                marking = st.Marking(
                    item.id, st.CONFLICT, state.value, reason, answer.message, None
                )
            else:
                wait = timedelta(seconds=self.backoff.delay(item.attempts, self.rng))
                marking = st.Marking(
                    item.id, st.PENDING, state.value, reason, answer.message, now + wait
                )
            markings.append(marking)
            told[item.record_id] = state.value
        with self.db.write() as tx:
            synced = set(st.mark(tx, markings, now))
            for item, answer in zip(items, answers, strict=True):
                if answer.state is p.AnswerState.CONFLICT:
                    why = f"the backend holds this record differently: {answer.message or ''}"
                    st.add_flag(
                        tx, self.enrolment.profile_id, "conflict", item.record_id, why, True, now
                    )
            append_event(
                tx,
                actor=self.enrolment.profile_id,
                action="sync.push",
                entity_type="profile",
                entity_id=self.enrolment.profile_id,
                payload={"backend": self.enrolment.backend, "answers": told},
            )
        for item, answer in zip(items, answers, strict=True):
            if item.record_id in synced:
                self.result.synced.append(item.record_id)
            name = answer.state.value
            setattr(self.result, name, getattr(self.result, name) + 1)

    def _evidence(self, items: list[st.Due]) -> None:
        """Every evidence file the batch's records vouch for, uploaded first (once)."""
        wanted: list[str] = []
        for item in items:
            for artifact in _artifacts(item.body):
                if artifact not in wanted:
                    wanted.append(artifact)
        if not wanted:
            return
        with self.db.read() as tx:
            done = st.uploaded(tx, self.backend.url, wanted)
        for sha256 in wanted:
            if sha256 in done:
                continue
            try:
                data = self.db.blobs.read_bytes(sha256)
            except StoreError:
                continue  # not here (pulled work the backend holds): the answer will say
            self.backend.put_blob(sha256, data)
            self.result.evidence_uploaded += 1
            with self.db.write() as tx:
                st.mark_uploaded(tx, self.backend.url, sha256)


def _artifacts(body: str) -> list[str]:
    doc = json.loads(body)
    submission = (doc.get("credentialSubject") or {}).get("submission") or {}
    found = []
    for artifact in submission.get("artifacts") or []:
        try:
            found.append(decode_multibase_digest(str(artifact["digestMultibase"])).hex())
        except (KeyError, ValueError):
            continue
    return found


def _check_answers(items: list[st.Due], answer: p.BatchResponse) -> None:
    """An answer about another record than the one sent is not an answer."""
    for n, (item, result) in enumerate(zip(items, answer.results, strict=True)):
        if result.id is not None and result.id != item.record_id:
            raise Unreachable(f"the answer at {n} is about {result.id}, not {item.record_id}")
        same = result.digest in (None, item.digest)
        if result.state in (p.AnswerState.ACCEPTED, p.AnswerState.DUPLICATE) and not same:
            raise Unreachable(f"the answer at {n} is about another version of {item.record_id}")
