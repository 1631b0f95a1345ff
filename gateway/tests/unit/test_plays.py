"""The plays endpoints: the body checked before any RPC, the RPC's arguments, the history's shape."""
from __future__ import annotations

import pytest

from gateway.tests.unit.support import USER_ID, bearer

TRACK_ID = "7a1c2a3e-0000-4000-8000-000000000003"


def test_a_report_passes_the_actor_and_the_numbers_and_returns_the_verdict(http, rpc):
    verdict = {"counted": True, "reason": "counted", "play_count": 7, "next_count_at": "2026-11-26T13:00:00+00:00"}
    rpc.answers[("catalog", "report_play")] = verdict
    response = http.post(f"/api/v1/tracks/{TRACK_ID}/plays", json={"position_s": 31, "duration_s": 180.5},
                         headers=bearer())
    assert response.status_code == 200 and response.get_json() == verdict
    [call] = rpc.calls
    assert (call["service"], call["method"]) == ("catalog", "report_play")
    assert call["kwargs"] == {"actor_id": USER_ID, "track_id": TRACK_ID, "position_s": 31.0, "duration_s": 180.5}


@pytest.mark.parametrize("body, field", [
    ({"position_s": -1, "duration_s": 180}, "position_s"),
    ({"position_s": 31, "duration_s": 0}, "duration_s"),
    ({"position_s": "31", "duration_s": 180}, "position_s"),
    ({"position_s": True, "duration_s": 180}, "position_s"),
    ({"duration_s": 180}, "position_s"),
    ({"position_s": 31, "duration_s": 180, "counted": True}, "counted"),
])
def test_an_impossible_report_is_422_without_an_rpc(http, rpc, body, field):
    response = http.post(f"/api/v1/tracks/{TRACK_ID}/plays", json=body, headers=bearer())
    assert response.status_code == 422 and field in response.get_json()["details"]
    assert rpc.calls == []


def test_reports_and_history_need_a_token(http, rpc):
    assert http.post(f"/api/v1/tracks/{TRACK_ID}/plays", json={"position_s": 31, "duration_s": 180}).status_code == 401
    assert http.get("/api/v1/me/history").status_code == 401
    assert rpc.calls == []


def test_history_items_carry_a_track_summary_with_links(http, rpc):
    track = {"id": TRACK_ID, "name": "Night Drive", "artists": ["Jane"], "artist_id": USER_ID, "status": "published",
             "has_cover": False, "cover_preset": "trap", "collection_id": None}
    entry = {"id": "e1", "track": track, "started_at": "2026-11-26T12:00:00+00:00",
             "listened_at": "2026-11-26T12:01:00+00:00", "position_s": 31.0, "counted": True}
    rpc.answers[("catalog", "list_history")] = {"items": [entry], "total": 1, "next": "abc"}
    response = http.get("/api/v1/me/history?limit=5&cursor=xyz", headers=bearer())
    assert response.status_code == 200
    body = response.get_json()
    assert (body["total"], body["next"]) == (1, "abc")
    [item] = body["items"]
    assert item["track"] == {"id": TRACK_ID, "name": "Night Drive", "artists": ["Jane"], "artist_id": USER_ID,
                             "links": {"stream": f"/api/v1/tracks/{TRACK_ID}/stream",
                                       "waveform": f"/api/v1/tracks/{TRACK_ID}/waveform",
                                       "cover": f"/api/v1/tracks/{TRACK_ID}/cover"}}
    assert (item["position_s"], item["counted"], item["listened_at"]) == (31.0, True, entry["listened_at"])
    [call] = rpc.calls
    assert call["kwargs"] == {"actor_id": USER_ID, "cursor": "xyz", "limit": 5}
    assert http.get("/api/v1/me/history?limit=101", headers=bearer()).status_code == 422
