"""Output that can hold text from users or files, made safe for a terminal.

Names, titles, comments, ids and messages come from people, packages, rubric files, record
files and the database, any of which may be hostile: printed raw, `ESC [2J` clears the screen
and a right-to-left override hides what a line says. Every command prints such text through
these functions: controls and bidi overrides become visible escapes (`\\x1b`, `\\u202e`), and a
newline inside a value shows as `\\n`, so one value can never pass for a line of its own.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from assessor.domain.errors import one_line

# json.dumps(ensure_ascii=False) escapes C0 controls but writes DEL, C1 controls and bidi
# controls as they are; inside a JSON string each may be written as \uXXXX instead.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def esc(value: object) -> str:
    """One value on one line, printable: controls (newline and tab too) and bidi controls
    become visible escapes."""
    return one_line(str(value))


def say(*lines: str, err: bool = False) -> None:
    """Print each line escaped (see `esc`): one `say` argument is one line on the screen."""
    stream: TextIO = sys.stderr if err else sys.stdout
    for line in lines:
        print(esc(line), file=stream)


def table(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> None:
    """A plain-text table whose cells are escaped, so the columns line up and hold."""
    cells = [[esc(c) for c in headers]] + [[esc(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def out(data: Any) -> None:
    """JSON on standard output, readable (non-ASCII letters as they are) and terminal-safe:
    C1 controls, DEL and bidi controls are written as \\u escapes, which parse to the same
    text."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    print(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))
