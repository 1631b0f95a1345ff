"""Following artist pages through the gateway (issue #13): idempotent follows and their count on the page, the
public Followers tab with usernames, 401 and 404; "New follower" and the monthly "Analytics report" for a verified
producer, none for an unverified one; the report made by the operator's CLI for the month the test plays in
(its clock moved a month ahead, as payouts' is: docs/testing.md) and asked for by an admin over HTTP."""
from __future__ import annotations

import subprocess
import sys
import uuid

import pytest

from services.catalog.audience import rules
from services.common import config
from services.common.clock import utcnow
from tests.e2e.test_beat_requests import listener, notifications, verified_producer
from tests.e2e.test_uploads import make_producer, publish
from tests.support import audio
from tests.support.api import Api

#: the CLI's clock a month ahead (``ANALYTICS_CLOCK_OFFSET_S``), so the month the test plays in has ended for it
MONTH_AHEAD_S = 32 * 86_400


def follow(api: Api, artist_id: str, method: str = "PUT") -> dict:
    response = api.request(method, f"artists/{artist_id}/follow")
    assert response.status_code == 200, response.text
    return response.json()


def followers(api: Api, artist_id: str, **params) -> dict:
    response = api.get(f"artists/{artist_id}/followers", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def of_kind(api: Api, kind: str) -> list[dict]:
    return [n for n in notifications(api, limit=100) if n["kind"] == kind]


def test_following_a_page_is_idempotent_counted_and_listed_with_usernames(platform, admin):
    page = make_producer(platform, admin).artist["id"]
    first, second = listener(platform), listener(platform)
    assert follow(first, page) == {"following": True, "followers_count": 1}
    assert follow(first, page) == {"following": True, "followers_count": 1}  # twice: one follow
    assert follow(second, page) == {"following": True, "followers_count": 2}
    assert Api(platform.url).get(f"artists/{page}").json()["followers_count"] == 2
    tab = followers(Api(platform.url), page)  # public: anyone may read it
    assert tab["total"] == 2 and tab["next"] is None
    assert [item["user"] for item in tab["items"]] == [
        {"id": second.user["id"], "username": second.user["username"]},
        {"id": first.user["id"], "username": first.user["username"]}]
    assert all(item["followed_at"] for item in tab["items"])
    paged = followers(Api(platform.url), page, limit=1)
    assert len(paged["items"]) == 1 and paged["next"]
    assert followers(Api(platform.url), page, limit=1, cursor=paged["next"])["items"][0]["user"]["id"] == \
        first.user["id"]
    # following is not liking: Liked Producers stays empty
    assert first.get(f"users/{first.user['id']}/liked-producers").json()["total"] == 0
    assert follow(first, page, "DELETE") == {"following": False, "followers_count": 1}
    assert follow(first, page, "DELETE") == {"following": False, "followers_count": 1}
    assert [item["user"]["id"] for item in followers(Api(platform.url), page)["items"]] == [second.user["id"]]


def test_anonymous_callers_are_401_and_unknown_pages_404(platform, admin):
    page = make_producer(platform, admin).artist["id"]
    anonymous, fan, unknown = Api(platform.url), listener(platform), str(uuid.uuid4())
    for method in ("PUT", "DELETE"):
        refused = anonymous.request(method, f"artists/{page}/follow")
        assert refused.status_code == 401 and refused.json()["error"] == "unauthorized"
        missing = fan.request(method, f"artists/{unknown}/follow")
        assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    assert anonymous.get(f"artists/{unknown}/followers").status_code == 404
    assert fan.put("artists/not-an-id/follow").status_code == 404
    assert fan.get(f"artists/{page}/followers", params={"limit": 0}).status_code == 422
    assert followers(anonymous, page)["total"] == 0  # nothing was stored


def test_a_verified_owner_hears_of_each_new_follower_once_and_an_unverified_one_never(platform, admin):
    verified = verified_producer(platform, admin, ["trap"])
    unverified = make_producer(platform, admin)
    fan = listener(platform)
    for page in (verified.artist["id"], unverified.artist["id"]):
        follow(fan, page)
        follow(fan, page, "DELETE")
        follow(fan, page)  # back again: no second notification
    [told] = of_kind(verified, "new_follower")
    assert told["payload"] == {"artist_id": verified.artist["id"], "artist_name": verified.artist["name"],
                               "follower_user_id": fan.user["id"], "follower_username": fan.user["username"],
                               "followers_count": 1}
    assert notifications(unverified) == []


def run_reports(platform, *args: str) -> subprocess.CompletedProcess:
    env = {**platform.env, "PYTHONPATH": str(config.ROOT), "ANALYTICS_CLOCK_OFFSET_S": str(MONTH_AHEAD_S)}
    return subprocess.run([sys.executable, "-m", "services.catalog.cli", "analytics-reports", *args], env=env,
                          cwd=config.ROOT, capture_output=True, text=True, timeout=120)


def play_through(api: Api, track: dict) -> None:
    duration = track["audio"]["duration_s"]
    response = api.post(f"tracks/{track['id']}/plays", json={"position_s": duration, "duration_s": duration})
    assert response.status_code == 200 and response.json()["counted"], response.text


def test_the_monthly_analytics_report_tells_a_verified_producer_the_months_numbers(platform, admin, tmp_path):
    month = str(rules.month_of(utcnow()))
    verified, unverified = verified_producer(platform, admin, ["trap"]), make_producer(platform, admin)
    tracks = {}
    for n, producer in enumerate((verified, unverified)):
        wav = audio.make_wav(tmp_path / f"beat{n}.wav", seconds=12, seed=uuid.uuid4().int % 100_000)
        tracks[producer.artist["id"]] = publish(producer, wav)
    fans = [listener(platform) for _ in range(3)]
    for page, track in tracks.items():
        for fan in fans:  # 3 counted plays
            play_through(fan, track)
        for fan in fans[:2]:  # 2 new followers
            follow(fan, page)
        assert fans[0].put(f"likes/tracks/{track['id']}").status_code == 200  # 3 likes: 2 of the track,
        assert fans[1].put(f"likes/tracks/{track['id']}").status_code == 200
        assert fans[2].put(f"likes/producers/{page}").status_code == 200  # 1 of the page
    pages = [arg for page in tracks for arg in ("--artist", page)]
    done = run_reports(platform, "--month", month, *pages)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"analytics reports {month}: 1 made" in done.stdout  # the verified producer's page only
    [report] = of_kind(verified, "analytics_report")
    assert report["payload"] == {"artist_id": verified.artist["id"], "artist_name": verified.artist["name"],
                                 "month": month, "plays": 3, "likes": 3, "new_followers": 2, "followers_count": 2}
    assert of_kind(unverified, "analytics_report") == [] and notifications(unverified) == []
    again = run_reports(platform, "--month", month, *pages)
    assert again.returncode == 0 and f"analytics reports {month}: 0 made" in again.stdout
    assert sorted(n["kind"] for n in notifications(verified)) == ["analytics_report", "new_follower",
                                                                   "new_follower"]  # no second report


def test_admins_ask_for_a_finished_months_reports_over_http(platform, admin):
    verified = verified_producer(platform, admin, ["trap"])
    current = rules.month_of(utcnow())
    refused = verified.post("admin/analytics-reports", json={})
    assert refused.status_code == 403
    assert Api(platform.url).post("admin/analytics-reports", json={}).status_code == 401
    assert admin.post("admin/analytics-reports", json={"month": "2026-13"}).status_code == 422
    unfinished = admin.post("admin/analytics-reports", json={"month": str(current)})
    assert unfinished.status_code == 409 and unfinished.json()["details"]["month"] == str(current)
    made = admin.post("admin/analytics-reports", json={})
    assert made.status_code == 200, made.text
    assert made.json()["month"] == str(current.previous()) and made.json()["reports"] >= 1
    again = admin.post("admin/analytics-reports", json={"month": str(current.previous())})
    assert again.json() == {"month": str(current.previous()), "reports": 0}
    [report] = of_kind(verified, "analytics_report")
    assert report["payload"]["month"] == str(current.previous())
    assert (report["payload"]["plays"], report["payload"]["new_followers"]) == (0, 0)


@pytest.mark.parametrize("body", [{"month": "soon"}, {"month": 202602}, {"period": "2026-02"}])
def test_a_bad_reports_body_is_422(admin, body):
    response = admin.post("admin/analytics-reports", json=body)
    assert response.status_code == 422, response.text


def test_an_artist_page_tells_each_caller_whether_they_follow_it(platform, admin):
    page = make_producer(platform, admin).artist["id"]
    a, b = listener(platform), listener(platform)
    viewer = lambda api: api.get(f"artists/{page}").json()["viewer"]  # noqa: E731
    assert viewer(Api(platform.url)) is None  # anonymous
    assert viewer(a) == {"following": False}
    follow(a, page)
    assert viewer(a) == {"following": True}
    assert viewer(b) == {"following": False}  # A's follow is not B's
    assert b.put(f"likes/producers/{page}").status_code == 200  # liking is not following
    assert viewer(b) == {"following": False}
    follow(a, page, "DELETE")
    assert viewer(a) == {"following": False}
