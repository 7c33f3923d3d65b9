"""Issuing, revoking and checking credentials with `issuer.issuance`.

`IssuingService` holds what a worker needs to sign: the issuer's identity (from the
database) and its current key (unlocked once; picked up again when `issuer key rotate` changed
the key file). It implements `awards.Issuer`: each credential is built, signed and stored in
the caller's transaction, with its status list entry and its change-feed entries.
"""

from __future__ import annotations

import json
import random
import secrets
from collections.abc import Iterator, Set
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from threading import Lock
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from assessor.domain.subjects import learner_uri
from assessor.security.canonical import canonicalize
from assessor.security.digests import digest_bytes
from assessor.sync.protocol import ChangeKind, CredentialItem, CredentialStatus
from issuer.errors import NotInitialised
from issuer.issuance import credential as c
from issuer.issuance import did_web, keys, rdfc
from issuer.issuance.status_list import MIN_SIZE, StatusList, allocate_index, status_list_credential
from issuer.services.achievements import (
    achievement_def,
    prerequisite_criteria,
    rubric_criteria,
    stacking_rule,
)
from issuer.services.awards import Earned
from issuer.store import feed
from issuer.store import models as m

_RNG = random.SystemRandom()


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class Identity:
    """Who the issuer is, as `issuer init` recorded it."""

    domain: str
    did: str
    name: str
    url: str
    base_url: str

    @classmethod
    def load(cls, session: Session) -> Identity:
        values = {row.key: row.value for row in session.scalars(select(m.Setting))}
        if "did" not in values:
            raise NotInitialised(
                str(session.get_bind().engine.url.render_as_string(hide_password=True))
            )
        return cls(
            values["domain"], values["did"], values["name"], values["url"], values["base_url"]
        )

    @property
    def profile(self) -> c.IssuerProfile:
        return c.IssuerProfile(self.did, self.name, self.url)


class _UsedIndexes(Set[int]):
    """The indexes a status list has handed out, asked of the database as needed."""

    def __init__(self, session: Session, row: m.StatusList) -> None:
        self.session, self.row = session, row

    def __len__(self) -> int:
        return self.row.used

    def __contains__(self, index: object) -> bool:
        query = exists().where(
            m.Credential.status_list_id == self.row.id, m.Credential.status_index == index
        )
        return bool(self.session.scalar(select(query)))

    def __iter__(self) -> Iterator[int]:
        query = select(m.Credential.status_index).where(m.Credential.status_list_id == self.row.id)
        return iter(self.session.scalars(query).all())


class IssuingService:
    def __init__(
        self, identity: Identity, keys_folder: Path, passphrase: str | None = None
    ) -> None:
        """`passphrase` None: the environment's or the keyring's (keys.passphrase)."""
        self.identity = identity
        self.keys = keys.IssuerKeys(keys_folder)
        self._passphrase = passphrase
        self._lock = Lock()
        self._loaded_stamp: float | None = None
        self._current: tuple[str, Ed25519PrivateKey] | None = None

    # ---- keys ---------------------------------------------------------------------------------

    def signing_key(self) -> tuple[str, Ed25519PrivateKey]:
        """(verification method, private key); unlocked again after a rotation."""
        changed = self.keys.path.stat().st_mtime_ns
        with self._lock:
            if self._current is None or changed != self._loaded_stamp:
                secret = self._passphrase or keys.passphrase()
                self._current = self.keys.current(secret)
                self._loaded_stamp = changed
            key_id, private = self._current
        return did_web.verification_method_id(self.identity.did, key_id), private

    def did_document(self) -> dict[str, Any]:
        return did_web.did_document(self.identity.did, self.keys.public_keys())

    def sign(self, document: dict[str, Any], now: datetime) -> dict[str, Any]:
        method, private = self.signing_key()
        return rdfc.sign(document, private, method, stamp(now))

    def verify(self, document: dict[str, Any]) -> rdfc.VerifiedProof:
        """The server's own check of a stored credential (ProofInvalid says why not)."""
        return rdfc.verify(
            document, did_web.key_resolver(self.did_document()), expected_contexts=c.CONTEXTS
        )

    # ---- urls ---------------------------------------------------------------------------------

    def credential_url(self, credential_id: str) -> str:
        return c.credential_url(self.identity.base_url, credential_id)

    def status_list_url(self, list_id: str) -> str:
        return f"{self.identity.base_url}/status/{list_id}"

    # ---- status lists -------------------------------------------------------------------------

    def _status_list_document(self, row: m.StatusList, bits: StatusList, now: datetime) -> str:
        unsigned = status_list_credential(
            self.status_list_url(row.id), self.identity.did, bits.encoded(), stamp(now)
        )
        return canonicalize(self.sign(unsigned, now)).decode("utf-8")

    def _open_list(self, session: Session, now: datetime) -> m.StatusList:
        """A list with room (under half full keeps random allocation fast), locked until commit."""
        row = session.scalar(
            select(m.StatusList)
            .where(m.StatusList.used < m.StatusList.size // 2)
            .order_by(m.StatusList.id)
            .limit(1)
            .with_for_update()
        )
        if row is not None:
            return row
        count = session.scalar(select(func.count()).select_from(m.StatusList)) or 0
        bits = StatusList(MIN_SIZE)
        row = m.StatusList(
            id=str(count + 1),
            size=bits.size,
            bits=bits.to_bytes(),
            used=0,
            credential="",
            updated_at=now,
        )
        row.credential = self._status_list_document(row, bits, now)
        session.add(row)
        session.flush()
        return row

    def status_list_json(self, session: Session, list_id: str) -> str | None:
        row = session.get(m.StatusList, list_id)
        return None if row is None else row.credential

    # ---- issue --------------------------------------------------------------------------------

    def issue(self, session: Session, earned: Earned, now: datetime) -> m.Credential:
        goal = session.get(m.Achievement, earned.achievement_id)
        learner = session.get(m.Learner, earned.learner_id)
        assert goal is not None and learner is not None
        status = self._open_list(session, now)
        index = allocate_index(_UsedIndexes(session, status), _RNG, status.size)
        status.used += 1
        credential_id = _new_id()
        inputs = self._inputs(session, earned, goal, learner, credential_id, status, index, now)
        signed = self.sign(c.build_credential(inputs), now)
        valid_until = signed.get("validUntil")
        row = m.Credential(
            id=credential_id,
            basis=earned.basis,
            achievement_id=goal.id,
            learner_id=learner.id,
            record_id=earned.record.record_id if earned.record else None,
            renews_id=earned.renews.id if earned.renews else None,
            status_list_id=status.id,
            status_index=index,
            issued_at=now,
            valid_until=datetime.fromisoformat(valid_until.replace("Z", "+00:00"))
            if valid_until
            else None,
            document=canonicalize(signed).decode("utf-8"),
        )
        session.add(row)
        session.flush()  # the basis and the index are unique: a race shows here
        for device_id in self._sources(session, earned):
            seq = feed.append(
                session,
                ChangeKind.CREDENTIAL,
                credential_id,
                self._change(row, now),
                device=device_id,
            )
            session.add(
                m.CredentialSource(credential_id=credential_id, device_id=device_id, seq=seq)
            )
        session.flush()
        return row

    def _sources(self, session: Session, earned: Earned) -> list[str]:
        found: list[str] = []
        for record in (earned.record, earned.signoff):
            if record is not None and record.device_id not in found:
                found.append(record.device_id)
        for part in earned.prerequisites:
            for device_id in session.scalars(
                select(m.CredentialSource.device_id).where(
                    m.CredentialSource.credential_id == part.id
                )
            ):
                if device_id not in found:
                    found.append(device_id)
        return found

    def _change(self, row: m.Credential, now: datetime) -> dict[str, Any]:
        return {
            "url": self.credential_url(row.id),
            "achievement": row.achievement_id,
            "learner": learner_uri(row.learner_id),
            "status": status_of(row, now).value,
            "record": row.record_id,
        }

    def _inputs(
        self,
        session: Session,
        earned: Earned,
        goal: m.Achievement,
        learner: m.Learner,
        credential_id: str,
        status: m.StatusList,
        index: int,
        now: datetime,
    ) -> c.CredentialInputs:
        definition = json.loads(goal.document)
        renews = None
        if earned.renews is not None:
            renews = c.RenewalRef(
                self.credential_url(earned.renews.id), digest_bytes(earned.renews.document.encode())
            )
        if earned.assessment is not None and earned.record is not None:
            achievement, results, rubric, evidence, score = self._assessed(
                session, earned, definition
            )
        else:
            achievement, results, rubric, evidence, score = self._stacked(
                session, earned, definition
            )
        return c.CredentialInputs(
            domain=self.identity.domain,
            credential_id=credential_id,
            issuer=self.identity.profile,
            achievement=achievement,
            learner=c.LearnerRef(learner_uri(learner.id), learner.name, secrets.token_urlsafe(18)),
            results=results,
            rubric=rubric,
            evidence=evidence,
            status=c.StatusEntry(self.status_list_url(status.id), index),
            valid_from=stamp(now),
            score=score,
            renews=renews,
            base_url=self.identity.base_url,
        )

    def _assessed(self, session: Session, earned: Earned, definition: dict[str, Any]) -> Any:
        assert earned.assessment is not None and earned.record is not None
        version = session.get(m.RubricVersion, earned.assessment.rubric_version_id)
        assert version is not None
        criteria, alignment, _ = rubric_criteria(version)
        subject = json.loads(earned.record.body)["credentialSubject"]
        results = tuple(
            c.CriterionResult(s["criterion"], s["level"], str(s["points"]))
            for s in subject["scores"]
        )
        record = earned.record
        evidence = [
            c.EvidenceRef(record.record_id, record.digest, record.kind, "Signed assessment record")
        ]
        if earned.signoff is not None:
            signoff = earned.signoff
            evidence.append(
                c.EvidenceRef(
                    signoff.record_id, signoff.digest, signoff.kind, "Signed manager sign-off"
                )
            )
        base = self.identity.base_url
        rubric_ref = c.RubricRef(
            f"{base}/rubrics/{version.rubric_id}/versions/{version.version}",
            version.digest,
            version.title,
        )
        score = c.ScoreResult(subject["total"], subject["maximum"])
        goal = achievement_def(base, definition, criteria, alignment)
        return goal, results, rubric_ref, tuple(evidence), score

    def _stacked(self, session: Session, earned: Earned, definition: dict[str, Any]) -> Any:
        """A stacked achievement: one criterion per prerequisite, met by holding it; its
        'rubric' is the stacking rule (served at /achievements/{id}/stacking-rule)."""
        results, evidence = [], []
        for part in earned.prerequisites:
            prerequisite = session.get(m.Achievement, part.achievement_id)
            assert prerequisite is not None
            results.append(c.CriterionResult(prerequisite.id, "held"))
            evidence.append(
                c.EvidenceRef(
                    self.credential_url(part.id),
                    digest_bytes(part.document.encode()),
                    "OpenBadgeCredential",
                    f"{prerequisite.name} credential",
                )
            )
        base = self.identity.base_url
        rule = stacking_rule(definition["id"], definition["prerequisites"])
        url = f"{c.achievement_url(base, definition['id'])}/stacking-rule"
        rubric_ref = c.RubricRef(url, digest_bytes(canonicalize(rule)), "Stacking rule")
        goal = achievement_def(base, definition, prerequisite_criteria(session, definition), ())
        return goal, tuple(results), rubric_ref, tuple(evidence), None

    # ---- revoke -------------------------------------------------------------------------------

    def revoke(
        self, session: Session, credential: m.Credential, reason: str, now: datetime
    ) -> None:
        """Set the credential's bit in its status list and publish the list signed again."""
        if credential.revoked_at is not None:
            return
        row = session.scalar(
            select(m.StatusList)
            .where(m.StatusList.id == credential.status_list_id)
            .with_for_update()
        )
        assert row is not None
        bits = StatusList.from_bytes(row.bits)
        bits.set(credential.status_index, True)
        row.bits, row.updated_at = bits.to_bytes(), now
        row.credential = self._status_list_document(row, bits, now)
        credential.revoked_at, credential.revoke_reason = now, reason
        session.flush()
        for device_id in session.scalars(
            select(m.CredentialSource.device_id).where(
                m.CredentialSource.credential_id == credential.id
            )
        ):
            feed.append(
                session,
                ChangeKind.CREDENTIAL,
                credential.id,
                self._change(credential, now),
                device=device_id,
            )


def status_of(row: m.Credential, now: datetime) -> CredentialStatus:
    if row.revoked_at is not None:
        return CredentialStatus.REVOKED
    if row.valid_until is not None and row.valid_until <= now:
        return CredentialStatus.EXPIRED
    return CredentialStatus.ACTIVE


def credential_item(session: Session, issuing: IssuingService, row: m.Credential) -> CredentialItem:
    return CredentialItem(
        id=row.id,
        url=issuing.credential_url(row.id),
        achievement=row.achievement_id,
        learner=learner_uri(row.learner_id),
        status=status_of(row, datetime.now(UTC)),
        issued_at=stamp(row.issued_at),
        valid_until=stamp(row.valid_until) if row.valid_until else None,
        records=(row.record_id,) if row.record_id else (),
    )


def _new_id() -> str:
    from assessor.domain.ids import uuid7

    return uuid7()
