"""Dates on screen: the person's locale and time zone; ISO order where the locale is C."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from PySide6.QtCore import QLocale

from assessor.ui.dates import long_date_time, short_date, short_date_time

MOMENT = datetime(2026, 12, 2, 19, 47, tzinfo=UTC)


@pytest.fixture
def locale() -> Iterator[None]:
    before = QLocale()
    yield
    QLocale.setDefault(before)


@pytest.fixture
def in_new_york() -> Iterator[None]:
    before = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_the_c_locale_reads_one_way_only(locale: None, in_new_york: None) -> None:
    QLocale.setDefault(QLocale.c())
    assert short_date(MOMENT) == "2026-12-02"
    assert short_date_time(MOMENT) == "2026-12-02 14:47"  # New York's clock, not UTC's
    assert long_date_time(MOMENT) == "Wednesday 2 December 2026, 14:47"


def test_a_naive_stored_time_is_utc(locale: None, in_new_york: None) -> None:
    QLocale.setDefault(QLocale.c())
    assert short_date_time(MOMENT.replace(tzinfo=None)) == "2026-12-02 14:47"
    other = MOMENT.astimezone(timezone(timedelta(hours=5)))  # the same instant elsewhere
    assert short_date_time(other) == "2026-12-02 14:47"


def test_a_real_locale_uses_its_own_order(locale: None, in_new_york: None) -> None:
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    assert short_date(MOMENT) == "02.12.26"
    assert short_date_time(MOMENT) == "02.12.26 14:47"
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    assert short_date(MOMENT) == "12/2/26"
