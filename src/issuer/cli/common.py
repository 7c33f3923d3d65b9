"""What every `issuer` command shares: --db and --json, opening the database, output."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import select

from assessor.domain.text import for_terminal
from issuer.errors import BadInput, NotInitialised
from issuer.paths import database_url
from issuer.services.setup import open_initialised
from issuer.store import models as m
from issuer.store.db import Database

Handler = Callable[[argparse.Namespace], int]


class CheckFailed(Exception):
    """A command ran but found a problem: exit 1."""


def out(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def say(text: str) -> None:
    """A line for a person at a terminal: text from the database or a record is escaped."""
    print(for_terminal(text))


def table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> None:
    cells = [[str(c) for c in headers]] + [[for_terminal(str(c)) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def open_database(args: argparse.Namespace, *, initialised: bool = True) -> Database:
    """The issuer's database. Commands other than init refuse one that `issuer init` has not
    made (a mistyped --db must not become a new, empty issuer)."""
    url = database_url(getattr(args, "db", None))
    return open_initialised(url) if initialised else Database(url)


def setting(db: Database, key: str) -> str:
    with db.read() as session:
        row = session.scalar(select(m.Setting).where(m.Setting.key == key))
    if row is None:
        raise NotInitialised(db.display())
    return row.value


def parse_time(value: str, option: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadInput(
            f"{option}: '{value}' is not a date-time such as 2026-11-24T09:00:00Z"
        ) from None
    if moment.tzinfo is None:
        raise BadInput(f"{option}: '{value}' needs a time zone (Z or +01:00)")
    return moment.astimezone(UTC)


@cache
def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        metavar="URL",
        help="database URL (default: $ISSUER_DB, else issuer.db in the data folder)",
    )
    common.add_argument("--json", action="store_true", help="machine-readable output")
    return common


def command(
    parent: Any, name: str, handler: Handler, help_: str, example: str
) -> argparse.ArgumentParser:
    """A subcommand with --db, --json and an example in its --help."""
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


def group(parent: Any, name: str, help_: str) -> Any:
    sub = parent.add_parser(name, help=help_, description=help_)
    return sub.add_subparsers(dest=f"{name}_command", metavar="COMMAND", required=True)
