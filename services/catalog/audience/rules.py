"""The rules of following and of the monthly analytics report, without I/O.

A report covers one UTC calendar month, written "YYYY-MM", and is made only once that month has ended (at the
first instant of the next one). "Now" for that judgement is the real UTC time moved ahead by
``ANALYTICS_CLOCK_OFFSET_S`` seconds (default 0: for tests only, like payouts' clock offset), so an end-to-end
test can have the month it plays in reported."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from services.common.clock import as_utc, utcnow
from services.common.config import env_int
from services.common.validation import invalid

#: the kinds of notification this area makes (services/contracts/vocabularies.py NOTIFICATION_KINDS)
NEW_FOLLOWER = "new_follower"
ANALYTICS_REPORT = "analytics_report"

#: how often (seconds) the catalog service looks for reports of the last finished month not made yet; 0: never
REPORTS_INTERVAL_S = env_int("ANALYTICS_REPORTS_INTERVAL_S", 3600)

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


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


def parse_month(value: object, field: str = "month") -> Month:
    """A "YYYY-MM" string (month 01–12, year 2000–9998), else ``InvalidField`` naming ``field``."""
    match = MONTH.match(value) if isinstance(value, str) else None
    if match is None:
        raise invalid(field, 'a month is written "YYYY-MM", e.g. "2026-11"')
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not 2000 <= year <= 9998:
        raise invalid(field, "the month must be 01–12 and the year 2000–9998")
    return Month(year, month)


def month_of(moment: datetime) -> Month:
    moment = as_utc(moment)
    return Month(moment.year, moment.month)


def last_finished_month(now: datetime) -> Month:
    """The month the hourly timer reports: the one before ``now``'s."""
    return month_of(now).previous()


def reports_now() -> datetime:
    """The reports' clock: real UTC time, plus ``ANALYTICS_CLOCK_OFFSET_S`` (tests only)."""
    return utcnow() + timedelta(seconds=env_int("ANALYTICS_CLOCK_OFFSET_S", 0))


def tells_owner_of_new_follower(claimed_by: str | None, verified: bool, follower_id: str) -> bool:
    """A "New follower" notification goes to the page's owner only when the page is claimed, its owner is a
    verified producer, and the follower is someone else."""
    return claimed_by is not None and verified and claimed_by != follower_id


def report_payload(artist_id: str, artist_name: str, month: Month, plays: int, likes: int, new_followers: int,
                   followers_count: int) -> dict:
    """What an "Analytics report" notification says."""
    return {"artist_id": artist_id, "artist_name": artist_name, "month": str(month), "plays": plays, "likes": likes,
            "new_followers": new_followers, "followers_count": followers_count}
