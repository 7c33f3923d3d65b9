"""Issuer servers that start in a fraction of a second: this process imports what `issuer
serve` runs once, then forks one server per request (tests/issuer/service/harness.py).

Importing costs seconds on a loaded machine, and tests that kill the server and restart it
(the fault matrix, the sync state machine) would pay it at every restart. What runs is still
a process of its own: `issuer serve` reads its settings, migrates, unlocks the key and serves
after the fork, and SIGKILL ends it as it ends any process.

Protocol, one line each way: a JSON order (`args`, `env`, `cwd`, `log`) in → `PID n` out;
whenever a server ends, `EXIT n STATUS` (its exit code, or minus the signal) out.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import traceback
from typing import Any

import alembic.command  # noqa: F401 -- loaded here, not after each fork
import fastapi  # noqa: F401
import uvicorn  # noqa: F401

import issuer.api.app  # noqa: F401
from issuer.cli import main as issuer_main


def _say(line: str) -> None:
    os.write(1, line.encode() + b"\n")  # unbuffered: the reaper may write between two lines


def _reap(_signum: int, _frame: object) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        _say(f"EXIT {pid} {os.waitstatus_to_exitcode(status)}")


def _serve(order: dict[str, Any]) -> None:
    """The child: `issuer serve` as the command line would run it; never returns."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.setsid()  # its own process group, as a process the test started itself
        log = os.open(order["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.chdir(order["cwd"])
        os.environ.clear()
        os.environ.update(order["env"])
        code = issuer_main(order["args"])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def main() -> None:
    signal.signal(signal.SIGCHLD, _reap)
    for line in sys.stdin:
        order = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _serve(order)
        _say(f"PID {pid}")


if __name__ == "__main__":
    main()
