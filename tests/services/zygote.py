"""Kill loops that stay cheap: a zygote process loads the services once, then forks one saver
per round for the parent to SIGKILL at a random moment.

Importing the services costs a second or more per process on a loaded machine; paid once,
the default kill counts fit the suite's budget. What is killed is still a process in the
middle of writing the database, and its acknowledgements ("ACK ..." lines, each written after
the commit returned) are appended to a file that outlives it. A saver opens its database
connection before it says READY, as the window has it open before anyone types: opening it
(the change-capture triggers) costs as much as several saves, and kills meant to land among
saves would otherwise mostly land before the first.

The children (`durability_child`, `exam_durability_child`) call `serve` with one save; the
tests drive them through `Zygote`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from assessor.store.db import Database

ROOT = Path(__file__).resolve().parents[2]
# One save: (database, the child's own arguments, n) → what its acknowledgement adds after n.
Save = Callable[[Database, list[str], int], str]


def serve(save: Save) -> None:
    """The zygote's loop: one JSON line of arguments in → `PID n`, then `DONE` once reaped."""
    for line in sys.stdin:
        *args, ack_file = json.loads(line)
        acks = os.open(ack_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        pid = os.fork()
        if pid == 0:
            _run(save, args, acks)
        os.close(acks)
        print(f"PID {pid}", flush=True)
        os.waitpid(pid, 0)
        print("DONE", flush=True)


def _run(save: Save, args: list[str], acks: int) -> None:
    """The saver: `args` are the data folder, the child's own arguments, the number to start
    after. It saves forever, acknowledging each save once its commit returned."""
    try:
        data_dir, *own, start = args
        with Database.open(Path(data_dir)) as db:
            db.engine.raw_connection().close()  # the pooled connection, open as in the window
            os.write(acks, b"READY\n")
            n = int(start)
            while True:
                n += 1
                os.write(acks, f"ACK {n} {save(db, own, n)}".rstrip().encode() + b"\n")
    finally:
        os._exit(1)  # never back into the zygote's loop


class Zygote:
    def __init__(self, module: str, folder: Path) -> None:
        self.folder = folder
        self.rounds = 0
        self.process = subprocess.Popen(
            [sys.executable, "-m", module],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def __enter__(self) -> Zygote:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)

    def crash(self, args: list[str], moment: float) -> list[str]:
        """Start a saver with `args`, SIGKILL it `moment` seconds after it is ready; its
        acknowledgement lines."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.rounds += 1
        ack_file = self.folder / f"acks-{self.rounds}"
        self.process.stdin.write(json.dumps([*args, str(ack_file)]) + "\n")
        self.process.stdin.flush()
        pid_line = self.process.stdout.readline()
        assert pid_line.startswith("PID "), pid_line
        _wait_ready(ack_file)
        time.sleep(moment)
        os.kill(int(pid_line.split()[1]), signal.SIGKILL)
        assert self.process.stdout.readline() == "DONE\n"
        lines = ack_file.read_text().splitlines()
        assert lines[0] == "READY"
        return lines[1:]


def _wait_ready(ack_file: Path, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while not (ack_file.exists() and ack_file.read_text().startswith("READY\n")):
        assert time.monotonic() < deadline, f"no saver became ready within {limit} s"
        time.sleep(0.002)
