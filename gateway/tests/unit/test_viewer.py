"""The caller's own state on a page (``viewer``: liked / reposted a track, following an artist page), decided by
the catalog for the actor the token names, and the beat-request costs served from the catalog's rules."""
from __future__ import annotations

import pytest

from gateway.tests.unit.support import USER_ID, bearer, make_token, private_user
from gateway.tests.unit.uploads_support import ARTIST_ID, TRACK_ID, track

TRACK = f"/api/v1/tracks/{TRACK_ID}"
ARTIST = f"/api/v1/artists/{ARTIST_ID}"
OTHER_ID = "0b8e6a52-9d1f-4e3a-8c6b-7d2e1f0a9b31"

# made when the test runs: a token made at collection could expire
CALLERS = [(lambda: bearer(), USER_ID), (lambda: {}, None), (lambda: {"Authorization": "Bearer nonsense"}, None),
           (lambda: bearer(make_token(exp=1)), None)]
CALLER_IDS = ["valid", "none", "nonsense", "expired"]


def artist(**changes) -> dict:
    return {"id": ARTIST_ID, "name": "Ana Beats", "user_id": OTHER_ID, "claimed": True, "verified": False,
            "genres": [], "links": [], "country": None, "city": None, "description": None, "credits": [],
            "pinned_track_id": None, "images": {"avatar": None, "cover": None, "gallery": []}, "track_count": 0,
            "followers_count": 4, "created_at": "2026-01-01T00:00:00+00:00", **changes}


def public_user(**changes) -> dict:
    return {key: value for key, value in private_user(**changes).items() if key not in ("email", "plan", "tokens")}


def track_marks(liked_by: set[str], reposted_by: set[str]):
    """The catalog's answer: the track with the marks of whichever actor asks (None: anonymous)."""
    def answer(track_id: str, actor_id: str | None) -> dict:
        viewer = {"liked": actor_id in liked_by, "reposted": actor_id in reposted_by} if actor_id else None
        return track(status="published", viewer=viewer)
    return answer


@pytest.mark.parametrize("headers, actor", CALLERS, ids=CALLER_IDS)
def test_a_track_carries_the_viewer_of_the_token_only(http, rpc, headers, actor):
    rpc.answers[("catalog", "get_track")] = track_marks(liked_by={USER_ID}, reposted_by=set())
    response = http.get(TRACK, headers=headers())
    assert response.status_code == 200
    assert rpc.calls[0]["kwargs"] == {"track_id": TRACK_ID, "actor_id": actor}
    expected = {"liked": True, "reposted": False} if actor else None
    assert response.get_json()["viewer"] == expected


def test_another_users_marks_are_not_shown_as_yours(http, rpc):
    rpc.answers[("catalog", "get_track")] = track_marks(liked_by={OTHER_ID}, reposted_by={OTHER_ID})
    assert http.get(TRACK, headers=bearer()).get_json()["viewer"] == {"liked": False, "reposted": False}
    assert http.get(TRACK, headers=bearer(make_token(sub=OTHER_ID))).get_json()["viewer"] == {"liked": True,
                                                                                             "reposted": True}


def test_lists_of_tracks_carry_no_viewer(http, rpc):
    rpc.answers[("catalog", "list_tracks")] = {"items": [track(status="published", viewer={"liked": True,
                                                                                             "reposted": True})],
                                               "total": 1, "next": None}
    [item] = http.get("/api/v1/tracks", headers=bearer()).get_json()["items"]
    assert "viewer" not in item


@pytest.mark.parametrize("headers, actor", CALLERS, ids=CALLER_IDS)
def test_an_artist_page_carries_whether_the_token_follows_it(http, rpc, headers, actor):
    followers = {USER_ID}
    rpc.answers[("catalog", "get_artist")] = lambda artist_id, actor_id: artist(
        viewer={"following": actor_id in followers} if actor_id else None)
    rpc.answers[("accounts", "usernames")] = {OTHER_ID: "ana"}
    response = http.get(ARTIST, headers=headers())
    assert response.status_code == 200
    assert rpc.calls[0]["kwargs"] == {"artist_id": ARTIST_ID, "actor_id": actor}
    body = response.get_json()
    assert body["viewer"] == ({"following": True} if actor else None)
    assert (body["username"], body["followers_count"]) == ("ana", 4)


def test_another_users_follow_is_not_shown_as_yours(http, rpc):
    rpc.answers[("catalog", "get_artist")] = lambda artist_id, actor_id: artist(
        viewer={"following": actor_id == OTHER_ID})
    rpc.answers[("accounts", "usernames")] = {}
    assert http.get(ARTIST, headers=bearer()).get_json()["viewer"] == {"following": False}
    assert http.get(ARTIST, headers=bearer(make_token(sub=OTHER_ID))).get_json()["viewer"] == {"following": True}


def test_the_beat_request_costs_come_from_the_catalog_without_a_token(http, rpc):
    costs = {"costs": [{"lifetime_hours": 24, "cost_tokens": 1}, {"lifetime_hours": 96, "cost_tokens": 5}],
             "renewal": {"lifetime_hours": 24, "cost_tokens": 1}}
    rpc.answers[("catalog", "beat_request_costs")] = costs
    response = http.get("/api/v1/beat-requests/costs")
    assert response.status_code == 200
    assert response.get_json() == costs
    assert [(call["service"], call["method"]) for call in rpc.calls] == [("catalog", "beat_request_costs")]


@pytest.mark.parametrize("headers, actor", CALLERS, ids=CALLER_IDS)
def test_a_profile_carries_whether_the_token_follows_the_user(http, rpc, headers, actor):
    followers = {USER_ID}
    rpc.answers[("accounts", "get_public_profile")] = lambda user_id, actor_id: {
        **public_user(id=OTHER_ID), "viewer": {"following": actor_id in followers} if actor_id else None}
    rpc.answers[("catalog", "artists_managed_by")] = []
    response = http.get(f"/api/v1/users/{OTHER_ID}", headers=headers())
    assert response.status_code == 200
    assert rpc.calls[0]["kwargs"] == {"user_id": OTHER_ID, "actor_id": actor}
    assert response.get_json()["viewer"] == ({"following": True} if actor else None)
