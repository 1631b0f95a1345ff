"""End-to-end fixtures: a real platform (every service as its own process + the gateway under
gunicorn) started once per database backend — PostgreSQL, and make run's own SQLite defaults."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from devtools.platform import Platform
from services.common import config
from tests.support.api import Api
from devtools.infra import Vhost
from devtools.stripe_setup import start_local_fake

ADMIN_EMAIL = "root-admin@beatpass.test"
ADMIN_PASSWORD = "admin-password-1234"
#: the payouts service's clock runs this far ahead (docs/payouts.md), so the current UTC month, in which the tests'
#: plays and invoices fall, has ended for it and can be paid (tests/e2e/test_payouts.py); no other service reads it
PAYOUTS_CLOCK_OFFSET_S = 32 * 86_400
REFRESH_REUSE_GRACE_S = 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def platform_env(backend: str, run_id: str, pg, tmp_dir, amqp: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.endswith("_DATABASE_URL")}
    env.update({
        "AMQP_URI": amqp,
        "BEATPASS_VAR_DIR": str(tmp_dir),
        "JWT_SECRET": uuid.uuid4().hex,
        "BEATPASS_ADMIN_EMAIL": ADMIN_EMAIL,
        "BEATPASS_ADMIN_PASSWORD": ADMIN_PASSWORD,
        # each test speaks from its own client address (X-Forwarded-For), so rate limits stay per test
        "GATEWAY_TRUSTED_PROXIES": "1",
        "RPC_TIMEOUT_S": "5",
        "LOG_LEVEL": "INFO",
        "MEDIA_ROOT": str(tmp_dir / "media"),
        "PAYOUTS_CLOCK_OFFSET_S": str(PAYOUTS_CLOCK_OFFSET_S),
        # no hourly analytics reports in a long run: they would add notifications to other tests' verified
        # producers; tests/e2e/test_artist_follows.py makes them with the CLI and the admins' endpoint
        "ANALYTICS_REPORTS_INTERVAL_S": "0",
        # a refresh token presented again is the same browser only this long (tests/e2e/test_sessions.py waits it out)
        "REFRESH_REUSE_GRACE_S": str(REFRESH_REUSE_GRACE_S),
    })
    if backend == "postgres":
        for service in config.SERVICES:
            env[f"{service.upper()}_DATABASE_URL"] = pg.create(f"e2e_{service}")
    subprocess.run([sys.executable, "-m", "services.common.migrate"], env=env, cwd=config.ROOT, check=True,
                   capture_output=True)
    return env


@pytest.fixture(scope="session", params=["postgres", "sqlite"])
def platform(request, run_id, pg, tmp_path_factory):
    backend = request.param
    vhost = Vhost(f"beatpass-e2e-{backend}-{run_id}").create()
    tmp_dir = tmp_path_factory.mktemp(f"platform-{backend}")
    env = platform_env(backend, run_id, pg, tmp_dir, vhost.uri)
    bind = f"127.0.0.1:{free_port()}"
    # billing: a fake Stripe for this platform, sending its webhooks to the platform's gateway
    stripe, stripe_env = start_local_fake(f"http://{bind}/api/v1/webhooks/stripe")
    env.update(stripe_env)
    running = Platform(env=env, bind=bind, log_dir=tmp_dir / "logs").start()
    running.stripe = stripe
    try:
        running.wait_ready(timeout=90)
        running.backend = backend
        running.media_root = Path(env["MEDIA_ROOT"])
        yield running
    finally:
        running.stop()
        stripe.stop()
        vhost.delete()


@pytest.fixture
def api(platform) -> Api:
    return Api(platform.url)


@pytest.fixture
def admin(platform) -> Api:
    client = Api(platform.url)
    client.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    return client
