"""A command forked by the test zygote (tests/cli/forked_cli.py) answers exactly as a fresh
`python -m assessor` process does: same exit status, same bytes on standard output and
error, for argv bytes that are not UTF-8, standard input at EOF, in bytes that are not
UTF-8, or from a file, output written and refused. test_fuzz.py relies on it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pytest

from tests.cli.forked_cli import ROOT, CliZygote, Done

NOT_UTF8 = os.fsdecode(b"sub-\xff\xfe\xc3")


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("home")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "ASSESSOR_"))}
    return env | {"HOME": str(home), "XDG_STATE_HOME": str(home / "state")}


@pytest.fixture(scope="module")
def zygote(env: dict[str, str]) -> Iterator[CliZygote]:
    forks = CliZygote(env)
    try:
        yield forks
    finally:
        forks.close()


CASES: list[tuple[str, tuple[str, ...], bytes | str]] = [
    ("listed", ("submission", "list", "--limit", "3", "--json"), b""),
    ("argv not UTF-8", ("evaluation", "show", NOT_UTF8), b""),
    ("a usage error", ("submission", "list", "--limit", "NaN"), b""),
    (
        "stdin at EOF",
        ("profile", "create", "--name", "Z", "--role", "assessor", "--passphrase-stdin"),
        b"",
    ),
    (
        "stdin not UTF-8",
        ("profile", "create", "--name", "Z", "--role", "assessor", "--passphrase-stdin"),
        b"\xff\xfe long passphrase\n",
    ),
    (
        "stdin a device",
        (
            "score",
            "sub-002",
            "--level",
            "identify-circuit=2",
            "--finalize",
            "--profile",
            "Ada Assessor",
        ),
        "/dev/zero",
    ),
    ("written", ("score", "sub-002", "--level", "identify-circuit=2"), b""),
]


@pytest.mark.parametrize(("argv", "stdin"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_forked_command_answers_as_a_fresh_process(
    argv: tuple[str, ...],
    stdin: bytes | str,
    demo: Path,
    tmp_path: Path,
    env: dict[str, str],
    zygote: CliZygote,
) -> None:
    answers = []
    for how in ("fresh", "forked"):
        data = tmp_path / how
        shutil.copytree(demo, data)
        args = [*argv, "--data-dir", str(data)]
        source: bytes | BinaryIO = open(stdin, "rb") if isinstance(stdin, str) else stdin  # noqa: SIM115
        done: subprocess.CompletedProcess[bytes] | Done
        try:
            if how == "fresh":
                done = subprocess.run(
                    [sys.executable, "-m", "assessor", *args],
                    input=source if isinstance(source, bytes) else None,
                    stdin=None if isinstance(source, bytes) else source,
                    capture_output=True,
                    env=env,
                    cwd=ROOT,
                    timeout=90,
                )
            else:
                done = zygote.run(args, source)
        finally:
            if not isinstance(source, bytes):
                source.close()
        mine = str(data).encode()
        answers.append(
            (
                done.returncode,
                done.stdout.replace(mine, b"DATA"),
                done.stderr.replace(mine, b"DATA"),
            )
        )
    assert answers[0] == answers[1]
    assert answers[0][0] in (0, 1, 2)
