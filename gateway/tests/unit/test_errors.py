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


@pytest.mark.parametrize("retry_after, header", [(30, "30"), ("7", "7"), (1.2, "2")])
def test_too_many_requests_carries_retry_after(http, rpc, retry_after, header):
    rpc.answers[("accounts", "login")] = contract.TooManyRequests("slow down", {"retry_after": retry_after})
    response = http.post("/api/v1/auth/login", json={"email": "a@example.com", "password": "x"})
    assert response.status_code == 429
    assert response.headers["Retry-After"] == header


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
    body = response.get_json()
    assert body["error"] == "not_found" and body["message"] and body["details"] == {}


def test_405_is_json_and_says_what_is_allowed(http):
    response = http.put("/api/v1/me")
    assert response.status_code == 405
    assert response.get_json()["error"] == "method_not_allowed"
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
