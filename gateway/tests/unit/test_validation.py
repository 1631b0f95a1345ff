"""Malformed and invalid requests are refused before any RPC, naming the offending field."""
from __future__ import annotations

import pytest

from gateway.tests.unit.support import bearer
from gateway.validation import refuse_unstorable_text
from services.contracts.errors import InvalidField

APP_ID = "7a1c2a3e-0000-4000-8000-000000000009"
REGISTER = {"email": "ana@example.com", "password": "long enough pw", "username": "ana"}
APPLICATION = {"type": "become_producer", "producer_name": "Ana Beats", "beats_link": "https://example.com/ana",
               "first_name": "Ana", "last_name": "Silva", "accept_terms": True, "owns_beats": True,
               "grants_distribution_license": True, "commits_two_beats_per_month": True}
COMMITMENTS = ["accept_terms", "owns_beats", "grants_distribution_license", "commits_two_beats_per_month"]


def assert_invalid(response, *fields: str) -> dict:
    assert response.status_code == 422, response.get_data(as_text=True)
    body = response.get_json()
    assert body["error"] == "invalid"
    assert set(fields) <= set(body["details"]), body
    for field in fields:
        assert field in body["message"]
    return body["details"]


@pytest.fixture(autouse=True)
def no_rpc_was_made(rpc):
    yield
    assert rpc.calls == []


def test_malformed_json_is_400(http):
    response = http.post("/api/v1/auth/register", data='{"email": ', content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"error": "bad_request", "message": "the body is not valid JSON", "details": {}}


@pytest.mark.parametrize("depth", [600, 3000])  # under the unit tests' 8 KiB body limit
def test_deeply_nested_json_is_400_or_422_not_a_500(http, depth):
    """Past the parser's depth limit: 400. Below it, the body's text is still checked without recursion."""
    body = '{"email": ' + "[" * depth + "]" * depth + "}"
    response = http.post("/api/v1/auth/register", data=body, content_type="application/json")
    assert response.status_code in (400, 422), response.get_data(as_text=True)[:300]


def test_a_json_body_that_is_not_an_object_is_400(http):
    response = http.post("/api/v1/auth/register", json=["ana@example.com"])
    assert response.status_code == 400
    assert response.get_json()["error"] == "bad_request"


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
def test_a_body_that_is_not_json_is_415(http, content_type):
    response = http.post("/api/v1/auth/register", data="email=a", content_type=content_type)
    assert response.status_code == 415
    assert response.get_json()["error"] == "unsupported_media_type"


@pytest.mark.parametrize("field, value", [
    ("email", "not-an-email"), ("email", None), ("username", "ab"), ("username", "a" * 31),
    ("username", "ana beats"), ("username", "ana<script>"), ("password", 12345),
])
def test_register_fields(http, field, value):
    assert_invalid(http.post("/api/v1/auth/register", json={**REGISTER, field: value}), field)


@pytest.mark.parametrize("missing", ["email", "password", "username"])
def test_register_required_fields(http, missing):
    payload = {key: value for key, value in REGISTER.items() if key != missing}
    details = assert_invalid(http.post("/api/v1/auth/register", json=payload), missing)
    assert details[missing] == ["Missing data for required field."]


@pytest.mark.parametrize("sneaky", ["role", "roles", "plan", "id", "tokens"])
def test_unknown_fields_are_refused_so_clients_cannot_set_roles_or_plans(http, sneaky):
    details = assert_invalid(http.post("/api/v1/auth/register", json={**REGISTER, sneaky: "admin"}), sneaky)
    assert details[sneaky] == ["Unknown field."]


def test_unknown_profile_field_is_refused(http):
    assert_invalid(http.patch("/api/v1/me/profile", headers=bearer(), json={"plan": "pro"}), "plan")


@pytest.mark.parametrize("commitment", COMMITMENTS)
@pytest.mark.parametrize("value", [False, None, "true", 1, "missing"])
def test_each_commitment_must_be_true(http, commitment, value):
    payload = dict(APPLICATION)
    if value == "missing":
        del payload[commitment]
    else:
        payload[commitment] = value
    details = assert_invalid(http.post("/api/v1/producer-program/applications", headers=bearer(), json=payload),
                             commitment)
    assert list(details) == [commitment]


@pytest.mark.parametrize("missing", ["producer_name", "beats_link", "first_name", "last_name"])
def test_become_producer_needs_its_fields(http, missing):
    payload = {key: value for key, value in APPLICATION.items() if key != missing}
    assert_invalid(http.post("/api/v1/producer-program/applications", headers=bearer(), json=payload), missing)


def test_claim_artist_needs_an_artist_id(http):
    payload = {**APPLICATION, "type": "claim_artist"}
    assert_invalid(http.post("/api/v1/producer-program/applications", headers=bearer(), json=payload), "artist_id")


@pytest.mark.parametrize("field, value", [
    ("type", "become_famous"), ("beats_link", "not a url"), ("beats_link", "ftp://example.com/x"),
    ("artist_id", "artist-1"), ("instagram", "not a handle!"), ("producer_name", "x" * 101),
])
def test_application_fields(http, field, value):
    payload = {**APPLICATION, field: value}
    assert_invalid(http.post("/api/v1/producer-program/applications", headers=bearer(), json=payload), field)


@pytest.mark.parametrize("payload, field", [
    ({"description": "x" * 2001}, "description"),
    ({"links": ["https://example.com/"] * 11}, "links"),
    ({"links": ["javascript:alert(1)"]}, "links"),
    ({"links": "https://example.com/"}, "links"),
    ({"name": 42}, "name"),
    ({}, "_schema"),
])
def test_profile_fields(http, payload, field):
    assert_invalid(http.patch("/api/v1/me/profile", headers=bearer(), json=payload), field)


@pytest.mark.parametrize("query, field", [
    ("limit=0", "limit"), ("limit=101", "limit"), ("limit=ten", "limit"), ("colour=red", "colour"),
    ("cursor=%C3%A9t%C3%A9", "cursor"), ("cursor=abc%3D%3D", "cursor"), ("cursor=" + "a" * 513, "cursor"),
])
def test_list_parameters(http, query, field):
    assert_invalid(http.get(f"/api/v1/me/applications?{query}", headers=bearer()), field)


def test_admin_status_filter_is_checked(http):
    assert_invalid(http.get("/api/v1/admin/producer-applications?status=maybe", headers=bearer()), "status")


@pytest.mark.parametrize("payload", [{}, {"reason": ""}, {"reason": "   "}])
def test_a_rejection_needs_a_reason(http, payload):
    assert_invalid(http.post(f"/api/v1/admin/producer-applications/{APP_ID}/reject", headers=bearer(),
                             json=payload), "reason")


@pytest.mark.parametrize("method, path, payload, field", [
    ("patch", "/api/v1/me/profile", '{"name": "Ana\\u0000"}', "name"),
    ("patch", "/api/v1/me/profile", '{"description": "lone \\udc00 half"}', "description"),
    ("patch", "/api/v1/me/profile", '{"links": ["https://example.com/", "https://e.com/\\u0000"]}', "links.1"),
    ("post", "/api/v1/playlists", '{"name": "Mix\\ud800", "public": true}', "name"),
    ("post", f"/api/v1/tracks/{APP_ID}/comments", '{"body": "nice\\u0000"}', "body"),
])
def test_text_no_database_can_store_is_422_before_any_rpc(http, method, path, payload, field):
    """PostgreSQL cannot store NUL, and a lone surrogate has no UTF-8 encoding: either was a 500 in the
    service; now the gateway names the field."""
    response = getattr(http, method)(path, headers=bearer(), data=payload, content_type="application/json")
    details = assert_invalid(response, field)
    assert details[field] == ["Must be UTF-8 text without NUL (\\u0000) characters or unpaired surrogates."]


def test_emoji_accents_and_control_characters_other_than_nul_are_storable_text():
    refuse_unstorable_text({"name": "Zoë 😀", "tags": ["tab\there", "日本"], "nested": {"ok": "\u0001"}})
    with pytest.raises(InvalidField) as caught:
        refuse_unstorable_text({"nested": {"deep": ["fine", "bad\x00"]}}, "metadata")
    assert list(caught.value.details) == ["metadata.nested.deep.1"]


def test_a_query_parameter_with_a_nul_character_is_422(http):
    assert_invalid(http.get("/api/v1/beat-requests?genre=trap%00", headers=bearer()), "genre")
