"""The sync as the window and the command line use it: enrol, unenrol, status, one round
(pull, push, credentials, with progress), and what the person looks at (outbox, credentials,
flags). Blocking calls: the window runs them on its I/O lane, never on the GUI thread."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from assessor.domain.policy import Operation
from assessor.security.secrets import SecretStore
from assessor.services.access import Actor, check
from assessor.services.profiles import Signer
from assessor.store import sync_state as st
from assessor.store.db import Database
from assessor.store.types import utcnow
from assessor.sync import enrol as e
from assessor.sync.client import DEFAULT_TIMEOUT, Backend, Refused, SyncError
from assessor.sync.enrol import EnrolmentInfo, SyncProblem
from assessor.sync.pull import Progress, Pulled, Puller
from assessor.sync.push import Backoff, Pushed, Pusher

if TYPE_CHECKING:
    import httpx  # loaded by the client only when a request is made

MAX_BATCH = 100
# What a round can change, for screens to refresh: the kinds SyncReport.changed holds.
KINDS = ("submissions", "rubrics", "records", "outbox", "credentials")


@dataclass
class SyncReport:
    profile_id: str
    backend: str
    pushed: Pushed = field(default_factory=Pushed)
    pulled: Pulled = field(default_factory=Pulled)
    error: str | None = None  # in words; None when the round went through
    offline: bool = False  # no usable answer: the round is tried again later by itself
    next_attempt_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def changed(self) -> frozenset[str]:
        found = set()
        if self.pulled.submissions:
            found.add("submissions")
        if self.pulled.rubrics or self.pulled.assessments:
            found.add("rubrics")
        if self.pushed.batches:
            found |= {"records", "outbox"}
        if self.pulled.credentials:
            found.add("credentials")
        return frozenset(found)

    def to_json(self) -> dict[str, object]:
        return {
            "profile": self.profile_id,
            "backend": self.backend,
            "pushed": self.pushed.to_json(),
            "pulled": self.pulled.to_json(),
            "changed": sorted(self.changed),
            "error": self.error,
            "offline": self.offline,
            "nextAttempt": None
            if self.next_attempt_at is None
            else self.next_attempt_at.isoformat().replace("+00:00", "Z"),
        }


def _quiet(step: str, done: int, total: int) -> None:
    pass


class SyncService:
    def __init__(
        self,
        db: Database,
        secrets: SecretStore,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        batch_size: int = MAX_BATCH,
        backoff: Backoff | None = None,
        now: Callable[[], datetime] = utcnow,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.db, self.secrets = db, secrets
        self.transport, self.timeout = transport, timeout
        self.batch_size = max(1, min(batch_size, MAX_BATCH))
        self.backoff = backoff or Backoff()
        self.now, self.sleep = now, sleep
        self.rng = rng or random.Random()

    # ---- enrolment --------------------------------------------------------------------------

    def enrol(self, url: str, code: str, signer: Signer, *, label: str = "") -> EnrolmentInfo:
        return e.enrol(
            self.db, self.secrets, url, code, signer, label=label, transport=self.transport
        )

    def unenrol(self, profile_id: str) -> bool:
        return e.unenrol(self.db, self.secrets, profile_id)

    def status(self, profile_id: str | None = None) -> list[EnrolmentInfo]:
        """Enrolments (of one profile, or all), with which backend and person."""
        with self.db.read() as tx:
            found = [x for x in st.enrolments(tx) if profile_id in (None, x.profile_id)]
            keys = {x.profile_id: st.profile_key(tx, x.profile_id) or "" for x in found}
        return [
            info
            for x in found
            if (info := e.status(self.db, x.profile_id, keys[x.profile_id])) is not None
        ]

    def enrolled_profile(self, profile_id: str | None = None) -> str:
        """The profile to sync: the one given (enrolled), or the only one enrolled."""
        with self.db.read() as tx:
            found = st.enrolments(tx)
        if profile_id is not None:
            if any(x.profile_id == profile_id for x in found):
                return profile_id
            raise SyncProblem(
                "this profile is not enrolled with a backend: assessor enrol URL CODE"
            )
        if len(found) == 1:
            return found[0].profile_id
        if not found:
            raise SyncProblem("no profile here is enrolled with a backend: assessor enrol URL CODE")
        raise SyncProblem("several profiles are enrolled; choose one with --profile NAME")

    def read_feed_again(self, profile_id: str) -> None:
        """The next round reads the whole change feed from its start (every change applies
        idempotently): what was refused before, such as a rubric whose bytes did not match
        its digest, is fetched again."""
        with self.db.write() as tx:
            st.update_enrolment(tx, profile_id, cursor=None)

    # ---- one round ----------------------------------------------------------------------------

    def sync(
        self,
        profile_id: str | None = None,
        progress: Progress | None = None,
        *,
        due_only: bool = False,
    ) -> SyncReport:
        """Pull the feed, push the outbox, read the credentials: one round. A failure ends
        the round with `error` set (nothing half-written: each step commits whole). A round
        the program starts by itself passes `due_only`: items still in their backoff wait
        (`next_attempt_at` in the report says until when); "Sync now" sends everything."""
        profile_id = self.enrolled_profile(profile_id)
        progress = progress or _quiet
        with self.db.read() as tx:
            enrolment = st.enrolment(tx, profile_id)
            key = st.profile_key(tx, profile_id)
            roles = st.profile_roles(tx, profile_id)
        assert enrolment is not None and key is not None
        # The profile syncs through its enrolled token: it acts, with its roles.
        check(Actor(profile_id, roles), Operation.SYNC_RUN)
        report = SyncReport(profile_id, enrolment.backend)
        token = e.token_for(self.secrets, enrolment)
        backend = Backend(enrolment.backend, token, timeout=self.timeout, transport=self.transport)
        puller = Puller(self.db, backend, enrolment, key, self.now, progress)
        pusher = Pusher(
            self.db,
            backend,
            enrolment,
            key,
            batch_size=self.batch_size,
            backoff=self.backoff,
            now=self.now,
            sleep=self.sleep,
            rng=self.rng,
            progress=progress,
        )
        report.pulled, report.pushed = puller.result, pusher.result
        try:
            discovery = backend.discovery()
            if discovery.issuer != enrolment.audience:
                raise SyncProblem(
                    f"{enrolment.backend} is now {discovery.issuer}, not the backend this "
                    f"profile enrolled with ({enrolment.audience}); nothing was sent"
                )
            pusher.batch_size = min(self.batch_size, discovery.limits.max_batch_records)
            puller.run()
            pusher.run(due_only=due_only)
            puller.credentials()
        except Refused as exc:
            report.error = f"{enrolment.backend} refused: {exc.message}"
        except SyncError as exc:
            report.error, report.offline = exc.message, True
        finally:
            backend.close()
        with self.db.write() as tx:
            st.update_enrolment(tx, profile_id, last_sync_at=self.now(), last_error=report.error)
            report.next_attempt_at = st.next_attempt(tx, key)
        return report

    # ---- what the person looks at -------------------------------------------------------------

    def outbox(self, profile_id: str | None = None) -> list[st.OutboxEntry]:
        with self.db.read() as tx:
            key = None if profile_id is None else st.profile_key(tx, profile_id)
            if profile_id is not None and key is None:
                return []
            return st.outbox(tx, key)

    def credentials(self, profile_id: str | None = None) -> list[st.Credential]:
        with self.db.read() as tx:
            return st.credentials(tx, profile_id)

    def achievement_names(self, ids: set[str]) -> dict[str, str]:
        """Names of the achievements the local catalogue knows (ids not known are left out)."""
        with self.db.read() as tx:
            return st.achievement_names(tx, ids)

    def flags(self, profile_id: str | None = None) -> list[st.Flag]:
        with self.db.read() as tx:
            return st.flags(tx, profile_id)
