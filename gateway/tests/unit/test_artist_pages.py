"""The gateway's part of artist and profile pages: the avatar upload (streamed into the avatars area, checked by
content, bounded, handed to accounts, discarded on any refusal), avatar URLs, the public profile composed from
accounts and catalog, and the Discography and Similar Artists shapes."""
from __future__ import annotations

import uuid

from gateway.tests.unit.support import USER_ID, bearer, private_user
from gateway.tests.unit.uploads_support import ARTIST_ID, PNG, post_form, stored_files, track as sample_track
from services.contracts.errors import InvalidField, NotFound

AVATAR = "/api/v1/me/avatar"
AVATAR_ID = "5e4d3c2b-1a09-4f8e-9d7c-6b5a49382716"


def accepting(rpc):
    rpc.answers[("accounts", "set_avatar")] = lambda actor_id, image_key: private_user(avatar=AVATAR_ID)


def test_an_avatar_is_stored_in_the_avatars_area_and_handed_to_accounts(http, rpc, media_root):
    accepting(rpc)
    response = post_form(http, AVATAR, [("image", ("me.png", PNG, "image/png"))], method="PUT")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["avatar_url"] == f"/api/v1/users/{USER_ID}/avatar?v={AVATAR_ID}"
    (call,) = rpc.calls
    assert (call["service"], call["method"], call["kwargs"]["actor_id"]) == ("accounts", "set_avatar", USER_ID)
    key = call["kwargs"]["image_key"]
    assert key.startswith("avatars/") and (media_root / key).read_bytes() == PNG
    assert rpc.actor_checks == [USER_ID]  # the account was checked before the body was read


def test_an_avatar_that_is_not_an_image_is_422_before_accounts_hears_of_it(http, rpc, media_root):
    accepting(rpc)
    response = post_form(http, AVATAR, [("image", ("me.png", b"GIF89a not what we take", "image/png"))],
                         method="PUT")
    assert response.status_code == 422 and list(response.get_json()["details"]) == ["image"]
    assert rpc.calls == [] and stored_files(media_root) == []


def test_an_avatar_over_its_bound_is_413_and_leaves_nothing(http, rpc, app, media_root):
    accepting(rpc)
    app.config["AVATAR_MAX_BYTES"] = len(PNG) - 1
    response = post_form(http, AVATAR, [("image", ("me.png", PNG, "image/png"))], method="PUT")
    assert response.status_code == 413
    assert rpc.calls == [] and stored_files(media_root) == []


def test_an_avatar_accounts_refuses_is_discarded(http, rpc, media_root):
    rpc.answers[("accounts", "set_avatar")] = InvalidField("invalid image_key", {"image_key": ["not an image"]})
    response = post_form(http, AVATAR, [("image", ("me.png", PNG, "image/png"))], method="PUT")
    assert response.status_code == 422
    assert stored_files(media_root) == []


def test_without_an_avatar_the_url_is_null_and_the_image_404(http, rpc):
    rpc.answers[("accounts", "get_user")] = private_user(avatar=None)
    rpc.answers[("accounts", "avatar_source")] = NotFound("this user has no avatar")
    assert http.get("/api/v1/me", headers=bearer()).get_json()["avatar_url"] is None
    assert http.get(f"/api/v1/users/{USER_ID}/avatar").status_code == 404


def test_the_public_profile_carries_the_pages_its_account_manages(http, rpc):
    page = {"id": ARTIST_ID, "name": "Ana Beats", "verified": True}
    public = {key: value for key, value in private_user(avatar=AVATAR_ID).items()
              if key not in ("email", "plan", "tokens")}
    rpc.answers[("accounts", "get_public_profile")] = public
    rpc.answers[("catalog", "artists_managed_by")] = [page]
    body = http.get(f"/api/v1/users/{USER_ID}").get_json()
    assert body["artists"] == [page] and body["avatar_url"].endswith(f"/avatar?v={AVATAR_ID}")
    assert [call["method"] for call in rpc.calls] == ["get_public_profile", "artists_managed_by"]
    rpc.calls.clear()
    rpc.answers[("accounts", "get_public_profile")] = NotFound("user not found")
    assert http.get(f"/api/v1/users/{uuid.uuid4()}").status_code == 404
    assert [call["method"] for call in rpc.calls] == ["get_public_profile"]  # catalog is not asked


def test_the_discography_and_similar_artists_keep_their_shapes(http, rpc):
    rpc.answers[("catalog", "list_artist_tracks")] = {"items": [{**sample_track(status="published"),
                                                                 "role": "collaborator"}], "total": 1, "next": None}
    similar = {"artist": {"id": ARTIST_ID, "name": "Lee", "verified": False}, "score": 1.5,
               "shared_genres": ["trap"], "shared_listeners": 2}
    rpc.answers[("catalog", "similar_artists")] = [similar]
    listed = http.get(f"/api/v1/artists/{ARTIST_ID}/tracks?limit=5").get_json()
    [item] = listed["items"]
    assert item["role"] == "collaborator" and item["links"]["stream"].endswith("/stream")
    assert rpc.calls[-1]["kwargs"] == {"artist_id": ARTIST_ID, "actor_id": None, "cursor": None, "limit": 5}
    assert http.get(f"/api/v1/artists/{ARTIST_ID}/similar").get_json() == {"items": [similar], "total": 1,
                                                                           "next": None}
