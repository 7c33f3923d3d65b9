"""User text: control characters are refused at entry and escaped on the way to a terminal.

C0 and C1 control characters (and DEL) never belong in a name, a title or a comment: printed
raw they drive the terminal (`ESC [2J` clears the screen), and signed into a record they stay
forever. Comments may hold newlines and tabs.
"""

from __future__ import annotations

import re
import unicodedata

from assessor.domain.errors import DomainError

_MULTILINE_ALLOWED = frozenset("\n\t")
# Characters that reorder what a terminal shows (Trojan Source): escaped when printed, but
# allowed in stored text, where right-to-left names need the marks.
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def is_control(ch: str) -> bool:
    """C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F)."""
    code = ord(ch)
    return code < 0x20 or 0x7F <= code <= 0x9F


# The characters `is_control` names (less tab and newline in multi-line text), as a regular
# expression: every field a proctor logs is checked on the save path, a loop per character
# cost more than the save's own SQL.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROLS_BUT_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def first_control(text: str, *, multiline: bool = False) -> int | None:
    """Index of the first control character that is not allowed, or None."""
    found = (_CONTROLS_BUT_LINES if multiline else _CONTROLS).search(text)
    return None if found is None else found.start()


def control_problem(text: str, *, multiline: bool = False) -> str | None:
    """Why the text is refused, in words (None when it is plain)."""
    at = first_control(text, multiline=multiline)
    if at is None:
        return None
    name = unicodedata.name(text[at], "") or "control character"
    return f"contains a control character (U+{ord(text[at]):04X} {name}) at character {at + 1}"


def require_plain(text: str, what: str, *, multiline: bool = False) -> str:
    """The text unchanged, or DomainError naming `what` and where the control character is."""
    problem = control_problem(text, multiline=multiline)
    if problem is not None:
        raise DomainError(f"{what} {problem}", location=what)
    return text


def for_terminal(text: str) -> str:
    """Printable form for a terminal: controls (but newline and tab) and bidi overrides
    become visible escapes such as `\\x1b` or `\\u202e`."""
    out = []
    for ch in text:
        if (is_control(ch) and ch not in _MULTILINE_ALLOWED) or ch in _BIDI_CONTROLS:
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)
