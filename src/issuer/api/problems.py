"""RFC 9457 problem answers with stable `type` URIs, for every error the API gives."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assessor.sync.protocol import MEDIA_PROBLEM, Problem, ProblemType

log = logging.getLogger("issuer.api")

_TITLES = {
    ProblemType.UNAUTHORIZED: "Not authorised",
    ProblemType.NOT_FOUND: "Not found",
    ProblemType.INVALID_REQUEST: "Invalid request",
    ProblemType.UNSUPPORTED_MEDIA_TYPE: "Unsupported media type",
    ProblemType.METHOD_NOT_ALLOWED: "Method not allowed",
    ProblemType.BATCH_TOO_LARGE: "Batch too large",
    ProblemType.BODY_TOO_LARGE: "Request body too large",
    ProblemType.RATE_LIMITED: "Too many requests",
    ProblemType.ENROLMENT_CODE_INVALID: "Enrolment code not valid",
    ProblemType.CHALLENGE_INVALID: "Challenge not valid",
    ProblemType.PROOF_INVALID: "Proof of possession not valid",
    ProblemType.KEY_TAKEN: "Key already enrolled",
    ProblemType.DIGEST_MISMATCH: "Digest mismatch",
    ProblemType.CURSOR_INVALID: "Cursor not valid",
    ProblemType.INTERNAL: "Internal error",
}


class ProblemError(Exception):
    def __init__(
        self,
        kind: ProblemType,
        status: int,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(detail)
        self.kind, self.status, self.detail = kind, status, detail
        self.headers = dict(headers or {})
        self.retry_after = retry_after
        if retry_after is not None:
            self.headers["Retry-After"] = str(retry_after)


def problem_response(
    kind: ProblemType,
    status: int,
    detail: str,
    headers: dict[str, str] | None = None,
    retry_after: int | None = None,
) -> JSONResponse:
    body = Problem(kind, _TITLES[kind], status, detail, retry_after).to_json()
    return JSONResponse(body, status_code=status, headers=headers, media_type=MEDIA_PROBLEM)


_BY_STATUS = {
    401: ProblemType.UNAUTHORIZED,
    404: ProblemType.NOT_FOUND,
    405: ProblemType.METHOD_NOT_ALLOWED,
    413: ProblemType.BODY_TOO_LARGE,
    415: ProblemType.UNSUPPORTED_MEDIA_TYPE,
}


def install(app: FastAPI) -> None:
    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError) -> JSONResponse:
        return problem_response(exc.kind, exc.status, exc.detail, exc.headers, exc.retry_after)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        kind = _BY_STATUS.get(exc.status_code, ProblemType.INVALID_REQUEST)
        detail = exc.detail if isinstance(exc.detail, str) else "the request was refused"
        if exc.status_code == 404:
            detail = f"nothing at {request.url.path}"
        return problem_response(kind, exc.status_code, detail, dict(exc.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid"}
        where = "/".join(str(p) for p in first.get("loc", ()))
        return problem_response(ProblemType.INVALID_REQUEST, 400, f"{where}: {first.get('msg')}")

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(
            ProblemType.INTERNAL, 500, "the server failed; the error is in its log"
        )
