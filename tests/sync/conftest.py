"""One real issuer server for the sync tests (SQLite, 127.0.0.1), started once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.issuer.service.harness import Issuer
from tests.sync.world import start_issuer


@pytest.fixture(scope="session")
def issuer() -> Iterator[Issuer]:
    server = start_issuer()
    try:
        yield server
    finally:
        server.close()
