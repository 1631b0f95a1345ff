"""Artist pages: made by producer_approved (or linked, for a claim), verified by producer_verified,
edited by their owner only, with images checked by their content; every change of owner announced."""
import json
import time
import uuid

import pytest
from sqlalchemy import select

from services.catalog import erasure
from services.catalog.conftest import JPEG, PNG, new_user_id, wait_until
from services.catalog.tracks import artists
from services.contracts.errors import Forbidden, InvalidField, NotFound
from services.common.messaging.models import OutboxMessage
from services.contracts.events import ARTIST_PAGE_CHANGED, PRODUCER_APPROVED, PRODUCER_VERIFIED

pytestmark = pytest.mark.integration

ARTIST_KEYS = {"id", "name", "user_id", "claimed", "verified", "genres", "links", "country", "city", "description",
               "credits", "pinned_track_id", "images", "track_count", "followers_count",
               "created_at"}


def approved(user_id: str, name: str = "Beat Smith", artist_id: str | None = None) -> dict:
    return {"user_id": user_id, "application_id": str(uuid.uuid4()), "producer_name": name,
            "beats_link": "https://beats.example.com/x", "artist_id": artist_id}


def my_artist(catalog, user_id: str) -> dict | None:
    try:
        return catalog.get_my_artist(actor_id=user_id)
    except NotFound:
        return None


def test_producer_approved_creates_the_artist_page(catalog, bus):
    user_id = new_user_id()
    bus.publish(PRODUCER_APPROVED, approved(user_id, "Beat Smith"))
    page = wait_until(lambda: my_artist(catalog, user_id))
    assert (page["name"], page["user_id"], page["claimed"], page["verified"]) == ("Beat Smith", user_id, True, False)
    assert set(catalog.get_artist(artist_id=page["id"])) == ARTIST_KEYS | {"viewer"}  # null: no actor
    assert page["tracks_by_status"] == {"processing": 0, "published": 0, "rejected": 0}
    assert catalog.artist_claim_status(artist_id=page["id"]) == {"artist_id": page["id"], "status": "claimed"}


def test_a_claim_links_the_unclaimed_page_and_verification_sets_verified(catalog, bus, uow):
    page = artists.create_unclaimed(uow, "Old Legend")
    uow.commit()
    assert catalog.artist_claim_status(artist_id=page["id"])["status"] == "available"
    user_id = new_user_id()
    bus.publish(PRODUCER_APPROVED, approved(user_id, "Someone Else", artist_id=page["id"]))
    mine = wait_until(lambda: my_artist(catalog, user_id))
    assert (mine["id"], mine["name"], mine["claimed"]) == (page["id"], "Old Legend", True)
    bus.publish(PRODUCER_VERIFIED, {"user_id": user_id, "application_id": str(uuid.uuid4())})
    assert wait_until(lambda: catalog.get_artist(artist_id=page["id"])["verified"])


def test_a_redelivered_producer_approved_changes_nothing(catalog, bus):
    user_id = new_user_id()
    body = bus.publish(PRODUCER_APPROVED, approved(user_id))
    first = wait_until(lambda: my_artist(catalog, user_id))
    catalog.update_artist(actor_id=user_id, artist_id=first["id"], changes={"name": "Renamed"})
    bus.publish(PRODUCER_APPROVED, approved(user_id), event_id=body["event_id"])
    marker = new_user_id()
    bus.publish(PRODUCER_APPROVED, approved(marker))
    wait_until(lambda: my_artist(catalog, marker))  # sent after the others, on the same queue
    time.sleep(1.0)  # workers run concurrently: give the earlier deliveries time to finish
    again = catalog.get_my_artist(actor_id=user_id)
    assert (again["id"], again["name"]) == (first["id"], "Renamed")
    assert [page["id"] for page in catalog.my_artists(actor_id=user_id)["items"]] == [first["id"]]


def test_unknown_artists_are_not_found(catalog):
    for call in (lambda: catalog.get_artist(artist_id=str(uuid.uuid4())),
                 lambda: catalog.artist_claim_status(artist_id="not-a-uuid"),
                 lambda: catalog.get_my_artist(actor_id=new_user_id())):
        with pytest.raises(NotFound):
            call()


def test_only_the_owner_edits_the_page(catalog, make_producer):
    owner, other = make_producer(), make_producer()
    changes = {"name": "New Name", "genres": ["Drill"], "links": ["https://x.example.com"], "country": "CA",
               "city": "Montréal", "description": "Bio", "credits": ["Produced for X"]}
    page = catalog.update_artist(actor_id=owner["user_id"], artist_id=owner["artist_id"], changes=changes)
    assert {key: page[key] for key in changes} == changes
    with pytest.raises(Forbidden):
        catalog.update_artist(actor_id=other["user_id"], artist_id=owner["artist_id"], changes={"name": "Mine"})
    with pytest.raises(NotFound):
        catalog.update_artist(actor_id=owner["user_id"], artist_id=str(uuid.uuid4()), changes={"name": "x"})


@pytest.mark.parametrize("changes, field", [
    ({"user_id": "x"}, "user_id"), ({"name": ""}, "name"), ({"links": ["ftp://x"]}, "links"),
    ({"pinned_track_id": str(uuid.uuid4())}, "pinned_track_id"), ({"genres": ["g"] * 21}, "genres"),
])
def test_invalid_artist_changes_name_the_field(catalog, make_producer, changes, field):
    owner = make_producer()
    with pytest.raises(InvalidField) as caught:
        catalog.update_artist(actor_id=owner["user_id"], artist_id=owner["artist_id"], changes=changes)
    assert list(caught.value.details) == [field]


def test_images_are_checked_by_content_and_replace_the_previous_one(catalog, make_producer, store_file, media):
    owner = make_producer()
    first, second = store_file("images", PNG), store_file("images", JPEG)
    page = catalog.add_artist_image(actor_id=owner["user_id"], artist_id=owner["artist_id"], kind="avatar",
                                    image_key=first)
    page = catalog.add_artist_image(actor_id=owner["user_id"], artist_id=owner["artist_id"], kind="avatar",
                                    image_key=second)
    assert catalog.image_source(artist_id=owner["artist_id"], image_id=page["images"]["avatar"]) == \
        {"key": second, "content_type": "image/jpeg"}
    assert not media.exists(first) and media.exists(second)
    with pytest.raises(InvalidField) as caught:
        catalog.add_artist_image(actor_id=owner["user_id"], artist_id=owner["artist_id"], kind="cover",
                                 image_key=store_file("images", b"GIF89a not accepted"))
    assert list(caught.value.details) == ["image_key"]
    with pytest.raises(InvalidField) as caught:
        catalog.add_artist_image(actor_id=owner["user_id"], artist_id=owner["artist_id"], kind="banner",
                                 image_key=first)
    assert list(caught.value.details) == ["kind"]
    with pytest.raises(Forbidden):
        catalog.add_artist_image(actor_id=make_producer()["user_id"], artist_id=owner["artist_id"], kind="cover",
                                 image_key=second)
    with pytest.raises(NotFound):
        catalog.image_source(artist_id=owner["artist_id"], image_id=str(uuid.uuid4()))


def test_an_image_is_found_only_under_its_own_artist(catalog, make_producer, store_file):
    owner, other = make_producer(), make_producer()
    page = catalog.add_artist_image(actor_id=owner["user_id"], artist_id=owner["artist_id"], kind="cover",
                                    image_key=store_file("images", PNG))
    image_id = page["images"]["cover"]
    assert catalog.image_source(artist_id=owner["artist_id"], image_id=image_id)["content_type"] == "image/png"
    for artist_id in (other["artist_id"], str(uuid.uuid4())):
        with pytest.raises(NotFound):
            catalog.image_source(artist_id=artist_id, image_id=image_id)


def test_the_gallery_holds_twenty_images(catalog, make_producer, store_file):
    owner = make_producer()
    for _ in range(20):
        page = catalog.add_artist_image(actor_id=owner["user_id"], artist_id=owner["artist_id"], kind="gallery",
                                        image_key=store_file("images", PNG))
    assert len(page["images"]["gallery"]) == 20
    with pytest.raises(InvalidField) as caught:
        catalog.add_artist_image(actor_id=owner["user_id"], artist_id=owner["artist_id"], kind="gallery",
                                 image_key=store_file("images", PNG))
    assert list(caught.value.details) == ["kind"]


def owners_announced(uow, artist_id: str) -> list[str | None]:
    """The owners ``artist_page_changed`` announced for the page, in this (uncommitted) transaction."""
    uow.session.flush()
    bodies = [json.loads(body) for body in uow.session.scalars(select(OutboxMessage.body).where(
        OutboxMessage.event_type == ARTIST_PAGE_CHANGED.name).order_by(OutboxMessage.id))]
    return [body["user_id"] for body in bodies if body["artist_id"] == artist_id]


def test_every_change_of_a_pages_owner_is_announced_for_accounts_copy(uow, media):
    page = artists.create_unclaimed(uow, "Old Legend")
    assert owners_announced(uow, page["id"]) == [None]
    claimant = new_user_id()
    artists.on_producer_approved(uow, approved(claimant, artist_id=page["id"]))
    assert owners_announced(uow, page["id"]) == [None, claimant]
    erasure.on_user_deleted(uow, media, {"user_id": claimant})  # released: claimable again
    assert owners_announced(uow, page["id"]) == [None, claimant, None]
    producer = new_user_id()
    created = artists.on_producer_approved(uow, approved(producer))
    assert owners_announced(uow, created.id) == [producer]
    second = artists.on_producer_approved(uow, approved(producer, "Again"))  # another page of the same account
    assert second.id != created.id
    assert (owners_announced(uow, created.id), owners_announced(uow, second.id)) == ([producer], [producer])
