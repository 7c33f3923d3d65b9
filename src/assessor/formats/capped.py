"""Reading a file someone hands us, at most a limit's worth: a huge or unreadable file is a
problem at the file's root, reported like any other, never a memory spike or a traceback."""

from __future__ import annotations

from pathlib import Path

from assessor.domain.errors import Problem, ValidationFailed


def read_capped(path: Path, limit: int, kind: str) -> bytes:
    """The bytes of `path`; `ValidationFailed` when it cannot be read or holds more than
    `limit` bytes (then it is "not a `kind`")."""
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise ValidationFailed(
            [Problem("", f"cannot read the file: {exc.strerror or exc}")]
        ) from None
    if len(data) > limit:
        megabytes = limit // (1024 * 1024)
        raise ValidationFailed([Problem("", f"larger than {megabytes} MB; not {kind}")])
    return data
