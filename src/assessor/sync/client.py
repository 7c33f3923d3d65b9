"""The HTTP side of the sync: one request per call, the answer checked against the protocol's
shapes. Failures come in two kinds, because the sender treats them differently:

- `Unreachable`: no usable answer (refused, dropped, timed out, truncated, a 5xx, an answer
  that is not the protocol's): try again later; the request may or may not have been applied.
- `Refused`: the backend answered with a problem it means (4xx): trying again will not help
  until something changes (a revoked token, a bad code).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from assessor.sync import protocol as p

if TYPE_CHECKING:
    import httpx

# httpx (with what it loads: rich, pygments, click) is imported where a request is made, not
# with this module: the window imports the sync code to show its status, and half a second of
# start-up went to a library no first screen needs (decision 0026).

DEFAULT_TIMEOUT = 30.0
USER_AGENT = "assessor-desktop"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class SyncError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Unreachable(SyncError):
    """No usable answer: the backend may or may not have done what was asked."""


class Refused(SyncError):
    """The backend answered with a problem (4xx) it means."""

    def __init__(
        self,
        message: str,
        status: int,
        problem: p.ProblemType | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.problem, self.retry_after = status, problem, retry_after


def normal_url(url: str) -> str:
    """The backend's base URL as stored: http(s), a host, no query, no trailing slash."""
    import httpx

    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, TypeError):
        raise ValueError(f"'{url}' is not a URL") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValueError(f"'{url}' is not an http:// or https:// URL with a host")
    if parsed.query or parsed.fragment:
        raise ValueError(f"'{url}' must not carry a query or a fragment")
    if parsed.scheme == "http" and parsed.host not in LOOPBACK:
        # The token would cross the network in clear: plain http only to this machine.
        raise ValueError(f"'{url}' must use https:// (http:// only to 127.0.0.1 or localhost)")
    return str(parsed).rstrip("/")


class Backend:
    """One backend, one device token (None before enrolment)."""

    def __init__(
        self,
        url: str,
        token: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        import httpx

        self.url = normal_url(url)
        self._token = token
        self._http = httpx.Client(
            base_url=self.url,
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": USER_AGENT},
            transport=transport,
            follow_redirects=False,
            trust_env=False,  # a proxy from the environment never sees the token
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- plumbing ---------------------------------------------------------------------------

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"} if self._token else {}

    def _send(
        self, method: str, path: str, *, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        import httpx

        try:
            answer = self._http.request(
                method, path, headers=self._headers() | (headers or {}), **kwargs
            )
        except httpx.TimeoutException:
            raise Unreachable(f"{self.url} did not answer in time") from None
        except httpx.TransportError as exc:
            raise Unreachable(f"{self.url} could not be reached ({type(exc).__name__})") from None
        if answer.status_code >= 500 or answer.status_code == 429:
            raise Unreachable(f"{self.url} answered {answer.status_code}: {_detail(answer)}")
        if answer.status_code >= 400:
            raise _refused(answer)
        return answer

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        answer = self._send(method, path, **kwargs)
        try:
            return json.loads(answer.content)
        except ValueError:
            raise Unreachable(f"{self.url} sent an answer that is not JSON ({path})") from None

    def _parse(self, parse: Callable[[Any], Any], value: Any, path: str) -> Any:
        try:
            return parse(value)
        except p.ProtocolError as exc:
            raise Unreachable(f"{self.url} answered {path} out of protocol: {exc}") from None

    # ---- the exchange -----------------------------------------------------------------------

    def discovery(self) -> p.Discovery:
        value = self._json("GET", p.DISCOVERY_PATH)
        found: p.Discovery = self._parse(p.parse_discovery, value, p.DISCOVERY_PATH)
        return found

    def challenge(self, code: str) -> p.Challenge:
        value = self._json("POST", p.CHALLENGE_PATH, json=p.ChallengeRequest(code).to_json())
        found: p.Challenge = self._parse(p.parse_challenge, value, p.CHALLENGE_PATH)
        return found

    def enrol(self, request: p.EnrolmentRequest) -> p.Enrolment:
        value = self._json("POST", p.DEVICES_PATH, json=request.to_json())
        found: p.Enrolment = self._parse(p.parse_enrolment, value, p.DEVICES_PATH)
        return found

    def changes(self, cursor: str | None) -> p.ChangesPage:
        params = {"cursor": cursor} if cursor else {}
        value = self._json("GET", p.CHANGES_PATH, params=params)
        found: p.ChangesPage = self._parse(p.parse_changes_page, value, p.CHANGES_PATH)
        return found

    def credentials(self, cursor: str | None) -> p.CredentialsPage:
        params = {"cursor": cursor} if cursor else {}
        value = self._json("GET", p.CREDENTIALS_PATH, params=params)
        found: p.CredentialsPage = self._parse(p.parse_credentials_page, value, p.CREDENTIALS_PATH)
        return found

    def rubric_version(self, rubric_id: str, version: int) -> bytes:
        path = p.RUBRIC_VERSION_PATH.format(rubric_id=rubric_id, version=version)
        return self._send("GET", path).content

    def blob_chunks(self, sha256: str) -> Iterator[bytes]:
        """The blob's bytes as they arrive (not yet checked: the caller hashes them)."""
        import httpx

        path = p.BLOB_PATH.format(sha256=sha256)
        try:
            with self._http.stream("GET", path, headers=self._headers()) as answer:
                if answer.status_code >= 400:
                    answer.read()
                    if answer.status_code >= 500:
                        raise Unreachable(f"{self.url} answered {answer.status_code} for a blob")
                    raise _refused(answer)
                yield from answer.iter_bytes()
        except httpx.TimeoutException:
            raise Unreachable(f"{self.url} did not send the blob in time") from None
        except httpx.TransportError as exc:
            raise Unreachable(f"{self.url} broke off a blob ({type(exc).__name__})") from None

    def put_blob(self, sha256: str, data: bytes) -> None:
        path = p.BLOB_PATH.format(sha256=sha256)
        self._send("PUT", path, content=data, headers={"Content-Type": "application/octet-stream"})

    def post_records(self, records: list[Mapping[str, Any] | str]) -> p.BatchResponse:
        """Records exactly as signed: a str is sent as the stored canonical JSON text."""
        parts = [r if isinstance(r, str) else json.dumps(r) for r in records]
        body = ('{"records":[' + ",".join(parts) + "]}").encode("utf-8")
        value = self._json(
            "POST",
            p.RECORDS_BATCH_PATH,
            content=body,
            headers={"Content-Type": p.MEDIA_JSON},
        )
        found: p.BatchResponse = self._parse(
            lambda v: p.parse_batch_response(v, len(records)), value, p.RECORDS_BATCH_PATH
        )
        return found


def _detail(answer: httpx.Response) -> str:
    try:
        doc = json.loads(answer.content)
    except ValueError:
        return answer.reason_phrase or "no detail"
    if isinstance(doc, dict) and isinstance(doc.get("detail"), str):
        return str(doc["detail"])[:300]
    return answer.reason_phrase or "no detail"


def _refused(answer: httpx.Response) -> Refused:
    try:
        problem = p.parse_problem(json.loads(answer.content))
    except (ValueError, p.ProtocolError):
        return Refused(f"the backend answered {answer.status_code}", answer.status_code)
    return Refused(problem.detail, answer.status_code, problem.type, problem.retry_after)
