"""Command line: `assessor COMMAND ...`. Composition root for commands; never imports the UI.

Exit status: 0 success, 1 a check found a problem, 2 bad input or usage (nothing written).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from assessor import __version__
from assessor.cli import catalogue, identity, intake, reports, work
from assessor.cli.common import Handler
from assessor.domain.errors import DomainError, ValidationFailed


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="assessor",
        description="Score evidence of skill against versioned rubrics, offline first.",
    )
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
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    catalogue.register(sub)
    work.register(sub)
    identity.register(sub)
    intake.register(sub)
    reports.register(sub)
    return p


def main(
    argv: Sequence[str] | None = None, *, window: Callable[[argparse.Namespace], int] | None = None
) -> int:
    """Run a command; with no COMMAND, `window(args)` opens the GUI (the app passes it in:
    this package never imports the UI)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "data_dir"):
        args.data_dir = None
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        if window is None:
            parser.print_usage(sys.stderr)
            return 2
        if args.screenshots and not args.self_test:
            parser.error("--screenshots goes with --self-test")
        return window(args)
    try:
        return handler(args)
    except ValidationFailed as exc:
        for line in exc.lines():
            print(line, file=sys.stderr)
        return 2
    except DomainError as exc:
        print(f"assessor: error: {exc.message}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
