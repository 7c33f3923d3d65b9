"""A real desk process that is quit at a random moment (run by test_quit.py).

    python -m tests.e2e.quit_child FOLDER SUBMISSION MODE SEED

MODE "save": opens SUBMISSION, keeps choosing levels and typing a comment, and closes the
window after a random delay, in the middle of that. Every change is printed *before* it is
made ("SET criterion level", "COMMENT criterion text"), so the parent knows the last value
the person saw for each field.
MODE "load": the submission's load is slow (a disk that takes a second to answer) and the
window is closed while it is still loading.
"""

from __future__ import annotations

import os
import random
import sys
import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from assessor.app.window import prepare
from assessor.app.wiring import build_window
from assessor.services import workspace as workspace_service
from assessor.ui.scoring import workspace as workspace_ui
from assessor.ui.tasks import TaskRunner


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> int:
    folder, submission, mode, seed = sys.argv[1:5]
    rng = random.Random(int(seed))
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app = QApplication([])
    runner = TaskRunner()
    opened = prepare(folder, demo=False)
    profile = next(p for p in opened.profiles if "assessor" in p.roles)
    window = build_window(opened, profile, None, runner, lambda _p, _s: None)  # type: ignore[arg-type,return-value]
    ws = window.workspace
    if mode == "load":
        real = workspace_service.open_workspace

        def slow_disk(*args: object) -> object:
            time.sleep(1.0)
            return real(*args)  # type: ignore[arg-type]

        workspace_ui.open_workspace = slow_disk  # type: ignore[assignment]

    def change() -> None:
        panel, sheet = ws.panel, ws.sheet
        if panel is None or sheet is None or not window.isVisible():
            return  # closed: the person can no longer type
        criteria = sheet.rubric.criteria
        n = rng.randrange(len(criteria))
        panel.set_current(n)
        if rng.random() < 0.25:
            editor = panel.cards[n].comment
            editor.setFocus(Qt.FocusReason.OtherFocusReason)
            text = f"note {rng.randrange(10**6)}"
            say(f"COMMENT {criteria[n].id} {text}")
            editor.setPlainText(text)  # saved by the debounce, or by the flush on close
            panel.setFocus()
        else:
            level = rng.choice(criteria[n].levels)
            say(f"SET {criteria[n].id} {level.id}")
            panel.choose(criteria[n].levels.index(level) + 1)
        QTimer.singleShot(rng.randrange(0, 8), change)

    def loaded(_submission: str) -> None:
        say("LOADED")
        change()
        QTimer.singleShot(rng.randrange(5, 400), window.close)

    ws.loaded.connect(loaded)

    def queue_ready() -> None:
        if window.queue.loads == 0:
            QTimer.singleShot(5, queue_ready)
            return
        window.open_submission(submission)
        if mode == "load":
            QTimer.singleShot(rng.randrange(0, 300), window.close)

    window.show()
    window.start()
    queue_ready()
    status = app.exec()
    runner.shutdown()
    opened.db.close()
    say(f"EXIT {status}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
