"""Column types that keep values exact: UTC times as ISO text, decimals as text."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utcnow() -> datetime:
    return datetime.now(UTC)


def format_utc(value: datetime) -> str:
    """The stored form of a time: UTC, microseconds, 'Z' (sorts as text)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: store times in UTC with a timezone")
    utc = value if value.tzinfo is UTC else value.astimezone(UTC)
    if utc.year < 1000:  # strftime writes such years unpadded: keep what it always wrote
        return utc.strftime(TIME_FORMAT)
    # TIME_FORMAT, spelled out: strftime costs three times more, twice in every save.
    return "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ" % (  # noqa: UP031 (a third faster here)
        utc.year,
        utc.month,
        utc.day,
        utc.hour,
        utc.minute,
        utc.second,
        utc.microsecond,
    )


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as 'YYYY-MM-DDTHH:MM:SS.ffffffZ' (sorts as text)."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        return None if value is None else format_utc(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return datetime.fromisoformat(value)  # 3.11 reads the "Z" form; 35x strptime


class DecimalText(TypeDecorator[Decimal]):
    """Exact decimals as text; SQLite's NUMERIC would go through a float."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError("DecimalText takes Decimal values")
        return str(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)
