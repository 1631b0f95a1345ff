"""The Backstage collections list (producer_collections) on the real service and PostgreSQL: the page's
collections newest first with their statistics, the name filter, keyset pages and the refusals (accounts'
producer role from a stand-in accounts service)."""
from datetime import datetime, timedelta, timezone

import pytest

from services.catalog.conftest import new_user_id, stored_track
from services.catalog.tracks.models import Collection
from services.contracts.errors import Forbidden, InvalidField, NotFound

pytestmark = pytest.mark.integration


def stored_collection(uow, producer: dict, name: str, created_at: datetime) -> str:
    row = Collection(artist_id=producer["artist_id"], name=name, artists=["DJ Test"], genres=[], tags=[],
                     cover_key="covers/x/c.png", cover_content_type="image/png", created_at=created_at)
    uow.session.add(row)
    uow.session.commit()
    return row.id


def test_collections_newest_first_with_tracks_plays_and_likes(catalog, backstage_producer, uow):
    producer = backstage_producer()
    now = datetime.now(timezone.utc)
    tape = stored_collection(uow, producer, "Night Tape", now - timedelta(days=2))
    pack = stored_collection(uow, producer, "Drum PACK vol. 1", now - timedelta(days=1))
    empty = stored_collection(uow, producer, "Empty Drafts", now)
    stored_track(uow, producer, collection_id=tape, play_count=7)
    stored_track(uow, producer, collection_id=tape, play_count=5)
    stored_track(uow, producer, "processing", collection_id=tape)
    stored_track(uow, producer, "rejected", collection_id=pack)
    stored_track(uow, producer, play_count=100)  # in no collection
    for fan in (new_user_id(), new_user_id()):
        catalog.like(actor_id=fan, kind="collections", item_id=tape)

    first = catalog.producer_collections(actor_id=producer["user_id"], limit=2)
    assert first["artist_id"] == producer["artist_id"] and first["total"] == 3
    assert [item["id"] for item in first["items"]] == [empty, pack]
    assert first["items"][0] == {"id": empty, "name": "Empty Drafts", "tracks": 0, "published_tracks": 0, "plays": 0,
                                 "likes": 0, "created_at": first["items"][0]["created_at"]}
    assert (first["items"][1]["tracks"], first["items"][1]["published_tracks"]) == (1, 0)
    second = catalog.producer_collections(actor_id=producer["user_id"], limit=2, cursor=first["next"])
    [stats] = second["items"]
    assert second["next"] is None
    assert (stats["id"], stats["tracks"], stats["published_tracks"], stats["plays"], stats["likes"]) == (
        tape, 3, 2, 12, 2)

    found = catalog.producer_collections(actor_id=producer["user_id"], artist_id=producer["artist_id"],
                                         q=" drum pack ")
    assert [item["id"] for item in found["items"]] == [pack] and found["total"] == 1
    assert catalog.producer_collections(actor_id=producer["user_id"], q="100%")["items"] == []


def test_refusals_a_listener_a_producer_without_a_page_and_someone_elses_page(catalog, backstage_producer,
                                                                              producer_roles):
    producer, other = backstage_producer(), backstage_producer("Other Page")
    with pytest.raises(Forbidden):
        catalog.producer_collections(actor_id=new_user_id())
    pageless = new_user_id()
    producer_roles.add(pageless)
    with pytest.raises(NotFound) as refused:
        catalog.producer_collections(actor_id=pageless)
    assert str(refused.value) == "no artist profile"
    with pytest.raises(NotFound):
        catalog.producer_collections(actor_id=producer["user_id"], artist_id=other["artist_id"])
    with pytest.raises(InvalidField) as refused:
        catalog.producer_collections(actor_id=producer["user_id"], artist_id="not-an-id")
    assert list(refused.value.details) == ["artist_id"]
