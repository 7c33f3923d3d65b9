"""Signed records in (`records:batch`), and the credentials issued from a device's work."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from assessor.sync import protocol as p
from issuer.api.deps import device, state
from issuer.api.problems import ProblemError
from issuer.services.batch_reader import BatchRefused
from issuer.services.credentials import credential_item
from issuer.services.intake import Context, receive_batch
from issuer.services.people import Caller
from issuer.store import feed
from issuer.store import models as m

router = APIRouter()
DeviceDep = Annotated[Caller, Depends(device)]


@router.post(p.RECORDS_BATCH_PATH)
async def records_batch(request: Request, caller: DeviceDep) -> Response:
    server = state(request)
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != p.MEDIA_JSON:
        raise ProblemError(p.ProblemType.UNSUPPORTED_MEDIA_TYPE, 415, "send application/json")
    body = await request.body()
    read = await run_in_threadpool(server.reader.read, body, server.limits)
    if isinstance(read, BatchRefused):
        raise ProblemError(read.kind, read.status, read.detail)
    context = Context(server.issuing, server.limits)
    answers = await run_in_threadpool(receive_batch, server.db, context, caller, read)
    # Encoded here: FastAPI's generic encoder would walk every answer again for nothing.
    encoded = json.dumps(p.BatchResponse(tuple(answers)).to_json(), separators=(",", ":"))
    return Response(encoded.encode("utf-8"), media_type=p.MEDIA_JSON)


@router.get(p.CREDENTIALS_PATH)
def credentials(
    request: Request, caller: DeviceDep, cursor: str | None = None, limit: int = 200
) -> dict[str, Any]:
    server = state(request)
    if not 1 <= limit <= server.limits.max_page_size:
        raise ProblemError(
            p.ProblemType.INVALID_REQUEST, 400, f"limit: 1 to {server.limits.max_page_size}"
        )
    try:
        after = feed.decode_cursor(cursor)
    except feed.CursorInvalid as exc:
        raise ProblemError(p.ProblemType.CURSOR_INVALID, 400, str(exc)) from None
    with server.db.read() as session:
        rows = session.execute(
            select(m.CredentialSource.seq, m.Credential)
            .join(m.Credential, m.Credential.id == m.CredentialSource.credential_id)
            .where(m.CredentialSource.device_id == caller.device_id, m.CredentialSource.seq > after)
            .order_by(m.CredentialSource.seq)
            .limit(limit + 1)
        ).all()
        more = len(rows) > limit
        rows = rows[:limit]
        items = tuple(credential_item(session, server.issuing, row[1]) for row in rows)
    last = rows[-1][0] if rows else after
    return p.CredentialsPage(items, feed.encode_cursor(last), more).to_json()
