"""Refresh, logout, password change, account deletion, and the 401 for a token whose account is gone."""
from __future__ import annotations

import jwt
import pytest

from gateway.tests.unit.support import ACTOR_CHECK, SECRET, USER_ID, bearer, make_token, private_user
from services.contracts import errors as contract

SESSION_ID = "5e55e55e-0000-4000-8000-000000000005"
GONE = contract.Unauthorized("the account of this access token no longer exists: log in again or register")


def test_refresh_answers_a_new_pair_in_the_same_session(http, rpc):
    rpc.answers[("accounts", "refresh_session")] = {"user_id": USER_ID, "session_id": SESSION_ID,
                                                    "refresh_token": "r2", "refresh_expires_in": 60}
    response = http.post("/api/v1/auth/refresh", json={"refresh_token": "r1"})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["refresh_token"], body["refresh_expires_in"], body["token_type"]) == ("r2", 60, "Bearer")
    claims = jwt.decode(body["access_token"], SECRET, algorithms=["HS256"], audience="beatpass-api")
    assert (claims["sub"], claims["sid"]) == (USER_ID, SESSION_ID)
    assert rpc.calls[0]["kwargs"] == {"refresh_token": "r1"}


def test_a_refused_refresh_is_401(http, rpc):
    rpc.answers[("accounts", "refresh_session")] = contract.Unauthorized("this refresh token was already used")
    response = http.post("/api/v1/auth/refresh", json={"refresh_token": "r1"})
    assert response.status_code == 401 and response.get_json()["error"] == "unauthorized"


@pytest.mark.parametrize("body", [{"refresh_token": ""}, {"refresh_token": "r", "extra": 1}, {"refresh_token": 5}])
def test_refresh_and_logout_validate_the_body(http, rpc, body):
    for path in ("/api/v1/auth/refresh", "/api/v1/auth/logout"):
        assert http.post(path, json=body).status_code == 422
    assert rpc.calls == []


def test_login_and_refresh_set_the_refresh_token_as_an_httponly_cookie_of_the_auth_paths(http, rpc):
    rpc.answers[("accounts", "refresh_session")] = {"user_id": USER_ID, "session_id": SESSION_ID,
                                                    "refresh_token": "r2", "refresh_expires_in": 60}
    response = http.post("/api/v1/auth/refresh", json={"refresh_token": "r1"})
    cookie, flag = response.headers.getlist("Set-Cookie")
    assert cookie.startswith("beatpass_refresh=r2;")
    for part in ("HttpOnly", "SameSite=Strict", "Path=/api/v1/auth", "Max-Age=60"):
        assert part in cookie
    assert flag.startswith("beatpass_signed_in=1;") and "HttpOnly" not in flag and "Path=/;" in flag


def test_refresh_without_a_body_token_uses_the_cookie(http, rpc):
    rpc.answers[("accounts", "refresh_session")] = {"user_id": USER_ID, "session_id": SESSION_ID,
                                                    "refresh_token": "r3", "refresh_expires_in": 60}
    http.set_cookie("beatpass_refresh", "r2", path="/api/v1/auth")
    response = http.post("/api/v1/auth/refresh", json={})
    assert response.status_code == 200 and response.get_json()["refresh_token"] == "r3"
    assert rpc.calls[0]["kwargs"] == {"refresh_token": "r2"}


def test_refresh_with_neither_token_nor_cookie_is_401_and_asks_nothing(http, rpc):
    response = http.post("/api/v1/auth/refresh", json={})
    assert response.status_code == 401
    assert "log in again" in response.get_json()["message"]
    assert rpc.calls == []


def test_logout_with_the_cookie_ends_that_session_and_clears_the_cookie(http, rpc):
    http.set_cookie("beatpass_refresh", "r2", path="/api/v1/auth")
    response = http.post("/api/v1/auth/logout", json={})
    assert response.status_code == 204
    assert rpc.calls[0]["kwargs"] == {"refresh_token": "r2"}
    cleared = sorted(cookie.split("=")[0] for cookie in response.headers.getlist("Set-Cookie"))
    assert cleared == ["beatpass_refresh", "beatpass_signed_in"]
    assert all("Max-Age=0" in cookie for cookie in response.headers.getlist("Set-Cookie"))


def test_logout_is_204(http, rpc):
    response = http.post("/api/v1/auth/logout", json={"refresh_token": "r1"})
    assert response.status_code == 204 and response.data == b""
    assert rpc.calls[0]["method"] == "logout"


def test_password_change_passes_the_session_and_address(http, rpc):
    response = http.post("/api/v1/me/password", headers=bearer(make_token(sid=SESSION_ID)),
                         json={"old_password": "old one!!", "new_password": "a new passphrase"})
    assert response.status_code == 204
    [call] = rpc.calls
    assert call["method"] == "change_password"
    assert call["kwargs"] == {"actor_id": USER_ID, "old_password": "old one!!", "new_password": "a new passphrase",
                              "client_ip": "127.0.0.1", "session_id": SESSION_ID}


def test_a_token_without_a_session_changes_the_password_too(http, rpc):
    response = http.post("/api/v1/me/password", headers=bearer(),
                         json={"old_password": "old one!!", "new_password": "a new passphrase"})
    assert response.status_code == 204
    assert rpc.calls[0]["kwargs"]["session_id"] is None


def test_a_token_with_a_malformed_session_is_invalid(http, rpc):
    assert http.get("/api/v1/me", headers=bearer(make_token(sid="nope"))).status_code == 401
    assert rpc.calls == []


def test_delete_me_needs_the_password(http, rpc):
    assert http.delete("/api/v1/me", headers=bearer(), json={}).status_code == 422
    response = http.delete("/api/v1/me", headers=bearer(), json={"password": "my password"})
    assert response.status_code == 204
    assert rpc.calls[0]["kwargs"] == {"actor_id": USER_ID, "password": "my password", "client_ip": "127.0.0.1"}


def test_every_signed_in_endpoint_refuses_a_deleted_account_with_401(http, rpc):
    rpc.answers[ACTOR_CHECK] = GONE
    response = http.get("/api/v1/me/applications", headers=bearer())
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert [call["method"] for call in rpc.calls] == ["verify_actor"]  # the view's own call never happens


def test_views_served_by_accounts_skip_the_separate_check(http, rpc):
    rpc.answers[("accounts", "get_user")] = private_user()
    assert http.get("/api/v1/me", headers=bearer()).status_code == 200
    assert rpc.actor_checks == []
    rpc.answers[("accounts", "list_my_applications")] = {"items": [], "total": 0, "next": None}
    assert http.get("/api/v1/me/applications", headers=bearer()).status_code == 200
    assert rpc.actor_checks == [USER_ID]
