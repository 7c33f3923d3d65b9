"""Screenshots of the sync in the window, for a person to look at:

    .venv/bin/python -m tests.e2e.sync_screens docs/screenshots light
    .venv/bin/python -m tests.e2e.sync_screens docs/screenshots dark

A demo folder with the demo issuer in this process (as `assessor --demo`), Ada's window at
1366×768: one result scored, finalized and synced, so the Sync page shows the outbox and the
Credentials page a credential; and the enrolment dialog. Not a test: the tests check these
states (tests/e2e/test_sync_window.py); this only draws them.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from assessor.app.window import prepare
from assessor.app.wiring import build_window
from assessor.demo import DEMO_ASSESSOR, DEMO_PASSPHRASE, write_demo
from assessor.demo.backend import start_demo_backend
from assessor.security.secrets import MemoryKeyring, SecretStore
from assessor.services.profiles import unlock
from assessor.ui import theme
from assessor.ui.tasks import TaskRunner
from tests.e2e.screens import CHEAP_KDF, SIZE, settle, spin
from tests.e2e.test_sync_window import finalize_demo_submission


def main(out: Path, mode: str) -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    theme.apply(app, mode)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sync-screens-") as work:
        _shoot(out, mode, Path(work) / "demo")


def _shoot(out: Path, mode: str, folder: Path) -> None:
    write_demo(folder, kdf_cost=CHEAP_KDF)
    opened = prepare(str(folder), demo=False)
    opened.secrets = SecretStore(MemoryKeyring())
    backend = start_demo_backend(opened.db, opened.secrets)
    runner = TaskRunner()
    try:
        profile = next(p for p in opened.profiles if p.name == DEMO_ASSESSOR)
        signer = unlock(opened.db, profile.id, DEMO_PASSPHRASE)
        window = build_window(opened, profile, signer, runner)
        window.resize(*SIZE)
        window.show()
        window.start()
        controller = window.sync.controller
        spin(lambda: controller.state.enrolment is not None)
        done: list[object] = []
        controller.finished.connect(done.append)
        controller.sync_now()  # the work assigned to Ada arrives
        spin(lambda: len(done) == 1, 120)
        finalize_demo_submission(opened.db, profile.id)
        finalize_demo_submission(opened.db, profile.id)
        controller.sync_now()
        spin(lambda: len(done) == 2, 120)
        window.show_page(window.sync.page)
        settle(1.0)
        window.grab().save(str(out / f"sync-page-{mode}.png"))
        window.show_page(window.sync.credentials)
        settle(1.0)
        window.grab().save(str(out / f"credentials-page-{mode}.png"))
        dialog = window.sync.open_enrol()
        settle(0.5)
        dialog.grab().save(str(out / f"enrol-dialog-{mode}.png"))
        dialog.close()
        window.close()
    finally:
        runner.shutdown()
        backend.stop()
        opened.db.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "light")
