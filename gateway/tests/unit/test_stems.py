"""PUT /tracks/{id}/stems: the track checked before the body is read, the ZIP streamed into the stems area,
audio's check, catalog's attach — and nothing left in the store after any refusal."""
from __future__ import annotations

from typing import Any

import pytest

from gateway.rpc import ServiceTimeout
from gateway.tests.unit.support import ACTOR_CHECK, USER_ID, bearer
from gateway.tests.unit.test_body_size import UnreadableStream
from gateway.tests.unit.uploads_support import TRACK_ID, post_form, stored_files, track
from services.contracts.errors import Forbidden, InvalidField, NotFound

URL = f"/api/v1/tracks/{TRACK_ID}/stems"
ZIP = b"PK\x03\x04" + bytes(range(256)) * 40  # ~10 KB: the gateway never looks inside; audio does
AUDIO = {"format": "wav", "duration_s": 151.2, "sample_rate": 48000, "bit_depth": 24, "channels": 2,
         "loudness_lufs": -9.0, "true_peak_dbtp": -1.0}
MANIFEST = {"members": [{"name": "kick.wav", "format": "wav", "sample_rate": 48000, "channels": 1, "bit_depth": 24,
                         "duration_s": 151.2}], "size_bytes": len(ZIP), "uncompressed_bytes": 30_000_000}
ATTACHED = {"track_id": TRACK_ID, "stems": MANIFEST, "uploaded_at": "2026-03-02T12:00:00+00:00"}
REFUSAL = InvalidField("invalid stems archive: unsafe_path",
                       {"stems": ["The ZIP entry “../x.wav” is not a plain relative path."], "code": "unsafe_path",
                        "member": "../x.wav"})


@pytest.fixture
def limits(app):
    app.config.update(STEMS_UPLOAD_MAX_BYTES=100_000, UPLOAD_MAX_SECONDS=60, STEMS_CHECK_TIMEOUT_S=42)
    return app.config


@pytest.fixture
def published(rpc):
    rpc.answers[("catalog", "get_track")] = lambda **kwargs: track(status="published", audio=AUDIO)
    rpc.answers[("audio", "check_stems")] = MANIFEST
    rpc.answers[("catalog", "attach_stems")] = ATTACHED
    return rpc


def put(http, parts: list[tuple[str, Any]] | None = None, **kwargs):
    return post_form(http, URL, parts if parts is not None else [("stems", ("stems.zip", ZIP, "application/zip"))],
                     method="PUT", **kwargs)


def methods(rpc) -> list[str]:
    return [f"{call['service']}.{call['method']}" for call in rpc.calls]


def test_stems_are_stored_checked_against_the_track_and_attached(http, published, limits, media_root):
    response = put(http)
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == ATTACHED
    assert methods(published) == ["catalog.get_track", "audio.check_stems", "catalog.attach_stems"]
    check, attach = published.calls[1]["kwargs"], published.calls[2]["kwargs"]
    assert (check["sample_rate"], check["duration_s"]) == (48000, 151.2)
    assert check["stems_key"].startswith("stems/") and check["stems_key"].endswith(".zip")
    assert attach == {"actor_id": USER_ID, "track_id": TRACK_ID, "stems_key": check["stems_key"], "manifest": MANIFEST}
    assert [p.relative_to(media_root).as_posix() for p in stored_files(media_root)] == [check["stems_key"]]
    assert (media_root / check["stems_key"]).read_bytes() == ZIP


def test_audio_is_given_the_stems_timeout(http, published, limits, monkeypatch):
    timeouts = []
    original = published.service
    monkeypatch.setattr(published, "service", lambda name, context=None, timeout=None:
                        timeouts.append((name, timeout)) or original(name, context, timeout))
    assert put(http).status_code == 200
    assert ("audio", 42.0) in timeouts


def test_a_refused_archive_is_422_with_its_code_and_nothing_stays(http, published, limits, media_root):
    published.answers[("audio", "check_stems")] = REFUSAL
    response = put(http)
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "invalid" and body["details"]["code"] == "unsafe_path"
    assert body["details"]["member"] == "../x.wav"
    assert methods(published) == ["catalog.get_track", "audio.check_stems"]
    assert stored_files(media_root) == []


def test_audio_not_answering_is_504_and_the_archive_is_discarded(http, published, limits, media_root):
    published.answers[("audio", "check_stems")] = ServiceTimeout("audio did not answer within 42 s", {})
    assert put(http).status_code == 504
    assert stored_files(media_root) == []


def test_catalog_refusing_the_stems_discards_them(http, published, limits, media_root):
    published.answers[("catalog", "attach_stems")] = Forbidden("only the producer who uploaded this track", {})
    assert put(http).status_code == 403
    assert stored_files(media_root) == []


def test_catalog_not_answering_the_attach_leaves_the_file_to_catalog(http, published, limits, media_root):
    published.answers[("catalog", "attach_stems")] = ServiceTimeout("catalog did not answer within 5 s", {})
    assert put(http).status_code == 504
    assert len(stored_files(media_root)) == 1  # catalog may have taken it: only catalog deletes it now


@pytest.mark.parametrize("answer, status", [
    (NotFound("track not found", {}), 404),
    (lambda **kwargs: track(status="published", audio=AUDIO, producer_user_id="someone-else"), 403),
    (lambda **kwargs: track(status="processing", audio=None), 409),
    (lambda **kwargs: track(status="rejected", audio=None), 409),
])
def test_the_track_is_checked_before_the_body_is_read(http, rpc, limits, media_root, answer, status):
    rpc.answers[("catalog", "get_track")] = answer
    response = http.put(URL, headers={**bearer(), "Content-Type": "multipart/form-data; boundary=x"},
                        environ_overrides={"CONTENT_LENGTH": "5000", "wsgi.input": UnreadableStream()})
    assert response.status_code == status, response.get_json()
    assert methods(rpc) == ["catalog.get_track"]
    assert stored_files(media_root) == []


def test_without_a_token_it_is_401(http, rpc, limits):
    response = put(http, headers={})
    assert response.status_code == 401
    assert rpc.calls == []


def test_a_listener_is_403(http, rpc, limits, media_root):
    rpc.answers[ACTOR_CHECK] = Forbidden("only producers may do this", {})
    assert put(http).status_code == 403
    assert methods(rpc) == ["accounts.verify_actor"] and stored_files(media_root) == []


def test_an_archive_over_the_limit_is_413_and_leaves_nothing(http, published, app, limits, media_root):
    app.config["STEMS_UPLOAD_MAX_BYTES"] = len(ZIP) - 1
    assert put(http).status_code == 413
    assert methods(published) == ["catalog.get_track"] and stored_files(media_root) == []


def test_a_missing_stems_part_is_422(http, published, limits, media_root):
    response = put(http, [("notes", "hello")])
    assert response.status_code == 422
    assert stored_files(media_root) == []


def test_a_stems_field_that_is_not_a_file_is_422(http, published, limits, media_root):
    response = put(http, [("stems", "not a file")])
    assert response.status_code == 422 and "stems" in response.get_json()["details"]


def test_a_raw_zip_body_is_415(http, published, limits, media_root):
    response = http.put(URL, data=ZIP, headers={**bearer(), "Content-Type": "application/zip"})
    assert response.status_code == 415
    assert stored_files(media_root) == []


def test_the_operation_documents_every_rejection_code(http):
    from services.contracts.vocabularies import STEMS_REJECTION_CODES

    spec = http.get("/api/v1/openapi.json").get_json()
    op = spec["paths"]["/api/v1/tracks/{track_id}/stems"]["put"]
    assert all(f"`{code}`" in op["description"] for code in STEMS_REJECTION_CODES)
    assert {"401", "403", "404", "409", "413", "422"} <= set(op["responses"])
    assert "multipart/form-data" in op["requestBody"]["content"]
