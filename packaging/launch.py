"""The bundle's one entry point, frozen twice: as `assessor` (the desktop window and its
commands) and as `issuer` (the issuing backend). The executable's own name says which.

Two kinds of child process run the bundle's executable again, as they would run Python:
- `services/preview.py` starts `[sys.executable, -P, -m, assessor.services.preview_child, …]`
  to read untrusted files in a limited process; exactly that module is allowed here;
- the issuer's batch readers and uvicorn's workers are multiprocessing "spawn" children, and
  multiprocessing's resource tracker a `-c` child: `multiprocessing_child` runs them.
PyInstaller's own hook for those imports multiprocessing at every start, ~10 % of a bare
window's; the spec leaves it out and this imports it only for such a child (decision 0034).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from assessor.app.qt_hook import plain_imports

PREVIEW_CHILD = ["-P", "-m", "assessor.services.preview_child"]
# What multiprocessing runs its resource tracker with (`resource_tracker.ensure_running`).
TRACKER = re.compile(r"from multiprocessing\.resource_tracker import main;main\((\d+)\)")


def multiprocessing_child(argv: list[str]) -> bool:
    """Run the multiprocessing child `argv` names, if it names one; True when it did."""
    if argv[1:2] == ["--multiprocessing-fork"]:  # spawn.get_command_line, frozen
        from multiprocessing import spawn

        named = dict(arg.partition("=")[::2] for arg in argv[2:])
        spawn.spawn_main(**{k: None if v == "None" else int(v) for k, v in named.items()})
        return True  # spawn_main exits
    if "-c" in argv[1:-1] and (found := TRACKER.fullmatch(argv[argv.index("-c") + 1])):
        from multiprocessing import resource_tracker

        resource_tracker.main(int(found[1]))
        return True
    return False


def main() -> int:
    plain_imports()  # PyInstaller's PySide6 hook loaded shiboken: imports at full speed
    if multiprocessing_child(sys.argv):
        return 0
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
