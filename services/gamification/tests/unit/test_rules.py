"""The numbers of gamification: XP per fact, the level table, rarity bands, Quality, the Overall blend, month
streaks and download engagement."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from services.gamification import rules


def test_xp_per_fact():
    assert rules.XP == {"track_published": 100, "track_deleted": -100, "play": 1, "metadata_complete": 50,
                        "collaboration": 25}


@pytest.mark.parametrize("xp, level, title, floor, following", [
    (-100, 1, "Novice", 0, 500),
    (0, 1, "Novice", 0, 500),
    (499, 1, "Novice", 0, 500),
    (500, 2, "Apprentice", 500, 1_500),
    (1_500, 3, "Rising", 1_500, 4_000),
    (9_999, 4, "Skilled", 4_000, 10_000),
    (10_000, 5, "Expert", 10_000, 25_000),
    (25_000, 6, "Master", 25_000, 60_000),
    (60_000, 7, "Legend", 60_000, None),
    (10 ** 9, 7, "Legend", 60_000, None),
])
def test_levels(xp, level, title, floor, following):
    assert rules.level_of(xp) == {"level": level, "title": title, "level_floor_xp": floor,
                                  "next_level_xp": following}


@pytest.mark.parametrize("share, band", [
    (0.0, "legendary"), (0.0099, "legendary"), (0.01, "epic"), (0.049, "epic"), (0.05, "rare"),
    (0.1499, "rare"), (0.15, "uncommon"), (0.3999, "uncommon"), (0.40, "common"), (1.0, "common")])
def test_rarity_bands(share, band):
    assert rules.rarity(share) == band


def test_quality_needs_three_published_tracks():
    assert rules.quality(2, 2) is None
    assert rules.quality(3, 2) == pytest.approx(2 / 3)
    assert rules.quality(4, 0) == 0.0


def test_overall_blends_points_and_quality():
    assert rules.overall(250, None) == 250
    assert rules.overall(250, 0.5) == 750
    assert rules.overall(0, 1.0) == rules.OVERALL_QUALITY_WEIGHT


def test_month_buckets_are_utc_calendar_months():
    assert rules.month_of(datetime(2026, 1, 31, 23, 59, tzinfo=timezone.utc)) == "2026-01"
    assert rules.month_of(date(2026, 12, 1)) == "2026-12"


def test_the_longest_run_of_consecutive_months():
    assert rules.longest_month_streak([]) == 0
    assert rules.longest_month_streak(["2026-03"]) == 1
    assert rules.longest_month_streak(["2025-11", "2025-12", "2026-01", "2026-03", "2026-03"]) == 3
    assert rules.longest_month_streak(["2026-01", "2026-03", "2026-05"]) == 1


def test_downloads_per_hundred_plays():
    assert rules.engagement(0, 3) is None
    assert rules.engagement(200, 3) == 1.5
