"""What every command shares: options, output, the data folder, passphrases."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from assessor.domain.errors import DomainError
from assessor.services.data_folder import open_data
from assessor.store.db import Database

Handler = Callable[[argparse.Namespace], int]


class UsageError(DomainError):
    code = "usage"


def out(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> None:
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def open_db(args: argparse.Namespace, *, create: bool = True) -> Database:
    """The data folder's database; commands that only read pass create=False, so a mistyped
    folder is an error rather than a new, empty (and "verified") store."""
    return open_data(args.data_dir, create=create)


def read_passphrase(whose: str = "") -> str:
    """At a terminal, asked for without echo; otherwise one line from standard input, without
    its line end. Never printed or logged."""
    if sys.stdin.isatty():
        prompt = f"Passphrase for {whose}: " if whose else "Passphrase: "
        passphrase = getpass.getpass(prompt)
        if not passphrase:
            raise UsageError("no passphrase given")
        return passphrase
    line = sys.stdin.readline()
    passphrase = line[:-1] if line.endswith("\n") else line
    passphrase = passphrase[:-1] if passphrase.endswith("\r") else passphrase
    if not passphrase:
        raise UsageError("no passphrase on standard input")
    return passphrase


@cache
def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        default=argparse.SUPPRESS,
        metavar="DIR",
        help="data folder (default: $ASSESSOR_DATA_DIR or the user data folder)",
    )
    common.add_argument("--json", action="store_true", help="machine-readable output")
    return common


def command(
    parent: Any, name: str, handler: Handler, help_: str, example: str
) -> argparse.ArgumentParser:
    """A subcommand with the common options and an example in its --help."""
    cmd: argparse.ArgumentParser = parent.add_parser(
        name,
        parents=[_common()],
        help=help_,
        description=help_,
        epilog=f"example:\n  {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.set_defaults(handler=handler)
    return cmd
