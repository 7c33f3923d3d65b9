"""`python -m assessor` processes forked by tests/cli/cli_zygote.py, which has imported the
command line: a command costs a fork instead of a second of imports. `run` answers as
`subprocess.run(..., capture_output=True)` would: the exit status and the bytes written."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import BinaryIO

ROOT = Path(__file__).resolve().parents[2]


class Done:
    def __init__(self, returncode: int, stdout: bytes, stderr: bytes) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def _drain(fd: int, into: list[bytes]) -> None:
    with open(fd, "rb", buffering=0) as pipe:
        while chunk := pipe.read(1 << 16):
            into.append(chunk)


def _feed(fd: int, data: bytes) -> None:
    view = memoryview(data)
    try:
        while view:
            view = view[os.write(fd, view) :]
    except BrokenPipeError:  # the command did not read it all, as subprocess allows
        pass
    finally:
        os.close(fd)


class CliZygote:
    """One zygote, started with the environment every command it forks will have."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.folder = tempfile.TemporaryDirectory(prefix="cli-zygote-")
        self.address = os.path.join(self.folder.name, "socket")
        self.log = open(os.path.join(self.folder.name, "log"), "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.cli.cli_zygote", self.address],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self.log,
        )
        assert self.process.stdout is not None
        if self.process.stdout.readline() != b"READY\n":
            said = Path(self.log.name).read_text(errors="replace")
            self.close()
            raise RuntimeError(f"the command-line zygote did not start: {said}")

    def run(
        self, argv: list[str], stdin: bytes | BinaryIO, cwd: Path = ROOT, timeout: float = 90
    ) -> Done:
        """`python -m assessor ARGV` with `stdin` (bytes on a pipe, or an open file)."""
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        in_r, in_w = os.pipe() if isinstance(stdin, bytes) else (os.dup(stdin.fileno()), -1)
        order = {"argv": [os.fsencode(a).hex() for a in argv], "env": self.env, "cwd": str(cwd)}
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.connect(self.address)
            socket.send_fds(conn, [json.dumps(order).encode()], [in_r, out_w, err_w])
            conn.shutdown(socket.SHUT_WR)
            for fd in (in_r, out_w, err_w):
                os.close(fd)
            out: list[bytes] = []
            err: list[bytes] = []
            threads = [
                threading.Thread(target=_drain, args=(out_r, out)),
                threading.Thread(target=_drain, args=(err_r, err)),
            ]
            if isinstance(stdin, bytes):
                threads.append(threading.Thread(target=_feed, args=(in_w, stdin)))
            for t in threads:
                t.start()
            reply = conn.makefile("rb")
            pid = int(reply.readline().split()[1])
            conn.settimeout(timeout)
            try:
                status = int(reply.readline().split()[1])
            except TimeoutError:
                os.kill(pid, signal.SIGKILL)
                raise subprocess.TimeoutExpired(argv, timeout) from None
            finally:
                for t in threads:
                    t.join()
        return Done(status, b"".join(out), b"".join(err))

    def close(self) -> None:
        self.process.kill()
        self.process.wait(timeout=30)
        self.log.close()
        self.folder.cleanup()
