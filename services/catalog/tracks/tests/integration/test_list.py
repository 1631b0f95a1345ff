"""The public list: published tracks only, each filter, both sorts and keyset pages."""
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import update

from services.catalog.tracks.models import Track
from services.common.clock import utcnow
from services.contracts.errors import InvalidField

pytestmark = pytest.mark.integration


@pytest.fixture
def shelf(catalog, make_producer, upload, publish_track, uow):
    """Four published tracks and one still processing, all of one fresh producer, with distinct
    play counts and publication times (so both orders are known)."""
    producer = make_producer("Shelf Maker")
    marker = uuid.uuid4().hex[:8]
    specs = [
        dict(name=f"Alpha {marker}", bpm=90, key="C", scale="major", genres=["Trap"], tags=["dark"]),
        dict(name=f"Beta {marker}", bpm=140, key="A", scale="minor", genres=["Drill", "Trap"], tags=["Béton"]),
        dict(name=f"Gamma {marker}", bpm=170, key="A", scale="major", genres=["Lo-fi"], tags=["chill"],
             artists=["Zoë Keys"]),
        dict(name=f"Delta {marker}", bpm=60, key="F#", scale="minor", genres=["Lo-fi"], tags=["100%_real"]),
    ]
    tracks = []
    base = utcnow() - timedelta(hours=1)
    for index, (spec, plays) in enumerate(zip(specs, (5, 50, 0, 50))):
        track = upload(producer, **spec)
        publish_track(track, producer)
        uow.session.execute(update(Track).where(Track.id == track["id"]).values(
            play_count=plays, published_at=base + timedelta(minutes=index)))
        tracks.append(track)
    uow.commit()
    hidden = upload(producer, name=f"Hidden {marker}")
    return {"producer": producer, "ids": [t["id"] for t in tracks], "hidden": hidden["id"], "marker": marker}


def ids(catalog, **kwargs) -> list[str]:
    return [item["id"] for item in catalog.list_tracks(**kwargs)["items"]]


def mine(shelf, **filters) -> dict:
    return {"producer": shelf["producer"]["artist_id"], **filters}


def test_only_published_tracks_newest_first(catalog, shelf):
    a, b, c, d = shelf["ids"]
    page = catalog.list_tracks(filters=mine(shelf))
    assert [item["id"] for item in page["items"]] == [d, c, b, a]
    assert page["total"] == 4 and page["next"] is None


def test_popular_sorts_by_plays_then_newest(catalog, shelf):
    a, b, c, d = shelf["ids"]
    assert ids(catalog, filters=mine(shelf), sort="popular") == [d, b, a, c]


@pytest.mark.parametrize("sort, expected", [("newest", [3, 2, 1, 0]), ("popular", [3, 1, 0, 2])])
def test_keyset_pages_walk_the_whole_list(catalog, shelf, sort, expected):
    seen, cursor = [], None
    while True:
        page = catalog.list_tracks(filters=mine(shelf), sort=sort, cursor=cursor, limit=3 if sort == "newest" else 1)
        assert page["total"] == 4
        seen += [item["id"] for item in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == [shelf["ids"][i] for i in expected]


@pytest.mark.parametrize("filters, expected", [
    ({"genre": "trap"}, [1, 0]),
    ({"genre": "Lo-fi"}, [3, 2]),
    ({"bpm_min": 100}, [2, 1]),
    ({"bpm_max": 100}, [3, 0]),
    ({"bpm_min": 90, "bpm_max": 140}, [1, 0]),
    ({"key": "A"}, [2, 1]),
    ({"scale": "minor"}, [3, 1]),
    ({"key": "A", "scale": "major"}, [2]),
    ({"q": "BETON"}, [1]),
    ({"q": "zoe"}, [2]),
    ({"q": "alpha dark"}, [0]),
    ({"q": "100%_"}, [3]),
    ({"q": "nothing-like-this"}, []),
])
def test_each_filter(catalog, shelf, filters, expected):
    page = catalog.list_tracks(filters=mine(shelf, **filters))
    assert [item["id"] for item in page["items"]] == [shelf["ids"][i] for i in expected]
    assert page["total"] == len(expected)


def test_q_matches_across_producers_and_the_producer_filter_narrows(catalog, shelf):
    found = ids(catalog, filters={"q": f"gamma {shelf['marker']}"})
    assert found == [shelf["ids"][2]]
    assert ids(catalog, filters={"producer": str(uuid.uuid4())}) == []
    assert shelf["hidden"] not in ids(catalog, filters={"q": shelf["marker"]}, limit=100)


def test_the_producer_filter_takes_the_producers_user_id_as_well_as_the_artist_id(catalog, shelf):
    by_artist = ids(catalog, filters={"producer": shelf["producer"]["artist_id"]})
    assert ids(catalog, filters={"producer": shelf["producer"]["user_id"]}) == by_artist
    assert sorted(by_artist) == sorted(shelf["ids"])


EXCLUSIVE = {"price_cents": 50000, "currency": "USD", "contact_email": "me@example.com", "status": "available"}


@pytest.fixture
def licensing_shelf(catalog, make_producer, upload, publish_track, uow):
    """Five published tracks of one fresh producer, oldest first: standard; standard + exclusive (available);
    standard + exclusive (private); exclusive only (available); exclusive only (sold, as a buyer's payment
    marks it)."""
    producer = make_producer("Licence Shelf")
    specs = [dict(licensing_model="standard"),
             dict(licensing_model="standard_exclusive", exclusive=EXCLUSIVE),
             dict(licensing_model="standard_exclusive", exclusive={**EXCLUSIVE, "status": "private"}),
             dict(licensing_model="exclusive_only", exclusive=EXCLUSIVE),
             dict(licensing_model="exclusive_only", exclusive=EXCLUSIVE)]
    made, base = [], utcnow() - timedelta(hours=1)
    for index, spec in enumerate(specs):
        track = publish_track(upload(producer, **spec), producer)
        uow.session.execute(update(Track).where(Track.id == track["id"]).values(
            published_at=base + timedelta(minutes=index)))
        made.append(track["id"])
    uow.session.execute(update(Track).where(Track.id == made[4]).values(exclusive={**EXCLUSIVE, "status": "sold"}))
    uow.commit()
    return {"producer": producer, "ids": made}


@pytest.mark.parametrize("licensing, expected", [
    ("standard", [0]),
    ("standard_exclusive", [2, 1]),
    ("exclusive_only", [4, 3]),
    ("exclusive_available", [3, 1]),  # not the private one, not the sold one, never a standard track
])
def test_the_licensing_filter(catalog, licensing_shelf, licensing, expected):
    page = catalog.list_tracks(filters=mine(licensing_shelf, licensing=licensing))
    assert [item["id"] for item in page["items"]] == [licensing_shelf["ids"][i] for i in expected]
    assert page["total"] == len(expected)


def test_the_licensing_filter_pages_and_sorts_like_the_others(catalog, licensing_shelf):
    filters = mine(licensing_shelf, licensing="exclusive_available")
    first = catalog.list_tracks(filters=filters, limit=1)
    second = catalog.list_tracks(filters=filters, limit=1, cursor=first["next"])
    assert [first["items"][0]["id"], second["items"][0]["id"]] == [licensing_shelf["ids"][3], licensing_shelf["ids"][1]]
    assert second["next"] is None and first["total"] == second["total"] == 2
    assert sorted(ids(catalog, filters=filters, sort="popular")) == sorted([licensing_shelf["ids"][1],
                                                                           licensing_shelf["ids"][3]])


@pytest.mark.parametrize("kwargs, field", [
    ({"filters": {"licensing": "exclusive"}}, "filters.licensing"),
    ({"filters": {"bpm_min": 150, "bpm_max": 100}}, "filters.bpm_max"),
    ({"filters": {"key": "Z"}}, "filters.key"),
    ({"filters": {"mood": "sad"}}, "filters.mood"),
    ({"filters": {"producer": "x"}}, "filters.producer"),
    ({"sort": "random"}, "sort"),
    ({"limit": 101}, "limit"),
    ({"cursor": "garbage"}, "cursor"),
])
def test_invalid_list_arguments_name_the_field(catalog, kwargs, field):
    with pytest.raises(InvalidField) as caught:
        catalog.list_tracks(**kwargs)
    assert list(caught.value.details) == [field]


def test_a_cursor_of_one_sort_is_refused_by_the_other(catalog, shelf):
    cursor = catalog.list_tracks(filters=mine(shelf), limit=1)["next"]
    with pytest.raises(InvalidField) as caught:
        catalog.list_tracks(filters=mine(shelf), sort="popular", cursor=cursor)
    assert list(caught.value.details) == ["cursor"]
