"""The achievement catalog: at least 15, unique codes, 0–10,000 XP each, progress capped at the target."""
from __future__ import annotations

from dataclasses import fields

from services.gamification.achievements import BY_CODE, CATALOG, PLAY_TARGETS, Facts, newly_met


def test_the_catalog():
    assert len(CATALOG) >= 15
    assert len(BY_CODE) == len(CATALOG)
    assert all(0 <= a.xp <= 10_000 and a.target >= 1 for a in CATALOG)
    assert {a.fact for a in CATALOG} <= {f.name for f in fields(Facts)}
    assert {"first_upload", "uploads_10", "uploads_50", "uploads_100", "plays_100", "plays_1000", "plays_10000",
            "first_license", "first_exclusive_sale", "first_earnings", "verified", "metadata_perfectionist",
            "first_collaboration", "streak_3_months"} <= set(BY_CODE)
    assert PLAY_TARGETS == (100, 1_000, 10_000)


def test_progress_is_capped_at_the_target():
    assert BY_CODE["uploads_10"].current(Facts(uploads=4)) == 4
    assert BY_CODE["uploads_10"].current(Facts(uploads=40)) == 10


def test_newly_met_leaves_out_what_is_earned():
    facts = Facts(uploads=10, plays=150)
    assert [a.code for a in newly_met(facts, set())] == ["first_upload", "uploads_10", "plays_100"]
    assert [a.code for a in newly_met(facts, {"first_upload", "plays_100"})] == ["uploads_10"]
