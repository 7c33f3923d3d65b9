"""Public pages anyone may read: the DID document, status lists, achievements, credentials
(HTML for a browser, JSON for `Accept: application/json`), and a credential's baked badge
images and certificate."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from assessor.security.canonical import canonicalize
from assessor.sync.protocol import ProblemType
from issuer.api.deps import state
from issuer.api.problems import ProblemError
from issuer.api.views import achievement_html, credential_html, credential_view
from issuer.issuance import badge_image, baking, certificate
from issuer.services.achievements import achievement_json, stacking_rule
from issuer.services.blobs import read_blob
from issuer.store import models as m

router = APIRouter()
_JSON_TYPES = ("application/json", "application/ld+json", "application/vc")


def wants_json(request: Request) -> bool:
    accept = request.headers.get("accept", "").lower()
    return any(kind in accept for kind in _JSON_TYPES)


def _bytes(data: bytes, media_type: str, **headers: str) -> Response:
    return Response(
        data,
        media_type=media_type,
        headers={"Cache-Control": "no-cache", "Vary": "Accept", **headers},
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
    return _bytes(document.encode("utf-8"), "application/vc+ld+json")


def _achievement(request: Request, achievement_id: str) -> tuple[m.Achievement, dict[str, Any]]:
    with state(request).db.read() as session:
        row = session.get(m.Achievement, achievement_id)
    if row is None:
        raise ProblemError(ProblemType.NOT_FOUND, 404, f"no achievement {achievement_id}")
    return row, json.loads(row.document)


@router.get("/achievements/{achievement_id}")
def achievement(request: Request, achievement_id: str) -> Response:
    server = state(request)
    row, _ = _achievement(request, achievement_id)
    with server.db.read() as session:
        described = achievement_json(session, server.issuing.identity.base_url, row)
    if wants_json(request):
        return _bytes(canonicalize(described), "application/json")
    return achievement_html(described, server.issuing.identity.name)


def _image(request: Request, definition: dict[str, Any]) -> tuple[bytes, str] | None:
    image = definition.get("image")
    if not image:
        return None
    with state(request).db.read() as session:
        data = read_blob(session, image["sha256"])
    return None if data is None else (data, image["mediaType"])


@router.get("/achievements/{achievement_id}/image")
def achievement_image(request: Request, achievement_id: str) -> Response:
    _, definition = _achievement(request, achievement_id)
    found = _image(request, definition)
    if found is None:
        raise ProblemError(ProblemType.NOT_FOUND, 404, f"{achievement_id} has no image of its own")
    return Response(
        found[0], media_type=found[1], headers={"Cache-Control": "public, max-age=3600"}
    )


def badge(request: Request, definition: dict[str, Any], kind: str) -> bytes:
    """The achievement's own image in that format, else the drawn badge."""
    found = _image(request, definition)
    if kind == "png":
        if found and found[1] == "image/png":
            return found[0]
        return badge_image.badge_png(definition["name"], definition["level"])
    if found and found[1] == "image/svg+xml":
        return found[0]
    return badge_image.badge_svg(definition["name"], definition["level"]).encode("utf-8")


@router.get("/achievements/{achievement_id}/badge.png")
def achievement_badge(request: Request, achievement_id: str) -> Response:
    _, definition = _achievement(request, achievement_id)
    return _bytes(badge(request, definition, "png"), "image/png")


@router.get("/achievements/{achievement_id}/stacking-rule")
def achievement_stacking_rule(request: Request, achievement_id: str) -> Response:
    _, definition = _achievement(request, achievement_id)
    if not definition["prerequisites"]:
        raise ProblemError(ProblemType.NOT_FOUND, 404, f"{achievement_id} stacks nothing")
    rule = stacking_rule(definition["id"], definition["prerequisites"])
    return _bytes(canonicalize(rule), "application/json")


def credential_row(request: Request, credential_id: str) -> tuple[m.Credential, str]:
    with state(request).db.read() as session:
        row = session.get(m.Credential, credential_id)
        learner = session.get(m.Learner, row.learner_id) if row else None
    if row is None or learner is None:
        raise ProblemError(ProblemType.NOT_FOUND, 404, f"no credential {credential_id}")
    return row, learner.name


@router.get("/credentials/{credential_id}.json")
def credential_json(request: Request, credential_id: str) -> Response:
    row, _ = credential_row(request, credential_id)
    return _bytes(row.document.encode("utf-8"), "application/json")


@router.get("/credentials/{credential_id}/badge.png")
def credential_png(request: Request, credential_id: str) -> Response:
    row, _ = credential_row(request, credential_id)
    _, definition = _achievement(request, row.achievement_id)
    baked = baking.bake_png(badge(request, definition, "png"), row.document)
    return _bytes(
        baked, "image/png", **{"Content-Disposition": f'attachment; filename="{credential_id}.png"'}
    )


@router.get("/credentials/{credential_id}/badge.svg")
def credential_svg(request: Request, credential_id: str) -> Response:
    row, _ = credential_row(request, credential_id)
    _, definition = _achievement(request, row.achievement_id)
    baked = baking.bake_svg(badge(request, definition, "svg").decode("utf-8"), row.document)
    return _bytes(
        baked.encode("utf-8"),
        "image/svg+xml",
        **{"Content-Disposition": f'attachment; filename="{credential_id}.svg"'},
    )


@router.get("/credentials/{credential_id}/certificate.pdf")
def credential_pdf(request: Request, credential_id: str) -> Response:
    row, name = credential_row(request, credential_id)
    view = credential_view(state(request).issuing, row, name)
    return _bytes(
        certificate.certificate_pdf(view),
        "application/pdf",
        **{"Content-Disposition": f'inline; filename="{credential_id}.pdf"'},
    )


@router.get("/credentials/{credential_id}")
def credential(request: Request, credential_id: str) -> Response:
    row, name = credential_row(request, credential_id)
    if wants_json(request):
        return _bytes(row.document.encode("utf-8"), "application/json")
    return credential_html(credential_view(state(request).issuing, row, name))
