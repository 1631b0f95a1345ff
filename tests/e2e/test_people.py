"""Profiles, follows and the Producer Program — through the gateway over HTTP."""
from __future__ import annotations

import uuid

from tests.support.api import Api

CONFIRMATIONS = {"accept_terms": True, "owns_beats": True, "grants_distribution_license": True,
                 "commits_two_beats_per_month": True}


def become_producer_application(**overrides) -> dict:
    return {"type": "become_producer", "producer_name": f"DJ {uuid.uuid4().hex[:6]}",
            "beats_link": "https://soundcloud.com/someone", "first_name": "Jane", "last_name": "Doe",
            **CONFIRMATIONS, **overrides}


def test_profile_edit_and_public_view_hides_private_fields(api: Api, platform):
    user = api.register()
    response = api.patch("me/profile", json={"name": "Jane", "city": "Montréal", "country": "CA",
                                             "description": "<b>beats</b>", "links": ["https://example.com/jane"]})
    assert response.status_code == 200
    public = Api(platform.url).get(f"users/{user['id']}")
    assert public.status_code == 200
    body = public.json()
    assert body["profile"]["city"] == "Montréal"
    assert body["profile"]["description"] == "<b>beats</b>"
    assert "email" not in body and "tokens" not in body and "plan" not in body
    assert api.patch("me/profile", json={"plan": "pro"}).status_code == 422
    assert api.patch("me/profile", json={"links": ["not a url"]}).status_code == 422
    assert Api(platform.url).get(f"users/{uuid.uuid4()}").status_code == 404


def test_follow_unfollow_and_lists(api: Api, platform):
    me = api.register()
    other = Api(platform.url)
    them = other.register()
    followed = api.put(f"users/{them['id']}/follow")
    assert followed.status_code == 200
    assert followed.json() == {"following": True, "followers_count": 1}
    assert api.put(f"users/{them['id']}/follow").json()["followers_count"] == 1  # idempotent
    followers = other.get(f"users/{them['id']}/followers").json()
    assert followers["total"] == 1 and followers["items"][0]["id"] == me["id"] and followers["next"] is None
    following = other.get(f"users/{me['id']}/following").json()
    assert [u["id"] for u in following["items"]] == [them["id"]]
    assert api.delete(f"users/{them['id']}/follow").json() == {"following": False, "followers_count": 0}
    assert api.put(f"users/{me['id']}/follow").status_code == 422
    assert api.put(f"users/{uuid.uuid4()}/follow").status_code == 404
    assert Api(platform.url).put(f"users/{them['id']}/follow").status_code == 401


def test_a_profile_tells_each_caller_whether_they_follow_the_user(platform):
    a, b, star = Api(platform.url), Api(platform.url), Api(platform.url)
    a.register(), b.register()
    star_id = star.register()["id"]
    viewer = lambda api: api.get(f"users/{star_id}").json()["viewer"]  # noqa: E731
    assert viewer(Api(platform.url)) is None  # anonymous
    assert viewer(a) == {"following": False}
    assert a.put(f"users/{star_id}/follow").status_code == 200
    assert viewer(a) == {"following": True}
    assert viewer(b) == {"following": False}  # A's follow is not B's
    assert a.delete(f"users/{star_id}/follow").status_code == 200
    assert viewer(a) == {"following": False}


def test_follower_list_paginates(api: Api, platform):
    star = api.register()
    for _ in range(3):
        fan = Api(platform.url)
        fan.register()
        assert fan.put(f"users/{star['id']}/follow").status_code == 200
    first = api.get(f"users/{star['id']}/followers", params={"limit": 2}).json()
    assert first["total"] == 3 and len(first["items"]) == 2 and first["next"]
    second = api.get(f"users/{star['id']}/followers", params={"limit": 2, "cursor": first["next"]}).json()
    assert len(second["items"]) == 1 and second["next"] is None
    assert {u["id"] for u in first["items"]}.isdisjoint({u["id"] for u in second["items"]})
    assert api.get(f"users/{star['id']}/followers", params={"limit": 0}).status_code == 422


def test_each_confirmation_is_required(api: Api):
    api.register()
    for name in CONFIRMATIONS:
        response = api.post("producer-program/applications", json=become_producer_application(**{name: False}))
        assert response.status_code == 422, name
        assert name in response.json()["details"], name
    missing = become_producer_application()
    del missing["first_name"]
    response = api.post("producer-program/applications", json=missing)
    assert response.status_code == 422 and "first_name" in response.json()["details"]


def test_producer_application_approved_grants_the_role_at_once(api: Api, admin: Api):
    user = api.register()
    response = api.post("producer-program/applications", json=become_producer_application())
    assert response.status_code == 201
    application = response.json()
    assert application["status"] == "pending"
    duplicate = api.post("producer-program/applications", json=become_producer_application())
    assert duplicate.status_code == 409
    mine = api.get("me/applications").json()
    assert [a["id"] for a in mine["items"]] == [application["id"]]

    assert api.get("admin/producer-applications", params={"status": "pending"}).status_code == 403
    assert api.post(f"admin/producer-applications/{application['id']}/approve").status_code == 403
    pending = admin.get("admin/producer-applications", params={"status": "pending", "limit": 100}).json()
    assert application["id"] in [a["id"] for a in pending["items"]]

    approved = admin.post(f"admin/producer-applications/{application['id']}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert "producer" in api.get("me").json()["roles"]
    assert admin.post(f"admin/producer-applications/{application['id']}/approve").status_code == 409
    assert "producer" in api.get(f"users/{user['id']}").json()["roles"]


def test_get_verified_needs_a_producer_and_rejection_needs_a_reason(api: Api, admin: Api):
    api.register()
    verify = {"type": "get_verified", **CONFIRMATIONS}
    assert api.post("producer-program/applications", json=verify).status_code == 403
    application = api.post("producer-program/applications", json=become_producer_application()).json()
    assert admin.post(f"admin/producer-applications/{application['id']}/reject", json={}).status_code == 422
    rejected = admin.post(f"admin/producer-applications/{application['id']}/reject",
                          json={"reason": "The link shows no beats."})
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["rejection_reason"] == "The link shows no beats."
    assert "producer" not in api.get("me").json()["roles"]
    # a rejected application no longer blocks a new one of the same type
    again = api.post("producer-program/applications", json=become_producer_application())
    assert again.status_code == 201
    admin.post(f"admin/producer-applications/{again.json()['id']}/approve")
    verified_application = api.post("producer-program/applications", json=verify)
    assert verified_application.status_code == 201
    admin.post(f"admin/producer-applications/{verified_application.json()['id']}/approve")
    assert "verified" in api.get("me").json()["roles"]
