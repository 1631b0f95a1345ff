"""The catalog through the gateway: filters and sorts, owner-only edits and deletion, artist pages, collections."""
from __future__ import annotations

import io
import json
import time
import uuid

from PIL import Image

from tests.e2e.test_uploads import PNG, make_producer, media_files, publish, settle, upload, wait_until_done
from tests.support import audio
from tests.support.api import Api


def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_filters_find_published_tracks_and_sorts_order_them(platform, admin, tmp_path):
    producer = make_producer(platform, admin)
    genre = f"genre-{uuid.uuid4().hex[:8]}"
    word = uuid.uuid4().hex[:8]
    seed = uuid.uuid4().int % 1_000_000
    slow = publish(producer, audio.make_wav(tmp_path / "slow.wav", seed=seed), name=f"Slow {word}", bpm=70,
                   key="C", scale="major", genres=[genre])
    time.sleep(1.1)  # distinct creation times for "newest"
    fast = publish(producer, audio.make_flac(tmp_path / "fast.flac", seed=seed + 1), name=f"Fast {word}", bpm=150,
                   key="F#", scale="minor", genres=[genre])
    listener = Api(platform.url)
    in_genre = {"genre": genre}
    assert ids(listener.get("tracks", params={**in_genre, "sort": "newest"})) == [fast["id"], slow["id"]]
    assert set(ids(listener.get("tracks", params={**in_genre, "sort": "popular"}))) == {fast["id"], slow["id"]}
    assert ids(listener.get("tracks", params={**in_genre, "bpm_min": 60, "bpm_max": 100})) == [slow["id"]]
    assert ids(listener.get("tracks", params={**in_genre, "bpm_min": 140})) == [fast["id"]]
    assert ids(listener.get("tracks", params={**in_genre, "key": "F#"})) == [fast["id"]]
    assert ids(listener.get("tracks", params={**in_genre, "scale": "major"})) == [slow["id"]]
    assert ids(listener.get("tracks", params={"q": f"Slow {word}"})) == [slow["id"]]
    assert set(ids(listener.get("tracks", params={"producer": producer.artist["id"]}))) == {fast["id"], slow["id"]}
    page = listener.get("tracks", params={**in_genre, "limit": 1}).json()
    assert page["total"] == 2 and len(page["items"]) == 1 and page["next"]
    assert listener.get("tracks", params={"bpm_min": 150, "bpm_max": 100}).status_code == 422
    assert listener.get("tracks", params={"bpm_max": 300}).status_code == 422


def test_the_licensing_filter_narrows_the_list_and_refuses_unknown_values(platform, admin, tmp_path):
    producer = make_producer(platform, admin)
    genre = f"genre-{uuid.uuid4().hex[:8]}"
    seed = uuid.uuid4().int % 1_000_000
    terms = {"price_cents": 40_000, "currency": "CAD", "contact_email": "sales@example.com"}
    standard = publish(producer, audio.make_wav(tmp_path / "standard.wav", seed=seed), genres=[genre],
                       licensing_model="standard")
    for_sale = publish(producer, audio.make_wav(tmp_path / "for-sale.wav", seed=seed + 1), genres=[genre],
                       licensing_model="standard_exclusive", exclusive={**terms, "status": "available"})
    private = publish(producer, audio.make_wav(tmp_path / "private.wav", seed=seed + 2), genres=[genre],
                      licensing_model="exclusive_only", exclusive={**terms, "status": "private"})
    listener = Api(platform.url)

    def found(licensing: str) -> set[str]:
        return set(ids(listener.get("tracks", params={"genre": genre, "licensing": licensing})))

    assert found("standard") == {standard["id"]}
    assert found("standard_exclusive") == {for_sale["id"]}
    assert found("exclusive_only") == {private["id"]}
    assert found("exclusive_available") == {for_sale["id"]}
    # the producer takes the exclusive off sale: it leaves "exclusive for sale"
    changed = producer.patch(f"tracks/{for_sale['id']}", json={"exclusive": {**terms, "status": "private"}})
    assert changed.status_code == 200, changed.text
    assert found("exclusive_available") == set()
    refused = listener.get("tracks", params={"licensing": "free"})
    assert refused.status_code == 422
    assert refused.json()["details"] == {"licensing": [
        "Must be one of: standard, standard_exclusive, exclusive_only, exclusive_available."]}


def test_only_the_owner_edits_or_deletes_and_deletion_removes_the_files(platform, admin, tmp_path):
    owner = make_producer(platform, admin)
    before = media_files(platform)
    track = publish(owner, audio.make_wav(tmp_path / "mine.wav", seed=uuid.uuid4().int % 1_000_000))
    assert media_files(platform) - before  # the upload and what the audio service derived
    other = Api(platform.url)
    other.register()
    assert other.patch(f"tracks/{track['id']}", json={"bpm": 99}).status_code in (403, 404)
    assert other.delete(f"tracks/{track['id']}").status_code in (403, 404)
    assert Api(platform.url).patch(f"tracks/{track['id']}", json={"bpm": 99}).status_code == 401
    changed = owner.patch(f"tracks/{track['id']}", json={"bpm": 99, "description": "late night"})
    assert changed.status_code == 200 and changed.json()["bpm"] == 99
    assert owner.patch(f"tracks/{track['id']}", json={"bpm": 20}).status_code == 422
    assert owner.delete(f"tracks/{track['id']}").status_code == 204
    assert other.get(f"tracks/{track['id']}").status_code == 404
    assert owner.get(f"tracks/{track['id']}/stream").status_code == 404
    assert settle(lambda: media_files(platform) == before), media_files(platform) - before


def test_an_unpublished_track_is_visible_to_its_owner_only(platform, admin, tmp_path):
    owner = make_producer(platform, admin)
    response = upload(owner, audio.make_text_as_wav(tmp_path / "notes.wav"), cover=PNG)
    assert response.status_code == 202
    track = wait_until_done(owner, response.json()["id"])
    assert track["status"] == "rejected"
    assert Api(platform.url).get(f"tracks/{track['id']}").status_code == 404
    assert Api(platform.url).get(f"tracks/{track['id']}/cover").status_code == 404
    listed = Api(platform.url).get("tracks", params={"producer": owner.artist["id"]})
    assert track["id"] not in ids(listed)


def test_the_artist_page_is_edited_by_its_owner_and_shows_images(platform, admin, api: Api):
    api.register()
    assert api.get("me/artist").status_code == 404  # the "No Artist Profile" state
    owner = make_producer(platform, admin)
    artist_id = owner.artist["id"]
    edit = {"name": "Night Owl", "genres": ["trap", "lofi"], "links": ["https://example.com/owl"],
            "country": "CA", "city": "Montréal", "description": "beats", "credits": ["Mixed X for Y"]}
    changed = owner.patch(f"artists/{artist_id}", json=edit)
    assert changed.status_code == 200, changed.text
    public = Api(platform.url).get(f"artists/{artist_id}").json()
    assert {name: public[name] for name in edit} == edit
    assert api.patch(f"artists/{artist_id}", json={"name": "Mine"}).status_code in (403, 404)
    assert owner.patch(f"artists/{artist_id}", json={"links": ["javascript:alert(1)"]}).status_code == 422

    added = owner.post(f"artists/{artist_id}/images", files=[("kind", (None, "avatar")),
                                                             ("image", ("a.png", PNG, "image/png"))])
    assert added.status_code == 200, added.text
    link = added.json()["image_links"]["avatar"]
    image = Api(platform.url).get(link)
    assert image.status_code == 200 and image.content == PNG
    # as a page shows it: a real picture of 900 × 600 fitted into 160 px, as WebP
    picture = io.BytesIO()
    Image.new("RGB", (900, 600), "orange").save(picture, format="PNG")
    gallery = owner.post(f"artists/{artist_id}/images", files=[("kind", (None, "gallery")),
                                                               ("image", ("g.png", picture.getvalue(), "image/png"))])
    small = Api(platform.url).get(gallery.json()["image_links"]["gallery"][-1], params={"size": 160})
    assert small.status_code == 200 and small.headers["Content-Type"] == "image/webp"
    assert Image.open(io.BytesIO(small.content)).size == (160, 107)
    assert Api(platform.url).get(link, params={"size": 7}).status_code == 422
    # the same image id under another artist's page is unknown there
    elsewhere = link.replace(artist_id, make_producer(platform, admin).artist["id"])
    assert elsewhere != link and Api(platform.url).get(elsewhere).status_code == 404
    refused = owner.post(f"artists/{artist_id}/images", files=[("kind", (None, "gallery")),
                                                               ("image", ("a.png", b"not an image", "image/png"))])
    assert refused.status_code == 422 and "image" in refused.json()["details"]


def test_a_collection_is_created_with_its_cover_and_holds_its_tracks(platform, admin, tmp_path):
    owner = make_producer(platform, admin)
    metadata = {"name": "Tape One", "artists": ["Night Owl"], "genres": ["lofi"], "tags": ["chill"]}
    created = owner.post("collections", files=[("metadata", (None, json.dumps(metadata), "application/json")),
                                               ("cover", ("c.png", PNG, "image/png"))])
    assert created.status_code == 201, created.text
    collection = created.json()
    assert created.headers["Location"].endswith(f"/collections/{collection['id']}")
    track = publish(owner, audio.make_wav(tmp_path / "tape.wav", seed=uuid.uuid4().int % 1_000_000),
                    collection_id=collection["id"], artists=None, genres=None, tags=None, cover_preset=None)
    assert track["genres"] == ["lofi"] and track["artists"] == ["Night Owl"]
    found = Api(platform.url).get(f"collections/{collection['id']}").json()
    assert found["track_ids"] == [track["id"]]
    no_cover = owner.post("collections", files=[("metadata", (None, json.dumps(metadata), "application/json"))])
    assert no_cover.status_code == 422 and "cover" in no_cover.json()["details"]
    listener = Api(platform.url)
    listener.register()
    refused = listener.post("collections", files=[("metadata", (None, json.dumps(metadata), "application/json")),
                                                  ("cover", ("c.png", PNG, "image/png"))])
    assert refused.status_code == 403

