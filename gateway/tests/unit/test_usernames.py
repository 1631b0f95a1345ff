"""Usernames beside the ids of the people a list names: one ``accounts.usernames`` call per page, null for an
account that no longer exists, and documented in the spec with examples."""
from __future__ import annotations

import pytest

from gateway.tests.unit.support import bearer

TRACK_ID = "3c1c2a3e-0000-4000-8000-000000000003"
ALIVE, GONE = "9b1c2a3e-0000-4000-8000-000000000002", "9b1c2a3e-0000-4000-8000-000000000004"


def comment(author_id: str, index: int) -> dict:
    return {"id": f"5d1c2a3e-0000-4000-8000-00000000001{index}", "track_id": TRACK_ID, "author_id": author_id,
            "body": f"comment {index}", "created_at": "2026-01-01T00:00:00+00:00"}


@pytest.fixture
def spec(http) -> dict:
    return http.get("/api/v1/openapi.json").get_json()


def calls_to(rpc, method: str) -> list[dict]:
    return [call for call in rpc.calls if call["method"] == method]


def test_a_comment_page_asks_accounts_once_and_names_a_deleted_author_null(http, rpc):
    rpc.answers[("catalog", "list_comments")] = {
        "items": [comment(ALIVE, 1), comment(GONE, 2), comment(ALIVE, 3)], "total": 3, "next": None}
    rpc.answers[("accounts", "usernames")] = lambda user_ids: {ALIVE: "beatfan42", GONE: None}
    response = http.get(f"/api/v1/tracks/{TRACK_ID}/comments")
    assert response.status_code == 200, response.get_json()
    assert [item["author_username"] for item in response.get_json()["items"]] == ["beatfan42", None, "beatfan42"]
    [asked] = calls_to(rpc, "usernames")
    assert asked["kwargs"] == {"user_ids": sorted([ALIVE, GONE])}


def test_an_empty_page_asks_no_one(http, rpc):
    rpc.answers[("catalog", "list_comments")] = {"items": [], "total": 0, "next": None}
    assert http.get(f"/api/v1/tracks/{TRACK_ID}/comments").status_code == 200
    assert calls_to(rpc, "usernames") == []


def test_beat_request_responses_name_the_producer(http, rpc):
    rpc.answers[("catalog", "list_beat_request_responses")] = {"items": [{
        "id": "6e1c2a3e-0000-4000-8000-000000000005", "beat_request_id": "7f1c2a3e-0000-4000-8000-000000000006",
        "producer_user_id": ALIVE, "artist_id": "8a1c2a3e-0000-4000-8000-000000000007", "artist_name": "DJ Nova",
        "track_id": TRACK_ID, "track_name": "Night", "message": None, "created_at": "2026-01-01T00:00:00+00:00"}],
        "total": 1, "next": None}
    rpc.answers[("accounts", "usernames")] = lambda user_ids: {ALIVE: "djnova"}
    response = http.get("/api/v1/beat-requests/7f1c2a3e-0000-4000-8000-000000000006/responses", headers=bearer())
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["items"][0]["producer_username"] == "djnova"


def test_an_unclaimed_artist_page_has_no_username_and_costs_no_call(http, rpc):
    rpc.answers[("catalog", "get_artist")] = {
        "id": "8a1c2a3e-0000-4000-8000-000000000007", "name": "Old Legend", "user_id": None, "claimed": False,
        "verified": False, "genres": [], "links": [], "country": None, "city": None, "description": None,
        "credits": [], "pinned_track_id": None, "images": {"avatar": None, "cover": None, "gallery": []},
        "track_count": 0, "created_at": "2026-01-01T00:00:00+00:00"}
    response = http.get("/api/v1/artists/8a1c2a3e-0000-4000-8000-000000000007")
    assert response.status_code == 200 and response.get_json()["username"] is None
    assert calls_to(rpc, "usernames") == []


@pytest.mark.parametrize("schema, field", [
    ("Comment", "author_username"), ("PlaylistSummary", "owner_username"), ("Playlist", "owner_username"),
    ("Artist", "username"), ("BeatRequest", "requester_username"), ("BeatRequestResponse", "producer_username")])
def test_the_spec_documents_each_username_with_an_example(spec, schema, field):
    described = spec["components"]["schemas"][schema]["properties"][field]
    assert described["example"] and described["nullable"] is True
