"""Artist and profile pages through the gateway (issue #13): an artist page's Discography and Similar Artists, the
pinned track, the artist pages on a user's public profile, and account avatars — with the refusals."""
from __future__ import annotations

import uuid

import pytest

from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.e2e.test_uploads import PNG, make_producer, media_files, publish, settle
from tests.support import audio
from tests.support.api import Api

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def seed() -> int:
    return uuid.uuid4().int % 1_000_000


@pytest.fixture(scope="module")
def pages(platform, tmp_path_factory) -> dict:
    """Producer ``a`` uploads ``own``; producer ``b`` uploads ``credited`` crediting ``a`` (published after ``own``)
    and ``solo``. Every track is in a genre no other test uses, so only these pages share it."""
    admin = Api(platform.url)
    admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    a, b = make_producer(platform, admin), make_producer(platform, admin)
    genre = f"e2e-{uuid.uuid4().hex[:8]}"
    folder = tmp_path_factory.mktemp("artist-pages")
    own = publish(a, audio.make_wav(folder / "own.wav", seconds=11, seed=seed()), genres=[genre])
    credited = publish(b, audio.make_wav(folder / "credited.wav", seconds=11, seed=seed()), genres=[genre.upper()],
                       collaborators=[a.artist["id"]])
    solo = publish(b, audio.make_wav(folder / "solo.wav", seconds=11, seed=seed()), genres=["e2e-elsewhere"])
    return {"a": a, "b": b, "genre": genre, "own": own, "credited": credited, "solo": solo}


def ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def test_the_discography_lists_uploaded_and_credited_tracks_newest_first(platform, pages):
    anyone = Api(platform.url)
    a, b = pages["a"].artist["id"], pages["b"].artist["id"]
    listed = anyone.get(f"artists/{a}/tracks")
    assert ids(listed) == [pages["credited"]["id"], pages["own"]["id"]]
    body = listed.json()
    assert body["total"] == 2 and body["next"] is None
    assert [item["role"] for item in body["items"]] == ["collaborator", "uploader"]
    assert body["items"][0]["links"]["stream"].endswith(f"/tracks/{pages['credited']['id']}/stream")
    assert ids(anyone.get(f"artists/{b}/tracks")) == [pages["solo"]["id"], pages["credited"]["id"]]
    first = anyone.get(f"artists/{a}/tracks", params={"limit": 1}).json()
    assert [item["id"] for item in first["items"]] == [pages["credited"]["id"]] and first["next"]
    second = anyone.get(f"artists/{a}/tracks", params={"limit": 1, "cursor": first["next"]}).json()
    assert [item["id"] for item in second["items"]] == [pages["own"]["id"]] and second["next"] is None
    assert anyone.get(f"artists/{a}/tracks", params={"limit": 0}).status_code == 422
    assert anyone.get(f"artists/{a}/tracks", params={"cursor": "bm90LWEtY3Vyc29y"}).status_code == 422
    assert anyone.get(f"artists/{uuid.uuid4()}/tracks").status_code == 404


def test_similar_artists_share_genres_and_listeners(platform, pages):
    a, b = pages["a"].artist, pages["b"].artist
    listener = Api(platform.url)
    listener.register()
    for track in (pages["own"], pages["solo"]):  # 80 % of an 11 s track counts a play
        played = listener.post(f"tracks/{track['id']}/plays",
                               json={"position_s": 10.0, "duration_s": track["audio"]["duration_s"]})
        assert played.status_code == 200 and played.json()["counted"], played.text
    anyone = Api(platform.url)
    similar = anyone.get(f"artists/{a['id']}/similar")
    assert similar.status_code == 200, similar.text
    body = similar.json()
    assert body["total"] == len(body["items"]) and body["next"] is None
    # b uploaded the track crediting a, so a's genre is b's too; a's one recent listener also played b
    [item] = [item for item in body["items"] if item["artist"]["id"] == b["id"]]
    assert item["artist"] == {"id": b["id"], "name": b["name"], "verified": False}
    assert item["shared_genres"] == [pages["genre"]] and item["shared_listeners"] == 1
    assert item["score"] == pytest.approx(0.5 + 1.0)  # genres {g} vs {g, e2e-elsewhere}: 1/2; listeners 1/1
    assert body["items"][0]["artist"]["id"] == b["id"]
    assert a["id"] not in [entry["artist"]["id"] for entry in body["items"]]
    assert anyone.get(f"artists/{uuid.uuid4()}/similar").status_code == 404


def test_a_pinned_track_is_set_to_a_credited_one_and_cleared(platform, pages):
    a = pages["a"]
    page = a.artist["id"]
    pinned = a.patch(f"artists/{page}", json={"pinned_track_id": pages["credited"]["id"]})
    assert pinned.status_code == 200 and pinned.json()["pinned_track_id"] == pages["credited"]["id"]
    assert Api(platform.url).get(f"artists/{page}").json()["pinned_track_id"] == pages["credited"]["id"]
    cleared = a.patch(f"artists/{page}", json={"pinned_track_id": None})
    assert cleared.status_code == 200 and cleared.json()["pinned_track_id"] is None
    assert Api(platform.url).get(f"artists/{page}").json()["pinned_track_id"] is None


def test_a_pinned_track_must_be_a_published_track_of_the_page_and_only_its_owner_pins(platform, pages):
    a, b = pages["a"], pages["b"]
    page = a.artist["id"]
    assert a.patch(f"artists/{page}", json={"pinned_track_id": pages["own"]["id"]}).status_code == 200
    for track_id in (pages["solo"]["id"], str(uuid.uuid4())):  # b's own track credits a nowhere
        refused = a.patch(f"artists/{page}", json={"pinned_track_id": track_id})
        assert refused.status_code == 422 and list(refused.json()["details"]) == ["pinned_track_id"], refused.text
    assert a.patch(f"artists/{page}", json={"pinned_track_id": "not-an-id"}).status_code == 422
    assert b.patch(f"artists/{page}", json={"pinned_track_id": pages["credited"]["id"]}).status_code == 403
    assert b.patch(f"artists/{page}", json={"pinned_track_id": None}).status_code == 403
    assert Api(platform.url).patch(f"artists/{page}", json={"pinned_track_id": None}).status_code == 401
    assert Api(platform.url).get(f"artists/{page}").json()["pinned_track_id"] == pages["own"]["id"]


def test_a_public_profile_lists_the_artist_pages_its_account_manages(platform, pages):
    anyone = Api(platform.url)
    producer = pages["a"]
    profile = anyone.get(f"users/{producer.user['id']}")
    assert profile.status_code == 200, profile.text
    assert profile.json()["artists"] == [{"id": producer.artist["id"], "name": producer.artist["name"],
                                          "verified": False}]
    listener = Api(platform.url)
    listener.register()
    assert anyone.get(f"users/{listener.user['id']}").json()["artists"] == []
    assert anyone.get(f"users/{uuid.uuid4()}").status_code == 404


def avatar(api: Api, data: bytes, name: str = "me.png"):
    return api.put("me/avatar", files=[("image", (name, data, "application/octet-stream"))])


def test_an_avatar_is_checked_by_content_served_replaced_and_removed(platform):
    user = Api(platform.url)
    user.register()
    anyone = Api(platform.url)
    assert user.get("me").json()["avatar_url"] is None
    before = media_files(platform)
    refused = avatar(user, b"GIF89a not what we take", "looks.png")
    assert refused.status_code == 422 and list(refused.json()["details"]) == ["image"], refused.text
    assert media_files(platform) == before  # nothing kept

    first = avatar(user, PNG)
    assert first.status_code == 200, first.text
    url = first.json()["avatar_url"]
    assert url.startswith(f"/api/v1/users/{user.user['id']}/avatar?v=")
    assert user.get("me").json()["avatar_url"] == url == anyone.get(f"users/{user.user['id']}").json()["avatar_url"]
    served = anyone.get(url)
    assert served.status_code == 200 and served.content == PNG and served.headers["Content-Type"] == "image/png"
    [stored] = media_files(platform) - before

    second = avatar(user, JPEG, "me.jpg")
    assert second.status_code == 200 and second.json()["avatar_url"] != url
    assert anyone.get(second.json()["avatar_url"]).headers["Content-Type"] == "image/jpeg"
    assert settle(lambda: stored not in media_files(platform))  # the replaced file is deleted

    removed = user.delete("me/avatar")
    assert removed.status_code == 200 and removed.json()["avatar_url"] is None
    assert anyone.get(f"users/{user.user['id']}/avatar").status_code == 404
    assert media_files(platform) == before
    assert user.delete("me/avatar").status_code == 200  # idempotent


def test_avatar_uploads_are_refused_without_an_account_and_past_the_size_bound(platform):
    before = media_files(platform)
    assert avatar(Api(platform.url), PNG).status_code == 401
    user = Api(platform.url)
    user.register()
    too_large = avatar(user, PNG + b"\x00" * 5_000_001)
    assert too_large.status_code == 413, too_large.text
    missing = user.put("me/avatar", files=[("other", ("x.png", PNG, "image/png"))])
    assert missing.status_code == 422
    assert media_files(platform) == before
    assert Api(platform.url).get(f"users/{uuid.uuid4()}/avatar").status_code == 404


def test_deleting_the_account_deletes_its_avatar(platform):
    user = Api(platform.url)
    user.register(password="correct horse battery")
    before = media_files(platform)
    assert avatar(user, PNG).status_code == 200
    assert len(media_files(platform) - before) == 1
    assert user.delete("me", json={"password": "correct horse battery"}).status_code == 204
    assert media_files(platform) == before
    assert Api(platform.url).get(f"users/{user.user['id']}/avatar").status_code == 404
