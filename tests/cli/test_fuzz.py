"""Hostile command lines through real `python -m assessor` processes on a demo folder: bytes
that are not UTF-8, numbers beyond any bound, huge strings, devices, named pipes, folders
where files belong, deeply nested JSON, endless standard input. Every one ends with exit 0,
1 or 2 (never 70: these are known-bad inputs, not bugs), without a traceback, with a short
standard error, and with the data folder exactly as it was.

ASSESSOR_FUZZ_RUNS=N adds N random combinations (seed ASSESSOR_FUZZ_SEED) to the fixed set.

Each command is a process of its own, forked by a zygote that imported the command line once
(tests/cli/forked_cli.py; a fresh interpreter per command cost a second each): its own argv
bytes, standard input, output, error, environment and exit status, as `python -m assessor`
has them. test_forked_cli.py shows a forked command answering byte for byte as a fresh one.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pytest

from tests.cli.conftest import folder_state, run
from tests.cli.forked_cli import CliZygote

RUNS = int(os.environ.get("ASSESSOR_FUZZ_RUNS", "0"))
# By default a few hostile values per command and slot (a different few for another seed);
# ASSESSOR_FUZZ_FULL=1 runs every value in every slot (about 220 processes).
FULL = os.environ.get("ASSESSOR_FUZZ_FULL") == "1"
PER_GROUP = 3
SEED = int(os.environ.get("ASSESSOR_FUZZ_SEED", "11"))
# Inputs known to end in exit 70 (a bug report) today, by case name: none.
KNOWN_BUGS: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Case:
    name: str
    argv: tuple[str, ...]  # "{data}" is the worker's own copy of the data folder
    stdin: bytes | str = b""  # bytes, or the path of a file to read standard input from
    group: str = ""  # the command and slot that the hostile value goes to


def _bad_bytes(rng: random.Random) -> str:
    """Bytes that are not UTF-8, as Python receives them (lone surrogates)."""
    return os.fsdecode(b"\xff" + rng.randbytes(6) + b"\xc3")


def _hostile_files(root: Path) -> dict[str, str]:
    root.mkdir()
    (root / "nested.json").write_text("[" * 200_000 + "]" * 200_000)
    (root / "nested-object.json").write_text('{"a":' * 100_000 + "1" + "}" * 100_000)
    (root / "not-utf8.json").write_bytes(b'{"title": "caf\xe9", "x": "\xff\xfe"}')
    (root / "big.json").write_bytes(b" " * (7 << 20) + b"{}")
    (root / "empty.json").write_bytes(b"")
    (root / "a-file").write_text("not a folder")
    os.mkfifo(root / "pipe.json")
    return {
        "nested": str(root / "nested.json"),
        "nested object": str(root / "nested-object.json"),
        "not utf-8": str(root / "not-utf8.json"),
        "7 MiB": str(root / "big.json"),
        "empty": str(root / "empty.json"),
        "/dev/zero": "/dev/zero",
        "fifo": str(root / "pipe.json"),
        "folder": str(root),
        "missing": str(root / "missing.json"),
        "long name": str(root / ("x" * 300 + ".json")),
        "bad bytes": str(root) + "/" + os.fsdecode(b"\xff\xfe.json"),
    }


def _cases(root: Path, record: str, rng: random.Random) -> list[Case]:
    files = _hostile_files(root / "inputs")
    numbers = ["99999999999999999999999", "-1", "0", "3e999999999", "NaN", "0x10", "1_0"]
    long_texts = {"100k x": "x" * 100_000, "25k é": "é" * 25_000}
    bad = {"bad bytes": _bad_bytes(rng), "surrogate id": "sub-0\udcff1"}
    # Text that is valid but hostile goes only where nothing is written.
    shown = {"escapes": "\x1b[2J\x1b]0;pwned\x07", "5000 x": "x" * 5000, **bad, **long_texts}
    refused = {**bad, **long_texts}
    cases: list[Case] = []

    def add(group: str, what: str, *argv: str, stdin: bytes | str = b"") -> None:
        cases.append(Case(f"{group} {what}", tuple(argv), stdin, group))

    for what, value in shown.items():
        add("search", what, "submission", "list", "--search", value, "--data-dir", "{data}")
        add("assessment", what, "submission", "list", "--assessment", value, "--data-dir", "{data}")
        add("status", what, "submission", "list", "--status", value, "--data-dir", "{data}")
        add("evaluation", what, "evaluation", "show", value, "--data-dir", "{data}")
        add("rubric show", what, "rubric", "show", value, "--data-dir", "{data}")
        add(
            "rubric diff", what, "rubric", "diff", value, "safe-isolation@1", "--data-dir", "{data}"
        )
        add(
            "score sheet id",
            what,
            *("report", "score-sheet", value, "--out", str(root / "s.pdf")),
            *("--data-dir", "{data}"),
        )
        add(
            "signoff report id",
            what,
            *("report", "signoff", value, "--out", str(root / "o.pdf")),
            *("--data-dir", "{data}"),
        )
        add(
            "session report id",
            what,
            *("report", "session", value, "--out", str(root / "e.pdf")),
            *("--data-dir", "{data}"),
        )
        add(
            "export results id",
            what,
            *("export", "results", value, "--out", str(root / "r.csv")),
            *("--data-dir", "{data}"),
        )
        add(
            "record export id",
            what,
            "record",
            "export",
            value,
            "--out",
            str(root / "r.json"),
            "--data-dir",
            "{data}",
        )
    for n in numbers:
        add("limit", n, "submission", "list", "--limit", n, "--data-dir", "{data}")
        add(
            "max-total",
            n,
            "package",
            "import",
            files["empty"],
            "--max-total",
            n,
            "--data-dir",
            "{data}",
        )
        add(
            "points",
            n,
            "score",
            "sub-002",
            "--level",
            f"identify-circuit=2:{n}",
            "--data-dir",
            "{data}",
        )
    for what, value in refused.items():
        add("level", what, "score", "sub-002", "--level", value, "--data-dir", "{data}")
        add(
            "comment",
            what,
            "score",
            "sub-002",
            "--comment",
            f"identify-circuit={value}",
            "--data-dir",
            "{data}",
        )
        add("overall", what, "score", "sub-002", "--overall", value, "--data-dir", "{data}")
        add(
            "profile name",
            what,
            "profile",
            "create",
            "--name",
            value,
            "--role",
            "assessor",
            "--passphrase-stdin",
            "--data-dir",
            "{data}",
            stdin=b"long enough passphrase\n",
        )
    for what, path in files.items():
        add("record verify", what, "record", "verify", path, "--data-dir", "{data}")
        add("roster", what, "record", "verify", "{data}/assessor.db", "--roster", path)
        add("rubric validate", what, "rubric", "validate", path)
        add("rubric import", what, "rubric", "import", path, "--data-dir", "{data}")
        add(
            "rubric diff file",
            what,
            "rubric",
            "diff",
            "safe-isolation@1",
            path,
            "--data-dir",
            "{data}",
        )
        add("package import", what, "package", "import", path, "--data-dir", "{data}")
        add("verify data-dir", what, "verify", "--data-dir", path)
        add("list data-dir", what, "submission", "list", "--data-dir", path)
        if what not in ("missing", "folder"):  # those would receive a whole demo
            add("demo data-dir", what, "demo", "--data-dir", path)
    outs = {k: files[k] for k in ("/dev/zero", "fifo", "folder", "long name", "bad bytes")}
    outs |= {
        "the database": "{data}/assessor.db",
        "the database by ..": "{data}/blobs/../assessor.db",
        "new file in the data folder": "{data}/blobs/new.json",
        "under a file": files["empty"] + "/out.json",
        "an existing file": files["empty"],
        "/proc": "/proc/out.json",
    }
    for what, path in outs.items():
        for force in ((), ("--force",)):
            label = f"{what}{' --force' if force else ''}"
            if what == "an existing file" and force:
                continue  # replacing the user's own file with --force is the point of it
            add(
                "record export to",
                label,
                "record",
                "export",
                record,
                "--out",
                path,
                *force,
                "--data-dir",
                "{data}",
            )
            add(
                "package export to",
                label,
                "package",
                "export",
                "sub-001",
                "--out",
                path,
                *force,
                "--data-dir",
                "{data}",
            )
            add(
                "score sheet to",
                label,
                *("report", "score-sheet", "sub-003", "--out", path, *force),
                *("--data-dir", "{data}"),
            )
    stdins: dict[str, bytes | str] = {
        "not utf-8": b"\xff\xfe passphrase\n",
        "/dev/zero": "/dev/zero",
        "2 MiB, no line end": b"p" * (2 << 20),
        "empty": b"",
        "bad bytes": rng.randbytes(64) + b"\xff\n",
    }
    for what, stdin in stdins.items():
        add(
            "finalize, passphrase",
            what,
            "score",
            "sub-002",
            "--level",
            "identify-circuit=2",
            "--finalize",
            "--profile",
            "Ada Assessor",
            "--data-dir",
            "{data}",
            stdin=stdin,
        )
        add(
            "profile create, passphrase",
            what,
            "profile",
            "create",
            "--name",
            "Zed",
            "--role",
            "assessor",
            "--passphrase-stdin",
            "--data-dir",
            "{data}",
            stdin=stdin,
        )
    if not FULL:
        groups: dict[str, list[Case]] = {}
        for case in cases:
            groups.setdefault(case.group, []).append(case)
        cases = [c for g in groups.values() for c in rng.sample(g, min(PER_GROUP, len(g)))]
    for n in range(RUNS):
        template = rng.choice(cases)
        argv = list(template.argv)
        slot = rng.randrange(len(argv))
        if not argv[slot].startswith("-") and "{data}" not in argv[slot]:
            argv[slot] = rng.choice([*refused.values(), *files.values(), *numbers])
        cases.append(Case(f"random {n}: {template.name}", tuple(argv), template.stdin, "random"))
    return cases


@dataclass
class Outcome:
    case: Case
    code: int
    stderr: str


def _run_case(case: Case, data: Path, zygote: CliZygote) -> Outcome:
    argv = [a.replace("{data}", str(data)) for a in case.argv]
    stdin_file = None
    source: bytes | BinaryIO
    if isinstance(case.stdin, str):
        source = stdin_file = open(case.stdin, "rb")  # noqa: SIM115 -- closed below
    else:
        source = case.stdin
    try:
        done = zygote.run(argv, source, timeout=90)
    except subprocess.TimeoutExpired:
        return Outcome(case, -1, "timed out (hung)")
    finally:
        if stdin_file:
            stdin_file.close()
    return Outcome(case, done.returncode, done.stderr.decode("utf-8", "backslashreplace"))


def _in_two_lanes(cases: list[Case], folders: list[Path], zygote: CliZygote) -> Iterator[Outcome]:
    """Two processes at a time, each lane on its own copy (one folder, one process)."""
    results: list[list[Outcome]] = [[], []]

    def lane(k: int) -> None:
        results[k] = [_run_case(c, folders[k], zygote) for c in cases[k::2]]

    threads = [threading.Thread(target=lane, args=(k,)) for k in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    yield from results[0]
    yield from results[1]


@pytest.mark.timeout(1800)
def test_hostile_command_lines_end_in_one_line_and_change_nothing(
    signed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not hasattr(os, "mkfifo") or not Path("/dev/zero").exists():
        pytest.skip("needs POSIX named pipes and /dev/zero")
    record = json.loads(run(capsys, "record", "list", "--data-dir", str(signed), "--json")[1])
    record = record[0]["id"]
    second = tmp_path / "second"
    second.mkdir()
    shutil.copytree(signed, second / "data")
    folders = [signed, second / "data"]
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "ASSESSOR_"))}
    env |= {"HOME": str(home), "XDG_STATE_HOME": str(home / "state"), "TMPDIR": str(tmp_path)}
    before = [folder_state(f) for f in folders]
    cases = _cases(tmp_path, record, random.Random(SEED))
    assert len(cases) > (200 if FULL else 80)

    zygote = CliZygote(env)
    try:
        outcomes = list(_in_two_lanes(cases, folders, zygote))
    finally:
        zygote.close()
    bad = []
    for o in outcomes:
        wrong = []
        if o.code not in (0, 1, 2) and not (o.code == 70 and o.case.name in KNOWN_BUGS):
            wrong.append(f"exit {o.code}")
        if "Traceback" in o.stderr or "Exception ignored" in o.stderr:
            wrong.append("a traceback")
        if len(o.stderr) > 4000:
            wrong.append(f"{len(o.stderr)} characters on standard error")
        if "\x1b" in o.stderr:
            wrong.append("a raw escape on standard error")
        if wrong:
            bad.append(f"{o.case.name}: {', '.join(wrong)}: {o.stderr[-300:]!r}")
    assert not bad, "\n".join(bad)
    assert [folder_state(f) for f in folders] == before
    assert not (Path(signed) / "blobs" / "new.json").exists()
