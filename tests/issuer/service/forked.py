"""Issuer servers forked by tests/issuer/service/serve_zygote.py, which has loaded what
`issuer serve` runs: a restart costs a fraction of a second instead of the imports."""

from __future__ import annotations

import atexit
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


class Forked:
    """A server the zygote forked: what the tests use of a Popen (its exit is the zygote's
    to reap; the zygote reports it)."""

    def __init__(self, zygote: _Zygote, pid: int) -> None:
        self.zygote, self.pid = zygote, pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        with self.zygote.changed:
            self.returncode = self.zygote.exits.get(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        with self.zygote.changed:
            if not self.zygote.changed.wait_for(lambda: self.pid in self.zygote.exits, timeout):
                raise subprocess.TimeoutExpired(f"server {self.pid}", timeout or 0)
            self.returncode = self.zygote.exits[self.pid]
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class _Zygote:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.issuer.service.serve_zygote"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.changed = threading.Condition()
        self.exits: dict[int, int] = {}
        self.started: list[int] = []
        self.order = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()
        atexit.register(self.close)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            kind, pid, *status = line.split()
            with self.changed:
                if kind == "EXIT":
                    self.exits[int(pid)] = int(status[0])
                else:
                    self.started.append(int(pid))
                self.changed.notify_all()

    def fork(self, args: list[str], env: dict[str, str], cwd: Path, log: Path) -> Forked:
        assert self.process.stdin is not None
        order = {"args": args, "env": env, "cwd": str(cwd), "log": str(log)}
        with self.order, self.changed:
            before = len(self.started)
            self.process.stdin.write(json.dumps(order) + "\n")
            self.process.stdin.flush()
            if not self.changed.wait_for(lambda: len(self.started) > before, 60):
                raise RuntimeError("the server zygote did not fork")
            return Forked(self, self.started[before])

    def close(self) -> None:
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()
        self.process.wait(timeout=60)


_zygote: _Zygote | None = None


def fork_server(args: list[str], env: dict[str, str], cwd: Path, log: Path) -> Forked:
    global _zygote
    if _zygote is None or _zygote.process.poll() is not None:
        _zygote = _Zygote()
    return _zygote.fork(args, env, cwd, log)
