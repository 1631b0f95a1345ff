"""Preset covers, collections' covers and replacing a cover: what the gateway checks before (or without) asking the
catalog, and how it shows the answers."""
from __future__ import annotations

import json

import pytest

from gateway.tests.unit.support import bearer
from gateway.tests.unit.uploads_support import PNG, TRACK_ID, post_form, stored_files, track
from services.contracts.errors import Forbidden
from services.contracts.vocabularies import COVER_PRESET_IDS, GENRES

COLLECTION_ID = "5c4b3a29-1807-4f6e-8d5c-4b3a29180706"
ARTIST_ID = "3d2c1b0a-9e8f-4a7b-8c6d-5e4f3a2b1c0d"
COLLECTION = {"id": COLLECTION_ID, "name": "Tape", "artist_id": ARTIST_ID, "artists": ["Ana"], "genres": ["trap"],
              "tags": [], "description": None, "track_ids": [], "created_at": "2026-03-01T12:00:00+00:00",
              "like_count": 0, "cover_preset": "trap-2"}


def test_the_presets_are_listed_without_asking_a_service(http, rpc):
    body = http.get("/api/v1/cover-presets").get_json()
    assert body["total"] == len(body["items"]) == len(GENRES) * 3 and body["next"] is None
    assert [item["id"] for item in body["items"]] == list(COVER_PRESET_IDS)
    assert body["items"][0] == {"id": "hip-hop-1", "genre": "hip-hop",
                                "image_url": "/api/v1/cover-presets/hip-hop-1/image"}
    assert rpc.calls == []


@pytest.mark.parametrize("asked, genre", [("trap", "trap"), ("Lo Fi", "lo-fi"), ("R&B", "r&b"), ("rnb", "r&b"),
                                          ("BOOM-BAP", "boom-bap")])
def test_a_genre_is_matched_like_tracks_genres(http, asked, genre):
    items = http.get("/api/v1/cover-presets", query_string={"genre": asked}).get_json()["items"]
    assert len(items) == 3 and {item["genre"] for item in items} == {genre}


@pytest.mark.parametrize("genre", ["jazz", "", "x" * 51])
def test_an_unknown_genre_is_422_naming_it(http, genre):
    response = http.get("/api/v1/cover-presets", query_string={"genre": genre})
    assert response.status_code == 422 and list(response.get_json()["details"]) == ["genre"]


def test_an_unknown_preset_image_is_404_before_any_call(http, rpc):
    response = http.get("/api/v1/cover-presets/jazz-1/image")
    assert response.status_code == 404 and response.get_json()["details"] == {"preset_id": "jazz-1"}
    assert rpc.calls == []


def test_a_preset_image_is_served_cacheable(http, rpc, media_root):
    (media_root / "presets/v1").mkdir(parents=True)
    (media_root / "presets/v1/rnb-2.jpg").write_bytes(b"\xff\xd8\xff" + bytes(32))
    rpc.answers[("catalog", "cover_preset_source")] = {"key": "presets/v1/rnb-2.jpg", "content_type": "image/jpeg",
                                                       "preset": "rnb-2"}
    response = http.get("/api/v1/cover-presets/rnb-2/image")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert "max-age=604800" in response.headers["Cache-Control"] and response.headers["ETag"]
    assert rpc.calls[0]["kwargs"] == {"preset_id": "rnb-2", "size": None}


def test_a_collection_needs_a_cover_part_or_a_known_preset(http, rpc, media_root):
    meta = {"name": "Tape", "artists": ["Ana"]}
    response = post_form(http, "/api/v1/collections", [("metadata", json.dumps(meta))])
    assert response.status_code == 422 and list(response.get_json()["details"]) == ["cover"]
    response = post_form(http, "/api/v1/collections", [("metadata", json.dumps({**meta, "cover_preset": "jazz"}))])
    assert response.status_code == 422 and "metadata.cover_preset" in response.get_json()["details"]
    assert rpc.calls == []
    rpc.answers[("catalog", "create_collection")] = COLLECTION
    response = post_form(http, "/api/v1/collections", [("metadata", json.dumps({**meta, "cover_preset": "Trap"}))])
    assert response.status_code == 201, response.get_json()
    assert rpc.calls[-1]["kwargs"]["cover_key"] is None and rpc.calls[-1]["kwargs"]["data"]["cover_preset"] == "Trap"
    assert response.get_json()["links"] == {"cover": f"/api/v1/collections/{COLLECTION_ID}/cover"}


def test_a_collection_patch_is_validated_before_the_catalog_hears_of_it(http, rpc):
    url = f"/api/v1/collections/{COLLECTION_ID}"
    for body, field in (({}, "_schema"), ({"cover_preset": "jazz-1"}, "cover_preset"), ({"artists": []}, "artists"),
                        ({"track_ids": []}, "track_ids")):
        response = http.patch(url, json=body, headers=bearer())
        assert response.status_code == 422 and field in response.get_json()["details"], body
    assert rpc.calls == []


def test_the_albums_tab_lists_collections_with_their_cover_links(http, rpc):
    rpc.answers[("catalog", "list_artist_collections")] = {"items": [COLLECTION], "total": 1, "next": None}
    body = http.get(f"/api/v1/artists/{ARTIST_ID}/collections", query_string={"limit": 5}).get_json()
    assert body["items"][0]["links"]["cover"] == f"/api/v1/collections/{COLLECTION_ID}/cover"
    assert body["items"][0]["cover_preset"] == "trap-2"
    assert rpc.calls[0]["kwargs"] == {"artist_id": ARTIST_ID, "actor_id": None, "cursor": None, "limit": 5}
    assert http.get(f"/api/v1/artists/{ARTIST_ID}/collections", query_string={"limit": 0}).status_code == 422


@pytest.mark.parametrize("path", [f"/api/v1/tracks/{TRACK_ID}/cover", f"/api/v1/collections/{COLLECTION_ID}/cover"])
def test_a_replacement_cover_that_is_not_an_image_is_422_and_not_kept(http, rpc, media_root, path):
    response = post_form(http, path, [("cover", ("c.png", b"<svg/>" * 10, "image/png"))], method="PUT")
    assert response.status_code == 422 and list(response.get_json()["details"]) == ["cover"]
    assert rpc.calls == [] and stored_files(media_root) == []


def test_a_replacement_cover_goes_to_the_catalog_and_a_refusal_discards_it(http, rpc, media_root):
    rpc.answers[("catalog", "replace_track_cover")] = track(cover_preset=None, has_cover=True)
    response = post_form(http, f"/api/v1/tracks/{TRACK_ID}/cover", [("cover", ("c.png", PNG, "image/png"))],
                         method="PUT")
    assert response.status_code == 200 and response.get_json()["links"]["cover"].endswith("/cover")
    key = rpc.calls[-1]["kwargs"]["cover_key"]
    assert key.startswith("covers/") and (media_root / key).read_bytes() == PNG
    rpc.answers[("catalog", "replace_collection_cover")] = Forbidden("not yours")
    response = post_form(http, f"/api/v1/collections/{COLLECTION_ID}/cover",
                         [("cover", ("c.png", PNG, "image/png"))], method="PUT")
    assert response.status_code == 403
    assert stored_files(media_root) == [media_root / key]  # the refused one is gone, the accepted one stays
