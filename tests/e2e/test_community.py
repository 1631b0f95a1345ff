"""Likes, reposts, playlists, comments and the public profile tabs — through the gateway over HTTP."""
from __future__ import annotations

import json
import uuid

import pytest

from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.e2e.test_uploads import PNG, make_producer, publish
from tests.support import audio
from tests.support.api import Api

SCRIPT = "<script>alert(1)</script> <img src=x onerror=alert(2)> & \"quoted\""


@pytest.fixture(scope="module")
def stage(platform, tmp_path_factory) -> dict:
    """One producer with three published tracks and a collection, made once per platform."""
    admin = Api(platform.url)
    admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    producer = make_producer(platform, admin)
    folder = tmp_path_factory.mktemp("community")
    tracks = [publish(producer, audio.make_wav(folder / f"beat{index}.wav", seed=uuid.uuid4().int % 1_000_000))
              for index in range(3)]
    metadata = {"name": "Tape", "artists": ["Jane"], "genres": ["lofi"], "tags": []}
    created = producer.post("collections", files=[("metadata", (None, json.dumps(metadata), "application/json")),
                                                  ("cover", ("c.png", PNG, "image/png"))])
    assert created.status_code == 201, created.text
    return {"producer": producer, "tracks": [track["id"] for track in tracks], "collection": created.json()["id"],
            "artist": producer.artist["id"]}


def user(platform) -> Api:
    api = Api(platform.url)
    api.register()
    return api


def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_likes_and_reposts_are_idempotent_and_show_on_the_profile_tabs(platform, stage):
    fan = user(platform)
    first, second, _ = stage["tracks"]
    for _ in range(2):
        liked = fan.put(f"likes/tracks/{first}")
        assert liked.status_code == 200 and liked.json() == {"liked": True, "like_count": 1}
    assert fan.put(f"likes/tracks/{second}").json()["like_count"] == 1
    assert fan.put(f"likes/collections/{stage['collection']}").json() == {"liked": True, "like_count": 1}
    assert fan.put(f"likes/producers/{stage['artist']}").json()["liked"] is True
    assert fan.put(f"tracks/{first}/repost").json() == {"reposted": True, "repost_count": 1}
    assert fan.put(f"tracks/{first}/repost").json() == {"reposted": True, "repost_count": 1}
    anonymous = Api(platform.url)
    track = anonymous.get(f"tracks/{first}").json()
    assert (track["like_count"], track["repost_count"]) == (1, 1)
    assert anonymous.get(f"collections/{stage['collection']}").json()["like_count"] == 1

    me = fan.user["id"]
    assert ids(anonymous.get(f"users/{me}/liked-tracks")) == [second, first]
    page = anonymous.get(f"users/{me}/liked-tracks", params={"limit": 1}).json()
    assert page["total"] == 2 and page["next"] and page["items"][0]["links"]["stream"]
    rest = anonymous.get(f"users/{me}/liked-tracks", params={"limit": 1, "cursor": page["next"]}).json()
    assert [item["id"] for item in rest["items"]] == [first] and rest["next"] is None
    assert ids(anonymous.get(f"users/{me}/reposts")) == [first]
    assert ids(anonymous.get(f"users/{me}/liked-collections")) == [stage["collection"]]
    producers = anonymous.get(f"users/{me}/liked-producers").json()["items"]
    assert [artist["id"] for artist in producers] == [stage["artist"]] and "image_links" in producers[0]
    assert ids(fan.get("me/likes", params={"kind": "collections"})) == [stage["collection"]]
    assert ids(fan.get("me/likes")) == [second, first]

    assert fan.delete(f"likes/tracks/{first}").json() == {"liked": False, "like_count": 0}
    assert fan.delete(f"likes/tracks/{first}").json() == {"liked": False, "like_count": 0}
    assert fan.delete(f"tracks/{first}/repost").json() == {"reposted": False, "repost_count": 0}
    assert ids(anonymous.get(f"users/{me}/liked-tracks")) == [second]


def test_likes_of_what_does_not_exist_are_refused_and_tabs_need_a_user(platform, stage):
    fan = user(platform)
    for path in (f"likes/tracks/{uuid.uuid4()}", f"likes/collections/{uuid.uuid4()}",
                 f"likes/producers/{uuid.uuid4()}", f"likes/users/{stage['tracks'][0]}", "likes/tracks/not-a-uuid",
                 f"tracks/{uuid.uuid4()}/repost"):
        response = fan.put(path)
        assert response.status_code == 404, path
        assert response.json()["error"] == "not_found"
    assert ids(fan.get("me/likes")) == []
    assert Api(platform.url).put(f"likes/tracks/{stage['tracks'][0]}").status_code == 401
    for tab in ("liked-tracks", "playlists", "reposts", "liked-collections", "liked-producers"):
        assert Api(platform.url).get(f"users/{uuid.uuid4()}/{tab}").status_code == 404, tab
    assert fan.get("me/likes", params={"kind": "users"}).status_code == 422
    assert fan.get(f"users/{fan.user['id']}/liked-tracks", params={"cursor": "garbage"}).status_code == 422


def test_playlists_are_ordered_and_edited_by_their_owner_only(platform, stage):
    owner, other = user(platform), user(platform)
    a, b, c = stage["tracks"]
    created = owner.post("playlists", json={"name": "Night drive", "description": "for the road"})
    assert created.status_code == 201, created.text
    playlist = created.json()
    assert playlist["public"] is True and created.headers["Location"].endswith(f"/playlists/{playlist['id']}")
    path = f"playlists/{playlist['id']}"
    for track_id in (a, b):
        assert owner.post(f"{path}/tracks", json={"track_id": track_id}).status_code == 200
    inserted = owner.post(f"{path}/tracks", json={"track_id": c, "position": 0}).json()
    assert [track["id"] for track in inserted["tracks"]] == [c, a, b] and inserted["track_count"] == 3
    assert owner.post(f"{path}/tracks", json={"track_id": a}).status_code == 409
    assert owner.post(f"{path}/tracks", json={"track_id": str(uuid.uuid4())}).status_code == 404

    foreign = str(uuid.uuid4())
    refused = owner.put(f"{path}/tracks", json={"track_ids": [c, a, foreign]})
    assert refused.status_code == 422
    problems = " ".join(refused.json()["details"]["track_ids"])
    assert foreign in problems and b in problems
    assert [track["id"] for track in other.get(path).json()["tracks"]] == [c, a, b]  # nothing changed
    reordered = owner.put(f"{path}/tracks", json={"track_ids": [b, c, a]})
    assert [track["id"] for track in reordered.json()["tracks"]] == [b, c, a]
    assert owner.delete(f"{path}/tracks/{c}").status_code == 204
    assert [track["id"] for track in Api(platform.url).get(path).json()["tracks"]] == [b, a]

    assert other.patch(path, json={"name": "Mine"}).status_code == 403
    assert other.post(f"{path}/tracks", json={"track_id": c}).status_code == 403
    assert other.delete(path).status_code == 403
    assert owner.patch(path, json={"public": False}).json()["public"] is False
    for stranger in (other, Api(platform.url)):
        assert stranger.get(path).status_code == 404
    assert other.patch(path, json={"name": "Mine"}).status_code == 404
    assert owner.get(path).status_code == 200
    assert owner.post("playlists", json={"name": " "}).status_code == 422
    assert owner.post("playlists", json={"name": "x", "owner_id": other.user["id"]}).status_code == 422

    public = owner.post("playlists", json={"name": "Open"}).json()
    assert ids(owner.get("me/playlists")) == [public["id"], playlist["id"]]
    assert ids(owner.get(f"users/{owner.user['id']}/playlists")) == [public["id"]]  # public only, even to its owner
    assert owner.delete(path).status_code == 204
    assert owner.get(path).status_code == 404


def test_comments_round_trip_as_plain_text_in_json(platform, stage):
    author, stranger = user(platform), user(platform)
    track = stage["tracks"][1]
    posted = author.post(f"tracks/{track}/comments", json={"body": SCRIPT})
    assert posted.status_code == 201 and posted.headers["Content-Type"].startswith("application/json")
    assert posted.json()["body"] == SCRIPT
    listed = Api(platform.url).get(f"tracks/{track}/comments")
    assert listed.headers["Content-Type"].startswith("application/json")
    assert listed.json()["items"][0]["body"] == SCRIPT
    assert "&lt;" not in listed.text
    total = listed.json()["total"]
    too_long = author.post(f"tracks/{track}/comments", json={"body": "x" * 1001})
    assert too_long.status_code == 422 and "body" in too_long.json()["details"]
    assert Api(platform.url).get(f"tracks/{track}/comments").json()["total"] == total  # nothing stored
    assert author.post(f"tracks/{uuid.uuid4()}/comments", json={"body": "hi"}).status_code == 404
    assert Api(platform.url).post(f"tracks/{track}/comments", json={"body": "hi"}).status_code == 401

    comment_id = posted.json()["id"]
    assert stranger.delete(f"comments/{comment_id}").status_code == 403
    assert stage["producer"].delete(f"comments/{comment_id}").status_code == 204
    assert author.delete(f"comments/{comment_id}").status_code == 404
    own = author.post(f"tracks/{track}/comments", json={"body": "mine"}).json()
    assert author.delete(f"comments/{own['id']}").status_code == 204


def test_deleting_a_track_leaves_no_like_repost_entry_or_comment_behind(platform, stage, tmp_path):
    producer = stage["producer"]
    doomed = publish(producer, audio.make_wav(tmp_path / "doomed.wav", seed=uuid.uuid4().int % 1_000_000))["id"]
    kept = stage["tracks"][2]
    fan = user(platform)
    playlist = fan.post("playlists", json={"name": "Soon shorter"}).json()
    for track_id in (doomed, kept):
        assert fan.put(f"likes/tracks/{track_id}").status_code == 200
        assert fan.put(f"tracks/{track_id}/repost").status_code == 200
        assert fan.post(f"playlists/{playlist['id']}/tracks", json={"track_id": track_id}).status_code == 200
    assert fan.post(f"tracks/{doomed}/comments", json={"body": "bye"}).status_code == 201
    assert producer.delete(f"tracks/{doomed}").status_code == 204
    me = fan.user["id"]
    assert ids(fan.get(f"users/{me}/liked-tracks")) == [kept]
    assert ids(fan.get(f"users/{me}/reposts")) == [kept]
    left = fan.get(f"playlists/{playlist['id']}").json()
    assert (left["track_count"], [track["id"] for track in left["tracks"]]) == (1, [kept])
    assert fan.get(f"tracks/{doomed}/comments").status_code == 404


def test_a_track_tells_each_caller_their_own_like_and_repost(platform, stage):
    a, b = user(platform), user(platform)
    track_id = stage["tracks"][2]
    viewer = lambda api: api.get(f"tracks/{track_id}").json()["viewer"]  # noqa: E731
    assert viewer(Api(platform.url)) is None  # anonymous
    assert viewer(a) == {"liked": False, "reposted": False}
    assert a.put(f"likes/tracks/{track_id}").status_code == 200
    assert viewer(a) == {"liked": True, "reposted": False}
    assert viewer(b) == {"liked": False, "reposted": False}  # A's like is not B's
    assert b.put(f"tracks/{track_id}/repost").status_code == 200
    assert (viewer(a), viewer(b)) == ({"liked": True, "reposted": False}, {"liked": False, "reposted": True})
    expired = Api(platform.url)
    expired.session.headers["Authorization"] = "Bearer not-a-token"
    assert viewer(expired) is None  # an invalid token is an anonymous caller, not a 401
    assert a.delete(f"likes/tracks/{track_id}").status_code == 200
    assert viewer(a) == {"liked": False, "reposted": False}
