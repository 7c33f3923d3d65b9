"""Errors the command line and the API turn into words (exit 2 / a problem answer)."""

from __future__ import annotations

from assessor.domain.errors import DomainError


class BadInput(DomainError):
    """Bad input or usage: nothing was written."""

    code = "bad-input"


class NotFound(DomainError):
    code = "not-found"


class NotInitialised(DomainError):
    code = "not-initialised"

    def __init__(self, where: str) -> None:
        super().__init__(f"{where} holds no issuer yet; run 'issuer init --domain HOST' first")
