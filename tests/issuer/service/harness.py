"""A real `issuer serve` process (SQLite, or a private PostgreSQL cluster with 2 workers) and
the desktop side that talks to it, made with the desktop's own code."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select, text

from assessor.security.did import did_key, verification_method
from assessor.security.records import RECORD_CONTEXT, record_digest, sign
from assessor.sync import protocol as p
from issuer.cli import main as issuer_main
from issuer.issuance.keys import IssuerKeys
from issuer.store import models as m
from issuer.store.db import Database
from tests.conftest import CHEAP_KDF
from tests.issuer.service.forked import Forked, fork_server

PASSPHRASE = "issuer test passphrase, long enough"
ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stamp(moment: datetime | None = None) -> str:
    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# ---- PostgreSQL -------------------------------------------------------------------------------


def postgres_bin() -> Path | None:
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    return None


class PostgresCluster:
    """A throwaway cluster in a temporary folder, reachable only by its unix socket there.

    initdb refuses to run as root, and CI runs as root: then the cluster belongs to `nobody`
    and its commands run through `runuser -u nobody`; anyone else runs them as themselves."""

    def __init__(self) -> None:
        binaries = postgres_bin()
        assert binaries is not None
        self.bin = binaries
        self.folder = Path(tempfile.mkdtemp(prefix="issuer-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.folder, "nobody")
        os.chmod(self.folder, 0o700)

    def _run(self, *args: str) -> None:
        command = list(args)
        if self.as_root:
            command = ["runuser", "-u", "nobody", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd="/", timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")

    def start(self) -> None:
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "issuer",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=''"
        options += " -c fsync=off -c max_connections=60"
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "log"),
            "-w",
            "start",
        )
        self._run(
            str(self.bin / "createdb"),
            "-h",
            str(self.folder),
            "-p",
            str(self.port),
            "-U",
            "issuer",
            "issuer",
        )

    def url(self, database: str = "issuer") -> str:
        return f"postgresql://issuer@/{database}?host={self.folder}&port={self.port}"

    def create_database(self, name: str) -> str:
        self._run(
            str(self.bin / "createdb"),
            "-h",
            str(self.folder),
            "-p",
            str(self.port),
            "-U",
            "issuer",
            name,
        )
        return self.url(name)

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError):
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


# ---- the issuer ---------------------------------------------------------------------------------


@dataclass
class Issuer:
    """An initialised issuer (data folder + database) and, once started, its server."""

    data_dir: Path
    db_url: str
    workers: int = 1
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | Forked | None = None
    log: Path | None = None
    requests_per_minute: int = 100_000
    # Forked from the zygote (restarts in under a second), or `python -m issuer serve` itself.
    forked: bool = True

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ISSUER_")}
        env.update(
            ISSUER_DATA_DIR=str(self.data_dir),
            ISSUER_DB=self.db_url,
            ISSUER_KEY_PASSPHRASE=PASSPHRASE,
        )
        return env

    @contextlib.contextmanager
    def _environment(self) -> Iterator[None]:
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(self.env())
        try:
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def cli(self, *args: str, expect: int = 0) -> Any:
        """Run `issuer ARGS --json` in this process; its parsed output."""
        out, err = io.StringIO(), io.StringIO()
        with self._environment(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = issuer_main([*args, "--json"])
        assert status == expect, f"issuer {' '.join(args)} exited {status}: {err.getvalue()}"
        return (
            json.loads(out.getvalue()) if out.getvalue().strip() and status == 0 else err.getvalue()
        )

    def init(self) -> None:
        # Sealed at the tests' cheap cost (init adopts a key already there): each server start
        # unlocks it twice, seconds at the real cost on a loaded machine.
        IssuerKeys(self.data_dir / "keys", cost=CHEAP_KDF).create(PASSPHRASE)
        self.cli(
            "init",
            "--domain",
            f"127.0.0.1:{self.port}",
            "--base-url",
            self.base_url,
            "--name",
            "Test Training",
        )

    def start(self) -> None:
        self.launch()
        self.wait_ready()

    def launch(self) -> None:
        """Start `issuer serve` without waiting for it to answer (`wait_ready` does)."""
        self.log = self.data_dir / f"serve-{self.port}.log"
        args = ["serve", "--port", str(self.port), "--workers", str(self.workers)]
        args += ["--requests-per-minute", str(self.requests_per_minute)]
        if self.forked:
            self.process = fork_server(args, self.env(), self.data_dir, self.log)
            return
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "issuer", *args],
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.data_dir,
            )

    def wait_ready(self) -> None:
        assert self.process is not None and self.log is not None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"issuer serve exited:\n{self.log.read_text()}")
            try:
                if httpx.get(self.base_url + p.DISCOVERY_PATH, timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"issuer serve did not answer:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def close(self) -> None:
        """Stopped, and its data folder (a temporary one the caller made for it) removed."""
        self.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def count(self, table: type[m.Base], **where: Any) -> int:
        db = Database(self.db_url)
        try:
            with db.read() as session:
                query = select(func.count()).select_from(table)
                for key, value in where.items():
                    query = query.where(getattr(table, key) == value)
                return int(session.scalar(query) or 0)
        finally:
            db.close()

    def counts(self) -> dict[str, int]:
        """Rows of every table a record can touch."""
        db = Database(self.db_url)
        try:
            with db.read() as session:
                names = [
                    "records",
                    "credentials",
                    "credential_sources",
                    "blobs",
                    "changes",
                    "pending_checks",
                ]
                return {
                    n: int(session.execute(text(f"SELECT count(*) FROM {n}")).scalar_one())
                    for n in names
                }
        finally:
            db.close()


# ---- a device ------------------------------------------------------------------------------------


class Device:
    """A desktop profile's key talking to the issuer: enrols, uploads, sends records."""

    def __init__(self, issuer: Issuer, private_key: Ed25519PrivateKey) -> None:
        self.issuer = issuer
        self.key = private_key
        self.public = private_key.public_key().public_bytes_raw()
        self.did = did_key(self.public)
        self.token: str | None = None
        self.client = httpx.Client(base_url=issuer.base_url, timeout=60)

    def enrol(self, code: str, label: str = "test laptop") -> p.Enrolment:
        challenge = self.client.post(p.CHALLENGE_PATH, json={"code": code})
        assert challenge.status_code == 201, challenge.text
        value = p.parse_challenge(challenge.json())
        message = p.enrolment_message(value.challenge, self.did, value.audience)
        request = p.EnrolmentRequest(
            code, self.did, value.challenge, p.encode_signature(self.key.sign(message)), label
        )
        answer = self.client.post(p.DEVICES_PATH, json=request.to_json())
        assert answer.status_code == 201, answer.text
        enrolment = p.parse_enrolment(answer.json())
        self.token = enrolment.token
        return enrolment

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def post_records(self, records: list[Mapping[str, Any]]) -> httpx.Response:
        return self.client.post(
            p.RECORDS_BATCH_PATH, json={"records": list(records)}, headers=self.headers
        )

    def send(self, *records: Mapping[str, Any]) -> list[p.ItemAnswer]:
        answer = self.post_records(list(records))
        assert answer.status_code == 200, answer.text
        return list(p.parse_batch_response(answer.json(), len(records)).results)

    def changes(self, cursor: str | None = None) -> p.ChangesPage:
        params = {"cursor": cursor} if cursor else {}
        answer = self.client.get(p.CHANGES_PATH, params=params, headers=self.headers)
        assert answer.status_code == 200, answer.text
        return p.parse_changes_page(answer.json())

    def credentials(self) -> p.CredentialsPage:
        answer = self.client.get(p.CREDENTIALS_PATH, headers=self.headers)
        assert answer.status_code == 200, answer.text
        return p.parse_credentials_page(answer.json())


class HandKey:
    """A profile key that signs records by hand (assessor.security.records.sign), keeping its
    own seq/prev chain: for sign-offs, exam sessions, and records crafted to be wrong."""

    def __init__(self, name: str, role: str) -> None:
        self.private = Ed25519PrivateKey.generate()
        self.public = self.private.public_key().public_bytes_raw()
        self.did = did_key(self.public)
        self.name, self.role = name, role
        self.seq, self.prev = 0, None

    def sign(
        self,
        kind: str,
        subject: dict[str, Any],
        *,
        advance: bool = True,
        seq: int | None = None,
        prev: str | bool | None = False,
        **extra: Any,
    ) -> dict[str, Any]:
        document: dict[str, Any] = {
            "@context": list(RECORD_CONTEXT),
            "id": f"urn:uuid:{_uuid7()}",
            "type": ["VerifiableCredential", kind],
            "issuer": {"id": self.did, "name": self.name, "role": self.role},
            "validFrom": stamp(),
            "credentialSubject": subject,
            "device": {
                "seq": self.seq + 1 if seq is None else seq,
                "prev": self.prev if prev is False else prev,
            },
            **extra,
        }
        signed = sign(document, self.private, verification_method(self.public), created=stamp())
        if advance:
            self.seq, self.prev = document["device"]["seq"], record_digest(signed)
        return signed

    def resign(
        self, record: Mapping[str, Any], record_id: str | None = None, **changes: Any
    ) -> dict[str, Any]:
        """The record with `changes` applied to its subject, signed again by this key."""
        document = json.loads(json.dumps({k: v for k, v in record.items() if k != "proof"}))
        document["credentialSubject"].update(changes)
        document["issuer"] = {"id": self.did, "name": self.name, "role": self.role}
        document["device"] = {"seq": self.seq + 1, "prev": self.prev}
        document["id"] = record_id or f"urn:uuid:{_uuid7()}"
        signed = sign(document, self.private, verification_method(self.public), created=stamp())
        self.seq, self.prev = document["device"]["seq"], record_digest(signed)
        return signed


def _uuid7() -> str:
    from assessor.domain.ids import uuid7

    return uuid7()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"
