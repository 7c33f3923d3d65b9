"""A fresh clone stands on its own: the suite collects with nothing beside the repository, the
README's commands install into their own virtual environment, and no document links outside."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
OUTSIDE = "/".join(["..", "shared"])  # spelled apart so this file does not name it itself


def _tracked_files() -> list[str]:
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("needs a git checkout and git")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    return [p for p in listed.stdout.decode().split("\0") if p and (ROOT / p).is_file()]


def _quick_start() -> list[str]:
    done = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "readme_commands.py"), "demo"],
        capture_output=True,
        text=True,
        check=True,
    )
    test = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "readme_commands.py"), "test"],
        capture_output=True,
        text=True,
        check=True,
    )
    return [done.stdout.strip(), test.stdout.strip()]


def test_the_suite_collects_in_a_copy_with_nothing_beside_it(tmp_path: Path) -> None:
    copy = tmp_path / "empty" / "assessor"
    for name in _tracked_files():
        target = copy / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSESSOR_")}
    done = subprocess.run(
        # In one process (-n 0): the count is the collection's own line.
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            "-n",
            "0",
        ],
        cwd=copy,
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    collected = re.search(r"(\d+) tests? collected", done.stdout)
    assert collected and int(collected.group(1)) > 1000, done.stdout[-2000:]
    assert str(ROOT / "tests") not in done.stdout  # the copy's tests, not this checkout's


def test_quick_start_commands_install_into_their_own_virtual_environment() -> None:
    for command in _quick_start():
        steps = [s.strip() for s in command.split("&&")]
        assert steps[0] == "python3 -m venv .venv", command
        for step in steps[1:]:
            if " pip " in f" {step} ":
                assert step.startswith(".venv/bin/python -m pip install"), step
            else:
                assert step.startswith(".venv/bin/"), step


def test_nothing_tracked_reaches_outside_the_repository() -> None:
    offenders = []
    for name in _tracked_files():
        path = ROOT / name
        if path.suffix not in {".py", ".md", ".toml", ".sh", ".cfg", ".txt", ".json", ""}:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if OUTSIDE in text:
            offenders.append(name)
    assert offenders == []


def test_every_relative_link_in_the_docs_stays_inside_and_exists() -> None:
    documents = [README, *sorted((ROOT / "docs").rglob("*.md"))]
    broken = []
    for doc in documents:
        for target in re.findall(r"\]\(([^)\s]+)\)", doc.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target) or target.startswith("#"):
                continue
            resolved = (doc.parent / target.split("#")[0]).resolve()
            if not resolved.is_relative_to(ROOT) or not resolved.exists():
                broken.append(f"{doc.relative_to(ROOT)}: {target}")
    assert broken == []
