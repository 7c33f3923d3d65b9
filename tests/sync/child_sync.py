"""One sync round in a process of its own, so a test can kill it at a chosen moment.

    python -m tests.sync.child_sync DATA_DIR PROFILE_ID BATCH TIMEOUT < token

The token comes on standard input into an in-memory keyring (this process's own)."""

from __future__ import annotations

import sys
from pathlib import Path

from assessor.security.secrets import MemoryKeyring, SecretStore
from assessor.store import sync_state as st
from assessor.store.db import Database
from assessor.sync.service import SyncService
from tests.sync.world import NO_WAIT


def main() -> None:
    folder, profile, batch, timeout = sys.argv[1:5]
    token = sys.stdin.readline().strip()
    with Database.open(Path(folder)) as db:
        with db.read() as tx:
            enrolment = st.enrolment(tx, profile)
        assert enrolment is not None
        secrets = SecretStore(MemoryKeyring())
        secrets.set_token(enrolment.backend, token, account=profile)
        service = SyncService(
            db, secrets, batch_size=int(batch), timeout=float(timeout), backoff=NO_WAIT,
            sleep=lambda _: None,
        )  # fmt: skip
        report = service.sync(profile)
        print(report.to_json())


if __name__ == "__main__":
    main()
