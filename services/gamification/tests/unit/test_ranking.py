"""Ranking on SQLite (the development database): ties share a rank (1, 1, 3), `me` counts the pages above, a
page at 0 is unranked — the same SQL RANK() as on PostgreSQL (integration/test_leaderboards.py)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from services.common.db import UnitOfWork
from services.common.pagination import PageRequest
from services.gamification import leaderboards, store
from services.gamification.models import ALL_TIME, Artist, Base

NOW = datetime(2026, 5, 17, 12, tzinfo=timezone.utc)


class NoNames:
    def artist_summaries(self, artist_ids):
        return {}


@pytest.fixture
def uow():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    work = UnitOfWork(sessionmaker(engine))
    yield work
    work.rollback()
    work.close()
    engine.dispose()


def test_ties_share_a_rank_and_the_next_rank_skips(uow):
    for artist, points in (("a", 30), ("b", 50), ("c", 50), ("d", 10)):
        store.bump(uow, artist, {("points", ALL_TIME): points})
    store.lock_artist(uow, "d")
    uow.session.get(Artist, "d").user_id = "user-d"
    result = leaderboards.leaderboard(uow, NoNames(), "points", "all_time", "CAD", PageRequest(None, 20), "user-d",
                                      NOW)
    assert [(row["rank"], row["artist"]["id"], row["value"]) for row in result["items"]] == [
        (1, "b", 50.0), (1, "c", 50.0), (3, "a", 30.0), (4, "d", 10.0)]
    assert result["total"] == 4 and result["me"] == {"rank": 4, "value": 10.0}


def test_a_page_at_zero_leaves_the_board(uow):
    store.bump(uow, "a", {("points", ALL_TIME): 100})
    store.bump(uow, "b", {("points", ALL_TIME): 100})
    store.bump(uow, "b", {("points", ALL_TIME): -100})
    store.lock_artist(uow, "b")
    uow.session.get(Artist, "b").user_id = "user-b"
    result = leaderboards.leaderboard(uow, NoNames(), "points", "all_time", "CAD", PageRequest(None, 20), "user-b",
                                      NOW)
    assert [row["artist"]["id"] for row in result["items"]] == ["a"] and result["total"] == 1
    assert result["me"] == {"rank": None, "value": 0.0}
