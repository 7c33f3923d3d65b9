"""A small HTTP/1.1 proxy on 127.0.0.1 between the desktop and the issuer that breaks one
chosen request in one chosen way. Every request gets its own connection (`Connection:
close` both ways), so "request n" is also "connection n" and the faults are exact.

Faults (`KINDS`), at the request numbered `n` since `arm`:
- refused: nothing listens from just before request n until `heal` (the connect is refused);
- drop_before_read: the request is read here and the connection closed: the server never sees it;
- commit_then_drop: the server answers (and has committed); the answer is thrown away;
- truncated: the server answers; the client gets the head and half of the body;
- server_error: the server answers; the client gets a 502 instead;
- slow: the server answers; the answer is held until the client gives up (its timeout closes
  the connection), or `slow_seconds` at most;
- client_killed: the server answers; `on_client_kill` runs (kills the client), then nothing;
- server_killed: the request is forwarded, then `on_server_kill` runs (kills the server).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

KINDS = (
    "refused",
    "drop_before_read",
    "commit_then_drop",
    "truncated",
    "server_error",
    "slow",
    "client_killed",
    "server_killed",
)


def _read_head(conn: socket.socket, buffer: bytearray) -> bytes | None:
    while b"\r\n\r\n" not in buffer:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        buffer.extend(chunk)
    end = buffer.index(b"\r\n\r\n") + 4
    head = bytes(buffer[:end])
    del buffer[:end]
    return head


def _length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return 0


def _closing(head: bytes) -> bytes:
    """The head with `Connection: close` in place of any Connection header."""
    lines = [
        line
        for line in head[:-4].split(b"\r\n")
        if line.partition(b":")[0].strip().lower() not in (b"connection", b"keep-alive")
    ]
    return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n"


@dataclass
class FaultProxy:
    upstream_port: int
    slow_seconds: float = 4.0
    on_client_kill: Callable[[], None] = lambda: None
    on_server_kill: Callable[[], None] = lambda: None
    port: int = 0
    seen: list[str] = field(default_factory=list)  # "METHOD PATH" of each request since arm
    # An attacker on the path: (request line, answer body) → the body the client gets.
    tamper: Callable[[str, bytes], bytes] | None = None
    fired: list[tuple[int, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._plan: tuple[int, str] | None = None
        self._listener: socket.socket | None = None
        self._stopped = False
        self._listen()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # ---- control ------------------------------------------------------------------------------

    def arm(self, n: int, kind: str) -> None:
        assert kind in KINDS, kind
        with self._lock:
            self.seen.clear()
            self._plan = (n, kind)
        if kind == "refused" and n == 0:
            with self._lock:
                self._plan = None
                self.fired.append((0, kind))
            self._close_listener()

    def disarm(self) -> None:
        with self._lock:
            self.seen.clear()
            self._plan = None

    def heal(self) -> None:
        """Listening again, no fault armed."""
        self.disarm()
        if self._listener is None:
            self._listen()

    def stop(self) -> None:
        self._stopped = True
        self._close_listener()

    # ---- plumbing -------------------------------------------------------------------------------

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        self.port = listener.getsockname()[1]
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _close_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _fault_for(self, method_path: str) -> tuple[int, str | None]:
        with self._lock:
            n = len(self.seen)
            self.seen.append(method_path)
            kind = None
            if self._plan is not None and self._plan[0] == n:
                kind = self._plan[1]
                self._plan = None
                self.fired.append((n, kind))
            elif self._plan == (n + 1, "refused"):
                kind = "refuse_next"  # close the door once this answer is out
                self._plan = None
                self.fired.append((n + 1, "refused"))
        return n, kind

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            buffer = bytearray()
            head = _read_head(conn, buffer)
            if head is None:
                return
            while len(buffer) < _length(head):
                chunk = conn.recv(65536)
                if not chunk:
                    return
                buffer.extend(chunk)
            request = _closing(head) + bytes(buffer)
            first = head.split(b"\r\n", 1)[0].decode("latin-1")
            line = " ".join(first.split(" ")[:2])
            _, kind = self._fault_for(line)
            if kind == "drop_before_read":
                return
            if kind == "server_killed":
                with (
                    contextlib.suppress(OSError),
                    socket.create_connection(("127.0.0.1", self.upstream_port), timeout=5) as up,
                ):
                    up.sendall(request)
                    time.sleep(0.05)
                    self.on_server_kill()
                return
            answer = self._forward(request)
            if answer is None:
                return  # the server is not there: the client sees the connection close
            if kind == "refuse_next":
                self._close_listener()
            if self.tamper is not None:
                answer = _rewrite(answer, lambda body: self.tamper(line, body))  # type: ignore[misc]
            if kind == "commit_then_drop":
                return
            if kind == "client_killed":
                self.on_client_kill()
                return
            if kind == "server_error":
                body = b'{"title": "Bad gateway"}'
                answer = (
                    b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: application/json\r\n"
                    + f"Content-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )
            if kind == "truncated":
                split = answer.index(b"\r\n\r\n") + 4
                body = answer[split:]
                answer = answer[:split] + body[: len(body) // 2]
            if kind == "slow":
                _held(conn, self.slow_seconds)
            with contextlib.suppress(OSError):
                conn.sendall(answer)

    def _forward(self, request: bytes) -> bytes | None:
        try:
            with socket.create_connection(("127.0.0.1", self.upstream_port), timeout=60) as up:
                up.sendall(request)
                parts = []
                while True:
                    chunk = up.recv(65536)
                    if not chunk:
                        break
                    parts.append(chunk)
        except OSError:
            return None
        answer = b"".join(parts)
        if b"\r\n\r\n" not in answer:
            return None
        split = answer.index(b"\r\n\r\n") + 4
        return _closing(answer[:split]) + answer[split:]


def _held(conn: socket.socket, limit: float) -> None:
    """Until the client closes its end (it sends nothing more after its request), or `limit`."""
    conn.settimeout(limit)
    with contextlib.suppress(OSError):
        conn.recv(1)


def _rewrite(answer: bytes, change: Callable[[bytes], bytes]) -> bytes:
    split = answer.index(b"\r\n\r\n") + 4
    head, body = answer[:split], answer[split:]
    new = change(body)
    if new == body:
        return answer
    lines = [
        line
        for line in head[:-4].split(b"\r\n")
        if line.partition(b":")[0].strip().lower() != b"content-length"
    ]
    return b"\r\n".join([*lines, f"Content-Length: {len(new)}".encode()]) + b"\r\n\r\n" + new
