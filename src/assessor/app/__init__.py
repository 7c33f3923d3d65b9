"""Composition root: `assessor COMMAND` runs a command; `assessor` alone opens the window.

The window's modules (and Qt) are imported only when the window opens, so commands start fast.
Both run inside `cli.main`, the one boundary that turns whatever escapes into one line; even
the imports before it wait inside `main`, so Ctrl+C at any moment exits 130 quietly.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

EXIT_SOFTWARE = 70
EXIT_INTERRUPTED = 130


def _open_window(args: argparse.Namespace) -> int:
    from assessor.cli.common import UsageError

    try:
        from assessor.app.first_paint import paint  # Qt and sqlite3 only: quick to import

        paint(args)  # the queue on screen while the rest below is imported
        from assessor.app.window import run
    except ImportError as exc:  # Qt or one of its system libraries is missing
        raise UsageError(
            f"the window cannot open: {exc}; see Troubleshooting in the README for the "
            "system libraries Qt needs (commands such as `assessor --help` work without them)"
        ) from None
    return run(args)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        from assessor import cli
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except ImportError as exc:  # before the boundary exists: still one line
        print(
            f"assessor: cannot start: {exc}; the installation is incomplete: reinstall it",
            file=sys.stderr,
        )
        return EXIT_SOFTWARE
    return cli.main(argv, window=_open_window)
