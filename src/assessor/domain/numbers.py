"""Exact numbers: scores are Decimals, written as integers or decimal strings, never floats."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

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


def to_json_number(value: Decimal) -> Number:
    """An integral Decimal becomes an int; anything else its plain decimal string."""
    if value == value.to_integral_value():
        return int(value)
    text = format(value.normalize(), "f")
    return text


def fmt(value: Decimal) -> str:
    """For people: '12', '2.5'."""
    return str(to_json_number(value))
