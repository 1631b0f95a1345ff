"""Registration, login, tokens and rate limits — through the gateway over HTTP."""
from __future__ import annotations

import base64
import json
import time
import uuid

import jwt

from tests.support.api import Api


def unique(prefix: str = "u") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def test_register_returns_the_user_without_any_hash(api: Api):
    email = f"{unique()}@Example.com"
    response = api.post("auth/register", json={"email": email, "password": "a long passphrase", "username": unique()})
    assert response.status_code == 201
    user = response.json()
    assert user["email"].lower() == email.lower()
    assert user["roles"] == ["listener"]
    assert user["plan"] == "explorer"
    assert "password" not in json.dumps(user).lower().replace("password_", "")
    assert not any("hash" in key for key in user)


def test_email_is_unique_case_insensitively_and_username_too(api: Api):
    email, username = f"{unique()}@example.com", unique()
    api.register(email=email, username=username, login=False)
    again = api.post("auth/register", json={"email": email.upper(), "password": "another passphrase",
                                             "username": unique()})
    assert again.status_code == 409
    assert again.json()["error"] == "conflict"
    same_name = api.post("auth/register", json={"email": f"{unique()}@example.com", "password": "another passphrase",
                                                 "username": username})
    assert same_name.status_code == 409


def test_password_policy_is_a_422_naming_the_password(api: Api):
    email = f"{unique()}@example.com"
    short = api.post("auth/register", json={"email": email, "password": "short", "username": unique()})
    assert short.status_code == 422
    assert "password" in short.json()["details"]
    same_as_email = api.post("auth/register", json={"email": email, "password": email, "username": unique()})
    assert same_as_email.status_code == 422
    assert "password" in same_as_email.json()["details"]


def test_client_cannot_set_its_role_plan_or_id(api: Api):
    response = api.post("auth/register", json={"email": f"{unique()}@example.com", "password": "a long passphrase",
                                                "username": unique(), "roles": ["admin"]})
    assert response.status_code == 422
    assert "roles" in response.json()["details"]


def test_malformed_json_is_400_and_missing_field_is_422(api: Api):
    bad = api.post("auth/register", data="{not json", headers={"Content-Type": "application/json"})
    assert bad.status_code == 400
    assert bad.json()["error"]
    missing = api.post("auth/register", json={"email": f"{unique()}@example.com", "password": "a long passphrase"})
    assert missing.status_code == 422
    assert "username" in missing.json()["details"]


def test_login_and_me(api: Api):
    user = api.register()
    response = api.post("auth/login", json={"email": user["email"], "password": "correct horse battery"})
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] > 0
    me = api.get("me")
    assert me.status_code == 200
    assert me.json()["id"] == user["id"]
    assert set(me.json()) >= {"id", "email", "username", "roles", "plan", "tokens"}
    assert me.json()["tokens"] == 1  # Explorer: one beat-request token a month


def test_wrong_password_and_unknown_email_are_the_same_401(api: Api):
    user = api.register(login=False)
    wrong = api.post("auth/login", json={"email": user["email"], "password": "not the password at all"})
    unknown = api.post("auth/login", json={"email": f"{unique()}@example.com", "password": "not the password"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_missing_tampered_and_expired_tokens_are_401(api: Api):
    api.register()
    assert api.get("me", headers={"Authorization": ""}).status_code == 401
    header, payload, signature = api.token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = str(uuid.uuid4())
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    tampered = api.get("me", headers={"Authorization": f"Bearer {header}.{forged}.{signature}"})
    assert tampered.status_code == 401
    assert tampered.json()["error"]
    expired = jwt.encode({**claims, "exp": int(time.time()) - 10}, "guessed-secret", algorithm="HS256")
    assert api.get("me", headers={"Authorization": f"Bearer {expired}"}).status_code == 401
    unsigned = jwt.encode({**claims, "exp": int(time.time()) + 600}, None, algorithm="none")
    assert api.get("me", headers={"Authorization": f"Bearer {unsigned}"}).status_code == 401


def test_failed_logins_per_email_are_limited(api: Api):
    user = api.register(login=False)
    statuses = [api.post("auth/login", json={"email": user["email"], "password": "wrong password!!"}).status_code
                for _ in range(6)]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    limited = api.post("auth/login", json={"email": user["email"], "password": "correct horse battery"})
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0


def test_registrations_per_client_address_are_limited(platform):
    client = Api(platform.url)
    statuses = []
    for _ in range(31):
        response = client.post("auth/register", json={"email": f"{unique()}@example.com",
                                                       "password": "a long passphrase", "username": unique()})
        statuses.append(response.status_code)
    assert statuses[:30] == [201] * 30
    assert statuses[30] == 429
    other_address = Api(platform.url)
    assert other_address.post("auth/register", json={"email": f"{unique()}@example.com",
                                                      "password": "a long passphrase",
                                                      "username": unique()}).status_code == 201


def test_body_over_the_limit_is_413_before_it_is_read(api: Api):
    huge = b"{" + b" " * (2 * 1024 * 1024) + b"}"
    response = api.post("auth/register", data=huge, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"]
