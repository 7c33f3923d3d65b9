"""What a command does with the data folder it is given, before any work:

- a read-only command never creates or migrates; an empty or truncated database is an
  error that says so (before: a 0-byte assessor.db "verified" as "OK: 0 audit events",
  rebuilt by the read);
- the folder is created 0700 and every file in it 0600 (before: assessor.db was 0644);
- a --data-dir that is a file, lies under one, or has a name too long for the file system
  is exit 2 with a message (before: a traceback).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from assessor.store.db import Database
from tests.cli.conftest import run
from tests.store.make_fixture import load_fixture

FIXTURE_0003 = Path(__file__).parents[1] / "store" / "fixtures" / "schema-0003.sql"
READERS = [
    ("verify",),
    ("submission", "list"),
    ("record", "list"),
    ("profile", "list"),
    ("evaluation", "show", "sub-001"),
]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "assessor.lock" and "logs" not in p.parts
    }


@pytest.mark.parametrize("argv", READERS, ids=lambda a: " ".join(a))
def test_an_empty_database_is_an_error_and_stays_as_it_was(
    argv: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "assessor.db").touch()
    code, out, err = run(capsys, *argv, "--data-dir", str(data))
    assert code == 2, out
    assert "assessor.db is not an Assessor database (it is empty, 0 bytes" in err
    assert (data / "assessor.db").stat().st_size == 0
    assert sorted(p.name for p in data.iterdir() if p.name != "logs") == [
        "assessor.db",
        "assessor.lock",
    ]


def test_a_command_that_writes_does_not_rebuild_an_empty_database_either(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "assessor.db").touch()
    code, _, err = run(capsys, "score", "sub-001", "--level", "a=b", "--data-dir", str(data))
    assert code == 2 and "it is empty, 0 bytes" in err
    assert (data / "assessor.db").stat().st_size == 0


def test_a_truncated_database_is_an_error_that_says_so(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = demo / "assessor.db"
    size = path.stat().st_size
    with path.open("r+b") as f:
        f.truncate(size // 2)
    for argv in READERS[:2]:
        code, _, err = run(capsys, *argv, "--data-dir", str(demo))
        assert code == 2
        assert f"it is truncated: {size // 2} bytes where its header says {size}" in err
    with path.open("r+b") as f:
        f.truncate(60)
    code, _, err = run(capsys, "verify", "--data-dir", str(demo))
    assert code == 2 and "it is truncated: 60 bytes, less than a database header" in err


def test_a_command_that_only_reads_never_migrates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    load_fixture(FIXTURE_0003, data / "assessor.db")
    before = snapshot(data)
    for argv in READERS:
        code, _, err = run(capsys, *argv, "--data-dir", str(data))
        assert code == 2, argv
        assert "was written by an older Assessor (schema 0003" in err
        assert "never upgrades it" in err
    assert snapshot(data) == before
    assert not (data / "backups").exists()
    # A command that writes upgrades it, after a backup.
    with Database.open(data):
        pass
    assert len(list((data / "backups").iterdir())) == 1


def test_a_missing_folder_is_not_created_by_a_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "nowhere" / "data"
    code, _, err = run(capsys, "verify", "--data-dir", str(data))
    assert code == 2 and "no Assessor database" in err
    assert not (tmp_path / "nowhere").exists()


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """What many systems have: files 0644 unless the program says otherwise."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def modes(folder: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(folder.stat().st_mode)}
    for p in folder.rglob("*"):
        found[str(p.relative_to(folder))] = stat.S_IMODE(p.lstat().st_mode)
    return found


@pytest.mark.usefixtures("permissive_umask")
def test_the_data_folder_is_private(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    assert run(capsys, "demo", "--data-dir", str(data))[0] == 0
    assert run(capsys, "verify", "--data-dir", str(data))[0] == 0  # writes a log
    # A migration makes a backup; the window writes settings; a log is written.
    load_fixture(FIXTURE_0003, tmp_path / "old.db")
    other = tmp_path / "old"
    other.mkdir(mode=0o755)
    (tmp_path / "old.db").rename(other / "assessor.db")
    (other / "assessor.db").chmod(0o644)  # as an older release left it
    with Database.open(data) as db:
        from assessor import settings

        settings.save(data / settings.FILE_NAME, settings.Settings())
        con = db.engine.raw_connection()  # keep the WAL and SHM files present
        try:
            found = modes(data)
        finally:
            con.close()
    with Database.open(other):
        found_old = modes(other)
    assert {"assessor.db-wal", "assessor.db-shm", "logs/assessor.log", "settings.json"} <= set(
        found
    )
    loose = {name: oct(mode) for name, mode in found.items() if mode & 0o077}
    assert not loose, loose
    dirs = [n for n in found if (data / n).is_dir()]
    assert all(found[n] == 0o700 for n in dirs), {n: oct(found[n]) for n in dirs}
    files = [n for n in found if (data / n).is_file()]
    assert all(found[n] == 0o600 for n in files), {n: oct(found[n]) for n in files}
    # An older release's world-readable database is made private; so is the backup of it.
    assert found_old["assessor.db"] == 0o600
    (backup,) = (n for n in found_old if n.startswith("backups/"))
    assert found_old[backup] == 0o600 and found_old["backups"] == 0o700


def write_and_read(data: str, capsys: pytest.CaptureFixture[str]) -> list[tuple[int, str]]:
    answers = []
    for argv in (("verify",), ("score", "sub-001", "--level", "a=b")):
        code, _, err = run(capsys, *argv, "--data-dir", data)
        answers.append((code, err))
    return answers


def test_a_data_dir_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    afile = tmp_path / "a-file"
    afile.write_text("not a folder\n")
    for code, err in write_and_read(str(afile), capsys):
        assert code == 2 and f"--data-dir {afile}: this is a file, not a folder" in err
    for code, err in write_and_read(str(afile / "data"), capsys):
        assert code == 2 and f"it would lie under {afile}, which is a file" in err
    assert afile.read_text() == "not a folder\n"


def test_a_name_too_long_for_the_file_system(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long = "x" * 300
    for code, err in write_and_read(str(tmp_path / long / "data"), capsys):
        assert code == 2
        assert "is 300 bytes long; the file system allows at most 255" in err
        assert "Traceback" not in err
