"""The same consumers, rebuild and month buckets on SQLite, the development database (`make run`)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import sessionmaker

from services.common.db import UnitOfWork, make_engine
from services.common.migrate import upgrade
from services.common.pagination import PageRequest
from services.gamification import leaderboards, progress
from services.gamification.models import Aggregate
from services.gamification.tests.integration.conftest import Events, new_id
from services.gamification.tests.integration.test_consumers import NOW

pytestmark = pytest.mark.integration


def test_events_progress_and_boards_on_sqlite(tmp_path, neighbours):
    url = f"sqlite:///{tmp_path}/gamification.db"
    upgrade("gamification", url)
    engine = make_engine(url)
    units = lambda: UnitOfWork(sessionmaker(engine, expire_on_commit=False))  # noqa: E731
    run = lambda work: units().run(work)  # noqa: E731
    events = Events(units)
    user, artist = neighbours.producer()
    track = events.published(artist, user, NOW - timedelta(days=40))["track_id"]
    events.metadata_completed(track, user, NOW)
    events.play(artist, track, NOW)
    events.credited(new_id(), artist, new_id(), NOW)
    view = run(lambda uow: progress.refresh_progress(uow, neighbours, user, None, NOW))
    assert view["xp"] == 100 + 50 + 1 + 25 + 50 + 50  # and first upload, first collaboration
    month = NOW.strftime("%Y-%m")
    assert run(lambda uow: uow.session.get(Aggregate, (artist, "points", month)).value) == 50 + 1 + 25 + 50 + 50
    board = run(lambda uow: leaderboards.leaderboard(uow, neighbours, "plays", "month", "CAD", PageRequest(None, 5),
                                                     user, NOW))
    assert board["me"] == {"rank": 1, "value": 1.0} and board["total"] == 1
    engine.dispose()
