"""Command line: `assessor COMMAND ...`. Composition root for commands; never imports the UI.

Exit status: 0 success, 1 a check found a problem, 2 bad input or usage, or a fault of the
machine such as a full disk (nothing written), 70 a bug (the traceback is in the log file the
message names), 130 interrupted (Ctrl+C). `main` is the one boundary: whatever a command
raises becomes one line on standard error, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from assessor import start_options
from assessor.cli.common import Handler, UsageError, check_argv
from assessor.cli.crash import EXIT_SOFTWARE, environment_problem, report_bug
from assessor.domain.errors import DomainError, ValidationFailed
from assessor.domain.text import for_terminal

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
MAX_LINE = 2000  # a message repeating something huge is cut in the middle
# Each registers its commands; imported only when a command is given (the window needs none).
_COMMAND_MODULES = (
    "catalogue",
    "work",
    "identity",
    "intake",
    "reports",
    "signoff",
    "sync",
    "places",
    "sessions",
)


class _Parser(argparse.ArgumentParser):
    """argparse with its complaints escaped for the terminal (they repeat what was typed)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {_one_line(message)}\n")


def _parser(*, commands: bool = True) -> argparse.ArgumentParser:
    p = _Parser(
        prog="assessor",
        description="Score evidence of skill against versioned rubrics, offline first.",
    )
    start_options.add(p)
    if commands:
        sub = p.add_subparsers(dest="command", metavar="COMMAND")
        for name in _COMMAND_MODULES:
            importlib.import_module(f"assessor.cli.{name}").register(sub)
    return p


def main(
    argv: Sequence[str] | None = None, *, window: Callable[[argparse.Namespace], int] | None = None
) -> int:
    """Run a command; with no COMMAND, `window(args)` opens the GUI (the app passes it in:
    this package never imports the UI)."""
    _tolerant_output()
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        return _run(args_list, window)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `assessor … | head`: the reader has what it wanted
        _silence_stdout()
        return 0
    except ValidationFailed as exc:
        for line in exc.lines():
            _say(line)
        return EXIT_USAGE
    except DomainError as exc:
        _say(f"assessor: error: {exc.message}")
        return EXIT_USAGE
    except Exception as exc:
        problem = environment_problem(exc)
        if problem is not None:
            _say(f"assessor: error: {problem}")
            return EXIT_USAGE
        _say(report_bug(exc, args_list))
        return EXIT_SOFTWARE


def _run(argv: list[str], window: Callable[[argparse.Namespace], int] | None) -> int:
    check_argv(argv)
    _check_environment()
    args = _window_args(argv) if window is not None else None
    if args is not None:
        parser = _parser(commands=False)
    else:
        parser = _parser()
        args = parser.parse_args(argv)
    if not hasattr(args, "data_dir"):
        args.data_dir = None
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        if window is None:
            parser.print_usage(sys.stderr)
            return EXIT_USAGE
        if args.screenshots and not args.self_test:
            parser.error("--screenshots goes with --self-test")
        return window(args)
    return handler(args)


def _window_args(argv: list[str]) -> argparse.Namespace | None:
    """The window's options when `argv` names no command (and asks no help), read without
    importing any command (they load SQLAlchemy, httpx...: the window's first paint comes
    before them, app/first_paint.py); None otherwise."""
    if "-h" in argv or "--help" in argv:
        return None
    args, rest = _parser(commands=False).parse_known_args(argv)
    return None if rest else args


def _check_environment() -> None:
    value = os.environ.get("ASSESSOR_DATA_DIR")
    if value is not None:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise UsageError("$ASSESSOR_DATA_DIR is not valid UTF-8") from None


def _one_line(text: str) -> str:
    """Escaped (it may repeat a file name or a value typed), on one line, not too long."""
    text = for_terminal(text).replace("\n", "\\n")
    if len(text) > MAX_LINE:
        text = f"{text[: MAX_LINE - 200]} … {text[-150:]}"
    return text


def _say(line: str) -> None:
    """One line on standard error."""
    with contextlib.suppress(OSError, ValueError):  # standard error closed: nothing to do
        print(_one_line(line), file=sys.stderr, flush=True)


def _tolerant_output() -> None:
    """Text that cannot be encoded for the terminal is escaped rather than fatal."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(OSError, ValueError):
                reconfigure(errors="backslashreplace")


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at the null device so the final flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
