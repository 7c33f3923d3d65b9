"""The `issuer` command: administration and `issuer serve`. One boundary turns every error
into a message and an exit status (0 success, 1 a check found a problem, 2 bad input or
usage with nothing written); no traceback reaches the terminal."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from sqlalchemy.exc import OperationalError, SQLAlchemyError

from assessor.domain.errors import DomainError, ValidationFailed
from assessor.domain.text import for_terminal
from issuer import __version__
from issuer.cli import admin, catalogue, credentials, demo, people, work
from issuer.cli.common import CheckFailed, Handler

log = logging.getLogger("issuer")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="issuer",
        description="The reference issuing backend: publish rubrics and work, verify signed "
        "records, issue and revoke Open Badges 3.0 credentials.",
    )
    p.add_argument("--version", action="version", version=f"issuer {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True)
    admin.register(sub)
    catalogue.register(sub)
    people.register(sub)
    work.register(sub)
    credentials.register(sub)
    demo.register(sub)
    return p


def _error(message: str) -> None:
    print(f"issuer: error: {for_terminal(message)}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the exit status."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors (argparse printed them)
        return int(exc.code or 0)
    handler: Handler = args.handler
    try:
        return handler(args)
    except ValidationFailed as exc:
        for line in exc.lines():
            print(for_terminal(line), file=sys.stderr)
        return 2
    except DomainError as exc:
        _error(exc.message)
        return 2
    except CheckFailed as exc:
        _error(str(exc))
        return 1
    except OperationalError as exc:
        _error(f"the database could not be used: {' '.join(str(exc.orig).split())[:300]}")
        return 2
    except SQLAlchemyError as exc:
        _error(f"the database refused the change: {' '.join(str(exc).split())[:300]}")
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the boundary: a bug is reported in one line, logged in full
        if os.environ.get("ISSUER_DEBUG"):
            raise
        log.debug("unexpected error", exc_info=True)
        _error(f"unexpected {type(exc).__name__}: {exc} (ISSUER_DEBUG=1 shows the traceback)")
        return 1
