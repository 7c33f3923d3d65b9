"""What an enrolled device reads and uploads: the change feed, rubric versions, blobs."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from assessor.sync import protocol as p
from issuer.api.deps import ServerState, device, state
from issuer.api.problems import ProblemError
from issuer.services.blobs import may_read, put_blob, read_blob
from issuer.services.people import Caller
from issuer.store import feed
from issuer.store import models as m

router = APIRouter()
DeviceDep = Annotated[Caller, Depends(device)]


@router.get(p.CHANGES_PATH)
def changes(
    request: Request,
    caller: DeviceDep,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> dict[str, Any]:
    server = state(request)
    try:
        after = feed.decode_cursor(cursor)
    except feed.CursorInvalid as exc:
        raise ProblemError(p.ProblemType.CURSOR_INVALID, 400, str(exc)) from None
    with server.db.read() as session:
        found = feed.page(session, after, caller.person_id, caller.device_id, limit)
    items = tuple(
        p.Change(
            p.ChangeKind(row.kind),
            row.entity_id,
            None if row.deleted else json.loads(row.payload or "{}"),
            row.deleted,
            row.reason,
        )
        for row in found.changes
    )
    return p.ChangesPage(items, feed.encode_cursor(found.last_seq), found.more).to_json()


def _rubric(server: ServerState, rubric_id: str, version: int) -> m.RubricVersion:
    with server.db.read() as session:
        row = session.scalar(
            select(m.RubricVersion).where(
                m.RubricVersion.rubric_id == rubric_id, m.RubricVersion.version == version
            )
        )
    if row is None:
        raise ProblemError(p.ProblemType.NOT_FOUND, 404, f"no rubric version {rubric_id}@{version}")
    return row


def rubric_response(request: Request, row: m.RubricVersion) -> Response:
    """The version's canonical JSON, exactly the bytes its digest covers; ETag = digest."""
    etag = f'"{row.digest}"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=31536000, immutable"}
    if etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(row.document.encode("utf-8"), media_type=p.MEDIA_JSON, headers=headers)


@router.get(p.RUBRIC_VERSION_PATH)
def rubric_version(request: Request, caller: DeviceDep, rubric_id: str, version: int) -> Response:
    return rubric_response(request, _rubric(state(request), rubric_id, version))


@router.get("/rubrics/{rubric_id}/versions/{version}")
def public_rubric_version(request: Request, rubric_id: str, version: int) -> Response:
    """The same document for anyone verifying a credential's rubric by its digest."""
    return rubric_response(request, _rubric(state(request), rubric_id, version))


def _sha256(value: str) -> str:
    if not p.is_sha256_hex(value):
        raise ProblemError(
            p.ProblemType.INVALID_REQUEST,
            400,
            "a blob is named by 64 lower-case hex digits of its SHA-256",
        )
    return value


@router.get(p.BLOB_PATH)
def get_blob(request: Request, caller: DeviceDep, sha256: str) -> Response:
    digest = _sha256(sha256)
    with state(request).db.read() as session:
        data = (
            read_blob(session, digest)
            if may_read(session, digest, caller.device_id, caller.person_id)
            else None
        )
    if data is None:  # unknown and not yours look the same
        raise ProblemError(p.ProblemType.NOT_FOUND, 404, f"no blob {digest} for this device")
    headers = {"ETag": f'"{digest}"', "Cache-Control": "private, max-age=31536000, immutable"}
    return Response(data, media_type="application/octet-stream", headers=headers)


@router.put(p.BLOB_PATH)
async def put(request: Request, caller: DeviceDep, sha256: str) -> JSONResponse:
    digest = _sha256(sha256)
    data = await request.body()
    computed = hashlib.sha256(data).hexdigest()
    if computed != digest:
        raise ProblemError(
            p.ProblemType.DIGEST_MISMATCH, 422, f"the body's SHA-256 is {computed}, not {digest}"
        )
    server = state(request)

    def store() -> bool:
        try:
            with server.db.write() as session:
                return put_blob(session, data, device_id=caller.device_id)[1]
        except IntegrityError:  # stored by another worker at the same moment
            return False

    created = await run_in_threadpool(store)
    return JSONResponse({"sha256": digest, "size": len(data)}, status_code=201 if created else 200)
