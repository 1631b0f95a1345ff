"""The rules of following and of the monthly analytics report, without I/O.

A report covers one UTC calendar month, written "YYYY-MM", and is made only once that month has ended (at the
first instant of the next one). "Now" for that judgement is the real UTC time moved ahead by
``ANALYTICS_CLOCK_OFFSET_S`` seconds (default 0: for tests only, like payouts' clock offset), so an end-to-end
test can have the month it plays in reported."""
from __future__ import annotations

from datetime import datetime, timedelta

from services.common.clock import utcnow
from services.common.config import env_int
from services.common.months import Month, month_of, parse_month  # noqa: F401 - this area's month rules

#: the kinds of notification this area makes (services/contracts/vocabularies.py NOTIFICATION_KINDS)
NEW_FOLLOWER = "new_follower"
ANALYTICS_REPORT = "analytics_report"

#: how often (seconds) the catalog service looks for reports of the last finished month not made yet; 0: never
REPORTS_INTERVAL_S = env_int("ANALYTICS_REPORTS_INTERVAL_S", 3600)


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
