"""The bundle's one entry point, frozen twice: as `assessor` (the desktop window and its
commands) and as `issuer` (the issuing backend). The executable's own name says which.

Two kinds of child process run the bundle's executable again, as they would run Python:
- `services/preview.py` starts `[sys.executable, -P, -m, assessor.services.preview_child, …]`
  to read untrusted files in a limited process; exactly that module is allowed here;
- the issuer's batch readers and uvicorn's workers are multiprocessing "spawn" children,
  which `freeze_support` recognises and runs.
"""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

from assessor.app.qt_hook import plain_imports

PREVIEW_CHILD = ["-P", "-m", "assessor.services.preview_child"]


def main() -> int:
    plain_imports()  # PyInstaller's PySide6 hook loaded shiboken: imports at full speed
    multiprocessing.freeze_support()
    if sys.argv[1:4] == PREVIEW_CHILD:
        from assessor.services import preview_child

        return preview_child.main(sys.argv[4:])
    if Path(sys.executable).stem.lower() == "issuer":
        from issuer.cli import main as issuer_main

        return issuer_main()
    from assessor.app import main as assessor_main

    return assessor_main()


if __name__ == "__main__":
    sys.exit(main())
