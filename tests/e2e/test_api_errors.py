"""What a client learns from the API on a real platform: every field error at once, typed numbers in details,
Retry-After equal to retry_after, JSON 404s for mistyped paths, and a spec whose examples are accepted."""
from __future__ import annotations

import uuid

from tests.e2e.test_uploads import make_producer, upload, wait_until_done
from tests.support import audio
from tests.support.api import Api


def unique(prefix: str = "u") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def test_a_short_password_and_a_short_username_come_back_in_one_422(api: Api):
    response = api.post("auth/register", json={"email": f"{unique()}@example.com", "password": "short",
                                                "username": "ab"})
    assert response.status_code == 422
    details = response.json()["details"]
    assert set(details) == {"password", "username"}
    assert details["password"] == ["must be at least 10 characters"]


def test_numbers_in_error_details_are_numbers(platform):
    requester = Api(platform.url)
    requester.register()
    refused = requester.post("beat-requests", json={"genre": "Trap", "bpm_min": 120, "bpm_max": 140, "mood": "dark",
                                                    "budget_cents": 5000, "lifetime_hours": 72})
    assert refused.status_code == 402, refused.text
    assert refused.json()["details"] == {"cost": 3}


def test_retry_after_and_its_detail_agree(platform):
    client = Api(platform.url)
    for _ in range(31):
        response = client.post("auth/register", json={"email": f"{unique()}@example.com",
                                                       "password": "a long passphrase", "username": unique()})
        if response.status_code == 429:
            break
    assert response.status_code == 429
    retry_after = response.json()["details"]["retry_after"]
    assert isinstance(retry_after, int) and retry_after > 0
    assert response.headers["Retry-After"] == str(retry_after)


def test_a_mistyped_path_is_the_apis_json_404_before_authentication(api: Api):
    path = f"/api/v1/likes/track/{uuid.uuid4()}"
    response = api.put(path)
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["error"] == "not_found"
    assert body["message"].startswith(f"no such endpoint: PUT {path}")
    assert body["details"]["expected"] == {"kind": ["tracks", "collections", "producers"]}
    wrong_method = api.post("me")
    assert wrong_method.status_code == 405 and wrong_method.json()["details"]["allowed"] == ["DELETE", "GET"]


def test_an_upload_built_from_the_spec_example_is_accepted_and_found_by_the_producers_user_id(
        platform, admin, tmp_path):
    spec = Api(platform.url).get("openapi.json").json()
    examples = spec["paths"]["/api/v1/tracks"]["post"]["requestBody"]["content"]["multipart/form-data"]["examples"]
    metadata = {**examples["preset_cover"]["value"]["metadata"], "name": f"Spec {unique()}"}
    producer = make_producer(platform, admin)
    wav = audio.make_wav(tmp_path / "spec.wav", seconds=12, seed=uuid.uuid4().int % 1_000_000)
    response = upload(producer, wav, metadata)
    assert response.status_code == 202, response.text
    assert wait_until_done(producer, response.json()["id"])["status"] == "published"
    by_user = Api(platform.url).get("tracks", params={"producer": producer.user["id"]})  # type: ignore[index]
    assert [track["id"] for track in by_user.json()["items"]] == [response.json()["id"]]
