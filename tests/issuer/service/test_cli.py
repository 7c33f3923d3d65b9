"""The `issuer` command: exit statuses, bad input named by file and place with nothing
written, JSON outputs, init, key rotation, migrations."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import inspect

from assessor.sync import protocol as p
from issuer.issuance import did_web, rdfc
from issuer.store import models as m
from issuer.store.db import Database
from issuer.store.migrate import downgrade, upgrade
from tests.issuer.service.conftest import World, publish_catalogue
from tests.issuer.service.harness import PASSPHRASE, Issuer


@pytest.fixture
def fresh(tmp_path: Path) -> Issuer:
    issuer = Issuer(tmp_path / "data", f"sqlite:///{tmp_path / 'data' / 'issuer.db'}")
    issuer.init()
    return issuer


def run(
    issuer: Issuer, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`issuer ARGS` in its own process, as an operator runs it."""
    return subprocess.run(
        [sys.executable, "-m", "issuer", *args],
        env=env or issuer.env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_init_makes_a_did_web_and_a_sealed_key(tmp_path: Path) -> None:
    issuer = Issuer(tmp_path / "data", f"sqlite:///{tmp_path / 'data' / 'issuer.db'}")
    done = run(issuer, "init", "--domain", "badges.example.org", "--json")
    assert done.returncode == 0, done.stderr
    made = json.loads(done.stdout)
    assert made["did"] == "did:web:badges.example.org" and made["keyCreated"]
    key_file = tmp_path / "data" / "keys" / "issuer-keys.json"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert PASSPHRASE not in key_file.read_text()
    assert "sealed" in key_file.read_text()
    again = run(issuer, "init", "--domain", "badges.example.org")
    assert again.returncode == 2 and "already holds the issuer" in again.stderr
    assert "Traceback" not in again.stderr


def test_init_without_a_passphrase_writes_nothing(tmp_path: Path) -> None:
    issuer = Issuer(tmp_path / "data", f"sqlite:///{tmp_path / 'data' / 'issuer.db'}")
    env = {k: v for k, v in issuer.env().items() if k != "ISSUER_KEY_PASSPHRASE"}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    done = run(issuer, "init", "--domain", "badges.example.org", env=env)
    assert done.returncode == 2 and "keyring" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "data" / "keys").exists()
    assert not (tmp_path / "data" / "issuer.db").exists()


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["init", "--domain", "not a host"], "--domain"),
        (["achievement", "publish", "missing.json"], "missing.json: /: cannot read the file"),
        (
            [
                "assessment",
                "create",
                "--id",
                "x",
                "--title",
                "X",
                "--achievement",
                "nope",
                "--rubric",
                "wiring@1",
            ],
            "unknown achievement 'nope'",
        ),
        (
            ["enrolment", "create", "--person", "Nobody", "--role", "assessor"],
            "unknown person 'Nobody'",
        ),
        (["credential", "revoke", "nope", "--reason", "x"], "no credential 'nope'"),
        (
            [
                "submission",
                "assign",
                "s",
                "--learner",
                "l",
                "--assessment",
                "nope",
                "--assessor",
                "x",
            ],
            "unknown assessment",
        ),
    ],
)
def test_bad_input_exits_2_with_words_and_writes_nothing(
    fresh: Issuer, args: list[str], words: str
) -> None:
    before = fresh.counts()
    done = run(fresh, *args)
    assert done.returncode == 2
    assert words in done.stderr and "Traceback" not in done.stderr
    assert fresh.counts() == before


def test_a_bad_achievement_file_lists_every_problem_by_place(fresh: Issuer, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(
            {
                "format": "assessor-achievement/1",
                "id": "Bad Id",
                "name": "",
                "description": "x",
                "criteria": {},
                "level": "trophy",
                "validityDays": 1.5,
                "extra": 1,
            }
        )
    )
    done = run(fresh, "achievement", "publish", str(path))
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    for place in ("/id", "/name", "/criteria", "/level", "/validityDays", "/extra"):
        assert any(line.startswith(f"{path}: {place}:") for line in lines), (place, lines)
    assert fresh.count(m.Achievement) == 0


def test_an_achievement_file_over_1_mb_is_refused_by_name(fresh: Issuer, tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    path.write_bytes(b'{"name": "' + b"x" * (1024 * 1024) + b'"}')
    done = run(fresh, "achievement", "publish", str(path))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{path}: /: larger than 1 MB; not an achievement file" in done.stderr
    assert fresh.count(m.Achievement) == 0


def test_a_database_that_was_never_initialised_is_refused(tmp_path: Path) -> None:
    issuer = Issuer(tmp_path / "data", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    done = run(issuer, "record", "list")
    assert done.returncode == 2 and "issuer init" in done.stderr
    assert not (tmp_path / "elsewhere.db").exists()


def test_serve_refuses_a_database_that_was_never_initialised(tmp_path: Path) -> None:
    issuer = Issuer(tmp_path / "data", f"sqlite:///{tmp_path / 'typo.db'}")
    done = run(issuer, "serve", "--port", "1")
    assert done.returncode == 2 and "issuer init" in done.stderr
    assert not (tmp_path / "typo.db").exists()


def test_record_list_check_exits_1_when_something_was_refused(world: World) -> None:
    from tests.issuer.service.test_contract import Eve

    eve = Eve(world)
    eve.device.send(eve.record(total="1"))
    listed = world.issuer.cli("record", "list", "--state", "rejected")
    assert {"id", "kind", "digest", "state", "reason"} == set(listed[0])
    world.issuer.cli("record", "list", "--check", expect=1)


def test_key_rotation_keeps_old_credentials_verifiable(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    from tests.issuer.service.conftest import make_world

    issuer = Issuer(tmp_path / "data", f"sqlite:///{tmp_path / 'data' / 'issuer.db'}")
    issuer.init()
    publish_catalogue(issuer, tmp_path / "catalogue")
    issuer.start()
    try:
        world = make_world(issuer, tmp_path / "w")
        device = world.device(world.assessor._key, world.assessor_name, "assessor")
        device.send(world.score(world.assign("wiring-a")))
        rotated = issuer.cli("key", "rotate")
        device.send(world.score(world.assign("wiring-a")))  # the running server picks it up
        document = httpx.get(f"{issuer.base_url}/.well-known/did.json").json()
        assert len(document["assertionMethod"]) == 2
        methods = []
        for item in device.credentials().credentials:
            credential = httpx.get(item.url + ".json").json()
            methods.append(
                rdfc.verify(credential, did_web.key_resolver(document)).verification_method
            )
        assert methods[0] != methods[1] and methods[1].endswith(rotated["keyId"])
        world.desk.close()
    finally:
        issuer.stop()


def test_migrations_reach_the_models_and_go_back(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(db)
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), m.Base.metadata) == []
    downgrade(db, "base")
    with db.engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    db.close()


def test_migrations_on_postgresql(postgres: object) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from tests.issuer.service.harness import PostgresCluster, unique

    assert isinstance(postgres, PostgresCluster)
    db = Database(postgres.create_database(unique("mig").replace("-", "_")))
    upgrade(db)
    upgrade(db)  # a second start finds nothing to do
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), m.Base.metadata) == []
    db.close()


def test_serve_refuses_to_start_with_a_wrong_passphrase(fresh: Issuer) -> None:
    env = {**fresh.env(), "ISSUER_KEY_PASSPHRASE": "not the passphrase at all"}
    done = run(fresh, "serve", "--port", "1", env=env)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "passphrase" in done.stderr.lower()


def test_discovery_tells_the_limits(server: Issuer) -> None:
    found = p.parse_discovery(httpx.get(server.base_url + p.DISCOVERY_PATH).json())
    assert found.limits.max_batch_records == 100 and found.issuer.startswith("did:web:127.0.0.1")
    assert os.environ.get("ISSUER_DB") is None  # the harness never leaks its settings
