"""Request ids: accepted when sane, generated otherwise, returned, passed to services and logged."""
from __future__ import annotations

import json
import logging
import uuid

import pytest

from gateway.rpc import ServiceUnavailable
from gateway.tests.unit.support import bearer, private_user
from services.common.logs import JsonFormatter
from services.contracts.errors import Unauthorized


def test_a_sane_request_id_is_kept_and_sent_to_the_service(http, rpc):
    rpc.answers[("accounts", "get_user")] = private_user()
    response = http.get("/api/v1/me", headers={**bearer(), "X-Request-ID": "edge-01.abc_DEF-9"})
    assert response.headers["X-Request-ID"] == "edge-01.abc_DEF-9"
    assert rpc.calls[0]["context"]["request_id"] == "edge-01.abc_DEF-9"


@pytest.mark.parametrize("supplied", ["", "a" * 129, "has space", "new\\nline", "quote\"", "ümlaut", "a/b"])
def test_an_unsafe_request_id_is_replaced(http, supplied):
    response = http.get("/health", headers={"X-Request-ID": supplied})
    generated = response.headers["X-Request-ID"]
    assert generated != supplied
    assert uuid.UUID(generated).version == 4


def test_errors_carry_the_request_id_too(http):
    assert http.get("/api/v1/nowhere").headers["X-Request-ID"]


def test_each_request_is_logged_as_one_json_object(http, caplog):
    caplog.set_level(logging.INFO, logger="gateway.access")
    http.get("/api/v1/nowhere", headers={"X-Request-ID": "log-me-1"})
    records = [r for r in caplog.records if r.name == "gateway.access"]
    assert len(records) == 1
    line = JsonFormatter("gateway").format(records[0])
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["request_id"] == "log-me-1"
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/api/v1/nowhere", 404)
    assert isinstance(entry["duration_ms"], float) and entry["duration_ms"] >= 0


def access_records(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "gateway.access"]


def test_probes_are_logged_at_debug_even_when_not_ready(http, rpc, caplog):
    """make run and the e2e tests poll /ready several times a second until the services answer."""
    caplog.set_level(logging.DEBUG, logger="gateway.access")
    rpc.answers[("accounts", "ping")] = ServiceUnavailable("no queue")
    assert http.get("/ready").status_code == 503
    rpc.answers[("accounts", "ping")] = "pong"
    assert http.get("/ready").status_code == 200
    assert http.get("/health").status_code == 200
    assert [(r.levelno, r.status) for r in access_records(caplog)] == [
        (logging.DEBUG, 503), (logging.DEBUG, 200), (logging.DEBUG, 200)]


def test_a_wrong_password_is_info_and_a_failing_service_is_an_error(http, rpc, caplog):
    caplog.set_level(logging.DEBUG, logger="gateway.access")
    rpc.answers[("accounts", "login")] = Unauthorized("invalid email or password")
    login = http.post("/api/v1/auth/login", json={"email": "ana@example.com", "password": "not-her-password"})
    assert login.status_code == 401
    rpc.answers[("accounts", "get_user")] = ServiceUnavailable("accounts is not answering")
    assert http.get("/api/v1/me", headers=bearer()).status_code == 503
    assert [(r.levelno, r.status) for r in access_records(caplog)] == [(logging.INFO, 401), (logging.ERROR, 503)]
