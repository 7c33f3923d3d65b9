"""`python -m assessor` processes that start in a few milliseconds: this process imports what
the command line runs once, then forks one child per command (tests/cli/forked_cli.py).

Each child is a process of its own, made as a fresh one is: its standard input, output and
error are the descriptors the test passed (the ends of its own pipes, or a file), its argv
the test's bytes decoded as Python decodes a command line (the file-system encoding with
surrogateescape; this process was started with the test's environment, so the encoding is
the one a fresh process would pick), its environment and working folder the test's. It runs
`assessor/__main__.py` as `python -m assessor` does, then ends as the interpreter ends: exit
handlers run, the streams flushed (a failed flush says "Exception ignored" and exits 120, as
Python does), the status that of `SystemExit` or 1 after a traceback. Signals are the
interpreter's own (SIGINT raises KeyboardInterrupt, SIGPIPE ignored); SIGCHLD is reset.

What differs from a fresh process: the assessor modules (not the window's) are already
imported, and objects still alive at the end are not finalized one by one (the interpreter's
module teardown does not run; the garbage collector runs once before the exit).

Protocol, per connection on a Unix socket: the order (JSON: argv as hex bytes, env, cwd)
with three descriptors in → `PID n` then `EXIT status` (exit code, or minus the signal) out.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import json
import os
import pkgutil
import runpy
import signal
import socket
import sys
import threading
import traceback

import assessor

SKIP = ("assessor.ui", "assessor.app.")  # the window's: they load Qt


def _preload() -> None:
    """Every module a command may import (the window's aside, which load Qt)."""
    for info in pkgutil.walk_packages(assessor.__path__, "assessor."):
        if info.name.startswith(SKIP) or info.name.endswith(".__main__"):
            continue
        importlib.import_module(info.name)
    assert "PySide6" not in sys.modules, "a command module imports Qt"
    assert threading.active_count() == 1, "forking needs a single thread"


def _exit_code(exc: SystemExit) -> int:
    """What the interpreter makes of `SystemExit(code)`."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code & 0xFF
    print(exc.code, file=sys.stderr)
    return 1


def _finish(code: int) -> int:
    """The interpreter's end: exit handlers, then the streams flushed."""
    atexit._run_exitfuncs()
    gc.collect()
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        try:
            stream.flush()
        except Exception:  # as Python reports a failed flush at shutdown
            if name == "stdout":
                os.write(2, b"Exception ignored in: <_io.TextIOWrapper name='<stdout>'>\n")
                code = 120
    return code


def _command(order: dict[str, object], fds: list[int]) -> None:
    """The child: `python -m assessor ARGV`; never returns."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        for fd in fds:
            if fd > 2:
                os.close(fd)
        os.chdir(str(order["cwd"]))
        env = order["env"]
        assert isinstance(env, dict)
        os.environ.clear()
        os.environ.update(env)
        argv = order["argv"]
        assert isinstance(argv, list)
        main = sys.modules["assessor"].__file__
        assert main is not None
        sys.argv = [os.path.join(os.path.dirname(main), "__main__.py")]
        sys.argv += [os.fsdecode(bytes.fromhex(a)) for a in argv]
        try:
            runpy.run_module("assessor", run_name="__main__", alter_sys=True)
            code = 0
        except SystemExit as exc:
            code = _exit_code(exc)
        except BaseException:
            traceback.print_exc()
            code = 1
        code = _finish(code)
    finally:
        os._exit(code)


def _serve(conn: socket.socket) -> None:
    """The waiter between this process and a command: forks it, reports its end."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    raw, fds, _flags, _addr = socket.recv_fds(conn, 1 << 16, 3)
    while chunk := conn.recv(1 << 16):  # the order ends where the sender shut its side
        raw += chunk
    order = json.loads(raw)
    pid = os.fork()
    if pid == 0:
        conn.close()
        _command(order, fds)
    for fd in fds:
        os.close(fd)
    conn.sendall(f"PID {pid}\n".encode())
    _, status = os.waitpid(pid, 0)
    conn.sendall(f"EXIT {os.waitstatus_to_exitcode(status)}\n".encode())
    conn.close()


def main() -> None:
    _preload()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the waiters are reaped by the kernel
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(sys.argv[1])
    server.listen(8)
    os.write(1, b"READY\n")
    while True:
        conn, _ = server.accept()
        if os.fork() == 0:
            server.close()
            try:
                _serve(conn)
            finally:
                os._exit(0)
        conn.close()


if __name__ == "__main__":
    main()
