"""Collections and covers through the gateway (issue #13): preset covers matched to a genre vocabulary and served
as images, collections with preset covers on the artist page's Albums tab, the owner's edits and deletions, and
replacing a track's or a collection's cover."""
from __future__ import annotations

import io
import json
import time
import uuid
from typing import Any

import pytest
from PIL import Image

from tests.e2e.test_uploads import make_producer, publish, track_metadata, upload, wait_until_done
from tests.support import audio
from tests.support.api import Api

GENRES = ("hip-hop", "trap", "drill", "boom-bap", "r&b", "pop", "afrobeats", "reggaeton", "lo-fi", "electronic",
          "house", "rock")


def image_bytes(color: tuple[int, int, int], fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), color).save(out, format=fmt)
    return out.getvalue()


def create_collection(api: Api, cover: bytes | None = None, **metadata: Any):
    data = {"name": f"Tape {uuid.uuid4().hex[:6]}", "artists": ["Jane"], "genres": ["trap"], **metadata}
    parts: list[tuple[str, Any]] = [("metadata", (None, json.dumps(data), "application/json"))]
    if cover is not None:
        parts.append(("cover", ("cover.png", cover, "image/png")))
    return api.post("collections", files=parts)


def put_cover(api: Api, path: str, content: bytes):
    return api.put(path, files=[("cover", ("cover.png", content, "image/png"))])


@pytest.fixture
def seed() -> int:
    return uuid.uuid4().int % 1_000_000


def test_every_genre_has_three_preset_images_of_at_least_1000_pixels(platform):
    anyone = Api(platform.url)
    listed = anyone.get("cover-presets")
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["total"] == len(body["items"]) and body["next"] is None
    by_genre: dict[str, list[dict]] = {}
    for item in body["items"]:
        by_genre.setdefault(item["genre"], []).append(item)
    assert set(GENRES) <= set(by_genre) and all(len(items) >= 3 for items in by_genre.values())
    for item in body["items"]:
        image = anyone.get(item["image_url"])
        assert image.status_code == 200 and image.headers["Content-Type"] in ("image/jpeg", "image/png"), item
        assert "max-age" in image.headers["Cache-Control"]
        with Image.open(io.BytesIO(image.content)) as decoded:
            assert min(decoded.size) >= 1000 and decoded.format in ("JPEG", "PNG"), item
    assert len({anyone.get(item["image_url"]).content for item in by_genre["trap"]}) == 3  # three designs

    one_genre = anyone.get("cover-presets", params={"genre": "Hip Hop"}).json()
    assert {item["genre"] for item in one_genre["items"]} == {"hip-hop"} and one_genre["total"] >= 3
    assert [item["id"] for item in anyone.get("cover-presets", params={"genre": "R&B"}).json()["items"]] == [
        item["id"] for item in by_genre["r&b"]]
    refused = anyone.get("cover-presets", params={"genre": "polka"})
    assert refused.status_code == 422 and list(refused.json()["details"]) == ["genre"]
    assert anyone.get("cover-presets/polka-1/image").status_code == 404


def test_a_track_names_a_preset_or_a_bare_genre_and_its_cover_serves_the_preset_image(platform, admin, tmp_path,
                                                                                      seed):
    producer = make_producer(platform, admin)
    anyone = Api(platform.url)
    chosen = publish(producer, audio.make_wav(tmp_path / "a.wav", seed=seed), cover_preset="drill-2")
    assert chosen["cover_preset"] == "drill-2"
    cover = anyone.get(chosen["links"]["cover"])
    assert cover.status_code == 200 and cover.content == anyone.get("cover-presets/drill-2/image").content

    bare = upload(producer, audio.make_wav(tmp_path / "b.wav", seed=seed + 1),
                  track_metadata(cover_preset="Afrobeats", genres=["afro"]))
    assert bare.status_code == 202, bare.text
    track = wait_until_done(producer, bare.json()["id"])
    assert track["cover_preset"] == "afrobeats-1"  # a bare genre takes its first preset, as before
    assert anyone.get(f"tracks/{track['id']}/cover").content == anyone.get("cover-presets/afrobeats-1/image").content

    unknown = upload(producer, audio.make_wav(tmp_path / "c.wav", seed=seed + 2),
                     track_metadata(cover_preset="trap-9"))
    assert unknown.status_code == 422 and "metadata.cover_preset" in unknown.json()["details"]
    patched = producer.patch(f"tracks/{chosen['id']}", json={"cover_preset": "polka"})
    assert patched.status_code == 422 and list(patched.json()["details"]) == ["cover_preset"]
    switched = producer.patch(f"tracks/{chosen['id']}", json={"cover_preset": "ROCK-3"})
    assert switched.status_code == 200 and switched.json()["cover_preset"] == "rock-3"
    assert anyone.get(chosen["links"]["cover"]).content == anyone.get("cover-presets/rock-3/image").content


def test_collections_on_the_albums_tab_edited_and_deleted_by_their_owner_only(platform, admin, tmp_path, seed):
    owner, rival = make_producer(platform, admin), make_producer(platform, admin)
    anyone = Api(platform.url)
    with_image = create_collection(owner, cover=image_bytes((200, 10, 10)))
    assert with_image.status_code == 201, with_image.text
    preset = create_collection(owner, cover_preset="lo-fi-2", genres=["Lo-Fi"])
    assert preset.status_code == 201, preset.text
    tape, pack = with_image.json(), preset.json()
    assert pack["cover_preset"] == "lo-fi-2" and tape["cover_preset"] is None
    assert anyone.get(pack["links"]["cover"]).content == anyone.get("cover-presets/lo-fi-2/image").content
    assert anyone.get(tape["links"]["cover"]).content == image_bytes((200, 10, 10))
    refused = create_collection(owner, cover_preset="jazz")
    assert refused.status_code == 422 and "metadata.cover_preset" in refused.json()["details"]
    assert create_collection(owner).status_code == 422  # no cover at all

    published = publish(owner, audio.make_wav(tmp_path / "in.wav", seed=seed), collection_id=pack["id"],
                        artists=None, genres=None, cover_preset=None)
    assert published["genres"] == ["Lo-Fi"]
    pending = upload(owner, audio.make_text_as_wav(tmp_path / "bad.wav"),
                     track_metadata(collection_id=pack["id"], cover_preset=None))
    assert pending.status_code == 202, pending.text
    assert anyone.get(published["links"]["cover"]).content == anyone.get("cover-presets/lo-fi-2/image").content

    tab = f"artists/{owner.artist['id']}/collections"
    public = anyone.get(tab).json()
    assert (public["total"], [item["id"] for item in public["items"]]) == (2, [pack["id"], tape["id"]])
    assert public["items"][0]["track_ids"] == [published["id"]]
    assert owner.get(tab).json()["items"][0]["track_ids"] == [published["id"], pending.json()["id"]]
    first = anyone.get(tab, params={"limit": 1}).json()
    assert [item["id"] for item in first["items"]] == [pack["id"]] and first["next"]
    assert [item["id"] for item in anyone.get(tab, params={"cursor": first["next"]}).json()["items"]] == [tape["id"]]
    assert anyone.get(f"artists/{uuid.uuid4()}/collections").status_code == 404

    assert rival.patch(f"collections/{pack['id']}", json={"name": "Mine"}).status_code == 403
    assert anyone.patch(f"collections/{pack['id']}", json={"name": "Mine"}).status_code == 401
    assert owner.patch(f"collections/{uuid.uuid4()}", json={"name": "x"}).status_code == 404
    bad = owner.patch(f"collections/{pack['id']}", json={"cover_preset": "trap-0"})
    assert bad.status_code == 422 and list(bad.json()["details"]) == ["cover_preset"]
    edited = owner.patch(f"collections/{pack['id']}", json={"name": "Pack II", "cover_preset": "house"})
    assert edited.status_code == 200 and (edited.json()["name"], edited.json()["cover_preset"]) == ("Pack II",
                                                                                                   "house-1")
    assert anyone.get(f"collections/{pack['id']}").json()["name"] == "Pack II"

    assert rival.delete(f"collections/{pack['id']}").status_code == 403
    assert owner.delete(f"collections/{pack['id']}").status_code == 204
    assert anyone.get(f"collections/{pack['id']}").status_code == 404
    assert anyone.get(f"collections/{pack['id']}/cover").status_code == 404
    single = anyone.get(f"tracks/{published['id']}").json()
    assert single["collection_id"] is None and single["cover_preset"] == "house-1"  # kept, as a single
    assert anyone.get(single["links"]["cover"]).content == anyone.get("cover-presets/house-1/image").content
    assert [item["id"] for item in anyone.get(tab).json()["items"]] == [tape["id"]]


def test_the_owner_replaces_a_tracks_or_a_collections_cover(platform, admin, tmp_path, seed):
    owner, rival = make_producer(platform, admin), make_producer(platform, admin)
    anyone = Api(platform.url)
    track = publish(owner, audio.make_wav(tmp_path / "cover.wav", seed=seed))
    red, blue = image_bytes((220, 20, 20)), image_bytes((20, 20, 220), "JPEG")

    replaced = put_cover(owner, f"tracks/{track['id']}/cover", red)
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["cover_preset"] is None and replaced.json()["has_cover"]
    served = anyone.get(track["links"]["cover"])
    assert served.status_code == 200 and served.content == red and served.headers["Content-Type"] == "image/png"
    not_image = put_cover(owner, f"tracks/{track['id']}/cover", b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert not_image.status_code == 422 and list(not_image.json()["details"]) == ["cover"]
    assert put_cover(rival, f"tracks/{track['id']}/cover", blue).status_code == 403
    assert anyone.get(track["links"]["cover"]).content == red

    unpublished = upload(owner, audio.make_text_as_wav(tmp_path / "rejected.wav"))
    assert unpublished.status_code == 202
    assert put_cover(rival, f"tracks/{unpublished.json()['id']}/cover", blue).status_code == 404
    assert put_cover(rival, f"tracks/{uuid.uuid4()}/cover", blue).status_code == 404

    collection = create_collection(owner, cover_preset="pop-3").json()
    changed = put_cover(owner, f"collections/{collection['id']}/cover", blue)
    assert changed.status_code == 200 and changed.json()["cover_preset"] is None
    served = anyone.get(collection["links"]["cover"])
    assert served.content == blue and served.headers["Content-Type"] == "image/jpeg"
    assert put_cover(owner, f"collections/{collection['id']}/cover", b"not an image").status_code == 422
    assert put_cover(rival, f"collections/{collection['id']}/cover", red).status_code == 403
    assert put_cover(owner, f"collections/{uuid.uuid4()}/cover", red).status_code == 404
    assert anyone.get(collection["links"]["cover"]).content == blue


def big_image(color: tuple[int, int, int], size: tuple[int, int] = (1600, 1200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def decoded(response) -> Image.Image:
    assert response.status_code == 200, response.text
    picture = Image.open(io.BytesIO(response.content))
    picture.load()
    return picture


def test_covers_are_served_at_the_size_a_page_shows_and_replaced_covers_take_their_sizes_along(platform, admin,
                                                                                                tmp_path, seed):
    owner = make_producer(platform, admin)
    anyone = Api(platform.url)
    track = publish(owner, audio.make_wav(tmp_path / "sizes.wav", seed=seed))
    assert put_cover(owner, f"tracks/{track['id']}/cover", big_image((30, 160, 60))).status_code == 200
    cover = track["links"]["cover"]
    full = anyone.get(cover)
    earlier = set(platform.media_root.glob("thumbnails/*/covers/**/*.webp"))
    for size in (160, 320, 640):
        small = anyone.get(cover, params={"size": size})
        assert small.headers["Content-Type"] == "image/webp" and "max-age" in small.headers["Cache-Control"]
        assert len(small.content) < len(full.content) / 4
        picture = decoded(small)
        assert (picture.format, picture.size) == ("WEBP", (size, size * 3 // 4))  # fitted, shape kept
        red, green, blue = picture.convert("RGB").getpixel((size // 2, size // 3))
        assert green > 120 and red < 80  # the producer's picture, not a placeholder
    assert anyone.get(cover, params={"size": 160, "v": 3}).content == anyone.get(cover, params={"size": 160}).content
    refused = anyone.get(cover, params={"size": 500})
    assert refused.status_code == 422 and list(refused.json()["details"]) == ["size"]
    assert anyone.get(f"tracks/{uuid.uuid4()}/cover", params={"size": 160}).status_code == 404

    # a preset and a collection's cover come in the same sizes
    preset = decoded(anyone.get("cover-presets/trap-2/image", params={"size": 160}))
    assert (preset.format, preset.size) == ("WEBP", (160, 160))
    assert anyone.get("cover-presets/trap-2/image", params={"size": "big"}).status_code == 422
    collection = create_collection(owner, cover_preset="house-1").json()
    assert decoded(anyone.get(collection["links"]["cover"], params={"size": 320})).size == (320, 320)

    # a new image: new thumbnails, and the old image's are deleted with it
    made = sorted(set(platform.media_root.glob("thumbnails/*/covers/**/*.webp")) - earlier)
    assert len(made) == 3, made  # this cover's three sizes, kept in the media store
    assert put_cover(owner, f"tracks/{track['id']}/cover", big_image((200, 30, 30))).status_code == 200
    red, green, _ = decoded(anyone.get(cover, params={"size": 320})).convert("RGB").getpixel((160, 100))
    assert red > 150 and green < 80
    deadline = time.monotonic() + 10
    while any(path.exists() for path in made) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [path.name for path in made if path.exists()] == []
