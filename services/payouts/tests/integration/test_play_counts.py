"""Play counts per (period, track), kept as plays arrive: a replay never counts, the counts always equal a GROUP
BY over the plays (month borders in UTC, deletions included), the split reads them, and migration 0002 fills them
from the plays already there. On PostgreSQL and on SQLite (make run's mode)."""
from __future__ import annotations

import uuid
from collections import Counter

import pytest
from alembic import command
from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import sessionmaker

from services.common.clock import as_utc
from services.common.db import UnitOfWork, make_engine
from services.common.migrate import alembic_config, upgrade
from services.payouts import consumers
from services.payouts.models import Play, PlayCount
from services.payouts.periods import parse_period, period_of
from services.payouts.pool import values_of
from services.payouts.tests.integration.conftest import deliver, new_id, utc, wire

pytestmark = pytest.mark.integration


@pytest.fixture(params=["postgresql", "sqlite"])
def any_units(request, pg, tmp_path):
    """A unit-of-work factory on a freshly migrated payouts database of each dialect."""
    if request.param == "postgresql":
        url = pg.create(f"payouts_counts_{uuid.uuid4().hex[:8]}")
    else:
        url = f"sqlite:///{tmp_path / 'payouts.db'}"
    upgrade("payouts", url)
    engine = make_engine(url)
    factory = sessionmaker(engine, expire_on_commit=False)
    yield lambda: UnitOfWork(factory)
    engine.dispose()


def play_event(track_id: str, when: str, listener: str | None = None) -> dict:
    return wire("play_recorded", play_id=new_id(), track_id=track_id, listener_user_id=listener or new_id(),
                producer_user_id=new_id(), artist_id=new_id(), collaborator_artist_ids=[], duration_s=60.0,
                position_s=30.0, played_at=when)


def counts(units) -> dict[tuple[str, str], int]:
    return units().run(lambda uow: {(row.period, row.track_id): row.plays
                                    for row in uow.session.scalars(select(PlayCount))})


def grouped_plays(units) -> dict[tuple[str, str], int]:
    """What the counts must be: the plays grouped by their UTC month and track."""
    rows = units().run(lambda uow: uow.session.execute(select(Play.track_id, Play.played_at)).all())
    return dict(Counter((str(period_of(as_utc(played_at))), track_id) for track_id, played_at in rows))


def test_the_same_play_twice_counts_once(any_units):
    track = new_id()
    play = play_event(track, utc(2026, 11, 3).isoformat())
    deliver(any_units, consumers.play_recorded, play)
    deliver(any_units, consumers.play_recorded, play)
    deliver(any_units, consumers.play_recorded, {**play, "event_id": new_id()})  # a replay under another id
    deliver(any_units, consumers.play_recorded, play_event(track, utc(2026, 11, 4).isoformat()))
    assert counts(any_units) == {("2026-11", track): 2}


def test_the_counts_equal_a_group_by_over_the_plays_after_a_mixed_sequence(any_units):
    first, second, listener = new_id(), new_id(), new_id()
    moments = ["2026-10-31T23:59:59.999999+00:00", "2026-11-01T00:00:00+00:00",
               "2026-11-01T00:30:00+01:00",  # 23:30 UTC on 31 October: October's
               "2026-11-30T23:59:59Z", "2026-12-01T00:00:00Z"]
    replayed = []
    for number, when in enumerate(moments):
        event = play_event(first if number % 2 else second, when, listener if number < 3 else None)
        deliver(any_units, consumers.play_recorded, event)
        replayed.append(event)
    deliver(any_units, consumers.track_deleted, wire("track_deleted", track_id=first, producer_user_id=new_id()))
    deliver(any_units, consumers.user_deleted, wire("user_deleted", user_id=listener))
    for event in replayed[::2]:
        deliver(any_units, consumers.play_recorded, event)
    deliver(any_units, consumers.play_recorded, play_event(first, "2026-11-15T12:00:00+00:00"))

    assert counts(any_units) == grouped_plays(any_units) == {
        ("2026-10", second): 2, ("2026-11", first): 3, ("2026-12", second): 1}


def test_the_split_values_a_track_by_its_count(units):
    track = wire("track_published", track_id=new_id(), artist_id=new_id(), producer_user_id=new_id(),
                 collaborator_artist_ids=[], licensing_model="standard", genres=["trap"],
                 published_at=utc(2026, 11, 1).isoformat())
    deliver(units, consumers.track_published, track)
    for day in (2, 3, 9):
        deliver(units, consumers.play_recorded, play_event(track["track_id"], utc(2026, 11, day).isoformat()))
    deliver(units, consumers.play_recorded, play_event(track["track_id"], utc(2026, 12, 1).isoformat()))
    [value] = units().run(lambda uow: values_of(uow, parse_period("2026-11")).tracks)
    assert (value.track_id, value.plays) == (track["track_id"], 3)


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_migration_0002_counts_the_plays_already_recorded(dialect, pg, tmp_path):
    url = (pg.create(f"payouts_backfill_{uuid.uuid4().hex[:8]}") if dialect == "postgresql"
           else f"sqlite:///{tmp_path / 'payouts.db'}")
    upgrade("payouts", url)
    command.downgrade(alembic_config("payouts", url), "0001")
    track, other = new_id(), new_id()
    plays = [(track, utc(2026, 10, 31, 23, 59)), (track, utc(2026, 11, 1)), (track, utc(2026, 11, 20)),
             (other, utc(2026, 11, 2))]
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(insert(Play), [{"play_id": new_id(), "track_id": track_id, "listener_user_id": None,
                                         "played_at": when} for track_id, when in plays])
        upgrade("payouts", url)
        with engine.connect() as conn:
            found = {(period, track_id): plays for period, track_id, plays in conn.execute(
                text("SELECT period, track_id, plays FROM play_counts"))}
            assert conn.scalar(select(func.count()).select_from(Play)) == 4
    finally:
        engine.dispose()
    assert found == {("2026-10", track): 1, ("2026-11", track): 2, ("2026-11", other): 1}
