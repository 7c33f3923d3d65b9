"""Composition root: `assessor COMMAND` runs a command; `assessor` alone opens the window.

The window's modules (and Qt) are imported only when the window opens, so commands start fast.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from assessor import cli


def _open_window(args: argparse.Namespace) -> int:
    from assessor.app.window import run

    return run(args)


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, window=_open_window)
