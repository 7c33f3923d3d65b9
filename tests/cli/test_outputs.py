"""Every file a command writes goes through `store.files.write_output`: never into a data
folder or over one of its files (by any spelling: `..`, links, hard links, bind mounts),
never over an existing file without --force, complete or not at all (issue 11, item 1)."""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from assessor.cli import _parser
from assessor.demo import DEMO_PASSPHRASE
from assessor.store import db as store_db
from assessor.store import lock as store_lock
from assessor.store.files import DATA_FOLDER_MARKS, OutputRefused, write_output
from tests.cli.conftest import folder_state, run

SRC = Path(__file__).resolve().parents[2] / "src" / "assessor"


def record_id(data: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code, out, _ = run(capsys, "record", "list", "--data-dir", str(data), "--json")
    assert code == 0
    return str(json.loads(out)[0]["id"])


def assessment(data: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code, out, _ = run(capsys, "evaluation", "show", "sub-003", "--data-dir", str(data), "--json")
    assert code == 0
    code, out, _ = run(capsys, "submission", "list", "--data-dir", str(data), "--json")
    return str(next(r["assessment"] for r in json.loads(out) if r["id"] == "sub-003"))


def decided(data: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """sub-003, approved by the demo's manager (once)."""
    code, out, _ = run(capsys, "signoff", "list", "--data-dir", str(data), "--json")
    if any(row["submission"] == "sub-003" for row in json.loads(out)):
        stdin, sys.stdin = sys.stdin, io.StringIO(DEMO_PASSPHRASE + "\n")
        try:
            code, _, err = run(
                capsys, "signoff", "decide", "sub-003", "--approve",
                "--profile", "Malik Manager", "--data-dir", str(data),
            )  # fmt: skip
        finally:
            sys.stdin = stdin
        assert code == 0, err
    return "sub-003"


def session_id(data: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code, out, _ = run(capsys, "session", "list", "--data-dir", str(data), "--json")
    assert code == 0
    return str(json.loads(out)[0]["id"])


# How to run each command that writes a file, given the data folder and where to write.
Writer = Callable[[Path, pytest.CaptureFixture[str], str], list[str]]
WRITERS: dict[tuple[str, ...], Writer] = {
    ("record", "export"): lambda d, c, out: ["record", "export", record_id(d, c), "--out", out],
    ("package", "export"): lambda d, c, out: ["package", "export", "sub-003", "--out", out],
    ("report", "score-sheet"): lambda d, c, out: ["report", "score-sheet", "sub-003", "--out", out],
    ("report", "signoff"): lambda d, c, out: ["report", "signoff", decided(d, c), "--out", out],
    ("report", "session"): lambda d, c, out: ["report", "session", session_id(d, c), "--out", out],
    ("export", "results"): lambda d, c, out: ["export", "results", assessment(d, c), "--out", out],
}


def _leaf_commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> dict[tuple[str, ...], argparse.ArgumentParser]:
    found = {path: parser}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found |= _leaf_commands(sub, (*path, name))
    return found


def test_every_command_that_writes_a_file_has_force_and_is_tested_here() -> None:
    writers = {}
    for path, parser in _leaf_commands(_parser()).items():
        options = {o for a in parser._actions for o in a.option_strings}
        if "--out" in options:
            writers[path] = options
    assert set(writers) == set(WRITERS), "a new command writes a file: add it to WRITERS"
    assert all("--force" in options for options in writers.values())


def test_only_the_programs_own_settings_use_the_unguarded_atomic_output() -> None:
    """Outputs for the user go through write_output; atomic_output replaces without asking
    and is for the program's own files."""
    users = sorted(
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if "atomic_output(" in p.read_text(encoding="utf-8")
    )
    assert users == ["settings.py", "store/files.py"]


def test_the_data_folder_marks_are_the_stores_file_names() -> None:
    assert set(DATA_FOLDER_MARKS) == {store_db.DB_NAME, store_lock.LOCK_NAME}


def _spellings(data: Path, elsewhere: Path) -> dict[str, str]:
    """Ways to name the database (or a new file in the data folder) from outside."""
    (elsewhere / "db-link").symlink_to(data / "assessor.db")
    (elsewhere / "folder-link").symlink_to(data)
    os.link(data / "assessor.db", elsewhere / "db-hard-link")
    return {
        "the database": str(data / "assessor.db"),
        "the database by ..": str(data / "blobs" / ".." / "assessor.db"),
        "its write-ahead log": str(data / "assessor.db-wal"),
        "a new file in its evidence": str(data / "blobs" / "export.json"),
        "a link to the database": str(elsewhere / "db-link"),
        "the database through a linked folder": str(elsewhere / "folder-link" / "assessor.db"),
        "a hard link to the database": str(elsewhere / "db-hard-link"),
    }


@pytest.mark.parametrize("force", [False, True], ids=["", "force"])
@pytest.mark.parametrize("command", list(WRITERS), ids=" ".join)
def test_no_output_lands_in_the_data_folder(
    signed: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: tuple[str, ...],
    force: bool,
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    spellings = _spellings(signed, elsewhere)
    WRITERS[command](signed, capsys, "")  # what it reports is made first (a sign-off)
    before = folder_state(signed)
    for what, target in spellings.items():
        argv = [*WRITERS[command](signed, capsys, target), "--data-dir", str(signed)]
        code, out, err = run(capsys, *argv, *(["--force"] if force else []))
        assert code == 2, f"{what}: {err}"
        assert out == "" and err.count("\n") == 1 and "assessor: error: " in err, what
        assert folder_state(signed) == before, f"{what}: the data folder changed"
    assert not (signed / "blobs" / "export.json").exists()
    code, out, _ = run(capsys, "verify", "--data-dir", str(signed))
    assert code == 0 and out.startswith("OK")


def test_an_output_into_any_other_data_folder_is_refused(
    signed: Path, demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (demo / "assessor.lock").touch()  # as every data folder ever opened has one
    before = folder_state(demo)
    argv = WRITERS[("record", "export")](signed, capsys, str(demo / "assessor.db"))
    code, _, err = run(capsys, *argv, "--force", "--data-dir", str(signed))
    assert code == 2 and f"lies inside the data folder {demo}" in err
    assert folder_state(demo) == before


def test_a_bind_mount_of_the_data_folder_is_seen_through(
    signed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another path to the same folder (a bind mount), compared by device and inode."""
    mount = tmp_path / "mount"
    mount.mkdir()
    argv = WRITERS[("record", "export")](signed, capsys, str(mount / "assessor.db"))
    before = folder_state(signed)
    script = (
        f'mount --bind "{signed}" "{mount}" || exit 99; '
        f'exec "{sys.executable}" -m assessor "$@" --force --data-dir "{signed}"'
    )
    try:
        done = subprocess.run(
            ["unshare", "-rm", "sh", "-c", script, "sh", *argv],
            capture_output=True,
            text=True,
            timeout=120,
        )
    except FileNotFoundError:
        pytest.skip("needs unshare (util-linux) to make a bind mount")
    if done.returncode == 99 or "unshare:" in done.stderr:
        pytest.skip(f"no user namespace for a bind mount here: {done.stderr.strip()}")
    assert done.returncode == 2, done.stderr
    assert "lies inside the data folder" in done.stderr and "Traceback" not in done.stderr
    assert folder_state(signed) == before


def test_an_existing_file_is_replaced_only_with_force(
    signed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for command, make in WRITERS.items():
        target = tmp_path / f"{'-'.join(command)}.out"
        target.write_bytes(b"precious")
        argv = [*make(signed, capsys, str(target)), "--data-dir", str(signed)]
        code, _, err = run(capsys, *argv)
        assert code == 2 and "already exists; add --force to replace it" in err
        assert target.read_bytes() == b"precious"
        code, _, err = run(capsys, *argv, "--force")
        assert code == 0, err
        assert target.read_bytes() != b"precious" and target.stat().st_size > 100
    assert not list(tmp_path.glob(".assessor-*"))


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("a folder", "is a folder; give a file name"),
        ("under a file", "is not a folder"),
        ("in a missing folder", "no such folder"),
        ("in /proc", "cannot write there"),
        ("a device", "is not a regular file"),
    ],
)
def test_out_naming_a_folder_or_an_unwritable_place_is_one_line(
    signed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str, message: str
) -> None:
    (tmp_path / "a-file").write_text("x")
    target = {
        "a folder": str(tmp_path),
        "under a file": str(tmp_path / "a-file" / "out.json"),
        "in a missing folder": str(tmp_path / "missing" / "out.json"),
        "in /proc": "/proc/assessor-out.json",  # refused even to root
        "a device": "/dev/null",
    }[where]
    if where in ("in /proc", "a device") and not Path(target).parent.is_dir():
        pytest.skip("needs Linux /proc and /dev")
    for make in WRITERS.values():
        argv = make(signed, capsys, target)
        code, out, err = run(capsys, *argv, "--force", "--data-dir", str(signed))
        assert code == 2 and out == ""
        assert err.count("\n") == 1 and message in err, err
    assert Path("/dev/null").is_char_device()


def test_a_failed_export_leaves_no_file_and_no_temp_file(
    signed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A corrupt evidence file stops a package export half-way: no package, no temp."""
    blob = max((signed / "blobs" / "sha256").rglob("*"), key=lambda p: p.stat().st_size)
    subs = [
        r["id"]
        for r in json.loads(
            run(capsys, "submission", "list", "--data-dir", str(signed), "--json")[1]
        )
    ]
    blob.write_bytes(b"tampered" + blob.read_bytes()[8:])
    target = tmp_path / "out" / "all.zip"
    target.parent.mkdir()
    code, _, err = run(
        capsys, "package", "export", *subs, "--out", str(target), "--data-dir", str(signed)
    )
    assert code == 2 and "corrupt" in err
    assert list(target.parent.iterdir()) == []


def test_a_name_that_appears_meanwhile_is_not_replaced(tmp_path: Path) -> None:
    """Without force the finished file gets its name by a link that cannot replace."""
    data = tmp_path / "data"
    data.mkdir()
    target = tmp_path / "out.json"
    with (
        pytest.raises(OutputRefused, match="already exists"),
        write_output(target, data_dir=data) as f,
    ):
        f.write(b"ours")
        target.write_bytes(b"theirs, written meanwhile")
    assert target.read_bytes() == b"theirs, written meanwhile"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out.json"]


def test_a_full_disk_while_writing_an_output_says_so(signed: Path, tmp_path: Path) -> None:
    """A real full disk: a 64 KiB tmpfs in a private mount namespace."""
    small = tmp_path / "small"
    small.mkdir()
    script = (
        f'mount -t tmpfs -o size=64k tmpfs "{small}" || exit 99; '
        f'"{sys.executable}" -m assessor package export sub-003 sub-001 sub-002 '
        f'--out "{small}/work.zip" --data-dir "{signed}"; code=$?; ls -A "{small}"; exit $code'
    )
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare (util-linux) to mount a small file system")
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, timeout=120
    )
    if done.returncode == 99 or "unshare:" in done.stderr:
        pytest.skip(f"no user namespace to mount a small file system: {done.stderr.strip()}")
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "the disk is full" in done.stderr
    assert done.stdout == ""  # `ls -A`: neither the package nor a temp file was left


@pytest.mark.parametrize("by_descriptor", [True, False], ids=["folder held open", "by path"])
def test_write_output_both_ways_refuses_and_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, by_descriptor: bool
) -> None:
    """Where the system cannot hold a folder open (Windows), the same checks by path."""
    from assessor.store import files

    if by_descriptor and not files._DIR_FDS:
        pytest.skip("this system cannot act relative to an open folder")
    monkeypatch.setattr(files, "_DIR_FDS", by_descriptor)
    data = tmp_path / "data"
    data.mkdir()
    (data / "assessor.db").write_bytes(b"the database")
    (tmp_path / "link").symlink_to(data)
    os.link(data / "assessor.db", tmp_path / "hard")
    for target in ("link/assessor.db", "link/new.json", "hard", "data/../data/new.json"):
        with (
            pytest.raises(OutputRefused, match="data folder"),
            write_output(tmp_path / target, data_dir=data, force=True) as f,
        ):
            f.write(b"x")
    assert (data / "assessor.db").read_bytes() == b"the database"
    assert sorted(p.name for p in data.iterdir()) == ["assessor.db"]
    out = tmp_path / "out" / "x.json"
    out.parent.mkdir()
    with write_output(out, data_dir=data) as f:
        f.write(b"written")
    assert out.read_bytes() == b"written" and out.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in out.parent.iterdir()] == ["x.json"]
    with write_output(out, data_dir=data, force=True) as f:
        f.write(b"again")
    assert out.read_bytes() == b"again"
    assert [p.name for p in out.parent.iterdir()] == ["x.json"]
