"""Exact numbers: scores are Decimals, written as integers or decimal strings, never floats."""

from __future__ import annotations

from decimal import (
    ROUND_HALF_EVEN,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
)

Number = int | str


def parse_decimal(value: object) -> Decimal:
    """An int, a Decimal or a decimal string; floats and bools are refused."""
    if isinstance(value, bool | float):
        raise ValueError("must be an integer or a decimal string, not a float")
    if isinstance(value, int | Decimal):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"'{value}' is not a decimal number") from None
    else:
        raise ValueError("must be a number")
    if not result.is_finite():
        raise ValueError("must be a finite number")
    return result


# Sums and products of bounded numbers (a rubric's maximum, weight × points) are exact in this
# context, whatever the calling thread has set; were one ever not, Inexact is raised rather
# than a rounded number kept.
EXACT = Context(
    prec=80,
    rounding=ROUND_HALF_EVEN,
    traps=[Inexact, InvalidOperation, DivisionByZero, Overflow],
)


def to_json_number(value: Decimal) -> Number:
    """An integral Decimal becomes an int; anything else its plain decimal string, every digit
    kept: formatted without the thread's decimal context, which would round (`normalize()`
    under the default 28 digits turned a signed total into another number)."""
    if value == value.to_integral_value():
        return int(value)
    return format(value, "f").rstrip("0")  # not integral: there is a point, and a digit after


def fmt(value: Decimal) -> str:
    """For people: '12', '2.5'."""
    return str(to_json_number(value))


# Every number a person or a file enters is bounded, so every computation on it is exact in
# the engine's decimal context (decision 0002): points, weights and thresholds.
MAX_DECIMAL_PLACES = 4
MAX_SIGNIFICANT_DIGITS = 12


def bounded_decimal(value: object) -> Decimal:
    """`parse_decimal`, refusing more than MAX_DECIMAL_PLACES decimal places or more than
    MAX_SIGNIFICANT_DIGITS significant digits (so '1e999999999' and 70-digit fractions never
    reach the store)."""
    if isinstance(value, str) and len(value) > 64:
        raise ValueError("is too long to be a number (more than 64 characters)")
    result = parse_decimal(value)
    _sign, digits, exponent = result.as_tuple()
    assert isinstance(exponent, int)  # finite
    # Trailing zeros say nothing ('2.0000' is 2); strip them without the context (which
    # would overflow on '1e999999999').
    digits_ = list(digits)
    while len(digits_) > 1 and digits_[-1] == 0:
        digits_.pop()
        exponent += 1
    while len(digits_) > 1 and digits_[0] == 0:
        digits_.pop(0)
    if digits_ == [0]:
        return result
    if -exponent > MAX_DECIMAL_PLACES:
        raise ValueError(f"has more than {MAX_DECIMAL_PLACES} decimal places")
    if len(digits_) + max(0, exponent) > MAX_SIGNIFICANT_DIGITS:
        raise ValueError(f"has more than {MAX_SIGNIFICANT_DIGITS} significant digits")
    return result
