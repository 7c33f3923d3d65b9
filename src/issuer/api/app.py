"""The ASGI application. `issuer serve` calls `prepare` once, then uvicorn runs
`create_app()` in each worker; a worker reads its settings from the environment
(ISSUER_DB, ISSUER_DATA_DIR, ISSUER_REQUESTS_PER_MINUTE, ISSUER_BATCH_READERS). An issuer
inside another process passes its database and `Keys` instead."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI

from assessor.sync.protocol import Limits
from issuer import __version__
from issuer.api import problems, routes_devices, routes_public, routes_records, routes_sync
from issuer.api.deps import BodyLimit, ServerState
from issuer.paths import database_url, keys_dir
from issuer.services.awards import settle_pending
from issuer.services.batch_reader import BatchReader
from issuer.services.credentials import Identity, IssuingService
from issuer.store.db import Database
from issuer.store.migrate import upgrade


@dataclass(frozen=True)
class Keys:
    """Where the signing keys are and the passphrase that unlocks them, given explicitly (an
    issuer inside another process); without it both come from the environment."""

    folder: Path
    passphrase: str = field(repr=False)


def issuing_for(db: Database, keys: Keys | None = None) -> IssuingService:
    with db.read() as session:
        identity = Identity.load(session)
    if keys is None:
        return IssuingService(identity, keys_dir())
    return IssuingService(identity, keys.folder, keys.passphrase)


def prepare(db: Database, keys: Keys | None = None) -> IssuingService:
    """Before serving: apply pending migrations, unlock the key (a wrong passphrase stops
    here, not in a worker), and run stacking checks a crash may have left pending."""
    upgrade(db)
    service = issuing_for(db, keys)
    service.signing_key()
    settle_pending(db, service)
    return service


def limits_from_environment() -> Limits:
    rate = os.environ.get("ISSUER_REQUESTS_PER_MINUTE", "")
    return Limits(requests_per_minute=int(rate)) if rate.isdigit() and int(rate) > 0 else Limits()


def create_app(db: Database | None = None, keys: Keys | None = None) -> FastAPI:
    database = db or Database(database_url(None))
    limits = limits_from_environment()
    service = issuing_for(database, keys)
    service.signing_key()
    readers = os.environ.get("ISSUER_BATCH_READERS", "1")
    reader = BatchReader(int(readers) if readers.isdigit() else 1)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            reader.close()
            database.close()

    app = FastAPI(
        title="Assessor issuer",
        version=__version__,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.server = ServerState(database, limits, service, reader)
    problems.install(app)
    for module in (routes_devices, routes_sync, routes_records, routes_public):
        app.include_router(module.router)
    app.add_middleware(BodyLimit, limits=limits)
    return app
