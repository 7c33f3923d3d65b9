"""Plain user text: control characters found and named; terminal output escaped."""

from __future__ import annotations

import pytest

from assessor.domain.errors import DomainError
from assessor.domain.numbers import bounded_decimal
from assessor.domain.text import (
    control_problem,
    first_control,
    for_terminal,
    is_control,
    require_plain,
)


@pytest.mark.parametrize("ch", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b", "\r"])
def test_controls_are_found_where_they_are(ch: str) -> None:
    assert first_control(f"ab{ch}c") == 2
    assert first_control(f"ab{ch}c", multiline=True) == 2


def test_newline_and_tab_only_in_multiline_text() -> None:
    assert first_control("a\nb\tc") == 1
    assert first_control("a\nb\tc", multiline=True) is None


def test_the_search_finds_exactly_the_characters_is_control_names() -> None:
    # first_control searches with a regular expression; is_control is the definition.
    for code in range(0x3000):
        ch = chr(code)
        for multiline in (False, True):
            allowed = multiline and ch in "\n\t"
            expected = 1 if is_control(ch) and not allowed else None
            assert first_control(f"a{ch}b", multiline=multiline) == expected, hex(code)


def test_right_to_left_and_other_scripts_are_plain() -> None:
    assert control_problem("مريم \u202bحداد\u202c 李 Ζωή 🙂") is None


def test_require_plain_names_the_field_and_the_place() -> None:
    with pytest.raises(DomainError) as caught:
        require_plain("Ada\x1b[2J", "profile name")
    assert "profile name" in caught.value.message and "U+001B" in caught.value.message
    assert "character 4" in caught.value.message


def test_terminal_form_escapes_controls_and_bidi_overrides() -> None:
    assert for_terminal("a\x1b[2Jb\u202ec\nd\te") == "a\\x1b[2Jb\\u202ec\nd\te"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("1.00001", "decimal places"),
        ("1.0000000000000000000000000001", "decimal places"),
        ("3e999999999", "significant digits"),
        ("1234567890123", "significant digits"),
        ("1" * 70, "too long"),
    ],
)
def test_numbers_beyond_the_bound_are_refused(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        bounded_decimal(text)


@pytest.mark.parametrize("text", ["0", "2.5", "2.0000", "-0.0001", "123456789012", "99999999.9999"])
def test_numbers_within_the_bound_are_exact(text: str) -> None:
    from decimal import Decimal

    assert bounded_decimal(text) == Decimal(text)
