"""The proctor console's writes: a refusal is said, not kept; a failure is kept, and Retry
sends again every write that failed, not only the last (each is an entry in the log)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import pytest

from assessor.domain.errors import NotAllowed
from assessor.ui.saves import SaveState
from assessor.ui.sessions.saves import ConsoleSaves
from assessor.ui.tasks import TaskRunner

pytestmark = pytest.mark.usefixtures("qapp")


class Runner:
    """Keeps each queued write and its callbacks, for the test to finish as it likes."""

    def __init__(self) -> None:
        self.queued: list[tuple[tuple[Any, ...], Callable[[Any], None], Callable[[Any], None]]]
        self.queued = []

    def write(self, op: Any, *args: Any, on_done: Any, on_error: Any, **_: Any) -> None:
        self.queued.append(((op, *args), on_done, on_error))

    def take(self) -> list[tuple[tuple[Any, ...], Callable[[Any], None], Callable[[Any], None]]]:
        queued, self.queued = self.queued, []
        return queued


def state(saves: ConsoleSaves) -> SaveState:
    """Read afresh at each assert (a plain attribute read would be narrowed by mypy)."""
    return saves.state


def op(_db: object, text: str) -> str:
    return text


def test_retry_sends_every_failed_write_again() -> None:
    runner = Runner()
    saves = ConsoleSaves(cast(TaskRunner, runner), ())
    for text in ("first", "second", "third"):
        saves.write(op, text, what="incident")
    assert state(saves) is SaveState.SAVING
    first, second, third = runner.take()
    first[2](OSError("disk full"))
    second[1]("second")
    third[2](OSError("disk full"))
    assert state(saves) is SaveState.FAILED
    assert saves.error is not None and "disk full" in saves.error

    saves.retry()
    assert [args for args, _, _ in runner.queued] == [(op, "first"), (op, "third")]
    assert state(saves) is SaveState.SAVING and saves.error is None
    for _, done, _ in runner.take():
        done(None)
    assert state(saves) is SaveState.SAVED
    saves.retry()
    assert runner.queued == []


def test_a_refusal_is_said_and_not_kept_for_a_retry() -> None:
    runner = Runner()
    saves = ConsoleSaves(cast(TaskRunner, runner), ())
    said: list[str] = []
    saves.write(op, "late", what="incident", refused=said.append)
    ((_, _, failed),) = runner.take()
    failed(NotAllowed("this session is sealed"))
    assert said == ["this session is sealed"]
    assert state(saves) is SaveState.SAVED
    saves.retry()
    assert runner.queued == []
