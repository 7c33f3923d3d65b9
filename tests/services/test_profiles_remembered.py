"""A remembered unlock secret that no longer opens the profile is forgotten (profiles service)."""

from __future__ import annotations

import pytest

from assessor.security.keys import UnlockThrottled, WrongPassphrase
from assessor.security.secrets import MemoryKeyring, SecretStore
from assessor.services.profiles import unlock, unlock_remembered
from assessor.store import models as m
from assessor.store.db import Database
from tests.conftest import PASSPHRASE, Seed


def failures(db: Database, profile_id: str) -> int:
    with db.read() as tx:
        row = tx.get(m.Profile, profile_id)
        assert row is not None
        return row.failed_unlocks


def test_a_remembered_secret_that_opens_the_profile_is_kept(db: Database, seeded: Seed) -> None:
    secrets = SecretStore(MemoryKeyring())
    secrets.remember_unlock(seeded.assessor_id, PASSPHRASE)
    signer = unlock_remembered(db, seeded.assessor_id, PASSPHRASE, secrets)
    assert signer is not None and signer.profile.id == seeded.assessor_id
    assert secrets.unlock_secret(seeded.assessor_id) == PASSPHRASE


def test_a_remembered_secret_that_no_longer_opens_the_profile_is_forgotten(
    db: Database, seeded: Seed
) -> None:
    secrets = SecretStore(MemoryKeyring())
    old = "the passphrase before it changed"
    secrets.remember_unlock(seeded.assessor_id, old)
    secrets.remember_unlock(seeded.manager_id, PASSPHRASE)
    assert unlock_remembered(db, seeded.assessor_id, old, secrets) is None
    assert secrets.unlock_secret(seeded.assessor_id) is None
    assert secrets.unlock_secret(seeded.manager_id) == PASSPHRASE  # only that profile's
    assert failures(db, seeded.assessor_id) == 1  # a failed unlock like any other


def test_a_throttled_profile_keeps_its_remembered_secret(db: Database, seeded: Seed) -> None:
    secrets = SecretStore(MemoryKeyring())
    secrets.remember_unlock(seeded.assessor_id, PASSPHRASE)
    for _ in range(5):
        with pytest.raises(WrongPassphrase):
            unlock(db, seeded.assessor_id, "wrong, typed by someone else")
    with pytest.raises(UnlockThrottled):  # it must wait, even with the right secret
        unlock_remembered(db, seeded.assessor_id, PASSPHRASE, secrets)
    assert secrets.unlock_secret(seeded.assessor_id) == PASSPHRASE
