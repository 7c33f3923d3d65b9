"""Typed errors with a code and the offending location, mapped to words by the UI and CLI."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_QUOTED = 200  # characters of a given value quoted in a message


def one_line(text: str) -> str:
    """`text` printable on one line: control characters (newline and tab too) and bidi
    controls become visible escapes such as `\\x1b` or `\\n` (see domain.text)."""
    from assessor.domain.text import for_terminal  # it imports this module

    return for_terminal(text).replace("\n", "\\n").replace("\t", "\\t")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, at a JSON-pointer location ("" is the whole document)."""

    location: str
    message: str

    def render(self, source: str) -> str:
        """`SOURCE: LOCATION: MESSAGE` on one printable line (all three may quote a file)."""
        return one_line(f"{source}: {self.location or '/'}: {self.message}")


class DomainError(Exception):
    """A rule was broken. `code` is stable, `message` is for people: one printable line, since
    messages quote what was given (names, ids, file text) and are printed to terminals."""

    code = "domain-error"

    def __init__(self, message: str, *, location: str = "") -> None:
        message = one_line(message)
        super().__init__(message)
        self.message = message
        self.location = location


class ValidationFailed(DomainError):
    """An input document has one or more problems; all of them are listed."""

    code = "invalid-input"

    def __init__(self, problems: Sequence[Problem], *, source: str = "") -> None:
        self.problems = tuple(problems)
        self.source = source
        first = self.problems[0] if self.problems else Problem("", "invalid")
        super().__init__(f"{len(self.problems)} problem(s); first: {first.message}")

    def lines(self) -> list[str]:
        return [p.render(self.source) for p in self.problems]


class UnknownChoice(DomainError):
    """A name was given that is not among the valid ones; the valid ones are named."""

    code = "unknown-choice"

    def __init__(self, what: str, given: str, choices: Iterable[str], *, limit: int = 20) -> None:
        options = sorted(choices)
        shown = ", ".join(options[:limit])
        if len(options) > limit:
            shown += f", … ({len(options) - limit} more)"
        quoted = given if len(given) <= _QUOTED else given[: _QUOTED - 1] + "…"
        super().__init__(f"unknown {what} '{quoted}'; valid: {shown or '(none)'}")
        self.what = what
        self.given = given
        self.choices = tuple(options)


class NotAllowed(DomainError):
    """The operation is not allowed in the current state."""

    code = "not-allowed"
