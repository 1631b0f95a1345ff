"""Progress, refresh, the XP history, the Achievements tab, the dashboard and the activity on PostgreSQL, with
who may see what."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, update

from services.contracts.errors import Forbidden, NotFound
from services.gamification import backstage, progress, schemas
from services.gamification.models import Aggregate, Artist
from services.gamification.tests.integration.conftest import new_id

pytestmark = pytest.mark.integration

NOW = datetime.now(timezone.utc).replace(microsecond=0)


@pytest.fixture
def ana(neighbours, events):
    """A producer whose page has 2 published tracks, one metadata-complete, and 3 plays."""
    user, artist = neighbours.producer("Ana Beats")
    events.page(artist, user, NOW)
    first = events.published(artist, user, NOW - timedelta(days=2))["track_id"]
    events.published(artist, user, NOW)
    events.metadata_completed(first, user, NOW)
    for _ in range(3):
        events.play(artist, first, NOW - timedelta(days=1))
    return user, artist


def test_progress_adds_up_the_ledger(run, neighbours, ana):
    user, artist = ana
    view = run(lambda uow: progress.progress(uow, neighbours, user, None))
    assert view["artist_id"] == artist
    assert view["xp"] == 200 + 50 + 3 + 50  # two uploads, one metadata, three plays, first upload
    assert (view["level"], view["title"], view["level_floor_xp"], view["next_level_xp"]) == (1, "Novice", 0, 500)
    by_code = {a["code"]: a for a in view["achievements"]}
    assert by_code["first_upload"]["earned_at"] is not None
    assert by_code["first_upload"]["rarity"] == "common"  # the one producer with XP holds it
    assert by_code["uploads_10"]["progress"] == {"current": 2, "target": 10}
    assert by_code["uploads_10"]["earned_at"] is None and by_code["uploads_10"]["rarity"] == "legendary"


def test_refresh_gives_the_same_numbers_and_repairs_what_drifted(run, neighbours, ana):
    user, artist = ana
    before = run(lambda uow: progress.progress(uow, neighbours, user, None))
    assert run(lambda uow: progress.refresh_progress(uow, neighbours, user, None, NOW)) == before
    run(lambda uow: uow.session.execute(update(Artist).where(Artist.artist_id == artist).values(xp=1)))
    run(lambda uow: uow.session.execute(delete(Aggregate).where(Aggregate.artist_id == artist)))
    assert run(lambda uow: progress.refresh_progress(uow, neighbours, user, None, NOW)) == before
    assert run(lambda uow: uow.session.get(Aggregate, (artist, "plays", "all")).value) == 3


def test_xp_history_newest_first_in_pages(run, neighbours, ana):
    user, _ = ana
    page, _ = schemas.load_page(progress.XP_HISTORY, None, 4)
    first = run(lambda uow: progress.xp_history(uow, neighbours, user, None, page))
    assert first["total"] == 7 and len(first["items"]) == 4
    page, _ = schemas.load_page(progress.XP_HISTORY, first["next"], 4)
    rest = run(lambda uow: progress.xp_history(uow, neighbours, user, None, page))
    entries = first["items"] + rest["items"]
    assert rest["next"] is None and sum(e["amount"] for e in entries) == 303
    assert [e["created_at"] for e in entries] == sorted((e["created_at"] for e in entries), reverse=True)
    assert {e["reason"] for e in entries} == {"track_published", "metadata_complete", "play", "achievement"}


def test_producer_access(run, neighbours, ana):
    user, artist = ana
    listener = new_id()
    with pytest.raises(Forbidden):
        run(lambda uow: progress.progress(uow, neighbours, listener, None))
    pageless = new_id()
    neighbours.roles[pageless] = {"producer"}
    with pytest.raises(NotFound, match="no artist profile"):
        run(lambda uow: progress.progress(uow, neighbours, pageless, None))
    other, _ = neighbours.producer("Ben")
    for who, page in ((other, artist), (user, new_id()), (user, "not-an-id")):
        with pytest.raises(NotFound):
            run(lambda uow: backstage.dashboard(uow, neighbours, who, page, NOW))
    assert run(lambda uow: progress.progress(uow, neighbours, user, artist))["artist_id"] == artist


def test_the_achievements_tab_is_for_the_owner_and_admins(run, neighbours, ana):
    user, artist = ana
    assert run(lambda uow: progress.artist_achievements(uow, neighbours, user, artist))["xp"] == 303
    admin = neighbours.admin()
    assert run(lambda uow: progress.artist_achievements(uow, neighbours, admin, artist))["xp"] == 303
    other, _ = neighbours.producer("Ben")
    for who, page in ((other, artist), (new_id(), artist), (admin, new_id())):
        with pytest.raises(NotFound):
            run(lambda uow: progress.artist_achievements(uow, neighbours, who, page))


def test_activity_is_365_days_ending_today(run, neighbours, events, ana):
    user, artist = ana
    events.license(artist, new_id(), NOW)
    events.play(artist, new_id(), NOW - timedelta(days=400))  # older than the graph
    view = run(lambda uow: backstage.activity(uow, neighbours, user, None, NOW))
    days = view["days"]
    assert len(days) == 365 and days[-1]["date"] == NOW.date().isoformat()
    assert days[0]["date"] == (NOW.date() - timedelta(days=364)).isoformat()
    assert days[-2] == {"date": (NOW.date() - timedelta(days=1)).isoformat(), "plays": 3, "downloads": 0,
                        "uploads": 0}
    assert days[-1] == {"date": NOW.date().isoformat(), "plays": 0, "downloads": 1, "uploads": 1}
    assert days[-3]["uploads"] == 1 and sum(d["plays"] for d in days) == 3
    assert view["overview"]["plays"] == 3 and view["overview"]["active_days"] == 3
    assert view["downloads"] == {"total": 1, "per_100_plays": 33.33}


def test_an_empty_activity_says_so(run, neighbours):
    user, _ = neighbours.producer()
    view = run(lambda uow: backstage.activity(uow, neighbours, user, None, NOW))
    assert len(view["days"]) == 365 and not any(d["plays"] or d["downloads"] or d["uploads"] for d in view["days"])
    assert view["overview"]["busiest_day"] is None and view["downloads"]["per_100_plays"] is None


def test_the_dashboard(run, neighbours, ana):
    user, artist = ana
    view = run(lambda uow: backstage.dashboard(uow, neighbours, user, None, NOW))
    assert view["greeting"] == "Welcome back, Ana Beats!"
    assert view["stats"]["plays"] == 3 and view["stats"]["uploads"] == 2 and view["stats"]["xp"] == 303
    assert {"label": "My beats", "href": "/producer/beats"} in view["shortcuts"]
