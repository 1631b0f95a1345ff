"""A refused request names every invalid field at once, in a 422 of bounded size."""
from __future__ import annotations

import json

import pytest
from marshmallow import ValidationError

from gateway.app import create_app
from gateway.catalog_schemas import TrackMetadata
from gateway.errors import MAX_FIELD_ERRORS, OMITTED_KEY
from gateway.tests.unit.support import SECRET, bearer
from gateway.tests.unit.uploads_support import metadata, post_form


@pytest.fixture(autouse=True)
def no_rpc_was_made(rpc):
    yield
    assert rpc.calls == []


def test_a_short_password_and_a_short_username_are_refused_together(http):
    response = http.post("/api/v1/auth/register", json={"email": "ana@example.com", "password": "short",
                                                        "username": "ab"})
    assert response.status_code == 422
    body = response.get_json()
    assert set(body["details"]) == {"password", "username"}
    assert body["details"]["password"] == ["must be at least 10 characters"]
    assert "password" in body["message"] and "username" in body["message"]


def test_the_password_may_not_contain_the_email_beside_an_invalid_username(http):
    response = http.post("/api/v1/auth/register", json={"email": "ana@example.com",
                                                        "password": "my ANA@example.com pw", "username": "a b"})
    assert response.get_json()["details"] == {
        "password": ["must not be or contain your email address"],
        "username": ["String does not match expected pattern."]}


def test_a_beat_requests_bpm_range_is_reported_beside_other_field_errors(http):
    response = http.post("/api/v1/beat-requests", headers=bearer(), json={
        "genre": "", "bpm_min": 150, "bpm_max": 100, "mood": "dark", "budget_cents": 1000, "lifetime_hours": 5})
    assert response.status_code == 422
    assert set(response.get_json()["details"]) == {"genre", "bpm_min", "lifetime_hours"}


def test_track_metadata_reports_missing_artists_beside_a_bad_bpm():
    with pytest.raises(ValidationError) as caught:
        TrackMetadata().load({"name": "Night", "bpm": 400, "key": "C", "scale": "minor"})
    assert set(caught.value.messages) == {"bpm", "artists"}


def test_an_invalid_collection_id_is_not_also_reported_as_missing_artists():
    with pytest.raises(ValidationError) as caught:
        TrackMetadata().load({"name": "Night", "bpm": 90, "key": "C", "scale": "minor", "collection_id": "nope"})
    assert set(caught.value.messages) == {"collection_id"}


@pytest.fixture
def roomy_http(rpc, media_root):
    app = create_app({"JWT_SECRET": SECRET, "AMQP_URI": "amqp://guest:guest@127.0.0.1:1/",
                      "MAX_BODY_BYTES": 4_000_000, "MEDIA_ROOT": str(media_root)})
    app.extensions["rpc"] = rpc
    return app.test_client()


def test_60000_unknown_keys_get_a_small_422_that_counts_them(roomy_http):
    body = {"email": "ana@example.com", "password": "long enough pw", "username": "ana",
            **{f"unknown_{index:05d}": 0 for index in range(60_000)}}
    response = roomy_http.post("/api/v1/auth/register", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 422
    assert len(response.data) < 10_000
    payload = response.get_json()
    named = [name for name in payload["details"] if name != OMITTED_KEY]
    assert len(named) == MAX_FIELD_ERRORS
    assert payload["details"][OMITTED_KEY] == 60_000 - MAX_FIELD_ERRORS
    assert payload["message"].endswith(f"and {60_000 - MAX_FIELD_ERRORS} more")


def test_an_upload_without_audio_and_without_a_cover_hears_of_both(http):
    response = post_form(http, "/api/v1/tracks", [("metadata", metadata(cover_preset=None))])
    assert response.status_code == 422
    assert set(response.get_json()["details"]) == {"audio", "cover"}
