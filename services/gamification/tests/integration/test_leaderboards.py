"""The leaderboards on PostgreSQL: RANK() with ties sharing a rank, `me` (ranked, unranked, no page), month vs
all time, earnings per currency, Quality's threshold, the Overall blend, pages through the cursor."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from services.common.pagination import PageRequest
from services.contracts.errors import InvalidField, NotFound
from services.gamification import leaderboards, schemas
from services.gamification.tests.integration.conftest import new_id

pytestmark = pytest.mark.integration

NOW = datetime.now(timezone.utc).replace(microsecond=0)
LAST_MONTH = NOW.replace(day=1) - timedelta(days=3)


def board(run, neighbours, category, period="all_time", currency="CAD", actor_id=None, limit=20, cursor=None):
    page = PageRequest(cursor, limit)
    return run(lambda uow: leaderboards.leaderboard(uow, neighbours, category, period, currency, page, actor_id,
                                                    NOW))


def ranks(result) -> list[tuple[int, str, float]]:
    return [(row["rank"], row["artist"]["id"], row["value"]) for row in result["items"]]


def plays(events, artist_id, count, when=NOW):
    track = new_id()
    for _ in range(count):
        events.play(artist_id, track, when)


def test_ties_share_a_rank_and_me_is_the_callers_page(run, events, neighbours):
    (ua, a), (ub, b), (uc, c) = (neighbours.producer(n) for n in ("Ana", "Ben", "Cy"))
    for user, artist in ((ua, a), (ub, b), (uc, c)):
        events.page(artist, user, NOW)
    plays(events, a, 3)
    plays(events, b, 3)
    plays(events, c, 1)
    result = board(run, neighbours, "plays", actor_id=uc)
    assert ranks(result) == [(1, min(a, b), 3.0), (1, max(a, b), 3.0), (3, c, 1.0)]
    assert result["items"][0]["artist"]["name"] in ("Ana", "Ben")
    assert result["total"] == 3 and result["next"] is None
    assert result["me"] == {"rank": 3, "value": 1.0}


def test_me_is_unranked_at_zero_without_a_page_and_absent_without_a_caller(run, events, neighbours):
    user, artist = neighbours.producer()
    events.page(artist, user, NOW)
    plays(events, new_id(), 2)
    assert board(run, neighbours, "plays", actor_id=user)["me"] == {"rank": None, "value": 0.0}
    assert board(run, neighbours, "plays", actor_id=new_id())["me"] == {"rank": None, "value": None}
    assert board(run, neighbours, "plays")["me"] is None


def test_month_counts_the_current_utc_month_only(run, events, neighbours):
    a, b = new_id(), new_id()
    plays(events, a, 5, LAST_MONTH)
    plays(events, a, 1)
    plays(events, b, 2)
    assert ranks(board(run, neighbours, "plays")) == [(1, a, 6.0), (2, b, 2.0)]
    assert ranks(board(run, neighbours, "plays", period="month")) == [(1, b, 2.0), (2, a, 1.0)]
    assert ranks(board(run, neighbours, "points", period="month")) == [(1, b, 2.0), (2, a, 1.0)]


def test_earnings_are_ranked_per_currency(run, events, neighbours):
    a, b = new_id(), new_id()
    events.earnings(a, new_id(), 1_000, NOW)
    events.earnings(b, new_id(), 2_500, NOW, currency="USD")
    events.earnings(b, new_id(), 400, NOW)
    assert ranks(board(run, neighbours, "earnings")) == [(1, a, 1000.0), (2, b, 400.0)]
    usd = board(run, neighbours, "earnings", currency="USD")
    assert ranks(usd) == [(1, b, 2500.0)] and usd["currency"] == "USD"


def test_quality_ranks_from_three_published_tracks_and_feeds_overall(run, events, neighbours):
    user, a, b = new_id(), new_id(), new_id()
    tracks = [events.published(a, user, NOW)["track_id"] for _ in range(3)]
    events.metadata_completed(tracks[0], user, NOW)
    for _ in range(2):  # two tracks, all complete: below the threshold
        events.metadata_completed(events.published(b, user, NOW)["track_id"], user, NOW)
    assert ranks(board(run, neighbours, "quality")) == [(1, a, round(1 / 3, 4))]
    overall = dict((artist, value) for _, artist, value in ranks(board(run, neighbours, "overall")))
    # a: 3 uploads (300) + 1 metadata (50) + first upload (50) + 1,000 × 1/3; b: 200 + 100 + 50
    assert overall[a] == pytest.approx(400 + 1000 / 3, abs=1e-3)
    assert overall[b] == 350


def test_collab_and_uploads_boards(run, events, neighbours):
    a, b, user = new_id(), new_id(), new_id()
    events.credited(new_id(), a, b, NOW)
    events.published(b, user, NOW)
    events.published(b, user, NOW)
    assert ranks(board(run, neighbours, "collab")) == [(1, a, 1.0)]
    assert ranks(board(run, neighbours, "uploads")) == [(1, b, 2.0)]


def test_pages_follow_the_cursor_with_ranks_kept(run, events, neighbours):
    artists = [new_id() for _ in range(5)]
    for count, artist in zip((5, 4, 4, 4, 1), artists):
        plays(events, artist, count)
    first = board(run, neighbours, "plays", limit=2)
    _, _, _, page = schemas.leaderboard_input("plays", "all_time", None, first["next"], 2)
    second = run(lambda uow: leaderboards.leaderboard(uow, neighbours, "plays", "all_time", "CAD", page, None, NOW))
    assert [r for r, _, _ in ranks(first)] == [1, 2] and [r for r, _, _ in ranks(second)] == [2, 2]
    assert len({a for _, a, _ in ranks(first) + ranks(second)}) == 4


def test_input_is_checked():
    with pytest.raises(NotFound):
        schemas.leaderboard_input("likes", None, None, None, None)
    for period, currency, cursor, limit in (("week", None, None, None), (None, "XYZ", None, None),
                                            (None, None, "nonsense", None), (None, None, None, 0)):
        with pytest.raises(InvalidField):
            schemas.leaderboard_input("plays", period, currency, cursor, limit)
    other = leaderboards.cursor_kind("points", "all_time")
    from services.common.pagination import Position, encode_cursor
    with pytest.raises(InvalidField):  # a cursor of another board
        schemas.leaderboard_input("plays", None, None, encode_cursor(other, Position((1.0, new_id()))), None)
    assert schemas.leaderboard_input("earnings", None, "usd", None, None)[:3] == ("earnings", "all_time", "USD")
