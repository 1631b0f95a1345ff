"""Progress, leaderboards and the Backstage pages over stand-in gamification and catalog services: the producer
role checked first (403 before any validation), what the gateway validates (artist, paging, period, currency,
status), how a query maps onto the RPC, the category as part of the route (404 naming the seven), and `me` filled
only for a caller with a valid token."""
from __future__ import annotations

import pytest

from gateway.tests.unit.support import ACTOR_CHECK, USER_ID, bearer, make_token
from services.contracts.errors import Forbidden, NotFound
from services.contracts.rpc.gamification import LEADERBOARD_CATEGORIES

ARTIST_ID = "3d2c1b0a-9e8f-4a7b-8c6d-5e4f3a2b1c0d"
TRACK_ID = "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"
PROGRESS = {"artist_id": ARTIST_ID, "level": 1, "title": "Novice", "xp": 125, "level_floor_xp": 0,
            "next_level_xp": 500, "achievements": [
                {"code": "first_upload", "name": "First Drop", "description": "Publish a track.", "xp": 50,
                 "rarity": "common", "holders_share": 0.5, "earned_at": "2026-03-01T12:00:00+00:00",
                 "progress": {"current": 1, "target": 1}, "internal": "not for clients"}]}
BOARD = {"category": "plays", "period": "all_time", "currency": None, "total": 1, "next": None, "me": None,
         "items": [{"rank": 1, "artist": {"id": ARTIST_ID, "name": "Ana", "verified": False}, "value": 3}]}
GROWTH = {"plays_last_30_days": 3, "plays_previous_30_days": 0, "status": "rising"}


def calls_of(rpc, service, method):
    return [c["kwargs"] for c in rpc.calls if (c["service"], c["method"]) == (service, method)]


PRODUCER_ROUTES = [
    ("GET", "/api/v1/producer/progress?artist=not-a-uuid"),
    ("POST", "/api/v1/producer/progress/refresh?artist=not-a-uuid"),
    ("GET", "/api/v1/producer/progress/history?limit=0"),
    ("GET", "/api/v1/producer/dashboard?artist=x"),
    ("GET", "/api/v1/producer/activity?artist=x"),
    ("GET", "/api/v1/producer/beats?status=gone"),
    ("GET", "/api/v1/producer/collections?limit=101"),
]


@pytest.mark.parametrize(("method", "path"), PRODUCER_ROUTES)
def test_a_non_producer_gets_403_before_anything_is_validated(http, rpc, method, path):
    rpc.answers[ACTOR_CHECK] = Forbidden("only producers can do this")
    response = http.open(path, method=method, headers=bearer())
    assert response.status_code == 403
    assert [c["kwargs"] for c in rpc.calls] == [{"actor_id": USER_ID, "role": "producer"}]


@pytest.mark.parametrize(("method", "path"), PRODUCER_ROUTES)
def test_a_producer_s_bad_query_is_422_before_any_rpc(http, rpc, method, path):
    response = http.open(path, method=method, headers=bearer())
    assert response.status_code == 422, response.get_json()
    assert rpc.calls == []


@pytest.mark.parametrize(("method", "path"), PRODUCER_ROUTES)
def test_producer_routes_need_a_token(http, rpc, method, path):
    assert http.open(path, method=method).status_code == 401
    assert rpc.calls == [] and rpc.actor_checks == []


@pytest.mark.parametrize(("method", "path", "rpc_method"), [
    ("GET", "/api/v1/producer/progress", "progress"),
    ("POST", "/api/v1/producer/progress/refresh", "refresh_progress"),
])
def test_progress_defaults_to_the_callers_page_and_takes_another(http, rpc, method, path, rpc_method):
    rpc.answers[("gamification", rpc_method)] = PROGRESS
    own = http.open(path, method=method, headers=bearer())
    other = http.open(f"{path}?artist={ARTIST_ID}", method=method, headers=bearer())
    assert own.status_code == other.status_code == 200
    assert calls_of(rpc, "gamification", rpc_method) == [{"actor_id": USER_ID, "artist_id": None},
                                                          {"actor_id": USER_ID, "artist_id": ARTIST_ID}]
    body = own.get_json()
    assert body["xp"] == 125 and body["next_level_xp"] == 500
    assert body["achievements"][0]["progress"] == {"current": 1, "target": 1}
    assert "internal" not in body["achievements"][0]  # only the declared fields reach a client


def test_someone_elses_page_is_the_services_404(http, rpc):
    rpc.answers[("gamification", "progress")] = NotFound("artist not found")
    assert http.get(f"/api/v1/producer/progress?artist={ARTIST_ID}", headers=bearer()).status_code == 404


def test_the_xp_history_is_paged_in_the_list_envelope(http, rpc):
    entry = {"id": TRACK_ID, "amount": -100, "reason": "track_deleted", "track_id": TRACK_ID, "achievement": None,
             "event_id": None, "created_at": "2026-03-01T12:00:00+00:00"}
    rpc.answers[("gamification", "xp_history")] = {"items": [entry], "total": 1, "next": "abc"}
    response = http.get(f"/api/v1/producer/progress/history?artist={ARTIST_ID}&cursor=xyz&limit=5", headers=bearer())
    assert response.status_code == 200
    assert response.get_json() == {"items": [entry], "total": 1, "next": "abc"}
    assert calls_of(rpc, "gamification", "xp_history") == [
        {"actor_id": USER_ID, "artist_id": ARTIST_ID, "cursor": "xyz", "limit": 5}]


def test_the_achievements_tab_asks_gamification_with_the_caller(http, rpc):
    rpc.answers[("gamification", "artist_achievements")] = PROGRESS
    response = http.get(f"/api/v1/artists/{ARTIST_ID}/achievements", headers=bearer())
    assert response.status_code == 200 and response.get_json()["title"] == "Novice"
    assert calls_of(rpc, "gamification", "artist_achievements") == [{"actor_id": USER_ID, "artist_id": ARTIST_ID}]
    assert rpc.actor_checks == [USER_ID]


def test_the_achievements_tab_of_someone_else_is_404_and_needs_a_token(http, rpc):
    rpc.answers[("gamification", "artist_achievements")] = NotFound("artist not found")
    assert http.get(f"/api/v1/artists/{ARTIST_ID}/achievements", headers=bearer()).status_code == 404
    assert http.get(f"/api/v1/artists/{ARTIST_ID}/achievements").status_code == 401
    assert http.get("/api/v1/artists/not-a-uuid/achievements", headers=bearer()).status_code == 404


# -- leaderboards --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("category", LEADERBOARD_CATEGORIES)
def test_every_category_is_public_with_its_defaults(http, rpc, category):
    rpc.answers[("gamification", "leaderboard")] = {**BOARD, "category": category}
    response = http.get(f"/api/v1/leaderboards/{category}")
    assert response.status_code == 200 and response.get_json()["category"] == category
    assert calls_of(rpc, "gamification", "leaderboard") == [
        {"category": category, "period": "all_time", "currency": None, "cursor": None, "limit": 20,
         "actor_id": None}]
    assert rpc.actor_checks == []


def test_an_unknown_category_is_404_naming_the_seven(http, rpc):
    response = http.get("/api/v1/leaderboards/likes")
    assert response.status_code == 404
    assert response.get_json()["details"]["expected"]["category"] == list(LEADERBOARD_CATEGORIES)
    assert rpc.calls == []


def test_a_valid_token_asks_for_me(http, rpc):
    rpc.answers[("gamification", "leaderboard")] = {**BOARD, "me": {"rank": None, "value": 0}}
    response = http.get("/api/v1/leaderboards/earnings?period=month&currency=USD&cursor=abc&limit=50",
                        headers=bearer())
    assert response.status_code == 200 and response.get_json()["me"] == {"rank": None, "value": 0}
    assert calls_of(rpc, "gamification", "leaderboard") == [
        {"category": "earnings", "period": "month", "currency": "USD", "cursor": "abc", "limit": 50,
         "actor_id": USER_ID}]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-token"},
                                     {"Authorization": f"Bearer {make_token(exp=1)}"}])
def test_without_a_valid_token_me_is_not_asked(http, rpc, headers):
    rpc.answers[("gamification", "leaderboard")] = BOARD
    response = http.get("/api/v1/leaderboards/plays", headers=headers)
    assert response.status_code == 200 and response.get_json()["me"] is None
    assert calls_of(rpc, "gamification", "leaderboard")[0]["actor_id"] is None


@pytest.mark.parametrize("query", ["period=week", "currency=cad", "currency=JPY", "limit=0", "limit=101",
                                   "cursor=%25%25", "sort=rank"])
def test_a_bad_leaderboard_query_is_422_before_any_rpc(http, rpc, query):
    response = http.get(f"/api/v1/leaderboards/overall?{query}")
    assert response.status_code == 422, query
    assert rpc.calls == []


# -- Backstage -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "method"), [("/api/v1/producer/dashboard", "dashboard"),
                                              ("/api/v1/producer/activity", "activity")])
def test_dashboard_and_activity_come_from_gamification(http, rpc, path, method):
    reply = {"artist_id": ARTIST_ID, "greeting": "Hi", "stats": {"plays": 0}, "shortcuts": [],
             "days": [{"date": "2026-03-01", "plays": 2, "downloads": 1, "uploads": 0}], "overview": {},
             "downloads": {}}
    rpc.answers[("gamification", method)] = reply
    response = http.get(f"{path}?artist={ARTIST_ID}", headers=bearer())
    assert response.status_code == 200 and response.get_json()["artist_id"] == ARTIST_ID
    assert calls_of(rpc, "gamification", method) == [{"actor_id": USER_ID, "artist_id": ARTIST_ID}]


def test_a_producer_without_a_page_gets_the_services_404(http, rpc):
    rpc.answers[("gamification", "dashboard")] = NotFound("no artist profile")
    response = http.get("/api/v1/producer/dashboard", headers=bearer())
    assert response.status_code == 404 and response.get_json()["message"] == "no artist profile"


def beat(status):
    return {"id": TRACK_ID, "name": "Night Drive", "status": status, "cover_preset": "trap", "growth": GROWTH}


def test_beats_map_the_query_and_link_only_what_is_served(http, rpc):
    rpc.answers[("catalog", "producer_beats")] = {
        "artist_id": ARTIST_ID, "items": [beat("published"), beat("processing")], "total": 2, "next": None,
        "collaborations": [{"artist_id": ARTIST_ID, "name": "Lee", "shared_tracks": 1, "plays": 3,
                            "share_of_plays": 1.0}]}
    response = http.get(f"/api/v1/producer/beats?artist={ARTIST_ID}&status=published&limit=10", headers=bearer())
    assert response.status_code == 200
    published, processing = response.get_json()["items"]
    assert set(published["links"]) == {"stream", "waveform", "cover"} and set(processing["links"]) == {"cover"}
    assert published["growth"] == GROWTH
    assert response.get_json()["collaborations"][0]["share_of_plays"] == 1.0
    assert calls_of(rpc, "catalog", "producer_beats") == [
        {"actor_id": USER_ID, "artist_id": ARTIST_ID, "status": "published", "cursor": None, "limit": 10}]


def test_collections_map_the_query(http, rpc):
    rpc.answers[("catalog", "producer_collections")] = {"artist_id": ARTIST_ID, "items": [], "total": 0,
                                                        "next": None}
    response = http.get("/api/v1/producer/collections?q=night", headers=bearer())
    assert response.status_code == 200 and response.get_json()["items"] == []
    assert calls_of(rpc, "catalog", "producer_collections") == [
        {"actor_id": USER_ID, "artist_id": None, "q": "night", "cursor": None, "limit": 20}]
