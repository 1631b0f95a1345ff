"""Collections with preset covers, the artist page's collections, the owner's edits and deletions of collections,
replacing a track's or a collection's cover, and the preset images, on the real service and PostgreSQL."""
from __future__ import annotations

import uuid

import pytest
from PIL import Image

from services.catalog.conftest import JPEG, PNG, new_user_id, stored_track
from services.catalog.tracks.models import Track
from services.contracts.errors import Forbidden, InvalidField, NotFound

pytestmark = pytest.mark.integration

TAPE = {"name": "Tape", "artists": ["DJ Test"], "genres": ["Boom Bap"], "tags": ["dusty"]}


def collection_of(catalog, producer: dict, cover_key: str | None = None, **data) -> dict:
    return catalog.create_collection(actor_id=producer["user_id"], data={**TAPE, **data}, cover_key=cover_key)


def test_a_collection_may_use_a_preset_cover_served_as_its_image(catalog, make_producer, media, store_file):
    producer = make_producer()
    by_genre = collection_of(catalog, producer, cover_preset="Lo Fi")
    assert by_genre["cover_preset"] == "lo-fi-1"
    chosen = collection_of(catalog, producer, cover_preset="drill-3")
    source = catalog.collection_cover_source(collection_id=chosen["id"])
    assert source == {"key": "presets/v1/drill-3.jpg", "content_type": "image/jpeg", "preset": "drill-3"}
    with Image.open(media.path(source["key"])) as image:
        assert image.format == "JPEG" and min(image.size) >= 1000
    # an image wins over a preset sent beside it; the collection keeps one cover
    with_image = collection_of(catalog, producer, cover_key=store_file("covers", PNG), cover_preset="trap")
    assert with_image["cover_preset"] is None
    assert catalog.collection_cover_source(collection_id=with_image["id"])["content_type"] == "image/png"
    for data, field in (({}, "cover"), ({"cover_preset": "jazz"}, "cover_preset"),
                        ({"cover_preset": "trap-7"}, "cover_preset")):
        with pytest.raises(InvalidField) as caught:
            collection_of(catalog, producer, **data)
        assert list(caught.value.details) == [field]
    with pytest.raises(NotFound):
        catalog.collection_cover_source(collection_id=str(uuid.uuid4()))


def test_a_track_in_a_preset_collection_shows_the_collections_preset(catalog, make_producer, upload):
    producer = make_producer()
    collection = collection_of(catalog, producer, cover_preset="house-2")
    track = upload(producer, collection_id=collection["id"], artists=..., cover_preset=...)
    assert track["has_cover"] and track["cover_preset"] is None
    assert catalog.cover_source(track_id=track["id"])["key"] == "presets/v1/house-2.jpg"


def test_the_artist_pages_collections_newest_first_with_the_tracks_the_caller_may_see(
        catalog, make_producer, uow):
    producer, other = make_producer(), make_producer()
    first = collection_of(catalog, producer, cover_preset="trap", name="First")
    second = collection_of(catalog, producer, cover_preset="trap", name="Second")
    collection_of(catalog, other, cover_preset="trap")
    published = stored_track(uow, producer, collection_id=first["id"])
    draft = stored_track(uow, producer, "processing", collection_id=first["id"])

    everyone = catalog.list_artist_collections(artist_id=producer["artist_id"])
    assert (everyone["total"], [item["id"] for item in everyone["items"]]) == (2, [second["id"], first["id"]])
    assert everyone["items"][1]["track_ids"] == [published]
    assert catalog.list_artist_collections(artist_id=producer["artist_id"],
                                           actor_id=other["user_id"])["items"][1]["track_ids"] == [published]
    mine = catalog.list_artist_collections(artist_id=producer["artist_id"], actor_id=producer["user_id"])
    assert mine["items"][1]["track_ids"] == [published, draft]

    page = catalog.list_artist_collections(artist_id=producer["artist_id"], limit=1)
    assert [item["id"] for item in page["items"]] == [second["id"]] and page["next"]
    rest = catalog.list_artist_collections(artist_id=producer["artist_id"], limit=1, cursor=page["next"])
    assert [item["id"] for item in rest["items"]] == [first["id"]] and rest["next"] is None
    with pytest.raises(NotFound):
        catalog.list_artist_collections(artist_id=str(uuid.uuid4()))
    with pytest.raises(InvalidField):
        catalog.list_artist_collections(artist_id=producer["artist_id"], limit=0)


def test_only_the_owner_edits_a_collection_and_a_preset_replaces_its_image(catalog, make_producer, media,
                                                                           store_file):
    producer, other = make_producer(), make_producer()
    image = store_file("covers", PNG)
    collection = collection_of(catalog, producer, cover_key=image)
    with pytest.raises(Forbidden):
        catalog.update_collection(actor_id=other["user_id"], collection_id=collection["id"], changes={"name": "Mine"})
    with pytest.raises(NotFound):
        catalog.update_collection(actor_id=producer["user_id"], collection_id=str(uuid.uuid4()),
                                  changes={"name": "x"})
    for changes, field in (({"cover_preset": "jazz"}, "cover_preset"), ({"artists": []}, "artists"),
                           ({"track_ids": []}, "track_ids")):
        with pytest.raises(InvalidField) as caught:
            catalog.update_collection(actor_id=producer["user_id"], collection_id=collection["id"], changes=changes)
        assert list(caught.value.details) == [field]
    assert media.exists(image)

    changed = catalog.update_collection(actor_id=producer["user_id"], collection_id=collection["id"],
                                        changes={"name": " Tape II ", "description": "", "cover_preset": "R&B"})
    assert (changed["name"], changed["description"], changed["cover_preset"]) == ("Tape II", None, "rnb-1")
    assert not media.exists(image)  # the replaced image is deleted once committed
    assert catalog.collection_cover_source(collection_id=collection["id"])["preset"] == "rnb-1"
    assert catalog.get_collection(collection_id=collection["id"])["name"] == "Tape II"


def test_replacing_a_collections_cover_checks_owner_and_content(catalog, make_producer, media, store_file):
    producer, other = make_producer(), make_producer()
    collection = collection_of(catalog, producer, cover_preset="pop-2")
    with pytest.raises(InvalidField) as caught:
        catalog.replace_collection_cover(actor_id=producer["user_id"], collection_id=collection["id"],
                                         cover_key=store_file("covers", b"<html>no</html>"))
    assert list(caught.value.details) == ["cover"]
    with pytest.raises(Forbidden):
        catalog.replace_collection_cover(actor_id=other["user_id"], collection_id=collection["id"],
                                         cover_key=store_file("covers", PNG))
    first = store_file("covers", PNG)
    replaced = catalog.replace_collection_cover(actor_id=producer["user_id"], collection_id=collection["id"],
                                                cover_key=first)
    assert replaced["cover_preset"] is None
    assert catalog.collection_cover_source(collection_id=collection["id"]) == {"key": first,
                                                                               "content_type": "image/png"}
    second = store_file("covers", JPEG)
    catalog.replace_collection_cover(actor_id=producer["user_id"], collection_id=collection["id"], cover_key=second)
    assert not media.exists(first) and media.exists(second)


def test_deleting_a_collection_keeps_its_tracks_as_singles_with_a_cover(catalog, make_producer, media, store_file,
                                                                        upload, uow):
    producer, other = make_producer(), make_producer()
    image = store_file("covers", PNG)
    collection = collection_of(catalog, producer, cover_key=image, genres=["Boom Bap"])
    inherited = upload(producer, collection_id=collection["id"], artists=..., genres=..., cover_preset=...)
    own_genre = upload(producer, collection_id=collection["id"], genres=["Afrobeat"], cover_preset=...)
    own_cover = upload(producer, collection_id=collection["id"], cover=JPEG, cover_preset=...)
    fan = new_user_id()
    catalog.like(actor_id=fan, kind="collections", item_id=collection["id"])
    with pytest.raises(Forbidden):
        catalog.delete_collection(actor_id=other["user_id"], collection_id=collection["id"])

    assert catalog.delete_collection(actor_id=producer["user_id"], collection_id=collection["id"]) is None
    with pytest.raises(NotFound):
        catalog.get_collection(collection_id=collection["id"])
    assert not media.exists(image)
    after = {track["id"]: catalog.get_track(track_id=track["id"], actor_id=producer["user_id"])
             for track in (inherited, own_genre, own_cover)}
    assert {track["collection_id"] for track in after.values()} == {None}
    assert after[inherited["id"]]["cover_preset"] == "boom-bap-1"  # its genres came from the collection
    assert after[own_genre["id"]]["cover_preset"] == "afrobeats-1"
    assert after[own_cover["id"]]["cover_preset"] is None and after[own_cover["id"]]["has_cover"]
    assert all(catalog.cover_source(track_id=track_id) for track_id in after)
    assert catalog.list_likes(user_id=fan, kind="collections")["items"] == []
    with pytest.raises(NotFound):
        catalog.delete_collection(actor_id=producer["user_id"], collection_id=collection["id"])


def test_a_preset_collections_tracks_keep_its_preset_when_it_is_deleted(catalog, make_producer, upload):
    producer = make_producer()
    collection = collection_of(catalog, producer, cover_preset="electronic-3")
    track = upload(producer, collection_id=collection["id"], cover_preset=...)
    catalog.delete_collection(actor_id=producer["user_id"], collection_id=collection["id"])
    assert catalog.get_track(track_id=track["id"], actor_id=producer["user_id"])["cover_preset"] == "electronic-3"


def test_replacing_a_tracks_cover_checks_owner_and_content_and_deletes_the_old_image(
        catalog, make_producer, upload, publish_track, media, store_file, uow):
    producer, other = make_producer(), make_producer()
    track = upload(producer)  # a preset cover
    with pytest.raises(NotFound):  # someone else's unpublished track does not exist for them
        catalog.replace_track_cover(actor_id=other["user_id"], track_id=track["id"],
                                    cover_key=store_file("covers", PNG))
    publish_track(track, producer)
    with pytest.raises(Forbidden):
        catalog.replace_track_cover(actor_id=other["user_id"], track_id=track["id"],
                                    cover_key=store_file("covers", PNG))
    with pytest.raises(InvalidField) as caught:
        catalog.replace_track_cover(actor_id=producer["user_id"], track_id=track["id"],
                                    cover_key=store_file("covers", b"GIF89a not taken"))
    assert list(caught.value.details) == ["cover"]

    first = store_file("covers", PNG)
    replaced = catalog.replace_track_cover(actor_id=producer["user_id"], track_id=track["id"], cover_key=first)
    assert (replaced["cover_preset"], replaced["has_cover"]) == (None, True)
    assert catalog.cover_source(track_id=track["id"]) == {"key": first, "content_type": "image/png"}
    second = store_file("covers", JPEG)
    catalog.replace_track_cover(actor_id=producer["user_id"], track_id=track["id"], cover_key=second)
    assert not media.exists(first)
    # choosing another preset later replaces the image too
    changed = catalog.update_track(actor_id=producer["user_id"], track_id=track["id"],
                                   changes={"cover_preset": "reggaeton-2"})
    assert changed["cover_preset"] == "reggaeton-2" and not media.exists(second)
    assert uow.session.get(Track, track["id"]).cover_key is None
    assert catalog.cover_source(track_id=track["id"])["key"] == "presets/v1/reggaeton-2.jpg"


def test_the_same_preset_sent_again_keeps_the_tracks_image(catalog, make_producer, upload, uow, media):
    """An upload may carry an image and a preset (the image is shown): a PATCH repeating that preset changes
    nothing."""
    producer = make_producer()
    track = upload(producer, cover=PNG, cover_preset="Trap")
    assert track["cover_preset"] == "trap-1"
    image = uow.session.get(Track, track["id"]).cover_key
    catalog.update_track(actor_id=producer["user_id"], track_id=track["id"], changes={"cover_preset": "trap"})
    assert media.exists(image) and catalog.cover_source(track_id=track["id"])["key"] == image


def test_a_preset_image_is_drawn_on_first_use_and_unknown_ones_do_not_exist(catalog, media):
    source = catalog.cover_preset_source(preset_id="afrobeats-2")
    assert source == {"key": "presets/v1/afrobeats-2.jpg", "content_type": "image/jpeg", "preset": "afrobeats-2"}
    assert media.read_head(source["key"], 3) == b"\xff\xd8\xff"
    for unknown in ("afrobeats-4", "jazz-1", "", "../x"):
        with pytest.raises(NotFound):
            catalog.cover_preset_source(preset_id=unknown)
