"""Reading tracks: links instead of keys, owner visibility, filters, and media served with HTTP Range."""
from __future__ import annotations

import pytest

from gateway.tests.unit.support import USER_ID, bearer, make_token
from gateway.tests.unit.uploads_support import ARTIST_ID, PNG, TRACK_ID, track
from services.contracts.errors import NotFound

TRACK = f"/api/v1/tracks/{TRACK_ID}"
AUDIO = bytes(range(256)) * 4  # 1024 bytes


@pytest.fixture
def stored_audio(app, rpc, media_root):
    key = "uploads/2026/01/abc.wav"
    (media_root / "uploads/2026/01").mkdir(parents=True)
    (media_root / key).write_bytes(AUDIO)
    rpc.answers[("catalog", "stream_source")] = {"key": key, "content_type": "audio/wav"}
    return key


def test_a_published_track_links_its_media_and_shows_no_keys(http, rpc):
    rpc.answers[("catalog", "get_track")] = track(status="published", has_cover=True)
    body = http.get(TRACK).get_json()
    assert body["links"] == {"stream": f"{TRACK}/stream", "waveform": f"{TRACK}/waveform", "cover": f"{TRACK}/cover"}
    assert not any(name.endswith("_key") for name in body)


def test_a_processing_track_has_no_stream_link(http, rpc):
    rpc.answers[("catalog", "get_track")] = track(cover_preset=None)
    assert http.get(TRACK).get_json()["links"] == {}


@pytest.mark.parametrize("headers, actor", [  # made when the test runs: a token made at collection could expire
    (lambda: bearer(), USER_ID), (lambda: {}, None), (lambda: {"Authorization": "Bearer nonsense"}, None),
    (lambda: bearer(make_token(exp=1)), None),
], ids=["valid", "none", "nonsense", "expired"])
def test_the_owner_is_named_only_with_a_valid_token(http, rpc, headers, actor):
    rpc.answers[("catalog", "get_track")] = track()
    assert http.get(TRACK, headers=headers()).status_code == 200
    assert rpc.calls[0]["kwargs"] == {"track_id": TRACK_ID, "actor_id": actor}


def test_an_unknown_track_is_404(http, rpc):
    rpc.answers[("catalog", "get_track")] = NotFound("no such track")
    assert http.get(TRACK).status_code == 404


def test_filters_go_to_the_catalog_and_items_get_links(http, rpc):
    rpc.answers[("catalog", "list_tracks")] = {"items": [track(status="published")], "total": 1, "next": None}
    response = http.get("/api/v1/tracks", query_string={"genre": "trap", "bpm_min": 80, "bpm_max": 100, "key": "A",
                                                        "scale": "minor", "q": "night", "producer": ARTIST_ID,
                                                        "sort": "popular", "limit": 5})
    assert response.status_code == 200
    assert response.get_json()["items"][0]["links"]["stream"] == f"{TRACK}/stream"
    kwargs = rpc.calls[0]["kwargs"]
    assert kwargs == {"filters": {"genre": "trap", "bpm_min": 80, "bpm_max": 100, "key": "A", "scale": "minor",
                                  "q": "night", "producer": ARTIST_ID},
                      "sort": "popular", "cursor": None, "limit": 5, "actor_id": None}


@pytest.mark.parametrize("query, field", [
    ({"bpm_min": 120, "bpm_max": 100}, "bpm_min"), ({"bpm_min": 49}, "bpm_min"), ({"bpm_max": 201}, "bpm_max"),
    ({"key": "H"}, "key"), ({"scale": "x"}, "scale"), ({"producer": "nope"}, "producer"), ({"sort": "old"}, "sort"),
    ({"limit": 101}, "limit"), ({"colour": "red"}, "colour"), ({"licensing": "free"}, "licensing"),
    ({"licensing": "STANDARD"}, "licensing"),
])
def test_bad_filters_are_422(http, rpc, query, field):
    response = http.get("/api/v1/tracks", query_string=query)
    assert response.status_code == 422 and field in response.get_json()["details"]
    assert rpc.calls == []


@pytest.mark.parametrize("licensing", ["standard", "standard_exclusive", "exclusive_only", "exclusive_available"])
def test_the_licensing_filter_goes_to_the_catalog(http, rpc, licensing):
    rpc.answers[("catalog", "list_tracks")] = {"items": [], "total": 0, "next": None}
    assert http.get("/api/v1/tracks", query_string={"licensing": licensing}).status_code == 200
    assert rpc.calls[0]["kwargs"]["filters"] == {"licensing": licensing}


def test_an_unknown_licensing_value_is_422_naming_the_allowed_ones(http, rpc):
    details = http.get("/api/v1/tracks", query_string={"licensing": "free"}).get_json()["details"]
    assert details["licensing"] == ["Must be one of: standard, standard_exclusive, exclusive_only, "
                                    "exclusive_available."]


def test_the_licensing_filter_is_an_enum_in_the_openapi_document(app):
    parameters = app.extensions["openapi"]["paths"]["/api/v1/tracks"]["get"]["parameters"]
    licensing = next(param for param in parameters if param["name"] == "licensing")
    assert licensing["in"] == "query" and not licensing.get("required", False)
    assert licensing["schema"]["enum"] == ["standard", "standard_exclusive", "exclusive_only", "exclusive_available"]


def test_patch_and_delete_go_to_the_catalog_as_the_caller(http, rpc):
    rpc.answers[("catalog", "update_track")] = track(bpm=100)
    response = http.patch(TRACK, json={"bpm": 100}, headers=bearer())
    assert response.status_code == 200 and response.get_json()["bpm"] == 100
    assert rpc.calls[0]["kwargs"] == {"actor_id": USER_ID, "track_id": TRACK_ID, "changes": {"bpm": 100}}
    assert http.patch(TRACK, json={"bpm": 10}, headers=bearer()).status_code == 422
    assert http.patch(TRACK, json={}, headers=bearer()).status_code == 422
    fixed = http.patch(TRACK, json={"collection_id": TRACK_ID}, headers=bearer())
    assert fixed.status_code == 422 and "collection_id" in fixed.get_json()["details"]
    assert http.delete(TRACK, headers=bearer()).status_code == 204
    assert http.delete(TRACK).status_code == 401


def test_the_whole_file_is_200_with_accept_ranges(http, stored_audio):
    response = http.get(f"{TRACK}/stream")
    assert response.status_code == 200 and response.data == AUDIO
    assert response.headers["Accept-Ranges"] == "bytes" and response.mimetype == "audio/wav"
    assert "max-age=" in response.headers["Cache-Control"] and response.headers["ETag"]


@pytest.mark.parametrize("header, start, end", [("bytes=0-9", 0, 9), ("bytes=1000-", 1000, 1023),
                                                ("bytes=-24", 1000, 1023), ("bytes=1020-5000", 1020, 1023)])
def test_a_range_is_206_with_content_range(http, stored_audio, header, start, end):
    response = http.get(f"{TRACK}/stream", headers={"Range": header})
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes {start}-{end}/1024"
    assert response.data == AUDIO[start:end + 1]


def test_an_unsatisfiable_range_is_416(http, stored_audio):
    response = http.get(f"{TRACK}/stream", headers={"Range": "bytes=2000-3000"})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == "bytes */1024"
    assert response.get_json()["error"] == "range_not_satisfiable"


def test_a_missing_file_or_unpublished_track_is_404(http, rpc):
    rpc.answers[("catalog", "stream_source")] = {"key": "uploads/2026/01/gone.wav", "content_type": "audio/wav"}
    assert http.get(f"{TRACK}/stream").status_code == 404
    rpc.answers[("catalog", "stream_source")] = {"key": "../../etc/passwd", "content_type": "audio/wav"}
    assert http.get(f"{TRACK}/stream").status_code == 404
    rpc.answers[("catalog", "stream_source")] = NotFound("not published")
    assert http.get(f"{TRACK}/stream").status_code == 404


def test_a_cover_file_and_a_preset_cover_are_both_served_as_images(http, rpc, media_root):
    rpc.answers[("catalog", "get_track")] = track()
    (media_root / "covers").mkdir(parents=True)
    (media_root / "covers/c1").write_bytes(PNG)
    rpc.answers[("catalog", "cover_source")] = {"key": "covers/c1", "content_type": "image/png"}
    response = http.get(f"{TRACK}/cover")
    assert response.status_code == 200 and response.data == PNG and response.mimetype == "image/png"
    (media_root / "presets/v1").mkdir(parents=True)
    (media_root / "presets/v1/trap-1.jpg").write_bytes(b"\xff\xd8\xff" + bytes(16))
    rpc.answers[("catalog", "cover_source")] = {"key": "presets/v1/trap-1.jpg", "content_type": "image/jpeg",
                                                "preset": "trap-1"}
    response = http.get(f"{TRACK}/cover")
    assert response.status_code == 200 and response.mimetype == "image/jpeg" and response.data.startswith(b"\xff\xd8")


def test_my_artist_is_404_without_a_page(http, rpc):
    rpc.answers[("catalog", "get_my_artist")] = NotFound("no artist profile")
    response = http.get("/api/v1/me/artist", headers=bearer())
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"


def test_artist_patch_validates_before_calling(http, rpc):
    assert http.patch(f"/api/v1/artists/{ARTIST_ID}", json={"links": ["ftp://x"]}, headers=bearer()).status_code == 422
    assert http.patch(f"/api/v1/artists/{ARTIST_ID}", json={"user_id": USER_ID}, headers=bearer()).status_code == 422
    assert rpc.calls == []


def test_the_upload_is_documented_as_multipart(http):
    spec = http.get("/api/v1/openapi.json").get_json()
    upload = spec["paths"]["/api/v1/tracks"]["post"]
    content = upload["requestBody"]["content"]["multipart/form-data"]
    assert content["encoding"] == {"metadata": {"contentType": "application/json"}}
    assert {"202", "408", "413", "415", "422"} <= set(upload["responses"])
    form = spec["components"]["schemas"]["TrackUploadForm"]["properties"]
    assert form["audio"]["format"] == "binary"
    assert spec["components"]["schemas"]["TrackMetadata"]["properties"]["bpm"]["maximum"] == 200
    assert "416" in spec["paths"]["/api/v1/tracks/{track_id}/stream"]["get"]["responses"]
