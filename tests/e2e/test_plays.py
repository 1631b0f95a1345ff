"""Plays and listening history through the gateway: the anti-repeat rule, play counts on track views,
refusals that change nothing, and the listener's history pages."""
from __future__ import annotations

import uuid

import pytest

from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.e2e.test_uploads import make_producer, publish
from tests.support import audio
from tests.support.api import Api


def seed() -> int:
    return uuid.uuid4().int % 1_000_000


@pytest.fixture(scope="module")
def shelf(platform, tmp_path_factory):
    """One producer with a 40 s track (counts at 30 s) and an 11 s one (counts at 80 %: 8.8 s)."""
    admin = Api(platform.url)
    admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    producer = make_producer(platform, admin)
    folder = tmp_path_factory.mktemp("plays")
    long = publish(producer, audio.make_wav(folder / "long.wav", seconds=40, channels=1, seed=seed()))
    short = publish(producer, audio.make_wav(folder / "short.wav", seconds=11, channels=1, seed=seed()))
    return {"producer": producer, "long": long, "short": short}


def listener(platform) -> Api:
    api = Api(platform.url)
    api.register()
    return api


def duration(track: dict) -> float:
    return track["audio"]["duration_s"]


def play(api: Api, track: dict, position_s: float):
    return api.post(f"tracks/{track['id']}/plays", json={"position_s": position_s, "duration_s": duration(track)})


def played(api: Api, track: dict, position_s: float) -> dict:
    response = play(api, track, position_s)
    assert response.status_code == 200, response.text
    return response.json()


def play_count(track: dict, platform) -> int:
    response = Api(platform.url).get(f"tracks/{track['id']}")
    assert response.status_code == 200, response.text
    return response.json()["play_count"]


def test_a_play_counts_once_per_listener_per_hour_and_never_for_the_producer(platform, shelf):
    track, producer = shelf["long"], shelf["producer"]
    start = play_count(track, platform)
    first = listener(platform)
    counted = played(first, track, 31)
    assert (counted["counted"], counted["reason"], counted["play_count"]) == (True, "counted", start + 1)
    assert counted["next_count_at"]
    again = played(first, track, 35)
    assert (again["counted"], again["reason"], again["play_count"]) == (False, "already_counted_this_hour",
                                                                         start + 1)
    assert again["next_count_at"] == counted["next_count_at"]
    second = played(listener(platform), track, 30)
    assert (second["counted"], second["play_count"]) == (True, start + 2)
    own = played(producer, track, duration(track))
    assert (own["counted"], own["reason"], own["next_count_at"], own["play_count"]) == (
        False, "own_track", None, start + 2)
    assert played(listener(platform), track, 29.5)["reason"] == "too_early"
    assert play_count(track, platform) == start + 2
    listed = Api(platform.url).get("tracks", params={"producer": producer.artist["id"]}).json()["items"]
    assert {item["id"]: item["play_count"] for item in listed}[track["id"]] == start + 2


def test_a_short_track_counts_at_80_percent(platform, shelf):
    track = shelf["short"]
    assert duration(track) == pytest.approx(11.0, abs=0.05)
    api = listener(platform)
    assert played(api, track, 8.7)["reason"] == "too_early"
    assert played(api, track, 8.8)["reason"] == "counted"


@pytest.mark.parametrize("body, field", [
    ({"position_s": 50, "duration_s": 40}, "position_s"),       # past the end (+1 s tolerance)
    ({"position_s": -1, "duration_s": 40}, "position_s"),
    ({"position_s": 31, "duration_s": 0}, "duration_s"),
    ({"position_s": 31, "duration_s": 60}, "duration_s"),       # not this track's duration
    ({"position_s": 31, "duration_s": 30}, "duration_s"),
    ({"position_s": "31", "duration_s": 40}, "position_s"),
    ({"position_s": 31}, "duration_s"),
    ({"position_s": 31, "duration_s": 40, "counted": True}, "counted"),
])
def test_impossible_reports_are_422_and_change_nothing(platform, shelf, body, field):
    track = shelf["long"]
    before = play_count(track, platform)
    api = listener(platform)
    response = api.post(f"tracks/{track['id']}/plays", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "invalid" and field in response.json()["details"]
    assert play_count(track, platform) == before
    assert api.get("me/history").json() == {"items": [], "total": 0, "next": None}


def test_anonymous_reports_are_401_and_unknown_tracks_404(platform, shelf):
    assert Api(platform.url).post(f"tracks/{shelf['long']['id']}/plays",
                                  json={"position_s": 31, "duration_s": 40}).status_code == 401
    assert Api(platform.url).get("me/history").status_code == 401
    api = listener(platform)
    missing = api.post(f"tracks/{uuid.uuid4()}/plays", json={"position_s": 31, "duration_s": 40})
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


def test_history_lists_sessions_newest_first_in_pages_and_forgets_deleted_tracks(platform, shelf, tmp_path):
    producer = shelf["producer"]
    doomed = publish(producer, audio.make_wav(tmp_path / "doomed.wav", seconds=11, channels=1, seed=seed()))
    api = listener(platform)
    played(api, shelf["long"], 5)
    played(api, shelf["long"], 31)          # the same session: one entry, now counted
    played(api, shelf["short"], 2)
    played(api, doomed, 9)
    own = played(producer, shelf["short"], 3)  # the producer's own listening is their history too
    assert own["reason"] == "own_track"

    first = api.get("me/history", params={"limit": 2})
    assert first.status_code == 200, first.text
    page = first.json()
    assert page["total"] == 3 and page["next"]
    assert [item["track"]["id"] for item in page["items"]] == [doomed["id"], shelf["short"]["id"]]
    rest = api.get("me/history", params={"limit": 2, "cursor": page["next"]}).json()
    [entry] = rest["items"]
    assert rest["next"] is None
    assert (entry["track"]["id"], entry["position_s"], entry["counted"]) == (shelf["long"]["id"], 31.0, True)
    assert entry["listened_at"] >= entry["started_at"]
    summary = entry["track"]
    assert set(summary) == {"id", "name", "artists", "artist_id", "links"}
    assert summary["name"] == shelf["long"]["name"] and summary["artists"] == shelf["long"]["artists"]
    assert summary["links"]["cover"].endswith(f"/api/v1/tracks/{summary['id']}/cover")
    assert summary["links"]["stream"].endswith(f"/api/v1/tracks/{summary['id']}/stream")

    producer_history = producer.get("me/history").json()
    assert [item["track"]["id"] for item in producer_history["items"]][:1] == [shelf["short"]["id"]]

    assert producer.delete(f"tracks/{doomed['id']}").status_code == 204
    after = api.get("me/history").json()
    assert [item["track"]["id"] for item in after["items"]] == [shelf["short"]["id"], shelf["long"]["id"]]
    assert after["total"] == 2
    assert api.get("me/history", params={"limit": 0}).status_code == 422
    assert api.get("me/history", params={"cursor": "not-a-cursor"}).status_code == 422
