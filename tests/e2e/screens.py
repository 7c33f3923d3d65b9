"""Screenshots of the states issue 10 asks to be readable, for a person to look at.

    .venv/bin/python -m tests.e2e.screens docs/screenshots/states light
    .venv/bin/python -m tests.e2e.screens docs/screenshots/states dark

Each picture is the real main window at 1366×768 on a copy of a demo folder, driven through
its public methods into one state: a manager's and a proctor's window, a signed sheet, the
Queue/Rubrics switch with the workspace open, the queue's status column, a locked key, a
2,000-character save error, the outcome line, a rubric comparison and a changed evidence file
of a signed result. Not a test: the tests check these states; this only draws them.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication

from assessor.app.window import Opened, prepare
from assessor.app.wiring import build_window
from assessor.demo import DEMO_ASSESSOR, DEMO_PASSPHRASE, write_demo
from assessor.security.secrets import MemoryKeyring, SecretStore
from assessor.services.finalize import finalize
from assessor.services.profiles import unlock
from assessor.services.rubrics import import_rubric, show_version
from assessor.services.scoring import SetComment, SetLevel, save_draft
from assessor.services.submissions import QueueFilter, list_submissions
from assessor.services.workspace import open_workspace
from assessor.store.blobs import BlobStore
from assessor.store.db import Database
from assessor.ui import theme
from assessor.ui.main_window import MainWindow
from assessor.ui.tasks import TaskRunner

CHEAP_KDF = (1, 1, 8)  # the demo keys protect nothing here
SIZE = (1366, 768)


def spin(ready: Callable[[], bool], seconds: float = 30) -> None:
    app = QApplication.instance()
    assert app is not None
    end = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > end:
            raise TimeoutError("the window did not get there in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)


def settle(seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    spin(lambda: time.monotonic() > end)


class Shots:
    def __init__(self, out: Path, mode: str, template: Path, work: Path) -> None:
        self.out, self.mode, self.template = out, mode, template
        self.work = work / "desks"
        self.work.mkdir()

    @contextmanager
    def desk(
        self, name: str, prepare_data: Callable[[Database, Opened], None] | None = None
    ) -> Iterator[tuple[MainWindow, Opened]]:
        folder = self.work / f"{len(list(self.work.iterdir()))}"
        shutil.copytree(self.template, folder, ignore=shutil.ignore_patterns("assessor.lock"))
        runner = TaskRunner()
        opened = prepare(str(folder), demo=False)
        opened.secrets = SecretStore(MemoryKeyring())
        db = opened.db
        if prepare_data is not None:
            prepare_data(db, opened)
        profile = next(p for p in opened.profiles if p.name == name)
        signer = unlock(db, profile.id, DEMO_PASSPHRASE)
        window = build_window(opened, profile, signer, runner, lambda i, p: unlock(db, i, p))
        window.resize(*SIZE)
        window.show()
        window.start()
        spin(lambda: window.queue.loads > 0 or window.role_page is not None)
        settle()
        try:
            yield window, opened
        finally:
            window.quit_unsaved = lambda _error: True  # type: ignore[method-assign]
            window.close()
            runner.shutdown()
            db.close()

    def shot(self, window: MainWindow, name: str) -> None:
        settle(0.3)
        path = self.out / f"{name}-{self.mode}.png"
        window.grab().save(str(path))
        print(f"{path}  {window.width()}×{window.height()}")


def _open(window: MainWindow, submission_id: str) -> None:
    window.open_submission(submission_id)
    ws = window.workspace
    spin(lambda: ws.sheet is not None and ws.submission_id == submission_id and not ws.loading)


def _first(window: MainWindow, assessment: str = "") -> str:
    return next(
        r.id
        for r in window.queue.model.rows()
        if r.status == "to_score" and assessment in r.assessment
    )


def finalize_one(db: Database, opened: Any) -> None:
    """A safe-isolation submission scored (one criterion below the top) and signed."""
    me = next(p for p in opened.profiles if p.name == DEMO_ASSESSOR)
    rows = list_submissions(db, QueueFilter(), limit=100, offset=0, assessor_id=me.id)
    row = next(r for r in rows if r.status == "to_score" and "Safe isolation" in r.assessment)
    ws = open_workspace(db, row.id, me.id)
    changes: list[Any] = [
        SetLevel(c.id, c.levels[-1 if n else -2].id) for n, c in enumerate(ws.rubric.criteria)
    ]
    changes.append(SetComment(ws.rubric.criteria[0].id, "Checked the schedule, then on site."))
    save_draft(db, row.id, me.id, changes)
    finalize(db, row.id, unlock(db, me.id, DEMO_PASSPHRASE))
    opened.finalized = row.id


def change_evidence(db: Database, opened: Any) -> None:
    """Sign one, then change a byte of its first evidence file in the data folder."""
    finalize_one(db, opened)
    artifact = open_workspace(db, opened.finalized, "nobody").artifacts[0]
    path = BlobStore(db.data_dir / "blobs").path_of(artifact.sha256)
    path.chmod(0o600)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def second_version(db: Database, _opened: Any) -> None:
    """safe-isolation v2: a longer title and descriptor, and a sentence more of description."""
    _info, rubric = show_version(db, "safe-isolation")
    first = rubric.criteria[0]
    level = dataclasses.replace(
        first.levels[2],
        descriptor=first.levels[2].descriptor
        + " The isolation is agreed in writing, recorded on the permit to work, and the"
        " lock-off kit is checked against the site register before the work starts.",
    )
    first = dataclasses.replace(
        first,
        title="Identify the circuit, its protective device and every point of isolation",
        levels=(*first.levels[:2], level, first.levels[3]),
    )
    newer = dataclasses.replace(
        rubric,
        criteria=(first, *rubric.criteria[1:]),
        description=rubric.description + " Version 2 adds the permit to work.",
    )
    with db.write() as tx:
        import_rubric(tx, newer, source_format="test", actor="system", publish=True)


def run(shots: Shots) -> None:
    for who, tag in (("Malik Manager", "manager"), ("Priya Proctor", "proctor")):
        with shots.desk(who) as (window, _opened):
            assert window.role_page is not None
            window.role_page.setFocus()
            from PySide6.QtCore import Qt
            from PySide6.QtTest import QTest

            QTest.keyClick(window.role_page, Qt.Key.Key_2)
            shots.shot(window, f"{tag}-window")

    with shots.desk(DEMO_ASSESSOR, finalize_one) as (window, opened):
        _open(window, opened.finalized)  # type: ignore[attr-defined]
        shots.shot(window, "signed-sheet")
        window.back_to_queue()
        spin(lambda: window.queue.loads > 0)  # reloaded only if a write changed it
        window.queue.table.selectRow(0)
        shots.shot(window, "queue-states")
        window.desk.identity.lock()
        shots.shot(window, "key-locked")

    with shots.desk(DEMO_ASSESSOR) as (window, _opened):
        _open(window, _first(window, "Site safety"))
        sheet = window.workspace.sheet
        assert sheet is not None

        def full_disk(_db: object, _changes: object) -> object:
            raise OSError(28, "No space left on device: " + "/very/long/path" * 133)

        sheet._save = full_disk  # type: ignore[assignment]  # a write that fails, loudly
        window.workspace.actions_by_name["level2"].trigger()
        spin(lambda: "Not saved" in window.status.save.text())
        shots.shot(window, "long-error")

    with shots.desk(DEMO_ASSESSOR) as (window, _opened):
        _open(window, _first(window, "Safe isolation"))
        panel, sheet = window.workspace.panel, window.workspace.sheet
        assert panel is not None and sheet is not None
        for n, criterion in enumerate(sheet.rubric.criteria):
            panel.set_current(n)
            panel.choose(len(criterion.levels) - (1 if n else 0))
        panel.set_current(0)
        shots.shot(window, "outcome-line")

    with shots.desk(DEMO_ASSESSOR, second_version) as (window, _opened):
        window.show_page(window.rubrics)
        spin(lambda: len(window.rubrics.versions) > 4)
        window.rubrics.open_version("safe-isolation@2")
        settle(0.3)
        window.rubrics.compare("safe-isolation@1")
        spin(lambda: window.rubrics.comparing is not None)
        window.rubrics.diff.change_list.setCurrentItem(
            window.rubrics.diff.change_list.topLevelItem(2)
        )
        shots.shot(window, "rubric-compare")

    with shots.desk(DEMO_ASSESSOR, change_evidence) as (window, opened):
        _open(window, opened.finalized)  # type: ignore[attr-defined]
        spin(lambda: window.workspace.evidence._message.alarm)
        shots.shot(window, "evidence-changed")


def main(argv: list[str]) -> int:
    out, mode = Path(argv[0]), argv[1]
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    theme.apply(app, mode)
    with tempfile.TemporaryDirectory(prefix="assessor-screens-") as work:
        template = Path(work) / "template"
        write_demo(template, kdf_cost=CHEAP_KDF)
        run(Shots(out, mode, template, Path(work)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
