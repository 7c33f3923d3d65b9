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


def _plain(locale: QLocale) -> bool:
    return locale.language() == QLocale.Language.C


def short_date(value: datetime) -> str:
    locale = QLocale()
    moment = local(value)
    if _plain(locale):
        return moment.toString("yyyy-MM-dd")
    return locale.toString(moment.date(), QLocale.FormatType.ShortFormat)


def short_date_time(value: datetime) -> str:
    locale = QLocale()
    moment = local(value)
    if _plain(locale):
        return moment.toString("yyyy-MM-dd HH:mm")
    return locale.toString(moment, QLocale.FormatType.ShortFormat)


def long_date_time(value: datetime) -> str:
    locale = QLocale()
    moment = local(value)
    if _plain(locale):
        return moment.toString("dddd d MMMM yyyy, HH:mm")
    return locale.toString(moment, QLocale.FormatType.LongFormat)
