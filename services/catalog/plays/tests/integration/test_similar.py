"""Similar Artists on the real service and PostgreSQL: other pages scored by shared genres (Jaccard over their
published tracks' genres, credited tracks included) plus shared listeners (of the page's recent listeners, the
share who also played the other page in the last 90 days), best first, at most 10, the page itself left out."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from services.catalog.conftest import new_user_id, stored_track
from services.catalog.plays import rules as play_rules, similar
from services.catalog.plays.tests.integration.test_backstage import play
from services.catalog.tests.integration.plan_support import plan_of, reads_the_whole_catalog, seed_catalog
from services.catalog.tracks import page_genres
from services.catalog.tracks.models import Track, TrackCredit, TrackGenre
from services.contracts.errors import NotFound

pytestmark = pytest.mark.integration


def genre() -> str:
    """A genre no other test uses (the test database is shared): only this test's pages share it."""
    return f"g-{uuid.uuid4().hex[:10]}"


def track(uow, producer: dict, *genres: str, credits: tuple[dict, ...] = (), status: str = "published") -> str:
    """A track written straight to the database, its pages' genres then kept as publishing keeps them."""
    track_id = stored_track(uow, producer, status, genre_rows=[TrackGenre(genre=g) for g in genres],
                            collaborators=[c["artist_id"] for c in credits],
                            credit_rows=[TrackCredit(artist_id=c["artist_id"]) for c in credits])
    if status == "published":
        page_genres.refresh_for(uow.session, [uow.session.get(Track, track_id)])
        uow.commit()
    return track_id


def by_id(result: list[dict]) -> dict[str, dict]:
    return {item["artist"]["id"]: item for item in result}


def test_pages_are_scored_by_shared_genres_and_shared_listeners(catalog, make_producer, uow):
    trap, drill, jazz = genre(), genre(), genre()
    page = make_producer("The Page")
    b, c, d, e, f = (make_producer(name) for name in ("Bee", "Cee", "Dee", "Eee", "Eff"))
    mine = [track(uow, page, trap), track(uow, page, drill)]
    track(uow, page, jazz, status="processing")  # unpublished: not the page's genre
    b_track, c_track = track(uow, b, trap), track(uow, c, trap, drill)
    d_track = track(uow, d, jazz)
    track(uow, f, drill, credits=(e,))  # e is credited on f's track: both have drill
    now = datetime.now(timezone.utc)
    first, second, stranger, former = new_user_id(), new_user_id(), new_user_id(), new_user_id()
    play(uow, mine[0], now - timedelta(days=1), first)
    play(uow, mine[1], now - timedelta(days=2), second)
    play(uow, d_track, now - timedelta(days=3), first)
    play(uow, b_track, now - timedelta(days=4), second)
    play(uow, c_track, now - timedelta(days=5), stranger)  # not one of the page's listeners
    play(uow, mine[0], now - timedelta(days=100), former)  # older than 90 days: neither counts
    play(uow, c_track, now - timedelta(days=99), former)

    result = catalog.similar_artists(artist_id=page["artist_id"])
    assert [item["artist"]["id"] for item in result] == \
        [b["artist_id"], c["artist_id"], d["artist_id"], *sorted([e["artist_id"], f["artist_id"]])]
    scored = by_id(result)
    assert scored[b["artist_id"]] == {"artist": {"id": b["artist_id"], "name": "Bee", "verified": False},
                                      "score": 1.0, "shared_genres": [trap], "shared_listeners": 1}
    assert (scored[c["artist_id"]]["score"], scored[c["artist_id"]]["shared_genres"],
            scored[c["artist_id"]]["shared_listeners"]) == (1.0, sorted([trap, drill]), 0)
    assert (scored[d["artist_id"]]["score"], scored[d["artist_id"]]["shared_genres"],
            scored[d["artist_id"]]["shared_listeners"]) == (0.5, [], 1)
    for credited in (e, f):
        assert (scored[credited["artist_id"]]["score"], scored[credited["artist_id"]]["shared_genres"]) == \
            (0.5, [drill])
    assert page["artist_id"] not in scored


def test_genres_match_whatever_their_case_and_a_page_sharing_nothing_has_no_similar_pages(catalog, make_producer,
                                                                                            upload, publish_track):
    name = genre()
    a, b, loner = make_producer(), make_producer(), make_producer()
    publish_track(upload(a, genres=[name.upper()]), a)  # the upload path normalises genres
    publish_track(upload(b, genres=[f"  {name.title()} "]), b)
    assert [(item["artist"]["id"], item["shared_genres"]) for item in catalog.similar_artists(
        artist_id=a["artist_id"])] == [(b["artist_id"], [name])]
    assert catalog.similar_artists(artist_id=loner["artist_id"]) == []


def test_at_most_ten_are_shown(catalog, make_producer, uow):
    shared = genre()
    page = make_producer()
    track(uow, page, shared)
    for _ in range(play_rules.SIMILAR_MAX + 2):
        track(uow, make_producer(), shared)
    assert len(catalog.similar_artists(artist_id=page["artist_id"])) == play_rules.SIMILAR_MAX


def test_an_unknown_page_is_not_found(catalog):
    for artist_id in (str(uuid.uuid4()), "not-a-uuid"):
        with pytest.raises(NotFound):
            catalog.similar_artists(artist_id=artist_id)


def test_every_query_reads_through_indexes(uow):
    """On a catalog of realistic shape, no query of Similar Artists reads every track, credit or play (PostgreSQL's
    plans): the pages sharing a genre come from ``page_genres``, the listeners' plays from their own index."""
    seed_catalog(uow)
    artist_id, since = new_user_id(), datetime.now(timezone.utc) - play_rules.SIMILAR_PLAYS_WINDOW
    statements = {
        "genres": similar.genres_of(artist_id),
        "sharing genres": similar.sharing_most_genres(artist_id, {"seed-1", "seed-2"}),
        "shared genres": similar.shared_genres([new_user_id(), new_user_id()], {"seed-1", "seed-2"}),
        "listeners": similar.recent_listeners(artist_id, since),
        "sharing listeners": similar.sharing_listeners(artist_id, [new_user_id(), new_user_id()], since),
        "genre counts": similar.genre_counts([new_user_id(), new_user_id()]),
    }
    plans = {name: plan_of(uow, statement) for name, statement in statements.items()}
    for name, plan in plans.items():
        assert not reads_the_whole_catalog(plan), f"{name}:\n{plan}"
    assert "ix_page_genres_genre" in plans["sharing genres"]
    assert "ix_plays_track_played" in plans["listeners"]
    assert "ix_plays_listener_played" in plans["sharing listeners"]
    uow.rollback()
