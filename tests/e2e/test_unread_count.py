"""The unread count of the web app's header through the gateway: asking for it marks nothing read; listing the
notifications does, and the count follows."""
from __future__ import annotations

import uuid

from tests.e2e.test_beat_requests import listener, request_body
from tests.e2e.test_uploads import make_producer, publish
from tests.support import audio
from tests.support.api import Api


def unread(api: Api) -> int:
    response = api.get("me/notifications/unread-count")
    assert response.status_code == 200, response.text
    return response.json()["unread"]


def test_the_unread_count_changes_only_when_notifications_are_listed(platform, admin, tmp_path):
    requester = listener(platform)
    assert unread(requester) == 0
    producer = make_producer(platform, admin)
    track = publish(producer, audio.make_wav(tmp_path / "answer.wav", seed=uuid.uuid4().int % 1_000_000))
    created = requester.post("beat-requests", json=request_body())
    assert created.status_code == 201, created.text
    answered = producer.post(f"beat-requests/{created.json()['id']}/responses", json={"track_id": track["id"]})
    assert answered.status_code == 201, answered.text

    assert unread(requester) == 1
    assert unread(requester) == 1  # asking again changes nothing
    listed = requester.get("me/notifications").json()["items"]
    assert [(item["kind"], item["read"]) for item in listed] == [("beat_request_response", False)]
    assert unread(requester) == 0
    assert unread(producer) == 0  # someone else's notifications are not counted


def test_the_unread_count_needs_a_login(platform):
    response = Api(platform.url).get("me/notifications/unread-count")
    assert response.status_code == 401 and response.json()["error"] == "unauthorized"
