"""`assessor --self-test`: drive the real window on a demo folder and check each step.

Opens the queue, opens a submission, waits for its evidence to render, scores one criterion,
waits for the commit, reads the score back from the database, and optionally writes
screenshots. Used by CI and by packaging to prove a build works.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from assessor.domain.workflow import SubmissionStatus
from assessor.services.scoring import evaluation_for
from assessor.ui.main_window import MainWindow
from assessor.ui.saves import SaveState

TIMEOUT_MS = 90_000
POLL_MS = 50


class SelfTest(QObject):
    finished = Signal(bool, str)

    def __init__(self, window: MainWindow, screenshots: str | None) -> None:
        super().__init__(window)
        self.window = window
        self.folder = Path(screenshots) if screenshots else None
        self.steps: list[str] = []
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.timeout.connect(lambda: self._fail("timed out"))
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._check)
        self._waiting: tuple[str, Callable[[], bool], Callable[[], None]] | None = None
        self._over = False

    def start(self) -> None:
        self._deadline.start(TIMEOUT_MS)
        self.window.resize(1366, 768)
        self._wait("queue loaded", lambda: self.window.queue.loads > 0, self._open)
        self._poll.start()

    def _wait(self, what: str, ready: Callable[[], bool], then: Callable[[], None]) -> None:
        self._waiting = (what, ready, then)

    def _check(self) -> None:
        if self._waiting is None or self._over:
            return
        what, ready, then = self._waiting
        if ready():
            self._waiting = None
            self.steps.append(what)
            try:
                then()
            except Exception as exc:  # a failed check ends the test with its reason
                self._fail(f"after {what}: {exc}")

    def _open(self) -> None:
        if self.window.windowIcon().pixmap(32).isNull():  # a bundle that lost its resources
            raise RuntimeError("the window has no icon")
        self.steps.append("window icon")
        if gc.get_freeze_count() == 0:  # decision 0028: start-up's heap out of full GC passes
            raise RuntimeError("start-up did not settle the heap")
        self.steps.append("heap settled")
        self._shot("queue")
        rows = [
            r for r in self.window.queue.model.rows() if r.status == SubmissionStatus.TO_SCORE.value
        ]
        if not rows:
            raise RuntimeError("the demo queue has nothing to score")
        self.submission = rows[0].id
        ws = self.window.workspace
        self._loaded: set[str] = set()
        ws.evidence.loaded.connect(lambda a: self._loaded.add(a.kind))
        self.window.open_submission(self.submission)
        self._wait(
            "evidence rendered",
            lambda: ws.submission_id == self.submission and bool(self._loaded),
            self._pdf,
        )

    def _pdf(self) -> None:
        """Show a PDF page when the submission has one: the viewer a build most often lacks."""
        ws = self.window.workspace
        assert ws.workspace is not None
        kinds = [a.kind for a in ws.workspace.artifacts]
        if "pdf" not in kinds or "pdf" in self._loaded:
            self._score()
            return
        for _ in range(kinds.index("pdf")):
            ws.evidence.next_artifact()
        self._wait("PDF rendered", lambda: "pdf" in self._loaded, self._score)

    def _score(self) -> None:
        ws = self.window.workspace
        assert ws.panel is not None and ws.sheet is not None
        ws.actions_by_name["level2"].trigger()
        sheet = ws.sheet
        self.criterion = ws.panel.current_criterion()
        self._wait(
            "score saved",
            lambda: sheet.state is SaveState.SAVED and sheet.saved_at is not None,
            self._read_back,
        )

    def _read_back(self) -> None:
        desk = self.window.desk
        desk.runner.read(
            evaluation_for,
            self.submission,
            desk.assessor_id,
            on_done=self._compare,
            on_error=lambda exc: self._fail(f"reading the score back: {exc}"),
        )

    def _compare(self, view: object) -> None:
        criteria = {c.id: c for c in view.criteria}  # type: ignore[attr-defined]
        stored = criteria[self.criterion.id].level_id
        expected = self.criterion.levels[1].id
        if stored != expected:
            self._fail(f"the database has level {stored!r}, the screen chose {expected!r}")
            return
        self._shot("workspace")
        self._over = True
        self._poll.stop()
        where = f"; screenshots in {self.folder}" if self.folder else ""
        self.finished.emit(
            True,
            f"ok — {', '.join(self.steps)}, read back {self.criterion.id}={stored}"
            f" for {self.submission}{where}",
        )

    def _shot(self, name: str) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{name}.png"
        if not self.window.grab().save(str(path)):
            raise RuntimeError(f"could not write {path}")

    def _fail(self, message: str) -> None:
        if self._over:
            return
        self._over = True
        self._poll.stop()
        self.finished.emit(False, f"FAILED {message} (done: {', '.join(self.steps) or 'nothing'})")
