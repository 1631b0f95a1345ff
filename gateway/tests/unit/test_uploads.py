"""POST /tracks and the other multipart uploads: streamed to the media store, refused without orphans."""
from __future__ import annotations

import pytest

from gateway.rpc import ServiceTimeout, ServiceUnavailable
from gateway.tests.unit.support import ACTOR_CHECK, USER_ID, bearer
from gateway.tests.unit.test_body_size import UnreadableStream
from gateway.tests.unit.uploads_support import (ARTIST_ID, PNG, TRACK_ID, WAV, metadata, post_form, stored_files,
                                                track)
from services.contracts.errors import Forbidden, InvalidField, NotFound

TRACKS = "/api/v1/tracks"


@pytest.fixture
def limits(app):
    app.config.update(UPLOAD_MAX_BYTES=100_000, COVER_MAX_BYTES=1_000, UPLOAD_MAX_SECONDS=60)
    return app.config


def created(rpc):
    rpc.answers[("catalog", "create_track")] = lambda **kwargs: track()


def test_an_upload_streams_the_audio_into_the_store_and_answers_202(http, rpc, limits, media_root):
    created(rpc)
    response = post_form(http, TRACKS, [("metadata", metadata()), ("audio", ("beat.wav", WAV, "audio/wav")),
                                        ("cover", ("c.png", PNG, "image/png"))])
    assert response.status_code == 202, response.get_json()
    assert response.get_json() == {"id": TRACK_ID, "status": "processing"}
    assert response.headers["Location"] == f"/api/v1/tracks/{TRACK_ID}"
    (call,) = rpc.calls
    kwargs = call["kwargs"]
    assert (call["method"], kwargs["actor_id"], kwargs["size_bytes"]) == ("create_track", USER_ID, len(WAV))
    assert kwargs["metadata"]["bpm"] == 92 and kwargs["metadata"]["licensing_model"] == "standard"
    assert (media_root / kwargs["audio_key"]).read_bytes() == WAV
    assert kwargs["audio_key"].startswith("uploads/") and kwargs["audio_key"].endswith(".wav")
    assert (media_root / kwargs["cover_key"]).read_bytes() == PNG
    assert len(stored_files(media_root)) == 2  # no temporary file left


def test_a_body_without_multipart_is_415(http, rpc, limits, media_root):
    response = http.post(TRACKS, json={"name": "x"}, headers=bearer())
    assert response.status_code == 415
    assert response.get_json()["error"] == "unsupported_media_type"
    assert rpc.calls == [] and stored_files(media_root) == []


def test_a_declared_length_over_the_upload_limit_is_413_without_reading(http, rpc, limits):
    limit = 100_000 + 1_000 + 8192
    response = http.post(TRACKS, headers={**bearer(), "Content-Type": "multipart/form-data; boundary=x"},
                         environ_overrides={"CONTENT_LENGTH": str(limit + 1), "wsgi.input": UnreadableStream()})
    assert response.status_code == 413 and response.get_json()["error"] == "payload_too_large"
    assert str(limit) in response.get_json()["message"]
    assert rpc.calls == []


def test_json_routes_keep_the_small_limit(http, rpc, limits):
    response = http.patch(f"{TRACKS}/{TRACK_ID}", headers={**bearer(), "Content-Type": "application/json"},
                          environ_overrides={"CONTENT_LENGTH": "8193", "wsgi.input": UnreadableStream()})
    assert response.status_code == 413


def test_an_audio_part_over_its_limit_is_413_and_leaves_nothing(http, rpc, app, limits, media_root):
    app.config["UPLOAD_MAX_BYTES"] = len(WAV) - 1
    response = post_form(http, TRACKS, [("metadata", metadata()), ("audio", ("beat.wav", WAV, "audio/wav"))])
    assert response.status_code == 413
    assert rpc.calls == [] and stored_files(media_root) == []


def test_a_cover_over_its_limit_is_413_and_the_audio_is_deleted(http, rpc, app, limits, media_root):
    app.config["COVER_MAX_BYTES"] = 10
    response = post_form(http, TRACKS, [("metadata", metadata()), ("audio", ("beat.wav", WAV, "audio/wav")),
                                        ("cover", ("c.png", PNG, "image/png"))])
    assert response.status_code == 413
    assert rpc.calls == [] and stored_files(media_root) == []


def test_an_upload_past_the_time_limit_is_408_and_leaves_nothing(http, rpc, app, limits, media_root):
    app.config["UPLOAD_MAX_SECONDS"] = 0
    response = post_form(http, TRACKS, [("metadata", metadata()), ("audio", ("beat.wav", WAV, "audio/wav"))])
    assert response.status_code == 408 and response.get_json()["error"] == "request_timeout"
    assert rpc.calls == [] and stored_files(media_root) == []


@pytest.mark.parametrize("changes, field", [
    ({"bpm": 201}, "metadata.bpm"), ({"bpm": 49}, "metadata.bpm"), ({"bpm": "120"}, "metadata.bpm"),
    ({"key": "H"}, "metadata.key"), ({"scale": "dorian"}, "metadata.scale"), ({"name": ""}, "metadata.name"),
    ({"artists": []}, "metadata.artists"), ({"licensing_model": "exclusive_only"}, "metadata.exclusive"),
    ({"exclusive": {"price_cents": 0, "currency": "USD", "contact_email": "a@b.co"}}, "metadata.exclusive"),
    ({"role": "admin"}, "metadata.role"), ({"tags": ["t"] * 21}, "metadata.tags"),
    ({"name": "Beat\u0000"}, "metadata.name"), ({"tags": ["ok", "b\ud800d"]}, "metadata.tags.1"),
])
def test_metadata_sent_first_is_checked_before_the_audio_is_read(http, rpc, limits, media_root, changes, field,
                                                                 monkeypatch):
    monkeypatch.setattr("gateway.multipart.CHUNK", 1024)
    response = post_form(http, TRACKS, [("metadata", metadata(**changes)),
                                        ("audio", ("beat.wav", WAV, "audio/wav"))])
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["details"]
    assert response.bytes_read < response.body_size // 2  # refused before the audio was read
    assert rpc.calls == [] and stored_files(media_root) == []


def test_metadata_after_the_audio_is_checked_then_and_the_audio_deleted(http, rpc, limits, media_root):
    response = post_form(http, TRACKS, [("audio", ("beat.wav", WAV, "audio/wav")),
                                        ("metadata", metadata(bpm=300))])
    assert response.status_code == 422 and "metadata.bpm" in response.get_json()["details"]
    assert rpc.calls == [] and stored_files(media_root) == []


@pytest.mark.parametrize("raw, reason", [("{not json", "Not valid JSON."), ("[1]", "Must be a JSON object.")])
def test_metadata_that_is_not_a_json_object_is_422(http, rpc, limits, media_root, raw, reason):
    response = post_form(http, TRACKS, [("metadata", raw), ("audio", ("beat.wav", WAV, "audio/wav"))])
    assert response.status_code == 422
    assert response.get_json()["details"] == {"metadata": [reason]}
    assert stored_files(media_root) == []


@pytest.mark.parametrize("cover", [b"GIF89a" + b"\x00" * 20, b"RIFF\x00\x00\x00\x00WAVEfmt ", b"", b"<svg/>"])
def test_a_cover_that_is_not_an_image_is_422_at_once(http, rpc, limits, media_root, cover):
    response = post_form(http, TRACKS, [("metadata", metadata()), ("audio", ("beat.wav", WAV, "audio/wav")),
                                        ("cover", ("cover.png", cover, "image/png"))])
    assert response.status_code == 422
    assert list(response.get_json()["details"]) == ["cover"]
    assert rpc.calls == [] and stored_files(media_root) == []


@pytest.mark.parametrize("head", [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"RIFF\x10\x00\x00\x00WEBPVP8 "])
def test_png_jpeg_and_webp_covers_are_accepted(http, rpc, limits, head):
    created(rpc)
    response = post_form(http, TRACKS, [("metadata", metadata()), ("audio", ("beat.wav", WAV, "audio/wav")),
                                        ("cover", ("c", head + b"\x00" * 32, "application/octet-stream"))])
    assert response.status_code == 202


@pytest.mark.parametrize("parts, field", [
    ([("metadata", metadata())], "audio"),
    ([("audio", ("beat.wav", WAV, "audio/wav"))], "metadata"),
    ([("metadata", metadata(cover_preset=None)), ("audio", ("beat.wav", WAV, "audio/wav"))], "cover"),
    ([("metadata", metadata()), ("audio", WAV.decode("latin-1"))], "audio"),  # a plain field, not a file
    ([("metadata", metadata()), ("audio", ("a.wav", WAV, "audio/wav")), ("audio", ("b.wav", WAV, "audio/wav"))],
     "audio"),
    ([("metadata", metadata()), ("stems", ("s.zip", b"PK", "application/zip"))], "stems"),
])
def test_missing_duplicate_or_unknown_parts_are_422_without_orphans(http, rpc, limits, media_root, parts, field):
    response = post_form(http, TRACKS, parts)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["details"]
    assert rpc.calls == [] and stored_files(media_root) == []


@pytest.mark.parametrize("error, status", [(Forbidden("not a producer"), 403), (NotFound("no such collection"), 404),
                                           (InvalidField("bad", {"collaborators": ["own id"]}), 422)])
def test_a_catalog_refusal_deletes_the_stored_files(http, rpc, limits, media_root, error, status):
    rpc.answers[("catalog", "create_track")] = error
    response = post_form(http, TRACKS, [("metadata", metadata()), ("audio", ("beat.wav", WAV, "audio/wav")),
                                        ("cover", ("c.png", PNG, "image/png"))])
    assert response.status_code == status
    assert len(rpc.calls) == 1 and stored_files(media_root) == []


def test_a_truncated_multipart_body_is_400_without_orphans(http, rpc, limits, media_root):
    from gateway.tests.unit.uploads_support import multipart
    body, content_type = multipart([("metadata", metadata()), ("audio", ("beat.wav", WAV, "audio/wav"))])
    response = http.post(TRACKS, data=body[: len(body) // 2], headers={**bearer(), "Content-Type": content_type})
    assert response.status_code == 400
    assert rpc.calls == [] and stored_files(media_root) == []


def test_uploads_need_a_token_before_anything_is_read(http, rpc, limits, media_root):
    response = post_form(http, TRACKS, [("metadata", metadata()), ("audio", ("beat.wav", WAV, "audio/wav"))],
                         headers={})
    assert response.status_code == 401 and response.bytes_read == 0
    assert stored_files(media_root) == []


def test_an_artist_image_is_stored_and_passed_by_key(http, rpc, limits, media_root):
    rpc.answers[("catalog", "add_artist_image")] = lambda **kw: {"id": ARTIST_ID, "name": "Ana", "images": {
        "avatar": "5e1c2a3e-0000-4000-8000-0000000000cc", "cover": None, "gallery": []}}
    response = post_form(http, f"/api/v1/artists/{ARTIST_ID}/images",
                         [("kind", "avatar"), ("image", ("a.png", PNG, "image/png"))])
    assert response.status_code == 200, response.get_json()
    kwargs = rpc.calls[0]["kwargs"]
    assert kwargs["kind"] == "avatar" and (media_root / kwargs["image_key"]).read_bytes() == PNG
    links = response.get_json()["image_links"]
    assert links["avatar"] == f"/api/v1/artists/{ARTIST_ID}/images/5e1c2a3e-0000-4000-8000-0000000000cc"


@pytest.mark.parametrize("parts, field", [
    ([("kind", "banner"), ("image", ("a.png", PNG, "image/png"))], "kind"),
    ([("kind", "avatar"), ("image", ("a.png", b"not an image", "image/png"))], "image"),
    ([("kind", "avatar")], "image"),
])
def test_a_bad_artist_image_is_422_without_orphans(http, rpc, limits, media_root, parts, field):
    response = post_form(http, f"/api/v1/artists/{ARTIST_ID}/images", parts)
    assert response.status_code == 422 and field in response.get_json()["details"]
    assert rpc.calls == [] and stored_files(media_root) == []


def test_a_collection_is_created_with_its_cover(http, rpc, limits, media_root):
    collection = {"id": "6f1c2a3e-0000-4000-8000-0000000000dd", "name": "Tape", "artist_id": ARTIST_ID,
                  "artists": ["Ana"], "genres": [], "tags": [], "description": None, "track_ids": [],
                  "created_at": "2026-01-01T00:00:00+00:00", "cover_key": "covers/x"}
    rpc.answers[("catalog", "create_collection")] = lambda **kw: collection
    response = post_form(http, "/api/v1/collections", [("metadata", '{"name": "Tape", "artists": ["Ana"]}'),
                                                       ("cover", ("c.png", PNG, "image/png"))])
    assert response.status_code == 201
    assert "cover_key" not in response.get_json()
    assert response.headers["Location"] == f"/api/v1/collections/{collection['id']}"
    assert (media_root / rpc.calls[0]["kwargs"]["cover_key"]).read_bytes() == PNG


def test_a_refused_collection_leaves_no_cover(http, rpc, limits, media_root):
    rpc.answers[("catalog", "create_collection")] = Forbidden("no artist page")
    response = post_form(http, "/api/v1/collections", [("metadata", '{"name": "Tape", "artists": ["Ana"]}'),
                                                       ("cover", ("c.png", PNG, "image/png"))])
    assert response.status_code == 403 and stored_files(media_root) == []
    response = post_form(http, "/api/v1/collections", [("cover", ("c.png", PNG, "image/png")),
                                                       ("metadata", '{"name": "", "artists": ["Ana"]}')])
    assert response.status_code == 422 and "metadata.name" in response.get_json()["details"]
    assert stored_files(media_root) == []


# --- only producers upload: accounts decides before a byte of the body is read -------------------

UPLOAD_ROUTES = [
    (TRACKS, [("metadata", metadata()), ("audio", ("beat.wav", WAV, "audio/wav"))]),
    ("/api/v1/collections",
     [("metadata", '{"name": "Tape", "artists": ["Ana"]}'), ("cover", ("c.png", PNG, "image/png"))]),
    (f"/api/v1/artists/{ARTIST_ID}/images", [("kind", "avatar"), ("image", ("a.png", PNG, "image/png"))]),
]


@pytest.mark.parametrize("path, parts", UPLOAD_ROUTES)
def test_a_listeners_upload_is_403_before_the_body_is_read(http, rpc, limits, media_root, path, parts):
    rpc.answers[ACTOR_CHECK] = Forbidden("only producers can do this")
    response = post_form(http, path, parts)
    assert response.status_code == 403 and response.bytes_read == 0
    assert response.get_json() == {"error": "forbidden", "message": "only producers can do this", "details": {}}
    (check,) = rpc.calls
    assert check["kwargs"] == {"actor_id": USER_ID, "role": "producer"}  # asked of accounts, not read from the token
    assert stored_files(media_root) == []


@pytest.mark.parametrize("path, parts", UPLOAD_ROUTES)
def test_a_producers_upload_is_checked_once_then_read(http, rpc, limits, media_root, path, parts):
    post_form(http, path, parts)
    checks = [call for call in rpc.calls if (call["service"], call["method"]) == ACTOR_CHECK]
    assert checks == [] and rpc.actor_checks == [USER_ID]  # one accounts call: the account and its role
    assert rpc.calls and rpc.calls[0]["service"] == "catalog"


@pytest.mark.parametrize("error", [ServiceTimeout("catalog did not answer"), ServiceUnavailable("lost the broker")])
def test_files_handed_to_catalog_without_an_answer_are_left_to_catalog(http, rpc, limits, media_root, error):
    """Catalog may have taken them (and only it deletes what it took): the gateway deletes only what it still owns."""
    rpc.answers[("catalog", "create_track")] = error
    response = post_form(http, TRACKS, [("metadata", metadata()), ("audio", ("beat.wav", WAV, "audio/wav"))])
    assert response.status_code in (503, 504)
    kwargs = rpc.calls[0]["kwargs"]
    assert stored_files(media_root) == [media_root / kwargs["audio_key"]]


# --- artist=: which of the producer's pages the upload belongs to ----------------------------------------------

OTHER_PAGE = "5e1c2a3e-0000-4000-8000-0000000000cc"


@pytest.mark.parametrize("path, parts", UPLOAD_ROUTES[:2])
def test_an_upload_to_a_page_the_caller_does_not_manage_is_404_before_the_body_is_read(http, rpc, limits, media_root,
                                                                                       path, parts):
    rpc.answers[("catalog", "get_my_artist")] = NotFound("artist not found")
    response = post_form(http, f"{path}?artist={OTHER_PAGE}", parts)
    assert response.status_code == 404 and response.bytes_read == 0
    (check,) = rpc.calls
    assert (check["method"], check["kwargs"]) == ("get_my_artist", {"actor_id": USER_ID, "artist_id": OTHER_PAGE})
    assert stored_files(media_root) == []


@pytest.mark.parametrize("path, parts", UPLOAD_ROUTES[:2])
def test_an_artist_that_is_not_a_uuid_is_422_before_the_body_is_read(http, rpc, limits, media_root, path, parts):
    response = post_form(http, f"{path}?artist=mine", parts)
    assert response.status_code == 422 and response.bytes_read == 0
    assert list(response.get_json()["details"]) == ["artist"] and rpc.calls == []


def test_the_chosen_page_reaches_the_catalog_with_the_upload(http, rpc, limits, media_root):
    created(rpc)
    rpc.answers[("catalog", "get_my_artist")] = {"id": ARTIST_ID}
    response = post_form(http, f"{TRACKS}?artist={ARTIST_ID}",
                         [("metadata", metadata()), ("audio", ("beat.wav", WAV, "audio/wav"))])
    assert response.status_code == 202
    assert [call["method"] for call in rpc.calls] == ["get_my_artist", "create_track"]
    assert rpc.calls[1]["kwargs"]["artist_id"] == ARTIST_ID
    post_form(http, TRACKS, [("metadata", metadata()), ("audio", ("beat.wav", WAV, "audio/wav"))])
    assert rpc.calls[-1]["kwargs"]["artist_id"] is None  # the catalog takes the oldest page
