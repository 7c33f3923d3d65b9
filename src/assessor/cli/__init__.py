"""Command line: `assessor COMMAND ...`. Composition root for commands; never imports the UI.

Exit status: 0 success, 1 a check found a problem, 2 bad input or usage (nothing written).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from assessor import __version__
from assessor.cli import catalogue, identity, intake, work
from assessor.cli.common import Handler
from assessor.domain.errors import DomainError, ValidationFailed


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="assessor",
        description="Score evidence of skill against versioned rubrics, offline first.",
    )
    p.add_argument("--version", action="version", version=f"assessor {__version__}")
    p.add_argument("--data-dir", default=None, metavar="DIR", help=argparse.SUPPRESS)
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    catalogue.register(sub)
    work.register(sub)
    identity.register(sub)
    intake.register(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "data_dir"):
        args.data_dir = None
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        print(
            "The desktop window arrives with the scoring desk. Meanwhile try:\n"
            "  assessor demo --data-dir DIR\n  assessor --help",
            file=sys.stderr,
        )
        return 2
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
