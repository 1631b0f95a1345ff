"""Liveness, readiness, the OpenAPI document, JSON errors, request ids, and a service that is down."""
from __future__ import annotations

import time
import uuid

import jwt
import requests

from devtools.platform import Platform
from services.common import config
from tests.e2e.conftest import free_port
from tests.support.api import Api
from devtools.infra import Vhost


def test_health_and_ready(api: Api):
    assert api.get("/health").status_code == 200
    ready = api.get("/ready")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"broker": "ok", **{service: "ok" for service in config.SERVICES}}


def test_openapi_document_describes_the_api(api: Api):
    spec = api.get("openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/me", "/api/v1/me/profile",
                 "/api/v1/users/{user_id}/follow", "/api/v1/producer-program/applications",
                 "/api/v1/admin/producer-applications"):
        assert any(p.replace("<", "{").replace(">", "}") == path or p == path for p in spec["paths"]), path
    docs = api.get("docs")
    assert docs.status_code == 200 and "text/html" in docs.headers["Content-Type"]


def test_unknown_route_and_wrong_method_answer_json(api: Api):
    missing = api.get("no-such-thing")
    assert missing.status_code == 404 and missing.json()["error"]
    wrong = api.delete("auth/login")
    assert wrong.status_code == 405 and wrong.json()["error"]


def test_request_id_is_echoed(api: Api):
    response = api.get("/health", headers={"X-Request-ID": "trace-abc-123"})
    assert response.headers["X-Request-ID"] == "trace-abc-123"
    assert api.get("/health").headers["X-Request-ID"]


def test_a_service_that_is_down_gives_503_within_the_timeout(run_id, tmp_path):
    vhost = Vhost(f"beatpass-e2e-down-{uuid.uuid4().hex[:6]}").create()
    secret = uuid.uuid4().hex
    gateway_only = Platform(env={"AMQP_URI": vhost.uri, "JWT_SECRET": secret, "RPC_TIMEOUT_S": "2",
                                 "BEATPASS_VAR_DIR": str(tmp_path)},
                            bind=f"127.0.0.1:{free_port()}", services=(), log_dir=tmp_path / "logs").start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{gateway_only.url}/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        assert requests.get(f"{gateway_only.url}/ready", timeout=10).status_code == 503
        token = jwt.encode({"sub": str(uuid.uuid4()), "iss": "beatpass", "aud": "beatpass-api",
                            "iat": int(time.time()), "exp": int(time.time()) + 600,
                            "jti": uuid.uuid4().hex}, secret, algorithm="HS256")
        started = time.monotonic()
        response = requests.get(f"{gateway_only.url}/api/v1/me", headers={"Authorization": f"Bearer {token}"},
                                timeout=10)
        assert response.status_code in (503, 504)
        assert response.json()["error"] in ("service_unavailable", "service_timeout")
        assert time.monotonic() - started < 4
    finally:
        gateway_only.stop()
        vhost.delete()
