"""RFC 8785 canonical JSON and a strict JSON reader (duplicate keys and floats refused)."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import rfc8785

MAX_SAFE_INTEGER = 2**53 - 1


class StrictJSONError(ValueError):
    """A JSON text that is malformed or breaks a strictness rule.

    `problems` lists (location, message) pairs: a JSON pointer, or "line L column C" where
    the text could not be parsed at all.
    """

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems[0][1])
        self.problems = problems
        self.location, self.message = problems[0]


def is_plain(value: Any) -> bool:
    """True when RFC 8785 and Python's sorted compact JSON agree on `value`: ASCII keys (so
    UTF-16 and code point order coincide), strings, safe integers, booleans and null. Both
    then escape exactly '"', '\\' and control characters, with lowercase \\u00xx.

    Exact types, explicit loops: this walk runs on every record signed and verified. A
    subclass (an enum, say) is not plain and takes the rfc8785 path."""
    kind = type(value)
    if kind in _SCALARS:
        return True
    if kind is int:
        return bool(-MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER)
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or not key.isascii():
                return False
            if type(item) not in _SCALARS and not is_plain(item):  # a call only if need be
                return False
        return True
    if kind is list:
        for item in value:  # noqa: SIM110 (a loop: no generator frame per list)
            if type(item) not in _SCALARS and not is_plain(item):
                return False
        return True
    return False


_SCALARS = frozenset((str, bool, type(None)))


def _sorted_compact() -> Callable[[Any], str]:
    """json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")), with
    the C encoder built once rather than on every call (a fifth of an audit event's cost).
    No cycle check: `is_plain` has walked the value first, and recursed on a cycle."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator: the ordinary path
        options = {"ensure_ascii": False, "sort_keys": True, "separators": (",", ":")}
        return lambda value: json.dumps(value, **options)  # type: ignore[arg-type]

    def unexpected(value: Any) -> Any:
        raise TypeError(f"{type(value).__name__} is not JSON")

    # (markers, default, encoder, indent, key and item separators, sort_keys, skipkeys,
    # allow_nan): json.JSONEncoder.iterencode's own call, with markers off.
    string = json.encoder.encode_basestring
    encode = make(None, unexpected, string, None, ":", ",", True, False, True)
    return lambda value: "".join(encode(value, 0))


_dumps = _sorted_compact()


def canonicalize(value: Any, *, plain: bool | None = None) -> bytes:
    """RFC 8785 bytes. Decimals must have been turned into ints or strings before.

    Plain values (most audit events and records) take a fast path through the C JSON encoder,
    tested equal to the `rfc8785` package; anything else goes to that package. `plain` is
    `is_plain(value)` when the caller has just computed it."""
    if plain if plain is not None else is_plain(value):
        text = _dumps(value)
        try:
            return text.encode("utf-8")
        except UnicodeEncodeError:
            pass  # a lone surrogate: let rfc8785 refuse it in its own words
    return rfc8785.dumps(value)


def spliced_object(value: dict[str, Any], key: str, text: str) -> str | None:
    """Canonical JSON text of `{**value, key: <text>}`, where `text` is already canonical
    JSON and `value` is plain (and lacks `key`); None where a lone surrogate needs
    `canonicalize` to refuse it."""
    parts = {k: _dumps(item) for k, item in value.items()}
    parts[key] = text
    joined = "{" + ",".join(f"{_dumps(k)}:{parts[k]}" for k in sorted(parts)) + "}"
    try:
        joined.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return joined


def _pointer_token(key: str | int) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def _find_duplicates(
    value: Any, marks: dict[int, list[str]], at: str, out: list[tuple[str, str]]
) -> None:
    if isinstance(value, dict):
        for key in marks.get(id(value), []):
            out.append((f"{at}/{_pointer_token(key)}", f"duplicate key '{key}'"))
        for key, item in value.items():
            _find_duplicates(item, marks, f"{at}/{_pointer_token(key)}", out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _find_duplicates(item, marks, f"{at}/{index}", out)


class _Hooks:
    """The parser's hooks: they note duplicate keys and numbers to refuse as they go, so all
    of them are reported at once."""

    def __init__(self, allow_decimals: bool) -> None:
        self.allow_decimals = allow_decimals
        self.marks: dict[int, list[str]] = {}
        self.bad_numbers: list[str] = []

    def pairs(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        dups: list[str] = []
        for key, item in pairs:
            if key in result:
                dups.append(key)
            result[key] = item
        if dups:
            self.marks[id(result)] = dups
        return result

    def parse_float(self, literal: str) -> Decimal:
        if not self.allow_decimals:
            self.bad_numbers.append(f"number {literal} must be an integer or a decimal string")
        return Decimal(literal)

    def parse_int(self, literal: str) -> int:
        try:
            number = int(literal)
        except ValueError:  # Python refuses integers over 4300 digits; report, don't crash
            self.bad_numbers.append(f"integer of {len(literal)} digits is too long")
            return 0
        if not self.allow_decimals and abs(number) > MAX_SAFE_INTEGER:
            self.bad_numbers.append(f"integer {literal} is outside ±(2^53-1)")
        return number

    def parse_constant(self, name: str) -> Any:
        self.bad_numbers.append(f"{name} is not valid JSON")
        return None


def _text(data: str | bytes) -> str:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise StrictJSONError(
                [(f"byte {exc.start}", f"not UTF-8 text ({exc.reason})")]
            ) from None
    return data.removeprefix("\ufeff")


def loads_strict(text: str | bytes, *, allow_decimals: bool = True) -> Any:
    """Parse JSON refusing duplicate keys (all of them reported, by JSON pointer).

    Non-integer numbers become exact Decimals, or are refused when `allow_decimals` is off;
    integers beyond ±(2^53-1) are refused when decimals are refused (interoperable JSON).
    """
    hooks = _Hooks(allow_decimals)
    try:
        value = json.loads(
            _text(text),
            object_pairs_hook=hooks.pairs,
            parse_float=hooks.parse_float,
            parse_int=hooks.parse_int,
            parse_constant=hooks.parse_constant,
        )
    except json.JSONDecodeError as exc:
        raise StrictJSONError([(f"line {exc.lineno} column {exc.colno}", exc.msg)]) from None
    except RecursionError:
        raise StrictJSONError([("", "nested too deeply")]) from None
    problems: list[tuple[str, str]] = []
    _find_duplicates(value, hooks.marks, "", problems)
    problems.extend(("", message) for message in hooks.bad_numbers)
    if problems:
        raise StrictJSONError(problems)
    return value
