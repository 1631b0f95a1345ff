"""One error table for remote errors and HTTP errors, one JSON body for all of them."""
from __future__ import annotations

import pytest
from flask import abort

from gateway import errors
from gateway.rpc import RemoteFailure, ServiceTimeout, ServiceUnavailable
from gateway.tests.unit.support import bearer
from services.contracts import errors as contract
from services.contracts.errors import ERRORS_BY_NAME

EXPECTED = {"BadRequest": 400, "InvalidField": 422, "Unauthorized": 401, "PaymentRequired": 402,
            "Forbidden": 403, "NotFound": 404, "Conflict": 409, "TooManyRequests": 429, "ServiceError": 500,
            "BillingUnavailable": 503}


def test_the_table_covers_every_contract_error():
    assert set(ERRORS_BY_NAME) <= set(errors.BY_CLASS)
    for name, cls in ERRORS_BY_NAME.items():
        row = errors.BY_CLASS[name]
        assert row.code == cls.code, name  # the public code is the contract's
        assert row.status == EXPECTED[name], name


def test_the_table_covers_the_gateways_own_failures():
    for cls, status in ((RemoteFailure, 500), (ServiceUnavailable, 503), (ServiceTimeout, 504)):
        assert errors.BY_CLASS[cls.__name__].status == status
        assert errors.BY_CLASS[cls.__name__].code == cls.code


def test_a_subclass_inherits_its_parents_status():
    class EmailTaken(contract.Conflict):
        pass

    assert errors.row_for(EmailTaken("taken")).status == 409


@pytest.mark.parametrize("name", sorted(ERRORS_BY_NAME))
def test_each_remote_error_becomes_its_status_and_body(http, rpc, name):
    cls = ERRORS_BY_NAME[name]
    rpc.answers[("accounts", "get_user")] = cls("refused here", {"field": ["why"]})
    response = http.get("/api/v1/me", headers=bearer())
    assert response.status_code == EXPECTED[name]
    assert response.get_json() == {"error": cls.code, "message": "refused here", "details": {"field": ["why"]}}


@pytest.mark.parametrize("retry_after, seconds", [(30, 30), ("7", 7), (1.2, 2)])
def test_too_many_requests_carries_retry_after_in_the_header_and_the_details_alike(http, rpc, retry_after, seconds):
    rpc.answers[("accounts", "login")] = contract.TooManyRequests("slow down", {"retry_after": retry_after})
    response = http.post("/api/v1/auth/login", json={"email": "a@example.com", "password": "x"})
    assert response.status_code == 429
    assert response.headers["Retry-After"] == str(seconds)
    assert response.get_json()["details"] == {"retry_after": seconds}


def test_a_remote_unauthorized_still_challenges(http, rpc):
    rpc.answers[("accounts", "login")] = contract.Unauthorized("wrong email or password")
    response = http.post("/api/v1/auth/login", json={"email": "a@example.com", "password": "x"})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("exc, status, code", [
    (ServiceTimeout("accounts did not answer within 5 s", {"service": "accounts"}), 504, "service_timeout"),
    (ServiceUnavailable("the accounts service is not running", {"service": "accounts"}), 503,
     "service_unavailable"),
    (RemoteFailure("the accounts service failed", {"service": "accounts"}), 500, "internal"),
])
def test_rpc_failures(http, rpc, exc, status, code):
    rpc.answers[("accounts", "get_user")] = exc
    response = http.get("/api/v1/me", headers=bearer())
    assert response.status_code == status
    assert response.get_json() == {"error": code, "message": exc.message, "details": {"service": "accounts"}}


def test_404_is_json(http):
    response = http.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json() == {"error": "not_found", "message": "no such endpoint: GET /api/v1/nothing-here",
                                   "details": {"method": "GET", "path": "/api/v1/nothing-here"}}


def test_a_mistyped_like_kind_is_the_apis_404_naming_the_kinds_before_authentication(http, rpc):
    path = "/api/v1/likes/track/6f1c2a3e-0000-4000-8000-00000000000a"
    response = http.put(path)  # no token: the path is wrong whoever asks
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert "WWW-Authenticate" not in response.headers
    assert response.get_json() == {
        "error": "not_found",
        "message": f"no such endpoint: PUT {path} (kind must be one of tracks, collections, producers)",
        "details": {"method": "PUT", "path": path, "expected": {"kind": ["tracks", "collections", "producers"]}}}
    assert rpc.calls == []


def test_a_malformed_id_in_a_path_is_named(http):
    body = http.get("/api/v1/tracks/not-a-uuid").get_json()
    assert body["message"] == "no such endpoint: GET /api/v1/tracks/not-a-uuid (track_id must be a UUID)"
    assert body["details"]["expected"] == {"track_id": "uuid"}


def test_a_views_own_404_keeps_its_message(app):
    @app.get("/gone")
    def gone():
        abort(404, "that one is gone")

    assert app.test_client().get("/gone").get_json()["message"] == "that one is gone"


def test_405_is_json_and_says_what_is_allowed(http):
    response = http.put("/api/v1/me")
    assert response.status_code == 405
    assert response.get_json() == {"error": "method_not_allowed",
                                   "message": "PUT is not allowed on /api/v1/me; use DELETE, GET",
                                   "details": {"method": "PUT", "path": "/api/v1/me", "allowed": ["DELETE", "GET"]}}
    assert "GET" in response.headers["Allow"]


def test_an_unexpected_exception_is_a_bare_500(app, caplog):
    @app.get("/boom")
    def boom():
        raise RuntimeError("password=hunter2 in a stack trace")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert response.get_json() == {"error": "internal", "message": "internal error", "details": {}}
    assert b"hunter2" not in response.data
    assert any("unhandled error" in record.getMessage() for record in caplog.records)  # logged for operators


def test_an_aborted_request_is_json(app):
    @app.get("/teapot")
    def teapot():
        abort(409)

    response = app.test_client().get("/teapot")
    assert response.status_code == 409
    assert response.get_json()["error"] == "conflict"


def test_the_details_of_a_422_are_capped_and_the_rest_counted():
    details = {f"field_{index}": ["Unknown field."] for index in range(120)}
    details["nested"] = {"a": ["bad"], "b": ["bad"]}
    capped = errors.cap_field_errors(details)
    assert list(capped)[:errors.MAX_FIELD_ERRORS] == [f"field_{index}" for index in range(errors.MAX_FIELD_ERRORS)]
    assert capped[errors.OMITTED_KEY] == 120 + 2 - errors.MAX_FIELD_ERRORS
    assert errors.cap_field_errors({"a": ["x"], "b": {"c": ["y"]}}) == {"a": ["x"], "b": {"c": ["y"]}}


def test_a_long_field_name_is_clipped():
    capped = errors.cap_field_errors({"k" * 5000: ["Unknown field."]})
    assert [len(name) for name in capped] == [errors.MAX_NAME_LENGTH + 1]
