"""One producer's history delivered in order into one database, and shuffled with every event delivered twice
into another: the same XP ledger, achievements, aggregates and activity."""
from __future__ import annotations

import random
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from services.common.db import UnitOfWork, make_engine
from services.common.migrate import upgrade
from services.gamification.models import AchievementEarned, Aggregate, Artist, DailyActivity, XpEntry
from services.gamification.tests.integration.conftest import Events, new_id, wire
from services.gamification.tests.integration.test_consumers import NOW

pytestmark = pytest.mark.integration


def history() -> list[tuple[str, dict]]:
    user, artist, partner, license_id = new_id(), new_id(), new_id(), new_id()
    tracks = [new_id() for _ in range(4)]
    earlier = NOW - timedelta(days=35)
    out = [("artist_page_changed", {**wire("artist_page_changed", artist_id=artist, user_id=user)}),
           ("producer_verified", wire("producer_verified", user_id=user, application_id=new_id()))]
    for i, track in enumerate(tracks):
        out.append(("track_published", wire(
            "track_published", track_id=track, artist_id=artist, producer_user_id=user, collaborator_artist_ids=[],
            licensing_model="standard_exclusive", genres=["trap"], published_at=(earlier if i < 2 else NOW).isoformat())))
    for track in tracks[:3]:
        out.append(("track_metadata_completed", wire("track_metadata_completed", track_id=track, producer_user_id=user,
                                                     completeness=0.85)))
    out.append(("track_deleted", wire("track_deleted", track_id=tracks[3], producer_user_id=user)))
    out.append(("collaboration_credited", wire("collaboration_credited", track_id=tracks[0], artist_id=partner,
                                               credited_by_artist_id=artist)))
    for day in range(6):
        out.append(("play_recorded", wire(
            "play_recorded", play_id=new_id(), track_id=tracks[day % 2], listener_user_id=new_id(),
            producer_user_id=user, artist_id=artist, collaborator_artist_ids=[], duration_s=60.0, position_s=30.0,
            played_at=(NOW - timedelta(days=day)).isoformat())))
    out.append(("license_issued", wire("license_issued", license_id=new_id(), license_type="standard",
                                       track_id=tracks[0], artist_id=artist, producer_user_id=user,
                                       licensee_user_id=new_id(), issued_at=NOW.isoformat())))
    out.append(("exclusive_sold", wire("exclusive_sold", license_id=license_id, track_id=tracks[1], artist_id=artist,
                                       producer_user_id=user, buyer_user_id=new_id(), price_cents=9_900,
                                       fee_cents=500, currency="CAD", stripe_payment_intent_id="pi_x",
                                       sold_at=NOW.isoformat())))
    out.append(("earnings_credited", wire("earnings_credited", entry_id=new_id(), user_id=user, artist_id=artist,
                                          source="exclusive_sale", amount_cents=9_900, currency="CAD",
                                          license_id=license_id, credited_at=NOW.isoformat())))
    out.append(("exclusive_refunded", wire("exclusive_refunded", license_id=license_id, track_id=tracks[1],
                                           artist_id=artist, price_cents=9_900, currency="CAD",
                                           refunded_at=NOW.isoformat())))
    out.append(("earnings_credited", wire("earnings_credited", entry_id=new_id(), user_id=user, artist_id=artist,
                                          source="pool_share", amount_cents=1_234, currency="CAD",
                                          credited_at=NOW.isoformat())))
    return out


def state(units) -> dict:
    def read(uow):
        session = uow.session
        return {
            "xp": sorted((e.artist_id, e.reason, e.source, e.amount) for e in session.scalars(select(XpEntry))),
            "achievements": sorted((a.artist_id, a.code) for a in session.scalars(select(AchievementEarned))),
            "aggregates": sorted((a.artist_id, a.category, a.bucket, round(a.value, 6))
                                 for a in session.scalars(select(Aggregate))),
            "days": sorted((d.artist_id, d.day, d.plays, d.downloads, d.uploads)
                           for d in session.scalars(select(DailyActivity))),
            "pages": sorted((p.artist_id, p.user_id, p.xp) for p in session.scalars(select(Artist)))}
    return units().run(read)


@pytest.fixture
def second_units(pg):
    url = pg.create(f"gamification_{uuid.uuid4().hex[:8]}")
    upgrade("gamification", url)
    engine = make_engine(url)
    yield lambda: UnitOfWork(sessionmaker(engine, expire_on_commit=False))
    engine.dispose()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_shuffled_and_redelivered_gives_the_same_state(units, second_units, seed):
    events = history()
    in_order = Events(units)
    for name, body in events:
        in_order.deliver(name, body)
    shuffled = [(name, body) for name, body in events] + [(name, {**body, "event_id": new_id()})
                                                           for name, body in events]
    random.Random(seed).shuffle(shuffled)
    reordered = Events(second_units)
    for name, body in shuffled:
        reordered.deliver(name, body)
    expected = state(units)
    assert state(second_units) == expected
    [(_, _, page_xp)] = [p for p in expected["pages"] if p[1] is not None]
    # 4 published − 1 deleted: 300; 3 metadata: 150; 6 plays; achievements: first upload 50, first licence 100,
    # first exclusive sale 500, first earnings 100, verified 250
    assert page_xp == 300 + 150 + 6 + 50 + 100 + 500 + 100 + 250
