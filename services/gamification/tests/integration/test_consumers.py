"""Each consumer on PostgreSQL: one effect per source whatever is redelivered (same event id, or the same fact
under a new one), any order of arrival, pages and tracks never seen before."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from services.gamification.models import ALL_TIME, Aggregate, Artist, DailyActivity, XpEntry
from services.gamification.tests.integration.conftest import new_id

pytestmark = pytest.mark.integration

NOW = datetime.now(timezone.utc).replace(microsecond=0)


def xp(run, artist_id: str) -> int:
    return run(lambda uow: uow.session.get(Artist, artist_id).xp)


def ledger(run, artist_id: str) -> list[tuple[str, int]]:
    return sorted(run(lambda uow: [(e.reason, e.amount) for e in uow.session.scalars(
        select(XpEntry).where(XpEntry.artist_id == artist_id))]))


def value(run, artist_id: str, category: str, bucket: str = ALL_TIME) -> float:
    return run(lambda uow: (uow.session.get(Aggregate, (artist_id, category, bucket)) or Aggregate(value=0)).value)


def test_a_published_track_earns_100_once_and_its_first_upload(run, events):
    user, artist, track = new_id(), new_id(), new_id()
    body = events.published(artist, user, NOW, track_id=track)
    events.again("track_published", body)
    events.again("track_published", body, new_id_too=True)
    assert ledger(run, artist) == [("achievement", 50), ("track_published", 100)]  # first_upload's 50
    assert xp(run, artist) == 150
    assert value(run, artist, "uploads") == 1
    day = run(lambda uow: uow.session.get(DailyActivity, (artist, NOW.date())))
    assert (day.uploads, day.plays) == (1, 0)


def test_metadata_complete_before_the_publication_is_attributed_when_it_comes(run, events):
    user, artist, track = new_id(), new_id(), new_id()
    body = events.metadata_completed(track, user, NOW)
    assert run(lambda uow: uow.session.scalar(select(func.count()).select_from(XpEntry))) == 0
    events.published(artist, user, NOW, track_id=track)
    events.again("track_metadata_completed", body, new_id_too=True)
    assert ledger(run, artist) == [("achievement", 50), ("metadata_complete", 50), ("track_published", 100)]


@pytest.mark.parametrize("deleted_first", [False, True])
def test_a_deleted_track_takes_its_100_back_in_either_order(run, events, deleted_first):
    user, artist, track = new_id(), new_id(), new_id()
    if deleted_first:
        events.deleted(track, user, NOW)
        events.published(artist, user, NOW - timedelta(minutes=5), track_id=track)
    else:
        events.published(artist, user, NOW - timedelta(minutes=5), track_id=track)
        body = events.deleted(track, user, NOW)
        events.again("track_deleted", body, new_id_too=True)
    assert ledger(run, artist) == [("achievement", 50), ("track_deleted", -100), ("track_published", 100)]
    assert value(run, artist, "uploads") == 0  # Uploads counts the live catalogue


def test_each_play_earns_one_xp_to_the_uploader_once(run, events):
    artist, track = new_id(), new_id()
    first = events.play(artist, track, NOW)
    events.play(artist, track, NOW)
    events.again("play_recorded", first)
    events.again("play_recorded", first, new_id_too=True)
    assert xp(run, artist) == 2
    assert value(run, artist, "plays") == 2
    assert value(run, artist, "points", NOW.strftime("%Y-%m")) == 2
    assert run(lambda uow: uow.session.get(DailyActivity, (artist, NOW.date())).plays) == 2


def test_the_hundredth_play_earns_its_achievement(run, events):
    artist, track = new_id(), new_id()
    for _ in range(100):
        events.play(artist, track, NOW)
    assert ledger(run, artist)[-1] == ("play", 1)
    assert ("achievement", 100) in ledger(run, artist)
    assert xp(run, artist) == 200


def test_collaboration_credits_earn_25_per_track_and_collaborator(run, events):
    a, b, by, track = new_id(), new_id(), new_id(), new_id()
    body = events.credited(track, a, by, NOW)
    events.again("collaboration_credited", body, new_id_too=True)
    events.credited(track, b, by, NOW)
    events.credited(new_id(), a, by, NOW)
    assert ledger(run, a) == [("achievement", 50), ("collaboration", 25), ("collaboration", 25)]
    assert value(run, a, "collab") == 2 and value(run, b, "collab") == 1


def test_licences_count_as_downloads_once(run, events):
    artist, track = new_id(), new_id()
    body = events.license(artist, track, NOW)
    events.again("license_issued", body, new_id_too=True)
    assert run(lambda uow: uow.session.get(DailyActivity, (artist, NOW.date())).downloads) == 1
    assert ledger(run, artist) == [("achievement", 100)]  # first_license


def test_earnings_per_currency_net_of_a_refunded_sale(run, events):
    user, artist, track, license_id = new_id(), new_id(), new_id(), new_id()
    credit = events.earnings(artist, user, 1500, NOW)
    events.again("earnings_credited", credit, new_id_too=True)
    events.earnings(artist, user, 700, NOW, currency="USD")
    events.send("exclusive_sold", license_id=license_id, track_id=track, artist_id=artist, producer_user_id=user,
                buyer_user_id=new_id(), price_cents=5000, fee_cents=250, currency="CAD",
                stripe_payment_intent_id="pi_1", sold_at=NOW.isoformat())
    events.earnings(artist, user, 5000, NOW, source="exclusive_sale")
    refund = events.send("exclusive_refunded", license_id=license_id, track_id=track, artist_id=artist,
                         price_cents=5000, currency="CAD", refunded_at=NOW.isoformat())
    events.again("exclusive_refunded", refund, new_id_too=True)
    assert value(run, artist, "earnings:CAD") == 1500
    assert value(run, artist, "earnings:USD") == 700
    codes = [reason for reason, _ in ledger(run, artist)]
    assert codes.count("achievement") == 2  # first earnings, first exclusive sale (it stays after the refund)


def test_an_account_level_credit_goes_to_the_accounts_page(run, events):
    user, artist = new_id(), new_id()
    events.page(artist, user, NOW)
    events.earnings(None, user, 900, NOW)
    assert value(run, artist, "earnings:CAD") == 900


def test_the_newest_page_claim_wins_and_verification_follows_the_account(run, events):
    user, other, artist = new_id(), new_id(), new_id()
    events.page(artist, user, NOW)
    events.page(artist, other, NOW - timedelta(hours=1))  # a late retry of an older state
    assert run(lambda uow: uow.session.get(Artist, artist).user_id) == user
    events.send("producer_verified", user_id=user, application_id=new_id())
    assert ("achievement", 250) in ledger(run, artist)


def test_verification_before_the_page_is_known_counts_when_the_page_arrives(run, events):
    user, artist = new_id(), new_id()
    events.send("producer_verified", user_id=user, application_id=new_id())
    events.page(artist, user, NOW)
    assert ("achievement", 250) in ledger(run, artist)


def test_a_deleted_account_leaves_its_pages_xp(run, events):
    user, artist = new_id(), new_id()
    events.page(artist, user, NOW)
    events.published(artist, user, NOW)
    events.send("user_deleted", user_id=user)
    page = run(lambda uow: uow.session.get(Artist, artist))
    assert (page.user_id, page.xp) == (None, 150)
