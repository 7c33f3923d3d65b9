"""Public pages anyone may read: the DID document, status lists, achievements, credentials
(HTML for a browser, JSON for `Accept: application/json`)."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from assessor.security.canonical import canonicalize
from assessor.sync.protocol import ProblemType
from issuer.api.deps import state
from issuer.api.problems import ProblemError
from issuer.api.views import achievement_html, credential_html
from issuer.services.blobs import read_blob
from issuer.services.credentials import stacking_rule
from issuer.store import models as m

router = APIRouter()
_JSON_TYPES = (
    "application/json",
    "application/ld+json",
    "application/vc",
    "application/vc+ld+json",
)


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "").lower()
    return any(kind in accept for kind in _JSON_TYPES)


def _json_bytes(data: bytes, media_type: str = "application/json") -> Response:
    return Response(
        data, media_type=media_type, headers={"Cache-Control": "no-cache", "Vary": "Accept"}
    )


@router.get("/.well-known/did.json")
def did_document(request: Request) -> JSONResponse:
    return JSONResponse(
        state(request).issuing.did_document(), headers={"Cache-Control": "no-cache"}
    )


@router.get("/status/{list_id}")
def status_list(request: Request, list_id: str) -> Response:
    server = state(request)
    with server.db.read() as session:
        document = server.issuing.status_list_json(session, list_id)
    if document is None:
        raise ProblemError(ProblemType.NOT_FOUND, 404, f"no status list {list_id}")
    return _json_bytes(document.encode("utf-8"), "application/vc+ld+json")


def _achievement(request: Request, achievement_id: str) -> tuple[m.Achievement, dict[str, Any]]:
    with state(request).db.read() as session:
        row = session.get(m.Achievement, achievement_id)
    if row is None:
        raise ProblemError(ProblemType.NOT_FOUND, 404, f"no achievement {achievement_id}")
    return row, json.loads(row.document)


@router.get("/achievements/{achievement_id}")
def achievement(request: Request, achievement_id: str) -> Response:
    row, definition = _achievement(request, achievement_id)
    if wants_json(request):
        return _json_bytes(canonicalize(definition))
    return achievement_html(request, row, definition)


@router.get("/achievements/{achievement_id}/image")
def achievement_image(request: Request, achievement_id: str) -> Response:
    _, definition = _achievement(request, achievement_id)
    with state(request).db.read() as session:
        data = read_blob(session, definition["image"]["sha256"])
    if data is None:
        raise ProblemError(ProblemType.NOT_FOUND, 404, "the achievement's image is missing")
    return Response(
        data,
        media_type=definition["image"]["mediaType"],
        headers={"Cache-Control": "public, max-age=3600"},
    )


@router.get("/achievements/{achievement_id}/stacking-rule")
def achievement_stacking_rule(request: Request, achievement_id: str) -> Response:
    _, definition = _achievement(request, achievement_id)
    if not definition["prerequisites"]:
        raise ProblemError(ProblemType.NOT_FOUND, 404, f"{achievement_id} stacks nothing")
    return _json_bytes(canonicalize(stacking_rule(definition["id"], definition["prerequisites"])))


def credential_row(request: Request, credential_id: str) -> m.Credential:
    with state(request).db.read() as session:
        row = session.get(m.Credential, credential_id)
    if row is None:
        raise ProblemError(ProblemType.NOT_FOUND, 404, f"no credential {credential_id}")
    return row


@router.get("/credentials/{credential_id}")
def credential(request: Request, credential_id: str) -> Response:
    row = credential_row(request, credential_id)
    if wants_json(request):
        return _json_bytes(row.document.encode("utf-8"))
    return credential_html(request, row)
