"""Reading a `records:batch` body: JSON, the batch's shape, then each record's shape and
signature (`intake.precheck`). All of it is CPU only, so a worker hands it to a helper
process and decides the records (the database part) while the helper reads the next batch:
on two cores that is what keeps the single writer busy. Without the helper it runs in place.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from assessor.sync import protocol as p
from issuer.services.intake import Authentic, DuplicateKeys, loads_batch, precheck

Checked = Authentic | p.ItemAnswer


@dataclass(frozen=True)
class BatchRefused:
    """The body as a whole is refused: a problem type, a status and words."""

    kind: p.ProblemType
    status: int
    detail: str


def read_batch(body: bytes, limits: p.Limits) -> BatchRefused | list[Checked]:
    try:
        value = loads_batch(body)
    except (ValueError, RecursionError) as exc:
        return BatchRefused(p.ProblemType.INVALID_REQUEST, 400, f"the body is not JSON ({exc})")
    if isinstance(value, DuplicateKeys):
        return BatchRefused(p.ProblemType.INVALID_REQUEST, 400, "the body has the same key twice")
    try:
        batch = p.parse_batch_request(value, limits)
    except p.BatchTooLarge as exc:
        return BatchRefused(p.ProblemType.BATCH_TOO_LARGE, 413, exc.message)
    except p.ProtocolError as exc:
        return BatchRefused(p.ProblemType.INVALID_REQUEST, 400, str(exc))
    return [precheck(index, item, limits) for index, item in enumerate(batch.records)]


class BatchReader:
    """Runs `read_batch` in `processes` helper processes (0: in this process)."""

    def __init__(self, processes: int) -> None:
        self._pool: Executor | None = None
        if processes > 0:
            # spawn, not fork: the worker has threads (and a database pool) by now.
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(processes, mp_context=context)

    def read(self, body: bytes, limits: p.Limits) -> BatchRefused | list[Checked]:
        """Called from a request thread: it waits here without holding the GIL."""
        if self._pool is not None:
            try:
                result: Any = self._pool.submit(read_batch, body, limits).result()
                return result  # type: ignore[no-any-return]
            except BrokenProcessPool:  # the helper died (out of memory, killed): read here
                self._pool = None
        return read_batch(body, limits)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
