"""The monthly "Analytics report" on PostgreSQL: the numbers of the month (counted plays of the page's tracks,
likes of its tracks, collections and the page, new followers), one report per (page, month) however often it
runs, none for unverified producers, the admins' RPC, the hourly timer's month and the CLI."""
from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from services.catalog.audience import reports, rules
from services.catalog.audience.models import AnalyticsReport, ArtistFollow
from services.catalog.audience.rules import Month
from services.catalog.community.models import CollectionLike, ProducerLike, TrackLike
from services.catalog.conftest import new_user_id, stored_track
from services.catalog.plays.models import Play
from services.catalog.tests.integration.community_support import count_rows
from services.catalog.tracks import artists
from services.catalog.tracks.models import Collection
from services.common import config
from services.common.db import UnitOfWork
from services.contracts.errors import Conflict, Forbidden, InvalidField

pytestmark = pytest.mark.integration

MONTH = Month(2030, 4)
AFTER = datetime(2030, 5, 1, 0, 5, tzinfo=timezone.utc)  # five minutes after the month ended


@pytest.fixture
def transaction(session_factory):
    return lambda work: UnitOfWork(session_factory).run(work)


@pytest.fixture
def verified(uow, make_producer) -> dict:
    producer = make_producer("Report Maker")
    artists.on_producer_verified(uow, {"user_id": producer["user_id"]})
    uow.commit()
    return producer


def reports_of(catalog, user_id: str) -> list[dict]:
    return [n["payload"] for n in catalog.list_notifications(actor_id=user_id, limit=100)["items"]
            if n["kind"] == "analytics_report"]


def at(day: int, hour: int = 12) -> datetime:
    return datetime(MONTH.year, MONTH.month, day, hour, tzinfo=timezone.utc)


def month_of_activity(catalog, uow, producer: dict, elsewhere: dict) -> None:
    """In April 2030: 4 counted plays, 2 + 1 + 2 likes (tracks, collection, page), 2 new followers; around it,
    plays, likes and follows just before and at the end of the month, and another page's."""
    page = producer["artist_id"]
    first, second = stored_track(uow, producer), stored_track(uow, producer)
    foreign = stored_track(uow, elsewhere)
    collection = Collection(artist_id=page, name="Tape", cover_key="covers/x.png", cover_content_type="image/png")
    uow.session.add(collection)
    uow.session.flush()
    before, end = MONTH.start - timedelta(microseconds=1), MONTH.end
    for track_id, moment in ((first, MONTH.start), (first, at(9)), (first, at(30, 23)), (second, at(15)),
                             (first, before), (second, end), (foreign, at(10))):
        uow.session.add(Play(track_id=track_id, listener_user_id=new_user_id(), position_s=31.0, played_at=moment))
    for track_id, moment in ((first, at(2)), (second, at(3)), (second, before), (foreign, at(4))):
        uow.session.add(TrackLike(user_id=new_user_id(), track_id=track_id, created_at=moment))
    for moment in (at(5), end):
        uow.session.add(CollectionLike(user_id=new_user_id(), collection_id=collection.id, created_at=moment))
    for moment in (at(6), at(7), before):
        uow.session.add(ProducerLike(user_id=new_user_id(), artist_id=page, created_at=moment))
    uow.commit()
    for moment in (at(8), at(20), end):  # followed through the service, then dated
        fan = new_user_id()
        catalog.follow_artist(actor_id=fan, artist_id=page)
        uow.session.execute(update(ArtistFollow).where(ArtistFollow.user_id == fan).values(created_at=moment))
    uow.commit()


def test_the_report_tells_the_months_plays_likes_and_new_followers(catalog, uow, transaction, verified,
                                                                   make_producer):
    month_of_activity(catalog, uow, verified, make_producer("Someone Else"))
    assert reports.make_reports(transaction, MONTH, AFTER, [verified["artist_id"]]) == 1
    assert reports_of(catalog, verified["user_id"]) == [{
        "artist_id": verified["artist_id"], "artist_name": "Report Maker", "month": "2030-04", "plays": 4,
        "likes": 5, "new_followers": 2, "followers_count": 3}]
    stored = uow.session.get(AnalyticsReport, (verified["artist_id"], "2030-04"))
    assert (stored.plays, stored.likes, stored.new_followers) == (4, 5, 2)


def test_a_page_with_nothing_that_month_reports_zeros(uow, verified):
    numbers = reports.month_numbers(uow.session, [verified["artist_id"]], MONTH)
    assert numbers == {verified["artist_id"]: reports.Numbers(0, 0, 0)}


def test_one_report_per_page_and_month_however_often_it_runs(catalog, uow, transaction, verified):
    page = [verified["artist_id"]]
    assert reports.make_reports(transaction, MONTH, AFTER, page) == 1
    assert reports.make_reports(transaction, MONTH, AFTER + timedelta(hours=1), page) == 0
    assert reports.make_reports(transaction, MONTH.previous(), AFTER, page) == 1
    assert sorted(report["month"] for report in reports_of(catalog, verified["user_id"])) == ["2030-03", "2030-04"]
    assert count_rows(uow, AnalyticsReport, artist_id=verified["artist_id"]) == 2


def test_batch_by_batch_each_report_is_made_once(catalog, transaction, make_producer, uow, session_factory):
    producers = [make_producer(f"Batch {n}") for n in range(5)]
    for producer in producers:
        artists.on_producer_verified(uow, {"user_id": producer["user_id"]})
    uow.commit()
    pages = [producer["artist_id"] for producer in producers]
    seen: list[int] = []
    assert reports.make_reports(transaction, MONTH, AFTER, pages, progress=seen.append, batch=2) == 5
    assert seen == [2, 4, 5]
    assert reports.report_batch(UnitOfWork(session_factory), MONTH, AFTER, pages) == (0, False)
    assert all(len(reports_of(catalog, producer["user_id"])) == 1 for producer in producers)


def test_two_runs_at_once_tell_each_owner_once(catalog, transaction, make_producer, uow):
    producers = [make_producer(f"Race {n}") for n in range(6)]
    for producer in producers:
        artists.on_producer_verified(uow, {"user_id": producer["user_id"]})
    uow.commit()
    pages = [producer["artist_id"] for producer in producers]
    with ThreadPoolExecutor(max_workers=2) as pool:
        made = list(pool.map(lambda _: reports.make_reports(transaction, MONTH, AFTER, pages, batch=2), range(2)))
    assert sum(made) == 6
    assert all(len(reports_of(catalog, producer["user_id"])) == 1 for producer in producers)


def test_unverified_producers_get_no_report(catalog, transaction, make_producer):
    unverified = make_producer("Not Verified")
    assert reports.make_reports(transaction, MONTH, AFTER, [unverified["artist_id"]]) == 0
    assert catalog.list_notifications(actor_id=unverified["user_id"])["total"] == 0


def test_a_month_that_has_not_ended_is_refused(transaction, verified):
    with pytest.raises(Conflict) as refused:
        reports.make_reports(transaction, MONTH, MONTH.end - timedelta(seconds=1), [verified["artist_id"]])
    assert refused.value.details == {"month": "2030-04", "ends_at": "2030-05-01T00:00:00+00:00"}


def test_the_timer_reports_the_month_before_now(catalog, transaction, verified):
    assert reports.scheduled(transaction, datetime(2031, 8, 1, 0, 30, tzinfo=timezone.utc)) >= 1
    assert [report["month"] for report in reports_of(catalog, verified["user_id"])] == ["2031-07"]
    assert reports.scheduled(transaction, datetime(2031, 8, 1, 1, 30, tzinfo=timezone.utc)) == 0


def test_only_admins_ask_for_reports_over_rpc(catalog, producer_roles, verified):
    admin, stranger = new_user_id(), new_user_id()
    producer_roles.add(admin)  # the stand-in accounts grants every role it is asked for to these ids
    with pytest.raises(Forbidden):
        catalog.analytics_reports(actor_id=stranger, month="2024-01")
    with pytest.raises(InvalidField):
        catalog.analytics_reports(actor_id=admin, month="2024-13")
    with pytest.raises(Conflict):
        catalog.analytics_reports(actor_id=admin, month=str(rules.month_of(rules.reports_now())))
    made = catalog.analytics_reports(actor_id=admin, month="2024-01")
    assert made["month"] == "2024-01" and made["reports"] >= 1
    assert catalog.analytics_reports(actor_id=admin, month="2024-01") == {"month": "2024-01", "reports": 0}
    assert [report["month"] for report in reports_of(catalog, verified["user_id"])] == ["2024-01"]
    latest = catalog.analytics_reports(actor_id=admin)  # default: the last finished month
    assert latest["month"] == str(rules.last_finished_month(rules.reports_now()))


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "services.catalog.cli", "analytics-reports", *args],
                          env={**os.environ, **env}, cwd=config.ROOT, capture_output=True, text=True, timeout=120)


def test_the_cli_makes_a_months_reports_with_progress(catalog, catalog_db, verified):
    page = verified["artist_id"]
    done = run_cli("--month", "2025-11", "--artist", page, CATALOG_DATABASE_URL=catalog_db)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "analytics reports 2025-11: 1 made" in done.stdout
    again = run_cli("--month", "2025-11", "--artist", page, CATALOG_DATABASE_URL=catalog_db)
    assert again.returncode == 0 and "analytics reports 2025-11: 0 made" in again.stdout
    assert [report["month"] for report in reports_of(catalog, verified["user_id"])] == ["2025-11"]


def test_the_cli_refuses_a_bad_or_unfinished_month_unless_its_clock_is_moved(catalog, catalog_db, verified):
    page, current = verified["artist_id"], str(rules.month_of(rules.reports_now()))
    bad = run_cli("--month", "November", CATALOG_DATABASE_URL=catalog_db)
    assert bad.returncode == 2 and "--month" in bad.stderr
    unfinished = run_cli("--month", current, "--artist", page, CATALOG_DATABASE_URL=catalog_db)
    assert unfinished.returncode == 2 and "has not ended yet" in unfinished.stdout
    moved = run_cli("--month", current, "--artist", page, CATALOG_DATABASE_URL=catalog_db,
                    ANALYTICS_CLOCK_OFFSET_S=str(32 * 86_400))
    assert moved.returncode == 0, moved.stdout + moved.stderr
    assert [report["month"] for report in reports_of(catalog, verified["user_id"])] == [current]
