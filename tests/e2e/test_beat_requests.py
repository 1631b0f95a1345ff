"""Beat requests through the gateway: the token arithmetic of docs/business-rules.md "Beat requests" with a
real accounts balance, refusals that spend nothing, producers' matching notifications, responses, and renewal
after expiry."""
from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import update

from services.accounts.models import User
from services.catalog.beat_requests.models import BeatRequest
from services.common.clock import utcnow
from tests.e2e.test_uploads import CONFIRMATIONS, make_producer, publish, settle
from tests.support import audio, service_db
from tests.support.api import Api


def request_body(**changes) -> dict:
    body = {"genre": "Trap", "bpm_min": 120, "bpm_max": 140, "mood": "dark", "budget_cents": 5000,
            "lifetime_hours": 24}
    body.update(changes)
    return body


def tokens(api: Api) -> int:
    return api.get("me").json()["tokens"]


def listener(platform) -> Api:
    api = Api(platform.url)
    api.register()
    return api


def set_genres(producer: Api, genres: list[str]) -> None:
    response = producer.patch(f"artists/{producer.artist['id']}", json={"genres": genres})  # type: ignore[attr-defined]
    assert response.status_code == 200, response.text


def verified_producer(platform, admin: Api, genres: list[str]) -> Api:
    """A producer approved for Get Verified, once catalog has marked their artist page verified."""
    producer = make_producer(platform, admin)
    application = producer.post("producer-program/applications", json={"type": "get_verified", **CONFIRMATIONS})
    assert application.status_code == 201, application.text
    assert admin.post(f"admin/producer-applications/{application.json()['id']}/approve").status_code == 200
    assert settle(lambda: producer.get("me/artist").json()["verified"] is True, timeout=30)
    set_genres(producer, genres)
    return producer


def notifications(api: Api, **params) -> list[dict]:
    response = api.get("me/notifications", params=params)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_explorer_token_arithmetic_and_refusals_that_spend_nothing(platform):
    requester = listener(platform)
    assert tokens(requester) == 1
    created = requester.post("beat-requests", json=request_body())
    assert created.status_code == 201, created.text
    assert created.json()["tokens"] == 0 and created.json()["cost_tokens"] == 1
    assert tokens(requester) == 0
    refused = requester.post("beat-requests", json=request_body())
    assert refused.status_code == 402 and refused.json()["error"] == "payment_required"
    assert "balance is 0" in refused.json()["message"] and "costs 1" in refused.json()["message"]

    deleted = requester.delete(f"beat-requests/{created.json()['id']}")
    assert deleted.status_code == 200 and deleted.json() == {"refunded_tokens": 1, "tokens": 1}
    assert tokens(requester) == 1
    assert requester.get(f"beat-requests/{created.json()['id']}").status_code == 404
    two_days = requester.post("beat-requests", json=request_body(lifetime_hours=48))
    assert two_days.status_code == 402 and "costs 2" in two_days.json()["message"]

    inverted = requester.post("beat-requests", json=request_body(bpm_min=150, bpm_max=140))
    assert inverted.status_code == 422 and "bpm_min" in inverted.json()["details"]
    odd_lifetime = requester.post("beat-requests", json=request_body(lifetime_hours=36))
    assert odd_lifetime.status_code == 422 and "lifetime_hours" in odd_lifetime.json()["details"]
    unknown_reference = requester.post("beat-requests", json=request_body(reference_track_id=str(uuid.uuid4())))
    assert unknown_reference.status_code == 422 and "reference_track_id" in unknown_reference.json()["details"]
    assert tokens(requester) == 1
    assert requester.get("me/beat-requests").json()["total"] == 0
    assert Api(platform.url).post("beat-requests", json=request_body()).status_code == 401


def test_the_costs_are_served_and_are_what_a_request_is_charged(platform):
    listed = Api(platform.url).get("beat-requests/costs")  # public
    assert listed.status_code == 200, listed.text
    assert listed.json() == {"costs": [{"lifetime_hours": 24, "cost_tokens": 1},
                                       {"lifetime_hours": 48, "cost_tokens": 2},
                                       {"lifetime_hours": 72, "cost_tokens": 3}],
                             "renewal": {"lifetime_hours": 24, "cost_tokens": 1}}
    requester = listener(platform)
    cheapest = listed.json()["costs"][0]
    created = requester.post("beat-requests", json=request_body(lifetime_hours=cheapest["lifetime_hours"]))
    assert created.status_code == 201 and created.json()["cost_tokens"] == cheapest["cost_tokens"]


def test_matching_verified_producers_are_notified_and_a_response_reaches_the_requester(platform, admin, tmp_path):
    genre = f"Genre {uuid.uuid4().hex[:8]}"
    matching = verified_producer(platform, admin, [genre.upper(), "drill"])
    other_genre = verified_producer(platform, admin, ["drill"])
    unverified = make_producer(platform, admin)
    set_genres(unverified, [genre])
    requester = listener(platform)

    created = requester.post("beat-requests", json=request_body(genre=genre, mood="late night"))
    assert created.status_code == 201, created.text
    request_id = created.json()["id"]
    [match] = [note for note in notifications(matching) if note["payload"].get("beat_request_id") == request_id]
    assert match["kind"] == "beat_request_match" and match["read"] is False
    assert match["payload"]["genre"] == genre
    for producer in (other_genre, unverified):
        assert all(note["payload"].get("beat_request_id") != request_id for note in notifications(producer))

    listed = unverified.get("beat-requests", params={"genre": genre.lower(), "bpm": 130})
    assert listed.status_code == 200 and [item["id"] for item in listed.json()["items"]] == [request_id]
    assert unverified.get("beat-requests", params={"genre": genre, "bpm": 141}).json()["items"] == []
    assert requester.get("beat-requests").status_code == 403
    assert unverified.get(f"beat-requests/{request_id}").json()["mood"] == "late night"
    assert listener(platform).get(f"beat-requests/{request_id}").status_code == 403

    track = publish(unverified, audio.make_wav(tmp_path / "answer.wav", seed=uuid.uuid4().int % 1_000_000))
    response = unverified.post(f"beat-requests/{request_id}/responses",
                               json={"track_id": track["id"], "message": "how about this"})
    assert response.status_code == 201, response.text
    again = unverified.post(f"beat-requests/{request_id}/responses", json={"track_id": track["id"]})
    assert again.status_code == 409
    someone_elses = matching.post(f"beat-requests/{request_id}/responses", json={"track_id": track["id"]})
    assert someone_elses.status_code == 422 and "track_id" in someone_elses.json()["details"]
    assert requester.post(f"beat-requests/{request_id}/responses",
                          json={"track_id": track["id"]}).status_code == 403

    responses = requester.get(f"beat-requests/{request_id}/responses")
    assert responses.status_code == 200
    [seen] = responses.json()["items"]
    assert seen["track_id"] == track["id"] and seen["message"] == "how about this"
    assert unverified.get(f"beat-requests/{request_id}/responses").status_code == 403
    [note] = notifications(requester, unread="true")
    assert note["kind"] == "beat_request_response" and note["payload"]["track_id"] == track["id"]
    assert note["read"] is False
    assert notifications(requester, unread="true") == []
    assert [n["read"] for n in notifications(requester)] == [True]


def test_an_expired_request_renews_within_30_days_after_the_monthly_reset(platform):
    requester = listener(platform)
    created = requester.post("beat-requests", json=request_body())
    assert created.status_code == 201
    request_id, user_id = created.json()["id"], requester.user["id"]  # type: ignore[index]
    assert requester.post(f"beat-requests/{request_id}/renew").status_code == 409  # still open

    now = utcnow()
    with service_db.connection(platform, "catalog") as db:
        db.execute(update(BeatRequest.__table__).where(BeatRequest.__table__.c.id == request_id)
                   .values(expires_at=now - timedelta(hours=1)))
    mine = requester.get("me/beat-requests").json()["items"]
    assert [(item["id"], item["status"]) for item in mine] == [(request_id, "expired")]
    assert requester.post(f"beat-requests/{request_id}/renew").status_code == 402  # no token left

    with service_db.connection(platform, "accounts") as db:  # the balance was last reset last month
        db.execute(update(User.__table__).where(User.__table__.c.id == user_id)
                   .values(tokens_reset_at=now - timedelta(days=40)))
    assert tokens(requester) == 1
    renewed = requester.post(f"beat-requests/{request_id}/renew")
    assert renewed.status_code == 200, renewed.text
    assert renewed.json()["status"] == "open" and renewed.json()["renewals"] == 1 and renewed.json()["tokens"] == 0
    assert tokens(requester) == 0

    with service_db.connection(platform, "catalog") as db:
        db.execute(update(BeatRequest.__table__).where(BeatRequest.__table__.c.id == request_id)
                   .values(expires_at=now - timedelta(days=31)))
    too_late = requester.post(f"beat-requests/{request_id}/renew")
    assert too_late.status_code == 409 and "30 days" in too_late.json()["message"]
    deleted = requester.delete(f"beat-requests/{request_id}")
    assert deleted.status_code == 200 and deleted.json() == {"refunded_tokens": 0, "tokens": 0}
