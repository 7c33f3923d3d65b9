"""One boundary (issue 11, item 8): bad input is exit 2 and one line naming it; a bug is
exit 70 and one line naming the log that holds the traceback (never the terminal); Ctrl+C
is exit 130 and nothing else."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assessor.cli.crash import CRASH_LOG
from assessor.demo import DEMO_PASSPHRASE
from tests.cli.conftest import folder_state, run


def one_line(err: str) -> str:
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    return err


def quiet_env(tmp_path: Path) -> dict[str, str]:
    """A process that writes no file outside tmp_path (its logs, should there be any)."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "ASSESSOR_"))}
    return env | {"HOME": str(home), "XDG_STATE_HOME": str(home / "state")}


def run_stdin(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stdin: bytes,
    *argv: str,
) -> tuple[int, str, str]:
    """`main` with standard input as a process gets it: bytes, maybe not UTF-8."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    return run(capsys, *argv)


# Bad input: exit 2, one line ------------------------------------------------------------


def test_a_limit_beyond_any_count_is_refused(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["submission", "list", "--limit", "99999999999999999999999", "--data-dir", str(demo)]
    with pytest.raises(SystemExit) as exit_:
        run(capsys, *argv)
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "Traceback" not in err
    assert "--limit: '99999999999999999999999' is not a whole number from 1 to 100000" in err


def test_a_huge_search_is_refused_without_printing_sql(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for size in (100_000, 10_000):
        argv = ["submission", "list", "--search", "x" * size, "--data-dir", str(demo)]
        try:
            code, out, err = run(capsys, *argv)
        except SystemExit as exit_:  # argparse: usage and the complaint
            code, (out, err) = int(str(exit_.code)), capsys.readouterr()
        assert code == 2 and out == "" and "Traceback" not in err
        assert len(err) < 1000 and "SELECT" not in err and "LIKE" not in err
        assert "longer than" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["submission", "list", "--search", "Pri\udcffya"],
        ["profile", "create", "--name", "\udcc3\udca9", "--role", "assessor"],
        ["rubric", "show", "safe-isolation\ud800"],
    ],
    ids=["search", "profile name", "rubric ref"],
)
def test_invalid_utf8_in_an_argument_is_refused(
    demo: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    """Bytes that are not UTF-8 reach Python as lone surrogates (surrogateescape)."""
    before = folder_state(demo)
    code, out, err = run(capsys, *argv, "--data-dir", str(demo))
    assert code == 2 and out == ""
    assert "is not valid UTF-8 at character" in one_line(err)
    assert "\\ud" in err  # the character shown escaped, not sent to the terminal
    assert folder_state(demo) == before


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (b"\xff\xfepassphrase\n", "not valid UTF-8 (byte 1)"),
        (b"demo pass\xedphrase\n", "not valid UTF-8 (byte 10)"),
        (b"x" * 100_000, "longer than 1024 bytes"),
    ],
    ids=["bad bytes", "surrogate-ish", "endless"],
)
def test_a_passphrase_that_is_not_utf8_or_endless_is_refused(
    demo: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stdin: bytes,
    message: str,
) -> None:
    before = folder_state(demo)
    argv = ["score", "sub-001", "--finalize", "--profile", "Ada Assessor"]
    code, _, err = run_stdin(capsys, monkeypatch, stdin, *argv, "--data-dir", str(demo))
    assert code == 2 and message in one_line(err)
    argv = ["profile", "create", "--name", "Zed", "--role", "assessor", "--passphrase-stdin"]
    code, _, err = run_stdin(capsys, monkeypatch, stdin, *argv, "--data-dir", str(demo))
    assert code == 2 and message in one_line(err)
    assert folder_state(demo) == before


@pytest.mark.timeout(120)
def test_points_beyond_the_bound_are_one_line_and_quick(
    demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """sub-002 is scored on safe-isolation, whose criteria include identify-circuit."""
    before = folder_state(demo)
    for points in ("3e999999999", "1e-999999999", "2." + "0" * 70 + "1"):
        argv = ["score", "sub-002", "--level", f"identify-circuit=2:{points}"]
        started = time.monotonic()
        code, _, err = run(capsys, *argv, "--data-dir", str(demo))
        assert code == 2 and "--level 'identify-circuit=2:" in one_line(err), err
        assert ": points " in err
        assert time.monotonic() - started < 10
    assert folder_state(demo) == before


def _nested(tmp_path: Path) -> Path:
    path = tmp_path / "nested.json"
    path.write_text("[" * 200_000 + "]" * 200_000)
    return path


def test_a_deeply_nested_roster_or_record_is_one_line(
    signed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nested = _nested(tmp_path)
    record = tmp_path / "record.json"
    rid = json.loads(run(capsys, "record", "list", "--data-dir", str(signed), "--json")[1])[0]
    argv = ["record", "export", rid["id"], "--out", str(record), "--data-dir", str(signed)]
    assert run(capsys, *argv)[0] == 0
    code, _, err = run(capsys, "record", "verify", str(record), "--roster", str(nested))
    assert code == 2 and f"{nested}: /: nested too deeply" in one_line(err)
    code, _, err = run(capsys, "record", "verify", str(nested), "--data-dir", str(signed))
    assert code == 2 and "nested too deeply" in one_line(err)


def test_files_that_are_not_utf8_are_one_line(
    tmp_path: Path, signed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'[{"did": "did:key:z6Mk\xff", "roles": ["assessor"]}]')
    code, _, err = run(capsys, "record", "verify", str(bad), "--roster", str(bad))
    assert code == 2 and str(bad) in one_line(err)
    code, _, err = run(capsys, "record", "verify", str(bad), "--data-dir", str(signed))
    assert code == 2 and str(bad) in one_line(err)


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("named pipes are POSIX")
    path = tmp_path / "pipe.json"
    os.mkfifo(path)
    return path


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "argv",
    [
        ["record", "verify", "{input}"],
        ["record", "verify", "{signed}/assessor.db", "--roster", "{input}"],
        ["rubric", "validate", "{input}"],
        ["rubric", "import", "{input}", "--data-dir", "{signed}"],
        ["package", "import", "{input}", "--data-dir", "{signed}"],
    ],
    ids=lambda a: " ".join(a[:2]) + (" --roster" if "--roster" in a else ""),
)
@pytest.mark.parametrize("source", ["/dev/zero", "fifo", "folder"])
def test_inputs_are_read_only_from_regular_files(
    signed: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fifo: Path,
    argv: list[str],
    source: str,
) -> None:
    """/dev/zero would be read until memory runs out, a named pipe waited on forever."""
    given = {"/dev/zero": "/dev/zero", "fifo": str(fifo), "folder": str(tmp_path)}[source]
    before = folder_state(signed)
    argv = [a.format(input=given, signed=signed) for a in argv]
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and given in one_line(err), err
    assert folder_state(signed) == before


# Bugs: exit 70, the traceback in the log ------------------------------------------------

# A bug planted in a service, as a real one would be: an exception nobody expected.
_PLANT = (
    "import sys; import {module} as m; "
    "setattr(m, {name!r}, lambda *a, **k: {{}}['planted bug'][0]); "
    "from assessor.app import main; sys.exit(main(sys.argv[1:]))"
)


def _with_bug(
    module: str, name: str, argv: list[str], env: dict[str, str], stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    code = _PLANT.format(module=module, name=name)
    return subprocess.run(
        [sys.executable, "-c", code, *argv],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_a_bug_is_exit_70_with_the_log_path_and_no_traceback(demo: Path, tmp_path: Path) -> None:
    env = quiet_env(tmp_path)
    argv = ["submission", "list", "--data-dir", str(demo)]
    done = _with_bug("assessor.services.submissions", "list_submissions", argv, env)
    assert done.returncode == 70 and done.stdout == ""
    err = one_line(done.stderr)
    log = demo / "logs" / "assessor.log"
    assert err.startswith("assessor: internal error (KeyError); this is a bug.")
    assert str(log) in err
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "KeyError: 'planted bug'" in text
    assert "command: assessor submission list --data-dir" in text


def test_a_bug_before_the_data_folder_opens_is_logged_in_the_user_log_folder(
    demo: Path, tmp_path: Path
) -> None:
    env = quiet_env(tmp_path)
    argv = ["rubric", "list", "--data-dir", str(demo)]
    done = _with_bug("assessor.services.data_folder", "open_data", argv, env)
    assert done.returncode == 70
    log = Path(env["XDG_STATE_HOME"]) / "Assessor" / "log" / CRASH_LOG
    assert str(log) in one_line(done.stderr)
    assert "KeyError: 'planted bug'" in log.read_text(encoding="utf-8")
    assert log.stat().st_mode & 0o077 == 0  # the user's own
    assert not (demo / "logs").exists()


def test_a_database_error_is_a_bug_and_never_prints_sql(
    demo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real SQLAlchemy error (its text holds the SQL) from a query the code got wrong."""
    from sqlalchemy import text

    from assessor.services import submissions

    def broken(db: object, *_: object, **__: object) -> object:
        with db.read() as tx:  # type: ignore[attr-defined]
            return tx.execute(text("SELECT secret_column FROM submissions WHERE x LIKE 'y'"))

    monkeypatch.setattr(submissions, "list_submissions", broken)
    code, out, err = run(capsys, "submission", "list", "--data-dir", str(demo))
    assert code == 70 and out == ""
    assert "internal error (OperationalError)" in one_line(err)
    assert "SELECT" not in err and "secret_column" not in err
    log = Path(err.split("The details are in ")[1].split(" — ")[0])
    assert "secret_column" in log.read_text(encoding="utf-8")


def test_ctrl_c_exits_130_quietly(demo: Path, tmp_path: Path) -> None:
    """Interrupted while it waits for the passphrase: no traceback, no words, exit 130."""
    wchan_probe = Path(f"/proc/{os.getpid()}/wchan")
    if not wchan_probe.exists():
        pytest.skip("needs Linux /proc to see that the process waits on its input")
    argv = [sys.executable, "-m", "assessor", "score", "sub-001", "--level", "identify-circuit=2"]
    argv += ["--finalize", "--profile", "Ada Assessor", "--data-dir", str(demo)]
    before = folder_state(demo)
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=quiet_env(tmp_path),
    )
    try:
        wchan = Path(f"/proc/{proc.pid}/wchan")
        deadline = time.monotonic() + 60
        while "pipe_read" not in wchan.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert "pipe_read" in wchan.read_text(), "never waited for the passphrase"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert out == b"" and err == b""
    assert folder_state(demo) == before


def test_an_interrupt_inside_a_command_is_130_and_silent(
    demo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from assessor.services import submissions

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(submissions, "list_submissions", interrupted)
    assert run(capsys, "submission", "list", "--data-dir", str(demo)) == (130, "", "")


def test_every_error_line_is_escaped_for_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file name is repeated in the message; its control characters are not obeyed."""
    name = tmp_path / "evil\x1b[2J\nname.json"
    name.write_text("{")
    code, _, err = run(capsys, "record", "verify", str(name), "--roster", str(name))
    assert code == 2 and "\x1b" not in one_line(err) and "evil\\x1b[2J\\nname.json" in err


def test_the_passphrase_never_reaches_a_crash_log(demo: Path, tmp_path: Path) -> None:
    """Even when the exception's own message carries it."""
    env = quiet_env(tmp_path)
    code = (
        "import sys; import assessor.services.profiles as p; "
        "p.unlock = lambda db, pid, pw: (_ for _ in ()).throw(RuntimeError('no: ' + pw)); "
        "from assessor.app import main; sys.exit(main(sys.argv[1:]))"
    )
    argv = ["score", "sub-001", "--finalize", "--profile", "Ada Assessor", "--data-dir"]
    done = subprocess.run(
        [sys.executable, "-c", code, *argv, str(demo)],
        input=DEMO_PASSPHRASE + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 70
    text = (demo / "logs" / "assessor.log").read_text(encoding="utf-8")
    assert "RuntimeError: no: [passphrase]" in text
    assert DEMO_PASSPHRASE not in text + done.stderr + done.stdout


def test_a_bug_in_the_first_paint_is_exit_70_from_the_boundary(demo: Path, tmp_path: Path) -> None:
    """The first paint runs before the command line is imported; what it raises is said
    by the boundary all the same (and the window does not open)."""
    env = quiet_env(tmp_path) | {"QT_QPA_PLATFORM": "offscreen"}
    done = _with_bug("assessor.app.first_paint", "paint", ["--data-dir", str(demo)], env)
    assert done.returncode == 70 and done.stdout == ""
    err = one_line(done.stderr)
    assert err.startswith("assessor: internal error (KeyError); this is a bug.")
    log = Path(env["XDG_STATE_HOME"]) / "Assessor" / "log" / CRASH_LOG  # no folder opened
    assert str(log) in err
    assert "KeyError: 'planted bug'" in log.read_text(encoding="utf-8")
    assert not (demo / "logs").exists()
