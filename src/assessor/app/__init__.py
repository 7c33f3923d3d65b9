"""Composition root: `assessor COMMAND` runs a command; `assessor` alone opens the window.

The window's modules (and Qt) are imported only when the window opens, so commands start fast.
Both run inside `cli.main`, the one boundary that turns whatever escapes into one line; even
the imports before it wait inside `main`, so Ctrl+C at any moment exits 130 quietly.

A plain window start paints the queue's first page before the command line is imported
(app/first_paint.py, decisions 0026 and 0030); what goes wrong there is raised again inside
the boundary, which says it as it says anything else.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from functools import partial

EXIT_SOFTWARE = 70
EXIT_INTERRUPTED = 130


class _Painting:
    """What became of the first paint tried before the command line loaded."""

    def __init__(self, tried: bool = False, failed: Exception | None = None) -> None:
        self.tried, self.failed = tried, failed


def _paint_first(argv: Sequence[str]) -> _Painting:
    """The first paint, when `argv` is a plain window start."""
    from assessor.start_options import window_args

    args = window_args(argv)
    if args is None:
        return _Painting()
    # No cyclic collections while the window starts: they cost ~10 % of it (hundreds of
    # passes over a heap that only grows) and find almost nothing (decision 0031);
    # `wiring.settle_heap` freezes what start-up made and turns collection back on.
    gc.disable()
    try:
        _paint(args)
    except Exception as exc:  # Qt missing, say: the boundary says so
        return _Painting(True, exc)
    return _Painting(True)


def _paint(args: argparse.Namespace) -> None:
    import PySide6.QtCore  # noqa: F401  # loads shiboken, which wraps `import`

    from assessor.app.qt_hook import plain_imports

    plain_imports()
    from assessor.app.first_paint import paint

    paint(args)


def _open_window(painting: _Painting, args: argparse.Namespace) -> int:
    from assessor.cli.common import UsageError

    try:
        if painting.failed is not None:
            raise painting.failed
        if not painting.tried:
            _paint(args)  # the queue on screen while the rest below is imported
        from assessor.app.window import run
    except ImportError as exc:  # Qt or one of its system libraries is missing
        raise UsageError(
            f"the window cannot open: {exc}; see Troubleshooting in the README for the "
            "system libraries Qt needs (commands such as `assessor --help` work without them)"
        ) from None
    return run(args)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        painting = _paint_first(list(sys.argv[1:] if argv is None else argv))
        from assessor import cli
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except ImportError as exc:  # before the boundary exists: still one line
        print(
            f"assessor: cannot start: {exc}; the installation is incomplete: reinstall it",
            file=sys.stderr,
        )
        return EXIT_SOFTWARE
    return cli.main(argv, window=partial(_open_window, painting))
