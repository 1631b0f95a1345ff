"""Lists that name people carry their usernames, not only their ids (comments, playlists, liked producers) —
through the gateway over HTTP, each asked of accounts once per page."""
from __future__ import annotations

import uuid

import pytest

from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.e2e.test_uploads import make_producer, publish
from tests.support import audio
from tests.support.api import Api


@pytest.fixture(scope="module")
def stage(platform, tmp_path_factory) -> dict:
    admin = Api(platform.url)
    admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    producer = make_producer(platform, admin)
    wav = audio.make_wav(tmp_path_factory.mktemp("usernames") / "beat.wav", seed=uuid.uuid4().int % 1_000_000)
    return {"producer": producer, "track": publish(producer, wav)["id"]}


def test_a_comment_list_shows_each_authors_username(platform, stage):
    first, second = Api(platform.url), Api(platform.url)
    first.register(), second.register()
    track = stage["track"]
    posted = first.post(f"tracks/{track}/comments", json={"body": "hard beat"})
    assert posted.status_code == 201, posted.text
    assert posted.json()["author_username"] == first.user["username"]
    assert second.post(f"tracks/{track}/comments", json={"body": "agreed"}).status_code == 201

    listed = Api(platform.url).get(f"tracks/{track}/comments")  # anonymous: the list is public
    assert listed.status_code == 200, listed.text
    named = {(item["author_id"], item["author_username"]) for item in listed.json()["items"]}
    assert {(first.user["id"], first.user["username"]), (second.user["id"], second.user["username"])} <= named


def test_playlists_and_liked_producers_name_their_people(platform, stage):
    fan, producer = Api(platform.url), stage["producer"]
    fan.register()
    created = fan.post("playlists", json={"name": "Late night", "public": True})
    assert created.status_code == 201 and created.json()["owner_username"] == fan.user["username"]
    listed = Api(platform.url).get(f"users/{fan.user['id']}/playlists").json()["items"]
    assert [item["owner_username"] for item in listed] == [fan.user["username"]]

    assert fan.put(f"likes/producers/{producer.artist['id']}").status_code == 200
    [page] = Api(platform.url).get(f"users/{fan.user['id']}/liked-producers").json()["items"]
    assert (page["user_id"], page["username"]) == (producer.user["id"], producer.user["username"])
    assert Api(platform.url).get(f"artists/{producer.artist['id']}").json()["username"] == producer.user["username"]


def test_the_spec_documents_the_usernames(platform):
    schemas = Api(platform.url).get("openapi.json").json()["components"]["schemas"]
    assert schemas["Comment"]["properties"]["author_username"]["example"]
    for schema, field in (("PlaylistSummary", "owner_username"), ("Artist", "username"),
                          ("BeatRequest", "requester_username"), ("BeatRequestResponse", "producer_username")):
        assert field in schemas[schema]["properties"], (schema, field)
