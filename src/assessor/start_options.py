"""The options of `assessor` itself (no COMMAND: the window's), in one place for the command
line's parser and for the app, which reads them before the command line is imported so that
the queue is on screen sooner (app/first_paint.py, decision 0030). Standard library only."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from typing import Any, NoReturn

from assessor import __version__


def add(p: argparse.ArgumentParser) -> None:
    """--version, --data-dir and the window's options."""
    p.add_argument("--version", action="version", version=f"assessor {__version__}")
    p.add_argument("--data-dir", default=None, metavar="DIR", help=argparse.SUPPRESS)
    window = p.add_argument_group("the desktop window (when no COMMAND is given)")
    window.add_argument(
        "--demo", action="store_true", help="open on a fresh demo folder with a demo profile"
    )
    window.add_argument(
        "--self-test",
        action="store_true",
        help="open offscreen on a demo folder, score one criterion, exit 0 when all went well",
    )
    window.add_argument(
        "--screenshots", metavar="DIR", help="with --self-test: write PNG screenshots to DIR"
    )
    # benchmarks/bench_bundle_start.py: open, print "ready" at the first queue page, exit
    window.add_argument("--start-probe", action="store_true", help=argparse.SUPPRESS)


class _NotPlain(Exception):
    """Not a plain window start: the command line decides (and says) what it is."""


class _Silent(argparse.ArgumentParser):
    """Says nothing and never exits: `window_args` only looks."""

    def _print_message(self, message: str, file: Any = None) -> None:
        pass

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        raise _NotPlain

    def error(self, message: str) -> NoReturn:
        raise _NotPlain


def window_args(argv: Sequence[str]) -> argparse.Namespace | None:
    """The window's options when `argv` is a plain window start: no COMMAND, no help or
    version, nothing the command line would refuse (an argument or $ASSESSOR_DATA_DIR that is
    not UTF-8, say); else None."""
    try:
        for arg in (*argv, os.environ.get("ASSESSOR_DATA_DIR", "")):
            arg.encode("utf-8")
    except UnicodeEncodeError:
        return None
    if "-h" in argv or "--help" in argv:
        return None
    parser = _Silent(prog="assessor", add_help=False)
    add(parser)
    try:
        args, rest = parser.parse_known_args(list(argv))
    except _NotPlain:
        return None
    return None if rest or (args.screenshots and not args.self_test) else args
