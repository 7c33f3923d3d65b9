"""What every command shares: options, output, the data folder, passphrases, the bounds on
what a command accepts, and the one door through which files are read and written."""

from __future__ import annotations

import argparse
import getpass
import stat
import sys
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessor import log, paths
from assessor.domain.errors import DomainError
from assessor.domain.text import for_terminal
from assessor.store.files import InputRefused, read_regular_file

if TYPE_CHECKING:
    from assessor.store.db import Database

Handler = Callable[[argparse.Namespace], int]

# A long overall comment fits; anything longer is a mistake (or an attack) and is refused
# before it reaches a query, a record or an error message.
MAX_ARGUMENT = 20_000
MAX_ID = 200  # an id, a reference, a name: far longer than any real one
MAX_PATH = 4096
MAX_PASSPHRASE_BYTES = 1024
MAX_RECORD_BYTES = 4 << 20  # a signed record is a few kB; a roster of profiles not much more
SHOWN = 60  # characters of an offending value repeated in an error message

_secrets: set[str] = set()


class UsageError(DomainError):
    code = "usage"


def secrets_read() -> frozenset[str]:
    """The passphrases this process has read: never written anywhere, not even a crash log."""
    return frozenset(_secrets)


def shown(value: str) -> str:
    """A value as an error message repeats it: escaped for the terminal, and cut short."""
    text = value if len(value) <= SHOWN else value[:SHOWN] + f"… ({len(value)} characters)"
    return for_terminal(text.encode("utf-8", "backslashreplace").decode("utf-8"))


def check_argv(argv: Sequence[str]) -> None:
    """Every argument is valid UTF-8 (no lone surrogates, which is how undecodable bytes
    arrive) and at most MAX_ARGUMENT characters; else UsageError naming it."""
    for n, arg in enumerate(argv, 1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise UsageError(
                f"argument {n} ({shown(arg)}) is not valid UTF-8 at character {exc.start + 1}"
            ) from None
        if len(arg) > MAX_ARGUMENT:
            raise UsageError(
                f"argument {n} ({shown(arg)}) is longer than {MAX_ARGUMENT} characters"
            )


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high`."""

    def parse(text: str) -> int:
        try:
            value = int(text) if len(text) <= 20 else None
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"'{shown(text)}' is not a whole number from {low} to {high}"
            )
        return value

    return parse


def bounded_text(limit: int) -> Callable[[str], str]:
    """An argparse type: text of at most `limit` characters."""

    def parse(text: str) -> str:
        if len(text) > limit:
            raise argparse.ArgumentTypeError(f"'{shown(text)}' is longer than {limit} characters")
        return text

    return parse


def identifier(text: str) -> str:
    """An argparse type for ids, references and names: at most MAX_ID characters."""
    return bounded_text(MAX_ID)(text)


def open_db(args: argparse.Namespace, *, create: bool = True) -> Database:
    """The data folder's database; commands that only read pass create=False, so a mistyped
    folder is an error rather than a new, empty (and "verified") store. The folder's log starts
    here: the CLI is start-up code, the services never configure logging."""
    from assessor.services.data_folder import open_data  # SQLAlchemy: not before a command

    db = open_data(args.data_dir, create=create)
    log.setup(paths.log_file(db.data_dir))
    return db


# Queues -----------------------------------------------------------------------------------

MAX_SEARCH = 200
MAX_LIMIT = 100_000


def add_queue_filters(cmd: argparse.ArgumentParser, search: str) -> None:
    """--assessment ID, --search TEXT (`search` says what it matches) and --limit N, for
    every command that lists a queue."""
    cmd.add_argument("--assessment", metavar="ID", type=identifier)
    cmd.add_argument("--search", metavar="TEXT", type=bounded_text(MAX_SEARCH), help=search)
    cmd.add_argument(
        "--limit",
        type=bounded_int(1, MAX_LIMIT),
        default=200,
        metavar="N",
        help=f"at most N rows (1 to {MAX_LIMIT}; default: 200)",
    )


# Files in and out ---------------------------------------------------------------------


def add_output(cmd: argparse.ArgumentParser, what: str, metavar: str = "FILE") -> None:
    """--out FILE and --force, for every command that writes a file. The file itself is
    written by `store.files.write_output`, the one way any command writes one."""
    cmd.add_argument("--out", required=True, metavar=metavar, help=f"where to write {what}")
    cmd.add_argument("--force", action="store_true", help=f"replace {metavar} if it exists")


def read_input(path: str, *, limit: int = MAX_RECORD_BYTES) -> bytes:
    """A small input file's bytes: only a regular file, at most `limit` bytes."""
    return read_regular_file(Path(path), limit=limit)


def check_input_files(paths: Sequence[str]) -> None:
    """Input files a service reads itself must be regular files: a device such as /dev/zero
    or a named pipe would be read forever (or waited on)."""
    for text in paths:
        path = Path(text)
        try:
            mode = path.stat().st_mode
        except OSError:
            continue  # the service names a missing or unreadable file in its own words
        if stat.S_ISDIR(mode):
            raise InputRefused(path, "is a folder, not a file")
        if not stat.S_ISREG(mode):
            raise InputRefused(path, "is not a regular file (a device, a pipe or a socket)")


def read_passphrase(whose: str = "") -> str:
    """At a terminal, asked for without echo; otherwise one line from standard input, without
    its line end, at most MAX_PASSPHRASE_BYTES and valid UTF-8. Never printed or logged."""
    if sys.stdin is None:
        raise UsageError("no standard input to read the passphrase from")
    if sys.stdin.isatty():
        prompt = f"Passphrase for {for_terminal(whose)}: " if whose else "Passphrase: "
        try:
            passphrase = getpass.getpass(prompt)
        except UnicodeDecodeError:
            raise UsageError("the passphrase typed is not valid UTF-8") from None
        if not passphrase:
            raise UsageError("no passphrase given")
        return _remember(passphrase)
    line = _stdin_line()
    passphrase = line[:-1] if line.endswith("\n") else line
    passphrase = passphrase[:-1] if passphrase.endswith("\r") else passphrase
    if not passphrase:
        raise UsageError("no passphrase on standard input")
    return _remember(passphrase)


def _stdin_line() -> str:
    limit = MAX_PASSPHRASE_BYTES + 2  # and the line end
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is None:  # a text stream put in place by a caller
        line = sys.stdin.readline(limit)
        raw = line.encode("utf-8", "surrogatepass")
    else:
        raw = buffer.readline(limit)
    if len(raw) >= limit and not raw.endswith(b"\n"):
        raise UsageError(
            f"the passphrase on standard input is longer than {MAX_PASSPHRASE_BYTES} bytes"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"the passphrase on standard input is not valid UTF-8 (byte {exc.start + 1})"
        ) from None


def _remember(passphrase: str) -> str:
    _secrets.add(passphrase)
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
