"""Periods: calendar months in UTC, written "YYYY-MM" (docs/business-rules.md "Earnings"); the month type itself is
services/common/months.py, shared with catalog's analytics reports. A period has ended when the first instant of
the next month has come."""
from __future__ import annotations

from datetime import datetime

from services.common.months import Month, month_of, parse_month

Period = Month


def parse_period(value: object, field: str = "period") -> Period:
    """A "YYYY-MM" string (month 01–12, year 2000–9998) or ``InvalidField`` naming ``field``."""
    return parse_month(value, field, 'a period is a month written "YYYY-MM", e.g. "2026-11"')


def period_of(moment: datetime) -> Period:
    return month_of(moment)
