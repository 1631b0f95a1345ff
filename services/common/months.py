"""Calendar months in UTC, written "YYYY-MM": payouts' periods and catalog's monthly analytics reports. A month
has ended when the first instant of the next one has come."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from services.common.clock import as_utc
from services.common.validation import invalid

PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
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
        return self.next().start

    def next(self) -> "Month":
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def previous(self) -> "Month":
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def has_ended(self, now: datetime) -> bool:
        return as_utc(now) >= self.end

    def contains(self, moment: datetime) -> bool:
        return self.start <= as_utc(moment) < self.end


def parse_month(value: object, field: str = "month",
                malformed: str = 'a month is written "YYYY-MM", e.g. "2026-11"') -> Month:
    """A "YYYY-MM" string (month 01–12, year 2000–9998), else ``InvalidField`` naming ``field``."""
    match = PATTERN.match(value) if isinstance(value, str) else None
    if match is None:
        raise invalid(field, malformed)
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not 2000 <= year <= 9998:
        raise invalid(field, "the month must be 01–12 and the year 2000–9998")
    return Month(year, month)


def month_of(moment: datetime) -> Month:
    moment = as_utc(moment)
    return Month(moment.year, moment.month)
