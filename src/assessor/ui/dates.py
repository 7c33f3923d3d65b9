"""Dates and times as the person reads them: their locale and their time zone.

Under the C locale (no LANG: services, containers, offscreen runs) Qt's short form is
"2 12 2026", which reads as either day or month first; there the screens use ISO order."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, QLocale


def local(value: datetime) -> QDateTime:
    """A stored time (UTC; a naive one is taken as UTC) in the machine's time zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return QDateTime.fromMSecsSinceEpoch(int(value.timestamp() * 1000))


def _shown(value: datetime, iso: str, form: QLocale.FormatType, *, day_only: bool) -> str:
    locale = QLocale()
    moment = local(value)
    if locale.language() == QLocale.Language.C:
        return moment.toString(iso)
    return locale.toString(moment.date(), form) if day_only else locale.toString(moment, form)


def short_date(value: datetime) -> str:
    return _shown(value, "yyyy-MM-dd", QLocale.FormatType.ShortFormat, day_only=True)


def short_date_time(value: datetime) -> str:
    return _shown(value, "yyyy-MM-dd HH:mm", QLocale.FormatType.ShortFormat, day_only=False)


def long_date_time(value: datetime) -> str:
    return _shown(value, "dddd d MMMM yyyy, HH:mm", QLocale.FormatType.LongFormat, day_only=False)
