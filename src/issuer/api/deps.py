"""What every route shares: the server's state, the calling device, its rate limit, bodies
read within their limit."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assessor.sync.protocol import Limits, ProblemType
from issuer.api.problems import ProblemError, problem_response
from issuer.services.batch_reader import BatchReader
from issuer.services.credentials import IssuingService
from issuer.services.people import Caller, authenticate
from issuer.store import models as m
from issuer.store.db import Database


@dataclass
class ServerState:
    db: Database
    limits: Limits
    issuing: IssuingService
    reader: BatchReader

    @property
    def did(self) -> str:
        return self.issuing.identity.did


def state(request: Request) -> ServerState:
    found: ServerState = request.app.state.server
    return found


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


_UNAUTHORIZED = {"WWW-Authenticate": 'Bearer realm="assessor"'}


async def device(request: Request) -> Caller:
    """The enrolled device calling (401 otherwise), within its rate limit (429 otherwise)."""
    server = state(request)
    token = _bearer(request)
    if token is None:
        raise ProblemError(
            ProblemType.UNAUTHORIZED,
            401,
            "send the device's token as 'Authorization: Bearer …'",
            headers=_UNAUTHORIZED,
        )
    caller = await run_in_threadpool(_authenticate_and_count, server, token)
    if isinstance(caller, int):
        raise ProblemError(
            ProblemType.RATE_LIMITED,
            429,
            f"more than {server.limits.requests_per_minute} requests in a minute from this "
            f"device; try again in {caller} s",
            retry_after=caller,
        )
    if caller is None:
        raise ProblemError(
            ProblemType.UNAUTHORIZED,
            401,
            "the token is unknown or was revoked",
            headers=_UNAUTHORIZED,
        )
    return caller


def _authenticate_and_count(server: ServerState, token: str) -> Caller | int | None:
    """The caller, None for a bad token, or the seconds to wait when over the limit. The count
    is in the database: every worker shares one limit per device."""
    with server.db.write() as session:
        caller = authenticate(session, token)
        if caller is None:
            return None
        now = time.time()
        window = int(now // 60)
        dialect: Any = sqlite if server.db.is_sqlite else postgresql
        upsert = dialect.insert(m.RateWindow).values(
            device_id=caller.device_id, window=window, count=1
        )
        upsert = upsert.on_conflict_do_update(
            index_elements=["device_id", "window"], set_={"count": m.RateWindow.count + 1}
        ).returning(m.RateWindow.count)
        count = int(session.execute(upsert).scalar_one())
        if count == 1:  # the first request of a minute clears the device's older counts
            session.execute(
                delete(m.RateWindow).where(
                    m.RateWindow.device_id == caller.device_id, m.RateWindow.window < window
                )
            )
    if count > server.limits.requests_per_minute:
        return max(1, int((window + 1) * 60 - now + 0.999))
    return caller


async def json_body(request: Request) -> Any:
    """The request's JSON (415 for another media type, 400 for bad JSON)."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json":
        raise ProblemError(ProblemType.UNSUPPORTED_MEDIA_TYPE, 415, "send application/json")
    body = await request.body()
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise ProblemError(
            ProblemType.INVALID_REQUEST, 400, f"the body is not JSON ({exc})"
        ) from None


class BodyLimit:
    """Refuses a body over the limit before reading it (Content-Length) or while reading it
    (chunked): blobs up to `max_blob_bytes`, anything else up to `max_body_bytes`."""

    def __init__(self, app: ASGIApp, limits: Limits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        blob = scope["path"].startswith("/api/v1/blobs/")
        limit = self.limits.max_blob_bytes if blob else self.limits.max_body_bytes
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            response = problem_response(
                ProblemType.BODY_TOO_LARGE, 413, f"the body is over {limit} bytes"
            )
            await response(scope, receive, send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise ProblemError(
                        ProblemType.BODY_TOO_LARGE, 413, f"the body is over {limit} bytes"
                    )
            return message

        await self.app(scope, limited, send)
