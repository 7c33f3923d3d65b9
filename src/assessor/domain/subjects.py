"""How signed records name a learner and an exam session: the local id, percent-encoded, so a
record carries no personal data and no character a URI cannot hold. The desktop, the sync
protocol and the issuer all name them this way; `verify` reads the id back."""

from __future__ import annotations

from urllib.parse import quote, unquote

LEARNER = "urn:assessor:learner:"
EXAM_SESSION = "urn:assessor:exam-session:"
_SAFE = "._~-:@"


def learner_uri(learner_id: str) -> str:
    return LEARNER + quote(learner_id, safe=_SAFE)


def session_uri(session_id: str) -> str:
    return EXAM_SESSION + quote(session_id, safe=_SAFE)


def session_id_of(uri: str) -> str | None:
    """The session id a `session_uri` names; None for anything else."""
    return unquote(uri.removeprefix(EXAM_SESSION)) if uri.startswith(EXAM_SESSION) else None
