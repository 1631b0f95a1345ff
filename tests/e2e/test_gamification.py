"""Gamification end to end, through the gateway (issue #12's "Done when"): after a scripted scenario — uploads, a
collaboration, counted plays from several listeners, a licence, an exclusive sale, then every event redelivered
and a track's events arriving in reverse order — XP, levels, achievements, the seven leaderboards (both periods),
the activity series and the Backstage lists equal the values worked out by hand below; redelivery changes nothing
and Refresh gives the same numbers.

The numbers (docs/business-rules.md "XP, levels, achievements, leaderboards"; docs/gamification.md):
Ana (producer A) publishes T1 (complete metadata, crediting Bo), T2 (complete), T3 (an exclusive, 9 of 12 fields:
incomplete); Bo (producer B) publishes T4 (complete). Listeners play T1 three times, T2 twice, T4 once. A subscriber
licenses T1; a buyer buys T3's exclusive (50,000 cents CAD: an exclusive licence, and payouts credits the price).
A fifth track of Ana's, T5, exists only as events, sent straight to gamification's queues with its publication
last: a play, Bo credited on it, its metadata completed, then `track_published`.

    Ana: published 4 × 100 + complete 3 × 50 + plays 6 × 1 = 556, achievements first_upload 50, first_license 100,
         first_exclusive_sale 500, first_earnings 100 = 750 → 1,306 XP: level 2 Apprentice (500 → 1,500)
    Bo:  published 100 + complete 50 + plays 1 + collaborations 2 × 25 = 201, achievements first_upload 50,
         first_collaboration 50 → 301 XP: level 1 Novice (0 → 500)

Leaderboards are global on the shared test platform, so they are checked through each producer's own row and
`me`, and for consistency of the whole board (ranks by competition ranking of the values), not absolute ranks.
"""
from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import pytest
from kombu import Connection

from services.common.messaging.publisher import ConfirmedPublisher
from services.contracts.events import (COLLABORATION_CREDITED, PLAY_RECORDED, REGISTRY, TRACK_METADATA_COMPLETED,
                                       TRACK_PUBLISHED, build_event)
from services.contracts.rpc.gamification import LEADERBOARD_CATEGORIES, LEADERBOARD_PERIODS
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.e2e.test_licensing import EXCLUSIVE, PRICE_CENTS, checkout, exclusive_licence, pay_on_hosted_page
from tests.e2e.test_uploads import make_producer, publish
from tests.support import audio
from tests.support.api import Api
from tests.support.billing import EventTap, Subscriber

GAMIFICATION = "gamification"
CONSUMED = tuple(event.name for event in REGISTRY.consumed_by(GAMIFICATION))
COMPLETE = {"description": "Slow synths over hard drums."}  # the 10th of 12 fields: 0.8333 ≥ 0.8, complete
SETTLE_S = 45.0

# -- the hand-computed expectations ------------------------------------------------------------------------------

ANA_XP = 4 * 100 + 3 * 50 + 6 * 1 + (50 + 100 + 500 + 100)
BO_XP = 100 + 50 + 1 + 2 * 25 + (50 + 50)
ANA_EARNED = {"first_upload", "first_license", "first_exclusive_sale", "first_earnings"}
BO_EARNED = {"first_upload", "first_collaboration"}
ANA_HISTORY = {"track_published": 4, "metadata_complete": 3, "play": 6, "achievement": 4}
BO_HISTORY = {"track_published": 1, "metadata_complete": 1, "play": 1, "collaboration": 2, "achievement": 2}
ANA_ACTIVITY_TODAY = {"plays": 6, "downloads": 2, "uploads": 4}  # downloads: the standard and the exclusive licence
#: each board's value for Ana and Bo; None: unranked (`me.rank` null; no row)
BOARDS = {
    "uploads": (4, 1),
    "plays": (6, 1),
    "points": (ANA_XP, BO_XP),
    "quality": (0.75, None),  # 3 of Ana's 4 published tracks complete; Bo has fewer than 3 published
    "earnings": (PRICE_CENTS, None),
    "collab": (None, 2),
    "overall": (ANA_XP + 1_000 * 0.75, BO_XP),  # points + 1,000 × quality (docs/gamification.md "Overall")
}


def eventually(check: Callable[[], Any], timeout: float = SETTLE_S, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while not (answer := check()):
        assert time.monotonic() < deadline, f"not within {timeout:.0f} s: {what}"
        time.sleep(0.25)
    return answer


def ok(response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    return response.json()


def progress(api: Api) -> dict[str, Any]:
    return ok(api.get("producer/progress"))


def listener(platform) -> Api:
    api = Api(platform.url)
    api.register()
    return api


def play_through(api: Api, track: dict[str, Any]) -> None:
    duration = track["audio"]["duration_s"]
    answer = ok(api.post(f"tracks/{track['id']}/plays", json={"position_s": duration, "duration_s": duration}))
    assert answer["counted"], answer


# -- straight onto gamification's queues: what a redelivery or a late event looks like to it ---------------------

class GamificationQueues:
    """Publishes events to gamification's own durable queues only (the default exchange, routing key = queue), so
    the other consumers of the same events (payouts' pool split of this month) are not disturbed."""

    def __init__(self, amqp_uri: str):
        self.amqp_uri = amqp_uri
        self.publisher = ConfirmedPublisher(amqp_uri)

    def send(self, name: str, body: dict[str, Any]) -> None:
        self.publisher.publish(body, routing_key=REGISTRY[name].queue_name(GAMIFICATION), exchange="",
                               message_id=body["event_id"])

    def drained(self) -> bool:
        with Connection(self.amqp_uri) as connection:
            channel = connection.default_channel
            return all(channel.queue_declare(REGISTRY[name].queue_name(GAMIFICATION), passive=True).message_count
                       == 0 for name in CONSUMED)

    def settle(self) -> None:
        eventually(self.drained, what="gamification's queues drained")
        time.sleep(1.0)  # the last deliveries taken are acknowledged once handled

    def close(self) -> None:
        self.publisher.close()


# -- the scenario, once per platform --------------------------------------------------------------------------------

class Scenario:
    ana: Api
    bo: Api
    tracks: dict[str, dict[str, Any]]
    captured: list[dict[str, Any]]
    late: list[tuple[str, dict[str, Any]]]


def late_track_events(ana: Api, bo: Api) -> list[tuple[str, dict[str, Any]]]:
    """T5's events, its publication last: gamification keeps the facts of a track it has not seen published."""
    track_id, now = str(uuid.uuid4()), datetime.now(timezone.utc)
    ana_page, bo_page = ana.artist["id"], bo.artist["id"]
    return [
        (PLAY_RECORDED.name, build_event(PLAY_RECORDED, {
            "play_id": str(uuid.uuid4()), "track_id": track_id, "listener_user_id": str(uuid.uuid4()),
            "producer_user_id": ana.user["id"], "artist_id": ana_page, "collaborator_artist_ids": [bo_page],
            "duration_s": 12.0, "position_s": 12.0, "played_at": now.isoformat()})),
        (COLLABORATION_CREDITED.name, build_event(COLLABORATION_CREDITED, {
            "track_id": track_id, "artist_id": bo_page, "credited_by_artist_id": ana_page})),
        (TRACK_METADATA_COMPLETED.name, build_event(TRACK_METADATA_COMPLETED, {
            "track_id": track_id, "producer_user_id": ana.user["id"], "completeness": 0.9167})),
        (TRACK_PUBLISHED.name, build_event(TRACK_PUBLISHED, {
            "track_id": track_id, "artist_id": ana_page, "producer_user_id": ana.user["id"],
            "collaborator_artist_ids": [bo_page], "licensing_model": "standard", "genres": ["trap"],
            "published_at": (now - timedelta(seconds=1)).isoformat()})),
    ]


def ours(event: dict[str, Any], users: set[str], pages: set[str], tracks: set[str]) -> bool:
    return bool({str(event.get(key)) for key in ("user_id", "producer_user_id")} & users
                or {str(event.get(key)) for key in ("artist_id", "credited_by_artist_id")} & pages
                or str(event.get("track_id")) in tracks)


@pytest.fixture(scope="module")
def scenario(platform, tmp_path_factory) -> Scenario:
    platform.stripe.auto_deliver = True
    tap = EventTap(platform.env["AMQP_URI"], CONSUMED)
    queues = GamificationQueues(platform.env["AMQP_URI"])
    try:
        admin = Api(platform.url)
        admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        ana, bo = make_producer(platform, admin), make_producer(platform, admin)
        folder = tmp_path_factory.mktemp("gamification")

        def wav(name: str):
            return audio.make_wav(folder / f"{name}.wav", channels=1, seed=uuid.uuid4().int % 10**6)

        tracks = {"t1": publish(ana, wav("t1"), collaborators=[bo.artist["id"]], **COMPLETE),
                  "t2": publish(ana, wav("t2"), **COMPLETE),
                  "t3": publish(ana, wav("t3"), **EXCLUSIVE),
                  "t4": publish(bo, wav("t4"), **COMPLETE)}
        assert [tracks[t]["metadata_completeness"] >= 0.8 for t in ("t1", "t2", "t3", "t4")] == [
            True, True, False, True]

        listeners = [listener(platform) for _ in range(3)]
        for who, track in ((0, "t1"), (1, "t1"), (2, "t1"), (0, "t2"), (1, "t2"), (0, "t4")):
            play_through(listeners[who], tracks[track])

        member = Subscriber(Api(platform.url), platform.stripe)
        member.subscribe("classic")
        assert member.api.post(f"tracks/{tracks['t1']['id']}/download").status_code == 201

        buyer = listener(platform)
        pay_on_hosted_page(checkout(buyer, tracks["t3"]["id"]))
        exclusive_licence(buyer)

        late = late_track_events(ana, bo)
        for name, body in late[:-1]:
            queues.send(name, body)
        queues.settle()  # the play, the credit and the completion are in before the publication
        queues.send(*late[-1])

        eventually(lambda: progress(ana)["xp"] == ANA_XP and progress(bo)["xp"] == BO_XP,
                   what=f"Ana at {ANA_XP} XP and Bo at {BO_XP} XP")
        queues.settle()
        users, pages = {ana.user["id"], bo.user["id"]}, {ana.artist["id"], bo.artist["id"]}
        ids = {track["id"] for track in tracks.values()}
        seen = tap.wait_for(lambda event: True, count=10**9, timeout=1.0)  # everything the tap holds
        captured = [event for event in seen if ours(event, users, pages, ids)]
        assert {event["event"] for event in captured} >= {"track_published", "track_metadata_completed",
                                                          "collaboration_credited", "play_recorded",
                                                          "license_issued", "exclusive_sold", "earnings_credited"}
        result = Scenario()
        result.ana, result.bo, result.tracks, result.captured, result.late = ana, bo, tracks, captured, late
        yield result
    finally:
        tap.close()
        queues.close()


# -- the checks -----------------------------------------------------------------------------------------------------

def earned(body: dict[str, Any]) -> set[str]:
    return {item["code"] for item in body["achievements"] if item["earned_at"] is not None}


def check_progress(body: dict[str, Any], xp: int, level: int, title: str, floor: int, following: int,
                   codes: set[str]) -> None:
    assert (body["xp"], body["level"], body["title"], body["level_floor_xp"], body["next_level_xp"]) == (
        xp, level, title, floor, following)
    assert earned(body) == codes
    assert len(body["achievements"]) >= 15
    for item in body["achievements"]:
        assert 0 <= item["xp"] <= 10_000 and item["rarity"] in ("common", "uncommon", "rare", "epic", "legendary")
        assert (item["progress"]["current"] >= item["progress"]["target"]) == (item["code"] in codes), item


def check_everything(scenario: Scenario) -> dict[str, Any]:
    """Every number of the scenario; returns what was read, for comparison after a redelivery."""
    ana, bo = progress(scenario.ana), progress(scenario.bo)
    check_progress(ana, ANA_XP, 2, "Apprentice", 500, 1_500, ANA_EARNED)
    check_progress(bo, BO_XP, 1, "Novice", 0, 500, BO_EARNED)
    plays = {item["code"]: item["progress"] for item in ana["achievements"]}["plays_100"]
    assert plays == {"current": 6, "target": 100}
    histories = {name: history(api) for name, api in (("ana", scenario.ana), ("bo", scenario.bo))}
    for name, expected, xp in (("ana", ANA_HISTORY, ANA_XP), ("bo", BO_HISTORY, BO_XP)):
        entries = histories[name]
        assert sum(entry["amount"] for entry in entries) == xp
        assert reasons(entries) == expected
    boards = {(category, period): board_view(scenario, category, period)
              for category in LEADERBOARD_CATEGORIES for period in LEADERBOARD_PERIODS}
    activity = ok(scenario.ana.get("producer/activity"))
    check_activity(activity)
    return {"ana": ana, "bo": bo, "histories": histories, "boards": boards, "activity": activity["days"]}


def history(api: Api) -> list[dict[str, Any]]:
    entries, cursor = [], None
    while True:
        page = ok(api.get("producer/progress/history", params={"limit": 100, **({"cursor": cursor} if cursor else {})}))
        entries += page["items"]
        if not (cursor := page["next"]):
            assert len(entries) == page["total"]
            return entries


def reasons(entries: list[dict[str, Any]]) -> dict[str, int]:
    counted: dict[str, int] = {}
    for entry in entries:
        counted[entry["reason"]] = counted.get(entry["reason"], 0) + 1
    return counted


def whole_board(api: Api, category: str, period: str) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    rows, cursor, me = [], None, None
    while True:
        params = {"period": period, "limit": 100, **({"cursor": cursor} if cursor else {})}
        page = ok(api.get(f"leaderboards/{category}", params=params))
        assert (page["category"], page["period"]) == (category, period)
        rows, me = rows + page["items"], page["me"]
        if not (cursor := page["next"]):
            assert len(rows) == page["total"]
            return rows, me


def board_view(scenario: Scenario, category: str, period: str) -> dict[str, Any]:
    """Ana's and Bo's rows and `me` on one board, after checking the board ranks by value with shared ties."""
    rows, ana_me = whole_board(scenario.ana, category, period)
    values = [row["value"] for row in rows]
    assert values == sorted(values, reverse=True) and all(value > 0 for value in values), (category, period)
    assert [row["rank"] for row in rows] == [1 + sum(v > value for v in values) for value in values]
    found = {row["artist"]["id"]: row for row in rows}
    view = {}
    for name, api, expected in (("ana", scenario.ana, BOARDS[category][0]), ("bo", scenario.bo, BOARDS[category][1])):
        me = ana_me if name == "ana" else whole_board(api, category, period)[1]
        row = found.get(api.artist["id"])
        if expected is None:
            assert me["rank"] is None and row is None, (category, period, name, me)
        else:
            assert me == {"rank": row["rank"], "value": pytest.approx(expected)}, (category, period, name, me)
            assert row["artist"]["name"] == api.artist["name"] and row["artist"]["verified"] is False
        view[name] = me
    return view


def check_activity(activity: dict[str, Any]) -> None:
    days = activity["days"]
    today = datetime.now(timezone.utc).date()
    assert len(days) == 365 and days[-1]["date"] == today.isoformat()
    assert [day["date"] for day in days] == [(today - timedelta(days=364 - i)).isoformat() for i in range(365)]
    assert {key: days[-1][key] for key in ANA_ACTIVITY_TODAY} == ANA_ACTIVITY_TODAY
    assert all(day["plays"] == day["downloads"] == day["uploads"] == 0 for day in days[:-1])
    assert activity["overview"] == {**ANA_ACTIVITY_TODAY, "active_days": 1, "busiest_day": today.isoformat(),
                                    "from": days[0]["date"], "to": today.isoformat()}
    assert activity["downloads"] == {"total": 2, "per_100_plays": 33.33}  # 2 licences per 6 plays, per 100


# -- the tests ------------------------------------------------------------------------------------------------------

def test_xp_levels_achievements_leaderboards_and_activity_are_the_hand_computed_values(scenario):
    check_everything(scenario)


def test_redelivered_and_reordered_events_change_nothing_and_refresh_gives_the_same_numbers(platform, scenario):
    before = check_everything(scenario)
    queues = GamificationQueues(platform.env["AMQP_URI"])
    try:
        events = [(event["event"], {k: v for k, v in event.items() if k != "event"}) for event in scenario.captured]
        for name, body in [*reversed(events), *reversed(scenario.late), *events, *scenario.late]:
            queues.send(name, body)  # the same event ids, twice, newest first then oldest first
        queues.settle()
    finally:
        queues.close()
    assert check_everything(scenario) == before
    for api, body in ((scenario.ana, before["ana"]), (scenario.bo, before["bo"])):
        assert ok(api.post("producer/progress/refresh")) == body
    assert check_everything(scenario) == before


def test_without_a_token_me_is_null_and_an_unknown_board_is_404(platform, scenario):
    anonymous = Api(platform.url)
    for category in LEADERBOARD_CATEGORIES:
        assert ok(anonymous.get(f"leaderboards/{category}"))["me"] is None
    missing = anonymous.get("leaderboards/likes")
    assert missing.status_code == 404 and "overall" in missing.json()["message"]
    assert anonymous.get("leaderboards/plays", params={"period": "week"}).status_code == 422


def test_the_achievements_tab_is_for_the_owner_and_admins_only(platform, scenario):
    page = scenario.ana.artist["id"]
    own = ok(scenario.ana.get(f"artists/{page}/achievements"))
    assert own == progress(scenario.ana)
    admin = Api(platform.url)
    admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    assert ok(admin.get(f"artists/{page}/achievements"))["xp"] == ANA_XP
    assert scenario.bo.get(f"artists/{page}/achievements").status_code == 404
    assert listener(platform).get(f"artists/{page}/achievements").status_code == 404


def test_a_listener_is_refused_and_another_producers_page_is_404(platform, scenario):
    outsider = listener(platform)
    for path in ("producer/progress", "producer/dashboard", "producer/activity", "producer/beats",
                 "producer/collections", "producer/progress/history"):
        assert outsider.get(path).status_code == 403, path
        assert scenario.bo.get(path, params={"artist": scenario.ana.artist["id"]}).status_code == 404, path
        assert scenario.bo.get(path, params={"artist": "not-a-uuid"}).status_code == 422, path


def test_the_dashboard_and_the_backstage_lists_show_the_scenario(scenario):
    ana, tracks = scenario.ana, scenario.tracks
    dashboard = ok(ana.get("producer/dashboard"))
    assert dashboard["artist_id"] == ana.artist["id"] and dashboard["greeting"]
    assert dashboard["stats"] == {**ANA_ACTIVITY_TODAY, **{f"{key}_this_month": value for key, value in
                                                           ANA_ACTIVITY_TODAY.items()},
                                  "xp": ANA_XP, "level": 2, "title": "Apprentice"}
    assert {shortcut["href"] for shortcut in dashboard["shortcuts"]} >= {"/producer/beats", "/producer/activity"}
    beats = ok(ana.get("producer/beats"))
    assert [item["id"] for item in beats["items"]] == [tracks[t]["id"] for t in ("t3", "t2", "t1")]  # newest first
    assert [(item["growth"]["plays_last_30_days"], item["growth"]["status"]) for item in beats["items"]] == [
        (0, "steady"), (2, "rising"), (3, "rising")]
    assert [(c["artist_id"], c["shared_tracks"], c["plays"], c["share_of_plays"]) for c in beats["collaborations"]] \
        == [(scenario.bo.artist["id"], 1, 3, 1.0)]
    assert {item["id"] for item in ok(ana.get("producer/beats", params={"status": "rejected"}))["items"]} == set()
    collections = ok(ana.get("producer/collections"))
    assert (collections["items"], collections["total"]) == ([], 0)  # an empty state, not placeholder numbers

