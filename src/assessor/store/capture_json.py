"""The capture's notes as JSON (store/capture.py): parsed, with whether they are plain; or,
on a save's usual notes, spliced as the canonical text of the changes without parsing.

SQLite writes the notes' JSON itself: compact, with the keys in the order the triggers list
them (sorted). Where its string escaping is Python's (checked once, on the first connection),
a note that holds no float, no integer beyond 2**53 (the triggers say: `odd`) and nothing
nested is already its RFC 8785 form: `rows_text` joins those texts. Anything else returns
None and takes the parse.
"""

from __future__ import annotations

import json
import sqlite3
from json.encoder import encode_basestring
from typing import Any

from assessor.security.canonical import MAX_SAFE_INTEGER

# Every character below 0x80, the C1 controls and some beyond: what SQLite's JSON escapes
# must match json.dumps(ensure_ascii=False), as canonicalize writes it.
_PROBE = "".join(map(chr, range(0xA0))) + "\u00e9\u2028\u2029\ufeff\U0001f600"
_NESTED = ("],", "]]", "]}", "},", "}]", "}}")
_escapes_as_python: bool | None = None


def check_escaping(conn: sqlite3.Connection) -> None:
    """Note whether this SQLite's JSON strings are Python's (once per process)."""
    global _escapes_as_python
    if _escapes_as_python is None:
        (text,) = conn.execute("SELECT json_quote(?)", (_PROBE,)).fetchone()
        _escapes_as_python = text == encode_basestring(_PROBE)


def rows_text(notes: list[Any], digested: frozenset[str]) -> str | None:
    """The canonical JSON of the changes when each note is another row, no key changed, no
    table in `digested`, and every text is plain; else None. An update carries its changed
    columns as the trigger wrote them (`delta`); one that changed nothing is left out."""
    if not _escapes_as_python:
        return None
    parts = []
    seen = set()
    for _, table, op, key, old_key, new, _changed, delta, odd in notes:
        if odd or old_key is not None or table in digested or (table, key) in seen:
            return None
        seen.add((table, key))
        if op == "i" and new is not None:
            parts.append(f'["insert","{table}",{key},{new}]')
        elif op == "u" and delta is not None:
            if delta != "{}":
                parts.append(f'["update","{table}",{key},{delta}]')
        elif op == "d":
            parts.append(f'["delete","{table}",{key}]')
        else:
            return None
    # A value SQLite wrote as JSON (a json function's result, stored as it is) would be
    # nested: a bracket closing before the end of its text. In a string: only the parse.
    texts = "\n".join(t for note in notes for t in (note[3], note[5], note[7]) if t)
    if any(pair in texts for pair in _NESTED):
        return None
    return "[" + ",".join(parts) + "]"


class _NotPlain(Exception):
    pass


def _no_float(text: str) -> float:
    raise _NotPlain(text)


def _safe_int(text: str) -> int:
    value = int(text)
    if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        raise _NotPlain(text)
    return value


# Stops at a float, an integer beyond 2**53, NaN or Infinity: parsed again, not plain.
_PLAIN = json.JSONDecoder(parse_float=_no_float, parse_int=_safe_int, parse_constant=_no_float)


def parse_all(notes: list[Any]) -> tuple[list[Any], bool]:
    """The notes' JSON texts (key, old key, new row; those not null), parsed in one call:
    json.loads' own cost per call was most of an autosave's parsing. Each text is one value
    written by SQLite's json functions; the count is checked all the same. With the values,
    whether they are plain: no float, no integer beyond 2**53 (and keys are column names,
    which `captured_tables` keeps to ASCII identifiers)."""
    texts = [text for note in notes for text in note[3:6] if text is not None]
    if not texts:
        return [], True
    joined = "[" + ",".join(texts) + "]"
    try:
        values, plain = _PLAIN.decode(joined), True
    except _NotPlain:
        values, plain = json.loads(joined), False
    if len(values) != len(texts):
        raise ValueError("audit capture: a noted row is not one JSON value")
    return values, plain
