"""The artist search, the pages a producer manages, and ``artist=`` on /me/artist: validated by the gateway,
decided by the catalog."""
from __future__ import annotations

import pytest

from gateway.tests.unit.support import ACTOR_CHECK, USER_ID, bearer
from gateway.tests.unit.uploads_support import ARTIST_ID
from services.contracts.errors import Forbidden, NotFound

MATCH = {"id": ARTIST_ID, "name": "Ana Beats", "verified": False, "claim_status": "available", "user_id": USER_ID}
MINE = {"id": ARTIST_ID, "name": "Ana Beats", "verified": True, "claim_status": "claimed",
        "created_at": "2026-03-01T12:00:00+00:00", "claimed_at": "2026-03-01T12:00:00+00:00",
        "uploads_this_month": 1, "monthly_commitment": 2}


def test_the_search_is_public_and_passes_q_and_the_page(http, rpc):
    rpc.answers[("catalog", "search_artists")] = {"items": [MATCH], "total": 1, "next": None}
    response = http.get("/api/v1/artists", query_string={"q": " ana ", "limit": "5", "cursor": "abc"})
    assert response.status_code == 200
    assert response.get_json() == {"items": [{"id": ARTIST_ID, "name": "Ana Beats", "verified": False,
                                              "claim_status": "available"}], "total": 1, "next": None}
    (call,) = rpc.calls
    assert call["kwargs"] == {"q": " ana ", "cursor": "abc", "limit": 5}  # the catalog trims
    assert rpc.actor_checks == []


@pytest.mark.parametrize("query", [{}, {"q": ""}, {"q": "a"}, {"q": "   a   "}, {"q": "x" * 101}])
def test_a_missing_or_too_short_q_is_422_without_calling_the_catalog(http, rpc, query):
    response = http.get("/api/v1/artists", query_string=query)
    assert response.status_code == 422 and list(response.get_json()["details"]) == ["q"]
    assert rpc.calls == []


def test_my_artists_is_for_producers_and_lists_every_page(http, rpc):
    rpc.answers[("catalog", "my_artists")] = {"items": [MINE, {**MINE, "id": USER_ID}], "total": 2, "next": None}
    response = http.get("/api/v1/me/artists", headers=bearer())
    assert response.status_code == 200
    assert response.get_json()["items"][0] == MINE and response.get_json()["total"] == 2
    assert rpc.actor_checks == [USER_ID]  # the producer role, asked of accounts
    assert [(call["method"], call["kwargs"]) for call in rpc.calls] == [("my_artists", {"actor_id": USER_ID})]
    assert http.get("/api/v1/me/artists").status_code == 401
    rpc.answers[ACTOR_CHECK] = Forbidden("only producers can do this")
    assert http.get("/api/v1/me/artists", headers=bearer()).status_code == 403


def test_my_artist_takes_the_page_to_show(http, rpc):
    rpc.answers[("catalog", "get_my_artist")] = NotFound("artist not found")
    response = http.get("/api/v1/me/artist", query_string={"artist": ARTIST_ID}, headers=bearer())
    assert response.status_code == 404
    assert rpc.calls[-1]["kwargs"] == {"actor_id": USER_ID, "artist_id": ARTIST_ID}
    assert http.get("/api/v1/me/artist", query_string={"artist": "x"}, headers=bearer()).status_code == 422
