"""Stored times: format_utc spells TIME_FORMAT out by hand, so it is checked against strftime."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from assessor.store.types import TIME_FORMAT, format_utc

ZONES = [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-11))]


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize(
    "when",
    [
        datetime(2026, 12, 2, 21, 29, 12, 354033),
        datetime(2026, 1, 1, 0, 0, 0, 0),
        datetime(1999, 12, 31, 23, 59, 59, 999999),
        datetime(9999, 12, 31, 10, 0, 0, 1),
        datetime(1000, 1, 1, 12, 0, 0, 0),
        datetime(999, 6, 1, 12, 0, 0, 7),
    ],
)
def test_format_utc_writes_what_strftime_writes(when: datetime, zone: timezone) -> None:
    aware = when.replace(tzinfo=zone)
    assert format_utc(aware) == aware.astimezone(UTC).strftime(TIME_FORMAT)


def test_format_utc_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError, match="naive"):
        format_utc(datetime(2026, 12, 2))
