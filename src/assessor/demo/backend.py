"""The demo's whole chain: the reference issuer, seeded with the same demo set, served in this
process on 127.0.0.1 from a folder beside the demo folder, and the demo profiles enrolled with
it, so a newcomer's score can become a credential without setting anything up.

The demo issuer's key is sealed under a passphrase written here: like the demo profiles'
passphrase it protects nothing but demo data, and says so."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from assessor.demo.folder import DEMO_PASSPHRASE
from assessor.domain.policy import Operation
from assessor.security.secrets import SecretStore
from assessor.services.access import Actor, check, operation
from assessor.services.profiles import list_profiles, unlock
from assessor.store.db import Database
from assessor.sync.enrol import SyncProblem
from assessor.sync.service import SyncService
from issuer.api.app import Keys
from issuer.embedded import Embedded, bind_loopback, serve_in_thread
from issuer.services.demo import seed
from issuer.services.setup import identity_for, initialise
from issuer.store.db import Database as IssuerDatabase
from issuer.store.db import sqlite_url

log = logging.getLogger(__name__)

DEMO_ISSUER_PASSPHRASE = "demo issuer passphrase: protects demo data only"  # noqa: S105
DEMO_ISSUER_NAME = "Assessor demo issuer"


@dataclass
class DemoBackend:
    """The running demo issuer and which demo profiles are enrolled with it."""

    folder: Path
    running: Embedded
    enrolled: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.running.url

    def stop(self) -> None:
        self.running.stop()


def issuer_folder(data_dir: Path) -> Path:
    """Beside the demo folder, so deleting both is one glance."""
    return data_dir.with_name(data_dir.name + "-issuer")


@operation(Operation.DEMO_WRITE)
def start_demo_backend(db: Database, secrets: SecretStore | None) -> DemoBackend:
    """A fresh `issuer demo` database beside the demo folder, served on a free port of
    127.0.0.1, with each demo profile enrolled (its token kept in `secrets`). Without a safe
    keyring the issuer still runs and the reason nobody is enrolled is in `problems`."""
    check(Actor.local(), Operation.DEMO_WRITE)
    folder = issuer_folder(db.data_dir)
    folder.mkdir(mode=0o700)
    sock = bind_loopback()
    host = f"127.0.0.1:{sock.getsockname()[1]}"
    origin = f"http://{host}"
    url = sqlite_url(folder / "issuer.db")
    keys = Keys(folder / "keys", DEMO_ISSUER_PASSPHRASE)  # given, not put in os.environ
    try:
        issuer_db = IssuerDatabase(url)
        try:
            identity = identity_for(host, DEMO_ISSUER_NAME, None, origin)
            initialise(issuer_db, identity, keys.folder, keys.passphrase)
        finally:
            issuer_db.close()
        seeded = seed(url)
        backend = DemoBackend(folder, serve_in_thread(sock, url, keys))
    except BaseException:
        sock.close()  # a failed start leaves no port listening in this process
        raise
    if secrets is None:
        backend.problems.append("no safe keyring here, so no profile could keep a device token")
        return backend
    codes = {(c.person, c.role): c.code for c in seeded.codes}
    service = SyncService(db, secrets)
    for profile in list_profiles(db):
        code = next(
            (codes[(profile.name, r)] for r in profile.roles if (profile.name, r) in codes), None
        )
        if code is None:
            continue
        try:
            service.enrol(origin, code, unlock(db, profile.id, DEMO_PASSPHRASE))
        except SyncProblem as exc:
            backend.problems.append(f"{profile.name}: {exc.message}")
            continue
        backend.enrolled.append(profile.name)
    log.info("demo issuer at %s; enrolled %s", origin, ", ".join(backend.enrolled) or "nobody")
    return backend
