"""HTML for the public pages: what the page shows is read from the signed credential, and the
server's own verification of its proof is shown with it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from html import escape
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from issuer.api.deps import state
from issuer.issuance.rdfc import ProofInvalid
from issuer.services.credentials import status_of
from issuer.store import models as m

_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'",
    "Vary": "Accept",
    "Cache-Control": "no-cache",
}


def _page(title: str, body: str) -> HTMLResponse:
    html = (
        "<!doctype html><html lang=en><meta charset=utf-8>"
        f"<meta name=viewport content='width=device-width'><title>{escape(title)}</title>"
        "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}"
        "table{border-collapse:collapse}td,th{padding:.2rem .6rem;border-bottom:1px solid #ccc;text-align:left}"
        "code{word-break:break-all}</style>"
        f"<body>{body}</body></html>"
    )
    return HTMLResponse(html, headers=_HEADERS)


def achievement_html(
    request: Request, row: m.Achievement, definition: dict[str, Any]
) -> HTMLResponse:
    body = (
        f"<h1>{escape(definition['name'])}</h1><p>{escape(definition['level'])}</p>"
        f"<p>{escape(definition['description'])}</p><h2>Criteria</h2>"
        f"<p>{escape(definition['criteria']['narrative'])}</p>"
    )
    return _page(definition["name"], body)


def credential_html(request: Request, row: m.Credential) -> HTMLResponse:
    server = state(request)
    document = json.loads(row.document)
    try:
        server.issuing.verify(document)
        verdict = "The issuer's signature verifies."
    except ProofInvalid as exc:
        verdict = f"The signature does NOT verify: {exc.message}"
    subject = document["credentialSubject"]
    status = status_of(row, datetime.now(UTC)).value
    body = (
        f"<h1>{escape(subject['achievement']['name'])}</h1>"
        f"<p>Issued by {escape(document['issuer']['name'])} on {escape(document['validFrom'])}; "
        f"status: {escape(status)}.</p><p>{escape(verdict)}</p>"
    )
    return _page(subject["achievement"]["name"], body)
