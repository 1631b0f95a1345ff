"""Each endpoint: the RPC it makes, with which arguments, and the response it shapes."""
from __future__ import annotations

import jwt
import pytest

from gateway.tests.unit.support import SECRET, USER_ID, application, bearer, private_user
from services.contracts.errors import ServiceError

OTHER_ID = "9b1c2a3e-0000-4000-8000-000000000002"
APP_ID = application()["id"]


def only_call(rpc) -> dict:
    assert len(rpc.calls) == 1, rpc.calls
    return rpc.calls[0]


def test_register_is_201_with_the_user_and_never_a_hash(http, rpc):
    rpc.answers[("accounts", "register")] = private_user(password_hash="$argon2id$secret")
    payload = {"email": "ana@example.com", "password": "long enough pw", "username": "ana"}
    response = http.post("/api/v1/auth/register", json=payload, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["id"] == USER_ID and body["email"] == "ana@example.com"
    assert "password_hash" not in body and "password" not in body
    call = only_call(rpc)
    assert (call["service"], call["method"]) == ("accounts", "register")
    assert call["kwargs"] == {"email": "ana@example.com", "password": "long enough pw", "username": "ana",
                              "client_ip": "203.0.113.9"}


SESSION_ID = "5e55e55e-0000-4000-8000-000000000005"


def test_login_returns_a_bearer_token_for_the_account(http, rpc, app):
    rpc.answers[("accounts", "login")] = {"user": private_user(), "session_id": SESSION_ID,
                                          "refresh_token": "r1", "refresh_expires_in": 2592000}
    response = http.post("/api/v1/auth/login", json={"email": "ana@example.com", "password": "pw"})
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token", "refresh_expires_in"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert (body["refresh_token"], body["refresh_expires_in"]) == ("r1", 2592000)
    claims = jwt.decode(body["access_token"], SECRET, algorithms=["HS256"], audience="beatpass-api",
                        issuer="beatpass")
    assert claims["sub"] == USER_ID and claims["exp"] - claims["iat"] == 3600 and claims["jti"]
    assert claims["sid"] == SESSION_ID
    assert "roles" not in claims
    assert only_call(rpc)["kwargs"]["client_ip"] == "127.0.0.1"
    # and the token is accepted
    rpc.answers[("accounts", "get_user")] = private_user()
    assert http.get("/api/v1/me", headers=bearer(body["access_token"])).status_code == 200


def test_me_passes_the_token_subject_as_actor(http, rpc):
    rpc.answers[("accounts", "get_user")] = private_user(roles=["listener", "producer"], plan="plus", tokens=3)
    response = http.get("/api/v1/me", headers=bearer())
    assert response.status_code == 200
    body = response.get_json()
    assert {key: body[key] for key in ("id", "email", "username", "roles", "plan", "tokens")} == {
        "id": USER_ID, "email": "ana@example.com", "username": "ana", "roles": ["listener", "producer"],
        "plan": "plus", "tokens": 3}
    call = only_call(rpc)
    assert call["kwargs"] == {"actor_id": USER_ID}
    assert call["context"]["user_id"] == USER_ID


def test_roles_in_a_token_are_ignored(http, rpc):
    from gateway.tests.unit.support import make_token

    rpc.answers[("accounts", "list_applications")] = {"items": [], "total": 0, "next": None}
    response = http.get("/api/v1/admin/producer-applications?status=pending",
                        headers=bearer(make_token(roles=["admin"], role="admin")))
    assert response.status_code == 200
    assert only_call(rpc)["kwargs"] == {"actor_id": USER_ID, "status": "pending", "cursor": None, "limit": 20}


def test_profile_patch_sends_only_the_changes(http, rpc):
    rpc.answers[("accounts", "update_profile")] = private_user()
    response = http.patch("/api/v1/me/profile", headers=bearer(),
                          json={"city": "Montréal", "links": ["https://example.com/ana"]})
    assert response.status_code == 200
    assert only_call(rpc)["kwargs"] == {"actor_id": USER_ID,
                                        "changes": {"city": "Montréal", "links": ["https://example.com/ana"]}}


def test_lists_use_the_envelope_and_pass_cursor_and_limit(http, rpc):
    rpc.answers[("accounts", "list_my_applications")] = {"items": [application()], "total": 3, "next": "abc"}
    response = http.get("/api/v1/me/applications?cursor=xyz&limit=1", headers=bearer())
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"items", "total", "next"}
    assert body["total"] == 3 and body["next"] == "abc" and body["items"][0]["id"] == APP_ID
    assert only_call(rpc)["kwargs"] == {"actor_id": USER_ID, "cursor": "xyz", "limit": 1}


@pytest.mark.parametrize("tab, method", [("followers", "list_followers"), ("following", "list_following")])
def test_follower_lists_are_public(http, rpc, tab, method):
    rpc.answers[("accounts", method)] = {"items": [{"id": OTHER_ID, "username": "bo", "name": None,
                                                     "email": "leak@example.com"}], "total": 1, "next": None}
    response = http.get(f"/api/v1/users/{USER_ID}/{tab}")
    assert response.status_code == 200
    assert response.get_json() == {"items": [{"id": OTHER_ID, "username": "bo", "name": None}], "total": 1,
                                   "next": None}
    assert only_call(rpc)["kwargs"] == {"user_id": USER_ID, "cursor": None, "limit": 20}


def test_public_profile_has_no_private_fields(http, rpc):
    rpc.answers[("accounts", "get_public_profile")] = private_user()  # even if accounts sent too much
    response = http.get(f"/api/v1/users/{USER_ID}")
    assert response.status_code == 200
    assert not {"email", "plan", "tokens"} & set(response.get_json())


def test_an_id_that_is_not_a_uuid_is_404_without_rpc(http, rpc):
    response = http.get("/api/v1/users/not-a-uuid")
    assert response.status_code == 404
    assert rpc.calls == []


@pytest.mark.parametrize("verb, method", [("put", "follow"), ("delete", "unfollow")])
def test_follow_and_unfollow(http, rpc, verb, method):
    rpc.answers[("accounts", method)] = {"following": verb == "put", "followers_count": 5}
    response = getattr(http, verb)(f"/api/v1/users/{OTHER_ID}/follow", headers=bearer())
    assert response.status_code == 200
    assert response.get_json() == {"following": verb == "put", "followers_count": 5}
    assert only_call(rpc)["kwargs"] == {"actor_id": USER_ID, "user_id": OTHER_ID}


def test_producer_application_is_201(http, rpc):
    rpc.answers[("accounts", "apply_producer_program")] = application()
    payload = {"type": "become_producer", "producer_name": "Ana Beats", "beats_link": "https://example.com/ana",
               "first_name": "Ana", "last_name": "Silva", "accept_terms": True, "owns_beats": True,
               "grants_distribution_license": True, "commits_two_beats_per_month": True}
    response = http.post("/api/v1/producer-program/applications", headers=bearer(), json=payload)
    assert response.status_code == 201
    assert response.get_json()["status"] == "pending"
    assert only_call(rpc)["kwargs"] == {"actor_id": USER_ID, "application": payload}


def test_get_verified_needs_only_the_commitments(http, rpc):
    rpc.answers[("accounts", "apply_producer_program")] = application(type="get_verified")
    payload = {"type": "get_verified", "accept_terms": True, "owns_beats": True,
               "grants_distribution_license": True, "commits_two_beats_per_month": True}
    response = http.post("/api/v1/producer-program/applications", headers=bearer(), json=payload)
    assert response.status_code == 201


def test_admin_approve_and_reject(http, rpc):
    rpc.answers[("accounts", "approve_application")] = application(status="approved")
    response = http.post(f"/api/v1/admin/producer-applications/{APP_ID}/approve", headers=bearer())
    assert (response.status_code, response.get_json()["status"]) == (200, "approved")
    assert rpc.calls[-1]["kwargs"] == {"actor_id": USER_ID, "application_id": APP_ID}

    rpc.answers[("accounts", "reject_application")] = application(status="rejected", rejection_reason="no link")
    response = http.post(f"/api/v1/admin/producer-applications/{APP_ID}/reject", headers=bearer(),
                         json={"reason": "no link"})
    assert (response.status_code, response.get_json()["rejection_reason"]) == (200, "no link")
    assert rpc.calls[-1]["kwargs"] == {"actor_id": USER_ID, "application_id": APP_ID, "reason": "no link"}


def test_health_needs_nothing(http, rpc):
    response = http.get("/health")
    assert (response.status_code, response.get_json()) == (200, {"status": "ok"})
    assert rpc.calls == []


def test_ready_pings_every_service(http, rpc):
    rpc.answers[("accounts", "ping")] = "pong"
    response = http.get("/ready")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"broker": "ok", "accounts": "ok"}


def test_ready_is_503_naming_a_service_with_a_stuck_handler(http, rpc):
    problem = "stuck handler: accounts.login running for 131 s"
    rpc.answers[("accounts", "ping")] = ServiceError(f"accounts is not ready: {problem}", {"problem": problem})
    response = http.get("/ready")
    assert response.status_code == 503
    assert response.get_json()["details"]["checks"] == {"broker": "ok", "accounts": problem}
    assert "accounts (stuck handler: accounts.login running for 131 s)" in response.get_json()["message"]
