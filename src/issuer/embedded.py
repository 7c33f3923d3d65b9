"""The reference issuer inside another process: the desktop's demo starts one beside its demo
folder, so a newcomer sees a score become a credential without setting up a server.

The socket is bound to 127.0.0.1 first, so the issuer can be initialised for the port it will
really serve on (its did:web and credential addresses name it); uvicorn then serves that socket
on a thread of its own. Its database and keys are given explicitly (`Keys`): nothing is put
in this process's environment, which other threads read."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass

import uvicorn

from issuer.api.app import Keys, create_app, prepare
from issuer.store.db import Database

START_TIMEOUT = 20.0


def bind_loopback(port: int = 0) -> socket.socket:
    """A listening socket on 127.0.0.1 (any free port unless given): never another address."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(128)
    return sock


@dataclass
class Embedded:
    """A running issuer; `stop()` ends it and waits for its thread."""

    url: str
    server: uvicorn.Server
    thread: threading.Thread
    sock: socket.socket
    errors: list[BaseException]  # what the serving thread raised

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)
        self.sock.close()


def serve_in_thread(sock: socket.socket, db_url: str, keys: Keys) -> Embedded:
    """Serve the issuer whose database `db_url` names (already initialised, signing with
    `keys`) on `sock`, and return once it accepts connections (RuntimeError if it does not)."""
    db = Database(db_url)
    prepare(db, keys)
    config = uvicorn.Config(
        create_app(db, keys),
        log_level="warning",
        access_log=False,
        server_header=False,
        lifespan="on",
    )
    server = uvicorn.Server(config)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # reported by `serve_in_thread` or kept for `stop`
            errors.append(exc)

    thread = threading.Thread(target=run, name="embedded-issuer", daemon=True)
    running = Embedded(f"http://127.0.0.1:{sock.getsockname()[1]}", server, thread, sock, errors)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if errors or not thread.is_alive() or time.monotonic() > deadline:
            running.stop(timeout=1)
            raise RuntimeError(f"the issuer did not start: {errors or 'timed out'}")
        time.sleep(0.02)
    return running
