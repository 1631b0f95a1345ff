"""Periods: calendar months in UTC, written "YYYY-MM" (docs/business-rules.md "Earnings"). A period has ended
when the first instant of the next month has come."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from services.common.clock import as_utc
from services.common.validation import invalid

PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    year: int
    month: int

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=timezone.utc)

    @property
    def end(self) -> datetime:
        """The first instant of the next month (exclusive)."""
        if self.month == 12:
            return datetime(self.year + 1, 1, 1, tzinfo=timezone.utc)
        return datetime(self.year, self.month + 1, 1, tzinfo=timezone.utc)

    def has_ended(self, now: datetime) -> bool:
        return as_utc(now) >= self.end

    def contains(self, moment: datetime) -> bool:
        return self.start <= as_utc(moment) < self.end


def parse_period(value: object, field: str = "period") -> Period:
    """A "YYYY-MM" string (month 01–12, year 2000–9998) or ``InvalidField`` naming ``field``."""
    match = PATTERN.match(value) if isinstance(value, str) else None
    if match is None:
        raise invalid(field, 'a period is a month written "YYYY-MM", e.g. "2026-11"')
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not 2000 <= year <= 9998:
        raise invalid(field, "the month must be 01–12 and the year 2000–9998")
    return Period(year, month)


def period_of(moment: datetime) -> Period:
    moment = as_utc(moment)
    return Period(moment.year, moment.month)
