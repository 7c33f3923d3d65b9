"""CLI fixtures: one demo data folder per module, copied fresh for each test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assessor.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("demo") / "data"
    assert main(["demo", "--data-dir", str(target)]) == 0
    return target


@pytest.fixture
def demo(demo_master: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(demo_master, copy, ignore=shutil.ignore_patterns("assessor.lock"))
    return copy
