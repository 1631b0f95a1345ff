"""HTTP requests through the Flask app to a real nameko service: status mapping, deadlines, readiness."""
from __future__ import annotations

import time
import uuid

import pytest
from flask import current_app, g, jsonify, request

from gateway.app import create_app
from gateway.auth import account_login_required
from gateway.tests.integration.conftest import SERVICE

pytestmark = pytest.mark.integration

SECRET = "integration-secret-" + "x" * 32


def make_app(amqp_uri: str, **overrides):
    app = create_app({"AMQP_URI": amqp_uri, "JWT_SECRET": SECRET, "RPC_TIMEOUT_S": 1.0,
                      "READY_TIMEOUT_S": 0.5, "READY_SERVICES": (SERVICE,), **overrides})

    # test-only routes that call the test service the way the real views call accounts (through the client
    # itself: the test service has no contract in services/contracts/rpc for remote() to check calls against)
    def call_test_service(method: str, kwargs: dict | None = None):
        context = {"request_id": g.get("request_id"), "user_id": g.get("user_id")}
        return current_app.extensions["rpc"].call(SERVICE, method, kwargs=kwargs or {}, context=context)

    def call(method: str):
        return jsonify(call_test_service(method, request.get_json(silent=True) or {}))

    @account_login_required  # no accounts service here to ask whether the caller exists
    def my_context():
        return jsonify(call_test_service("worker_context"))

    app.add_url_rule("/test/call/<method>", view_func=call, methods=["POST"])
    app.add_url_rule("/test/my-context", view_func=my_context)
    yield app
    app.extensions["rpc"].close()


@pytest.fixture
def app(amqp_uri):
    yield from make_app(amqp_uri)


@pytest.fixture
def http(app):
    return app.test_client()


def token_for(app, user_id: str) -> str:
    from gateway.auth import issue_token

    with app.test_request_context():
        return issue_token(user_id)[0]


def test_a_result_is_returned_as_json(rpc_service, http):
    response = http.post("/test/call/echo", json={"x": 1})
    assert response.status_code == 200
    assert response.get_json() == {"args": [], "kwargs": {"x": 1}}


def test_contract_errors_map_to_their_statuses(rpc_service, http):
    response = http.post("/test/call/raise_error",
                         json={"name": "Conflict", "message": "email taken", "details": {"field": "email"}})
    assert response.status_code == 409
    assert response.get_json() == {"error": "conflict", "message": "email taken", "details": {"field": "email"}}

    response = http.post("/test/call/raise_error",
                         json={"name": "TooManyRequests", "message": "slow down", "details": {"retry_after": 7}})
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert response.get_json()["error"] == "too_many_requests"

    response = http.post("/test/call/raise_error", json={"name": "Forbidden", "message": "admins only"})
    assert (response.status_code, response.get_json()["error"]) == (403, "forbidden")


def test_an_unexpected_remote_error_is_500_without_details(rpc_service, http):
    response = http.post("/test/call/crash")
    assert response.status_code == 500
    assert response.get_json()["error"] == "internal"
    assert b"hunter2" not in response.data and b"Traceback" not in response.data


def test_a_slow_service_is_504_within_the_deadline(rpc_service, http):
    started = time.monotonic()
    response = http.post("/test/call/slow", json={"seconds": 3})
    elapsed = time.monotonic() - started
    assert response.status_code == 504
    assert response.get_json()["error"] == "service_timeout"
    assert 1.0 <= elapsed < 1.5


def test_request_id_and_caller_reach_the_service_worker(rpc_service, app, http):
    user_id = str(uuid.uuid4())
    response = http.get("/test/my-context", headers={"X-Request-ID": "trace-abc.1",
                                                     "Authorization": f"Bearer {token_for(app, user_id)}"})
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == "trace-abc.1"
    assert response.get_json()["data"] == {"request_id": "trace-abc.1", "user_id": user_id}


def test_ready_when_the_broker_and_every_service_answer(rpc_service, http):
    response = http.get("/ready")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready", "checks": {"broker": "ok", SERVICE: "ok"}}


def test_not_ready_names_the_service_that_has_no_queue(rpc_service, amqp_uri):
    for app in make_app(amqp_uri, READY_SERVICES=(SERVICE, "ghost_service")):
        response = app.test_client().get("/ready")
        assert response.status_code == 503
        body = response.get_json()
        assert body["error"] == "service_unavailable"
        assert "ghost_service" in body["message"]
        assert body["details"]["checks"] == {"broker": "ok", SERVICE: "ok", "ghost_service": "unavailable"}


def test_not_ready_and_503_when_the_broker_is_down():
    for app in make_app("amqp://guest:guest@127.0.0.1:1/"):
        http = app.test_client()
        response = http.get("/ready")
        assert response.status_code == 503
        assert response.get_json()["details"]["checks"] == {"broker": "unreachable", SERVICE: "not checked"}
        response = http.post("/api/v1/auth/login", json={"email": "a@example.com", "password": "secret-password"})
        assert response.status_code == 503
        assert response.get_json()["error"] == "service_unavailable"
