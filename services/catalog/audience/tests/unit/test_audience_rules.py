"""The rules of the analytics reports and of "New follower" notifications, without I/O."""
from datetime import datetime, timedelta, timezone

import pytest

from services.catalog.audience import rules
from services.catalog.audience.rules import Month
from services.contracts.errors import InvalidField


def test_a_month_runs_from_its_first_instant_to_the_next_months():
    month = Month(2026, 12)
    assert (month.start, month.end) == (datetime(2026, 12, 1, tzinfo=timezone.utc),
                                        datetime(2027, 1, 1, tzinfo=timezone.utc))
    assert month.contains(month.start) and not month.contains(month.end)
    assert month.contains(month.end - timedelta(microseconds=1))
    assert month.contains(datetime(2026, 12, 31, 23, 59))  # a naive time is UTC, as SQLite hands it back
    assert (month.previous(), month.next()) == (Month(2026, 11), Month(2027, 1))
    assert Month(2026, 1).previous() == Month(2025, 12)


def test_a_month_has_ended_at_the_first_instant_of_the_next():
    month = Month(2026, 2)
    assert not month.has_ended(datetime(2026, 2, 28, 23, 59, 59, tzinfo=timezone.utc))
    assert month.has_ended(datetime(2026, 3, 1, tzinfo=timezone.utc))


def test_the_timer_reports_the_month_before_nows():
    assert rules.last_finished_month(datetime(2026, 3, 1, 0, 0, tzinfo=timezone.utc)) == Month(2026, 2)
    assert rules.last_finished_month(datetime(2026, 1, 15, tzinfo=timezone.utc)) == Month(2025, 12)


@pytest.mark.parametrize("text", ["2026-2", "26-02", "2026-13", "2026-00", "1999-12", None, 202602, " 2026-02"])
def test_a_month_is_written_yyyy_mm(text):
    with pytest.raises(InvalidField) as refused:
        rules.parse_month(text)
    assert "month" in refused.value.details


def test_parse_month_reads_it_and_prints_it_back():
    assert str(rules.parse_month("2026-02")) == "2026-02"


def test_the_reports_clock_can_be_moved_ahead_for_tests(monkeypatch):
    monkeypatch.setenv("ANALYTICS_CLOCK_OFFSET_S", str(32 * 86_400))
    ahead = rules.reports_now() - datetime.now(timezone.utc)
    assert timedelta(days=31, hours=23) < ahead <= timedelta(days=32)


@pytest.mark.parametrize("owner, verified, follower, told", [
    ("owner", True, "fan", True),
    ("owner", False, "fan", False),  # an unverified producer hears nothing
    (None, False, "fan", False),  # an unclaimed page has no one to tell
    ("owner", True, "owner", False),  # following one's own page
])
def test_who_hears_of_a_new_follower(owner, verified, follower, told):
    assert rules.tells_owner_of_new_follower(owner, verified, follower) is told


def test_the_report_says_the_months_numbers_and_the_followers_now():
    assert rules.report_payload("a1", "Nova", Month(2026, 2), plays=120, likes=9, new_followers=4,
                                followers_count=31) == {
        "artist_id": "a1", "artist_name": "Nova", "month": "2026-02", "plays": 120, "likes": 9,
        "new_followers": 4, "followers_count": 31}
