"""``payout_tracks``: payouts' copy of the catalog — every published track (withdrawn ones too), oldest first,
with the account managing each credited artist page and the exclusive sale that took it off the market."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event, update

from services.catalog import erasure
from services.catalog.tracks import payout_catalog
from services.catalog.tracks.models import Artist, Track
from services.catalog.tracks.tests.integration.test_sales import EXCLUSIVE, T0, deliver, refunded, sold
from services.common.pagination import PageRequest, Position, encode_cursor
from services.contracts.errors import InvalidField
from services.contracts.events import EXCLUSIVE_REFUNDED, EXCLUSIVE_SOLD
from services.contracts.rpc.catalog import PayoutTrack

pytestmark = pytest.mark.integration

FIELDS = set(PayoutTrack().fields)


def unclaimed_page(uow, name: str = "Old Page") -> str:
    page = Artist(name=name, user_id=None)
    uow.session.add(page)
    uow.commit()
    return page.id


def set_published_at(uow, moments: dict[str, datetime]) -> None:
    for track_id, moment in moments.items():
        uow.session.execute(update(Track).where(Track.id == track_id).values(published_at=moment))
    uow.commit()


def page_after(catalog, moment: datetime, limit: int) -> dict:
    """The page after ``moment``: the cursor this list returns for a track published then (with the lowest id)."""
    return catalog.payout_tracks(cursor=encode_cursor(payout_catalog.KIND, Position((moment, ""))), limit=limit)


def find(catalog, track_id: str) -> dict:
    cursor = None
    while True:
        page = catalog.payout_tracks(cursor=cursor)
        for item in page["items"]:
            if item["track_id"] == track_id:
                return item
        if page["next"] is None:
            raise AssertionError(f"{track_id} not in payout_tracks")
        cursor = page["next"]


def listed_ids(catalog) -> set[str]:
    ids, cursor = set(), None
    while True:
        page = catalog.payout_tracks(cursor=cursor)
        ids |= {item["track_id"] for item in page["items"]}
        if page["next"] is None:
            return ids
        cursor = page["next"]


def test_each_credited_page_maps_to_the_account_managing_it_or_null(catalog, uow, make_producer, upload,
                                                                    publish_track):
    producer, partner = make_producer(), make_producer("Partner")
    unclaimed = unclaimed_page(uow)
    track = publish_track(upload(producer, collaborators=[partner["artist_id"], unclaimed]), producer)
    item = find(catalog, track["id"])
    assert set(item) == FIELDS
    assert item == {
        "track_id": track["id"], "name": track["name"], "artist_id": producer["artist_id"],
        "collaborator_artist_ids": [partner["artist_id"], unclaimed],
        "owners": {producer["artist_id"]: producer["user_id"], partner["artist_id"]: partner["user_id"],
                   unclaimed: None},
        "licensing_model": "standard", "published_at": track["published_at"], "sold_at": None}


def test_only_published_tracks_are_listed_withdrawn_ones_included_with_their_page_unclaimed(
        catalog, uow, media, make_producer, upload, publish_track):
    producer, leaving = make_producer(), make_producer("Leaving")
    processing = upload(producer)
    published = publish_track(upload(producer), producer)
    withdrawn = publish_track(upload(leaving), leaving)
    erasure.on_user_deleted(uow, media, {"user_id": leaving["user_id"]})
    uow.commit()
    ids = listed_ids(catalog)
    assert {published["id"], withdrawn["id"]} <= ids and processing["id"] not in ids
    assert find(catalog, withdrawn["id"])["owners"] == {leaving["artist_id"]: None}


def test_sold_at_is_the_exclusive_sale_until_it_is_refunded(catalog, bus, uow, make_producer, upload,
                                                           publish_track):
    producer = make_producer()
    track = publish_track(upload(producer, licensing_model="exclusive_only", exclusive=EXCLUSIVE), producer)
    license_id = str(uuid.uuid4())
    assert find(catalog, track["id"])["sold_at"] is None
    deliver(bus, uow, EXCLUSIVE_SOLD, sold(track, license_id))
    item = find(catalog, track["id"])
    assert (item["sold_at"], item["licensing_model"]) == (T0.isoformat(), "exclusive_only")
    deliver(bus, uow, EXCLUSIVE_REFUNDED, refunded(track, license_id))
    assert find(catalog, track["id"])["sold_at"] is None  # on the market again: it earns as before


def test_pages_run_oldest_first_by_publication_then_id(catalog, uow, make_producer, upload, publish_track):
    producer = make_producer()
    tracks = [publish_track(upload(producer), producer)["id"] for _ in range(3)]
    base = datetime(2090, 1, 1, tzinfo=timezone.utc) + timedelta(days=uuid.uuid4().int % 10_000)
    same, later = sorted(tracks[:2]), tracks[2]
    # a later track published first, and two published in the same instant: the id breaks the tie
    set_published_at(uow, {later: base + timedelta(seconds=1), same[0]: base, same[1]: base})
    first = page_after(catalog, base - timedelta(microseconds=1), limit=2)
    assert [item["track_id"] for item in first["items"]] == same
    assert first["items"][0]["published_at"] == base.isoformat()
    second = catalog.payout_tracks(cursor=first["next"], limit=2)
    assert second["items"][0]["track_id"] == later
    assert first["total"] == second["total"] >= 3


def test_a_page_is_three_queries_whatever_its_size(catalog, uow, make_producer, upload, publish_track):
    producers = [make_producer(f"P{n}") for n in range(3)]
    for n, producer in enumerate(producers):
        publish_track(upload(producer, collaborators=[p["artist_id"] for p in producers if p is not producer]),
                      producer)
    statements: list[str] = []
    engine = uow.session.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        page = payout_catalog.payout_tracks(uow, PageRequest(limit=1000))
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(page["items"]) >= 3
    assert len(statements) == 3  # the tracks, the owners of every page they credit, the count


@pytest.mark.parametrize("arguments", [{"limit": 0}, {"limit": 1001}, {"limit": "10"}, {"cursor": "garbage"},
                                       {"cursor": encode_cursor("tracks:newest", Position((T0, "x")))}])
def test_bad_paging_is_invalid(catalog, arguments):
    with pytest.raises(InvalidField) as caught:
        catalog.payout_tracks(**arguments)
    assert set(caught.value.details) <= {"limit", "cursor"} and caught.value.details

