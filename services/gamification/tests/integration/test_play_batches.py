"""Plays in batches (``consumers.plays_recorded``, as ``batch_event_handler`` hands them over) give exactly the state
one play a transaction gives — the XP ledger, lifetime XP, achievements, both periods' aggregates, the boards'
sizes and the daily activity — whatever the split and the order, with the same play twice in one batch (under
the same or a new event id) and across batches; that state is also what a rebuild from the facts gives; batches
over the same pages committed side by side neither deadlock nor count anything twice; and the same on SQLite."""
from __future__ import annotations

import random
import threading
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from services.common.db import UnitOfWork, make_engine
from services.common.migrate import upgrade
from services.gamification import aggregates, consumers
from services.gamification.models import Artist, BoardSize
from services.gamification.tests.integration.conftest import Events, new_id, wire
from services.gamification.tests.integration.test_any_order import history, state
from services.gamification.tests.integration.test_consumers import NOW

pytestmark = pytest.mark.integration

LAST_MONTH = NOW.replace(day=1) - timedelta(days=3)


def play(artist_id: str, when: datetime, track_id: str | None = None) -> dict:
    return wire("play_recorded", play_id=new_id(), track_id=track_id or new_id(), listener_user_id=new_id(),
                producer_user_id=new_id(), artist_id=artist_id, collaborator_artist_ids=[], duration_s=120.0,
                position_s=60.0, played_at=when.isoformat())


def plays() -> tuple[list[dict], dict[str, str]]:
    """Plays of four pages: one crossing 100 plays (an achievement), one over two months, one never seen before
    with a play sent again under its event id and under a new one, one with a published track already."""
    pages = {name: new_id() for name in ("hundred", "two_months", "new", "published")}
    out = [play(pages["hundred"], NOW - timedelta(hours=n % 40)) for n in range(104)]
    out += [play(pages["two_months"], LAST_MONTH - timedelta(days=n)) for n in range(5)]
    out += [play(pages["two_months"], NOW - timedelta(days=n % 2)) for n in range(3)]
    twice = play(pages["new"], NOW)
    out += [twice, dict(twice), {**twice, "event_id": new_id()}, play(pages["new"], NOW)]
    out += [play(pages["published"], NOW) for _ in range(7)]
    return out, pages


def full_state(units) -> dict:
    return {**state(units), "boards": sorted(units().run(lambda uow: [
        (b.category, b.bucket, b.ranked) for b in uow.session.scalars(select(BoardSize))]))}


def deliver_in_batches(units, bodies: list[dict], seed: int) -> None:
    shuffled = list(bodies)
    random.Random(seed).shuffle(shuffled)
    rng = random.Random(seed + 1)
    while shuffled:
        size = rng.choice((1, 3, 17, 40, 200))
        batch, shuffled = shuffled[:size], shuffled[size:]
        # the same message twice in one batch, as a redelivery next to its first copy would put it
        batch += batch[:1] if rng.random() < 0.3 else []
        units().run(lambda uow: consumers.plays_recorded(uow, batch))


def one_at_a_time(units, bodies: list[dict]) -> None:
    for body in bodies:
        units().run(lambda uow: consumers.play_recorded(uow, body))


def publication(pages: dict[str, str]) -> dict:
    return wire("track_published", track_id=new_id(), artist_id=pages["published"], producer_user_id=new_id(),
                collaborator_artist_ids=[], licensing_model="standard_exclusive", genres=["trap"],
                published_at=(NOW - timedelta(days=2)).isoformat())


@pytest.fixture
def two_databases(pg, tmp_path, request):
    """Two fresh migrated databases of the kind asked (PostgreSQL, or SQLite files as ``make run`` keeps)."""
    engines = []
    for _ in range(2):
        if request.param == "postgresql":
            url = pg.create(f"gamification_{uuid.uuid4().hex[:8]}")
        else:
            url = f"sqlite:///{tmp_path}/{uuid.uuid4().hex[:8]}.db"
        upgrade("gamification", url)
        engines.append(make_engine(url))
    yield [lambda engine=engine: UnitOfWork(sessionmaker(engine, expire_on_commit=False)) for engine in engines]
    for engine in engines:
        engine.dispose()


@pytest.mark.parametrize("two_databases", ["postgresql", "sqlite"], indirect=True)
@pytest.mark.parametrize("seed", [1, 2])
def test_batches_give_the_state_of_one_play_at_a_time(two_databases, seed):
    one, batched = two_databases
    bodies, pages = plays()
    published = publication(pages)
    for units in (one, batched):
        Events(units).deliver("track_published", published)
    one_at_a_time(one, bodies)
    deliver_in_batches(batched, bodies, seed)
    deliver_in_batches(batched, bodies[:50], seed + 7)  # redelivered later: nothing changes

    expected = full_state(one)
    assert full_state(batched) == expected
    xp = {artist_id: page_xp for artist_id, _, page_xp in expected["pages"]}
    assert xp[pages["hundred"]] == 104 + 100  # each play, and "Heard" at 100 plays
    assert xp[pages["two_months"]] == 8 and xp[pages["new"]] == 2
    assert xp[pages["published"]] == 7 + 100 + 50  # the plays, the track, "First upload"
    assert ("plays", LAST_MONTH.strftime("%Y-%m"), 1) in expected["boards"]
    assert [(a, code) for a, code in expected["achievements"] if a == pages["hundred"]] == [
        (pages["hundred"], "plays_100")]


@pytest.mark.parametrize("two_databases", ["postgresql"], indirect=True)
def test_batched_plays_agree_with_a_rebuild_from_the_facts(two_databases):
    _, batched = two_databases
    bodies, pages = plays()
    Events(batched).deliver("track_published", publication(pages))
    deliver_in_batches(batched, bodies, seed=5)
    kept_in_place = full_state(batched)
    for artist_id in pages.values():
        batched().run(lambda uow: aggregates.rebuild(uow, artist_id, NOW))
    assert full_state(batched) == kept_in_place


@pytest.mark.parametrize("two_databases", ["postgresql"], indirect=True)
@pytest.mark.parametrize("seed", [1, 2])
def test_plays_batched_among_the_other_events_give_the_same_state(two_databases, seed):
    """test_any_order's history: in order one event at a time, and shuffled with every event sent twice (the copy
    under a new id), the plays that come next to each other handled as one batch."""
    one, batched = two_databases
    events = history()
    in_order = Events(one)
    for name, body in events:
        in_order.deliver(name, body)
    shuffled = events + [(name, {**body, "event_id": new_id()}) for name, body in events]
    random.Random(seed).shuffle(shuffled)
    others, pending = Events(batched), []
    for name, body in shuffled + [("end", {})]:
        if name == "play_recorded":
            pending.append(body)
            continue
        if pending:
            batched().run(lambda uow: consumers.plays_recorded(uow, pending))
            pending = []
        if name != "end":
            others.deliver(name, body)
    assert full_state(batched) == full_state(one)


@pytest.mark.parametrize("two_databases", ["postgresql"], indirect=True)
def test_batches_over_the_same_pages_side_by_side_count_each_play_once(two_databases):
    """Six batches at once over the same twenty pages, each page's plays in another order, every play in two of
    them: all commit (the pages are written in key order, so none waits for another in a cycle), and each play
    counts once."""
    _, units = two_databases
    pages = [new_id() for _ in range(20)]
    bodies = [play(pages[n % 20], NOW) for n in range(300)]
    batches = [bodies[i::3] for i in range(3)] * 2
    for n, batch in enumerate(batches):
        random.Random(n).shuffle(batch)
    errors: list[BaseException] = []

    def handle(batch: list[dict]) -> None:
        try:
            units().run(lambda uow: consumers.plays_recorded(uow, batch))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=handle, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    pages_xp = units().run(lambda uow: {a.artist_id: a.xp for a in uow.session.scalars(select(Artist))})
    assert pages_xp == {page: 15 for page in pages}
    assert full_state(units)["boards"] == sorted([(category, bucket, 20) for category in ("overall", "plays", "points")
                                                  for bucket in ("all", NOW.strftime("%Y-%m"))])
