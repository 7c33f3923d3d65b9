"""The public pages, drawn by `issuer.issuance` from the signed credential itself; the server
adds only what a credential cannot say about itself: its status now, the server's own check
of the proof, and the download links."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from fastapi.responses import HTMLResponse

from issuer.issuance import pages, rdfc
from issuer.issuance import view as v
from issuer.services.credentials import IssuingService, stamp
from issuer.store import models as m

_HEADERS = {
    # No script, no style or image from elsewhere: what the page shows is all its own.
    "Content-Security-Policy": "default-src 'none'; img-src 'self' data:; "
    "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Vary": "Accept",
    "Cache-Control": "no-cache",
}


def html(text: str) -> HTMLResponse:
    return HTMLResponse(text, headers=_HEADERS)


def credential_view(
    issuing: IssuingService, row: m.Credential, learner_name: str | None
) -> v.CredentialView:
    document: dict[str, Any] = json.loads(row.document)
    now = datetime.now(UTC)
    try:
        checked = issuing.verify(document)
        proof = v.ProofCheck(True, checked.verification_method, stamp(now))
    except rdfc.ProofInvalid as exc:
        proof = v.ProofCheck(False, exc.message, stamp(now))
    return v.credential_view(
        document,
        proof=proof,
        links=v.Links.for_credential(document["id"]),
        now=stamp(now),
        revoked=row.revoked_at is not None,
        revocation_reason=row.revoke_reason,
        learner_name=learner_name,
    )


def credential_html(view: v.CredentialView) -> HTMLResponse:
    return html(pages.credential_page(view))


def achievement_html(achievement: dict[str, Any], issuer_name: str) -> HTMLResponse:
    return html(pages.achievement_page(achievement, issuer_name))
