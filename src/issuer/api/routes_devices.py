"""Discovery and device enrolment (challenge, then proof of possession of the profile key)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from assessor.sync import protocol as p
from issuer.api.deps import ServerState, json_body, state
from issuer.api.problems import ProblemError
from issuer.services.people import EnrolmentRefused, enrol, issue_challenge

router = APIRouter()


@router.get(p.DISCOVERY_PATH)
def discovery(request: Request) -> dict[str, Any]:
    server = state(request)
    return p.Discovery(server.did, (p.API_VERSION,), server.limits).to_json()


def _parsed(value: Any, parse: Any) -> Any:
    try:
        return parse(value)
    except p.ProtocolError as exc:
        raise ProblemError(p.ProblemType.INVALID_REQUEST, 400, str(exc)) from None


def _refused(exc: EnrolmentRefused) -> ProblemError:
    return ProblemError(p.ProblemType(exc.kind), exc.status, exc.message)


@router.post(p.CHALLENGE_PATH)
async def challenge(request: Request) -> JSONResponse:
    server = state(request)
    asked = _parsed(await json_body(request), p.parse_challenge_request)

    def work(server: ServerState) -> p.Challenge:
        with server.db.write() as session:
            value, expires = issue_challenge(session, asked.code, datetime.now(UTC))
        return p.Challenge(value, _stamp(expires), server.did)

    try:
        answer = await run_in_threadpool(work, server)
    except EnrolmentRefused as exc:
        raise _refused(exc) from None
    return JSONResponse(answer.to_json(), status_code=201, headers={"Cache-Control": "no-store"})


@router.post(p.DEVICES_PATH)
async def enrol_device(request: Request) -> JSONResponse:
    server = state(request)
    asked = _parsed(await json_body(request), p.parse_enrolment_request)

    def work(server: ServerState) -> p.Enrolment:
        with server.db.write() as session:
            return enrol(session, asked, server.did, datetime.now(UTC))

    try:
        answer = await run_in_threadpool(work, server)
    except EnrolmentRefused as exc:
        raise _refused(exc) from None
    return JSONResponse(answer.to_json(), status_code=201, headers={"Cache-Control": "no-store"})


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
