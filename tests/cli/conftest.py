"""CLI fixtures: one demo data folder per session (and one with a signed record), copied
fresh for each test; the state of a data folder, to show that a command changed nothing."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sys
from pathlib import Path

import pytest

from assessor.cli import main
from assessor.demo import DEMO_PASSPHRASE, write_demo
from assessor.security import keys
from tests.conftest import CHEAP_KDF

# What a command may touch without changing the data: its log, the lock file's pid, and
# SQLite's shared-memory index (rebuilt from the database and its WAL on every open).
_NOT_STATE = ("logs", "assessor.lock", "assessor.db-shm")


@pytest.fixture(autouse=True)
def cheap_new_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys that commands run in this process seal (`profile create`, `demo`) take Argon2's
    least cost, as tests/security/test_keys.py does: several seconds each otherwise, and no
    test here is about the cost (test_keys.py checks the default; the canary test in
    test_identity_cli.py runs real processes at the real cost)."""
    monkeypatch.setattr(keys, "DEFAULT_KDF_COST", CHEAP_KDF)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def folder_state(folder: Path) -> dict[str, str]:
    """Every file of a data folder (but its log, lock and index) with the SHA-256 of its
    bytes: equal before and after means nothing in the folder changed."""
    state = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if rel.parts[0] in _NOT_STATE or path.is_dir():
            continue
        state[str(rel)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder `assessor demo` writes, its keys sealed at Argon2's least cost: every
    passphrase the tests type unlocks one, and no test here is about that cost (the `demo`
    command itself is run by test_cli.py; benchmarks/bench_argon2.py measures the cost)."""
    target = tmp_path_factory.mktemp("demo") / "data"
    write_demo(target, kdf_cost=CHEAP_KDF)
    return target


@pytest.fixture
def demo(demo_master: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(demo_master, copy, ignore=shutil.ignore_patterns("assessor.lock"))
    return copy


def _score_all_and_finalize(data: Path, sub: str) -> None:
    def as_json(*argv: str) -> dict[str, object]:
        captured = io.StringIO()
        stdout, sys.stdout = sys.stdout, captured
        try:
            assert main([*argv, "--data-dir", str(data), "--json"]) == 0
        finally:
            sys.stdout = stdout
        return dict(json.loads(captured.getvalue()))

    view = as_json("evaluation", "show", sub)
    rubric_ref = view["rubric"]
    assert isinstance(rubric_ref, dict)
    rubric = as_json("rubric", "show", f"{rubric_ref['id']}@{rubric_ref['version']}")
    criteria = rubric["criteria"]
    assert isinstance(criteria, list)
    levels = [a for c in criteria for a in ("--level", f"{c['id']}={c['levels'][-1]['id']}")]
    stdin, sys.stdin = sys.stdin, io.StringIO(DEMO_PASSPHRASE + "\n")
    try:
        as_json("score", sub, *levels, "--profile", "Ada Assessor", "--finalize")
    finally:
        sys.stdin = stdin


@pytest.fixture(scope="session")
def signed_master(demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with sub-003 finalized by Ada Assessor: one signed record."""
    target = tmp_path_factory.mktemp("signed") / "data"
    shutil.copytree(demo_master, target, ignore=shutil.ignore_patterns("assessor.lock"))
    _score_all_and_finalize(target, "sub-003")
    return target


@pytest.fixture
def signed(signed_master: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "signed"
    shutil.copytree(signed_master, copy, ignore=shutil.ignore_patterns("assessor.lock", "logs"))
    return copy
