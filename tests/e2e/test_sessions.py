"""Sessions, password change, account deletion and login limits — through the gateway over HTTP."""
from __future__ import annotations

import time

import pytest

from tests.e2e.conftest import REFRESH_REUSE_GRACE_S
from tests.support.api import Api
from tests.support.billing import EventTap, Subscriber

PASSWORD = "correct horse battery"
NEW_PASSWORD = "a brand new passphrase"


def login(platform, email: str, password: str = PASSWORD) -> tuple[Api, dict]:
    """A client of its own (its own address) logged in as ``email``."""
    client = Api(platform.url)
    response = client.post("auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    client.token = response.json()["access_token"]
    client.session.headers["Authorization"] = f"Bearer {client.token}"
    return client, response.json()


def refresh(api: Api, token: str):
    return api.post("auth/refresh", json={"refresh_token": token})


def test_login_answers_a_refresh_token_that_rotates(api, platform):
    user = api.register(login=False)
    client, tokens = login(platform, user["email"])
    assert tokens["refresh_token"] and tokens["refresh_expires_in"] > 0
    renewed = refresh(client, tokens["refresh_token"])
    assert renewed.status_code == 200, renewed.text
    pair = renewed.json()
    assert pair["refresh_token"] != tokens["refresh_token"] and pair["token_type"] == "Bearer"
    assert client.get("me", headers={"Authorization": f"Bearer {pair['access_token']}"}).json()["id"] == user["id"]
    assert refresh(client, pair["refresh_token"]).status_code == 200


def test_a_refresh_token_presented_twice_at_once_keeps_the_session(api, platform):
    user = api.register(login=False)
    client, tokens = login(platform, user["email"])
    first, second = (refresh(client, tokens["refresh_token"]) for _ in range(2))  # two tabs opening together
    assert (first.status_code, second.status_code) == (200, 200)
    assert refresh(client, second.json()["refresh_token"]).status_code == 200


def test_a_reused_refresh_token_ends_the_session(api, platform):
    user = api.register(login=False)
    client, tokens = login(platform, user["email"])
    newest = refresh(client, tokens["refresh_token"]).json()["refresh_token"]
    time.sleep(REFRESH_REUSE_GRACE_S + 0.5)  # past the grace a second use is a copy, not the same browser
    reused = refresh(client, tokens["refresh_token"])
    assert reused.status_code == 401 and "already used" in reused.json()["message"]
    assert refresh(client, newest).status_code == 401


def test_logout_stops_the_refresh_token(api, platform):
    user = api.register(login=False)
    client, tokens = login(platform, user["email"])
    assert client.post("auth/logout", json={"refresh_token": tokens["refresh_token"]}).status_code == 204
    assert refresh(client, tokens["refresh_token"]).status_code == 401
    assert client.post("auth/logout", json={"refresh_token": tokens["refresh_token"]}).status_code == 204


def test_changing_the_password_ends_the_other_sessions(api, platform):
    user = api.register(login=False)
    mine, my_tokens = login(platform, user["email"])
    _, other_tokens = login(platform, user["email"])
    wrong = mine.post("me/password", json={"old_password": "not the password", "new_password": "short"})
    assert wrong.status_code == 422 and set(wrong.json()["details"]) == {"old_password", "new_password"}
    changed = mine.post("me/password", json={"old_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert changed.status_code == 204, changed.text
    assert mine.post("auth/login", json={"email": user["email"], "password": PASSWORD}).status_code == 401
    login(platform, user["email"], NEW_PASSWORD)
    assert refresh(mine, my_tokens["refresh_token"]).status_code == 200
    assert refresh(mine, other_tokens["refresh_token"]).status_code == 401


@pytest.fixture
def deletions(platform):
    tap = EventTap(platform.env["AMQP_URI"], ("user_deleted",))
    yield tap
    tap.close()


def test_deleting_the_account(api, platform, deletions):
    platform.stripe.auto_deliver = True
    member = Subscriber(api, platform.stripe)
    member.subscribe("plus")
    _, tokens = login(platform, member.user["email"])
    assert api.delete("me", json={"password": "not the password"}).status_code == 422
    deleted = api.delete("me", json={"password": PASSWORD})
    assert deleted.status_code == 204, deleted.text
    assert platform.stripe.get(member.subscription_id)["status"] == "canceled"  # cancelled at once
    assert api.post("auth/login", json={"email": member.user["email"], "password": PASSWORD}).status_code == 401
    me = api.get("me")  # the old access token
    assert me.status_code == 401 and "no longer exists" in me.json()["message"]
    assert api.get("billing/subscription").status_code == 401  # any signed-in endpoint, not only /me
    assert api.get("me/applications").status_code == 401
    assert refresh(api, tokens["refresh_token"]).status_code == 401
    assert api.get(f"users/{member.id}").status_code == 404
    [event] = deletions.wait_for(lambda e: e["user_id"] == member.id)
    assert event["event_id"]


def test_failures_from_five_addresses_do_not_lock_out_the_owner(api, platform):
    """Issue #8: five wrong passwords from five addresses locked the owner out from a sixth."""
    user = api.register(login=False)
    for _ in range(5):
        assert Api(platform.url).post("auth/login", json={"email": user["email"],
                                                          "password": "wrong password!!"}).status_code == 401
    login(platform, user["email"])
    attacker = Api(platform.url)
    for _ in range(5):
        attacker.post("auth/login", json={"email": user["email"], "password": "wrong password!!"})
    locked = attacker.post("auth/login", json={"email": user["email"], "password": PASSWORD})
    assert locked.status_code == 429
    assert int(locked.headers["Retry-After"]) == int(locked.json()["details"]["retry_after"]) > 0
    login(platform, user["email"])  # the owner, elsewhere, still gets in
