"""make run's supervisor (devtools.platform.Platform): a service or the gateway that exits is restarted, and
one that keeps crashing makes the platform give up with a message that says which and why."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid

import pytest
import requests

from devtools.platform import Platform, PlatformError
from services.common import config

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def platform_env(amqp_uri: str, tmp_path) -> dict[str, str]:
    """make run's own defaults (SQLite files under tmp_path), on this test session's vhost."""
    env = {key: value for key, value in os.environ.items()
           if not key.endswith("_DATABASE_URL") and not key.startswith("STRIPE_")}
    env.update(AMQP_URI=amqp_uri, BEATPASS_VAR_DIR=str(tmp_path), MEDIA_ROOT=str(tmp_path / "media"),
               JWT_SECRET=uuid.uuid4().hex, LOG_LEVEL="INFO")
    subprocess.run([sys.executable, "-m", "services.common.migrate"], env=env, cwd=config.ROOT, check=True,
                   capture_output=True)
    return env


def wait_until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_a_killed_service_and_gateway_are_restarted(amqp_uri, tmp_path) -> None:
    reports: list[str] = []
    platform = Platform(env=platform_env(amqp_uri, tmp_path), bind=f"127.0.0.1:{free_port()}",
                        log_dir=tmp_path / "logs", report=reports.append)
    platform.start()
    try:
        platform.wait_ready(timeout=90)
        catalog, gateway = platform.processes["catalog"].pid, platform.processes["gateway"].pid
        os.kill(catalog, signal.SIGKILL)
        os.kill(gateway, signal.SIGKILL)  # its workers, still holding the port, must go with it

        wait_until(lambda: platform.restarts.get("catalog") == 1 and platform.restarts.get("gateway") == 1, 30,
                   f"the restarts (reports: {reports})")
        platform.wait_ready(timeout=60)
        assert requests.get(f"{platform.url}/ready", timeout=5).status_code == 200
        assert platform.processes["catalog"].pid != catalog and platform.processes["gateway"].pid != gateway
        assert "catalog exited unexpectedly (signal SIGKILL); restarting it in 1 s" in reports, reports
        assert "gateway exited unexpectedly (signal SIGKILL); restarting it in 1 s" in reports, reports
        assert platform.failure is None
    finally:
        platform.stop()


def test_a_process_that_keeps_crashing_makes_the_platform_give_up(amqp_uri, tmp_path) -> None:
    reports: list[str] = []
    env = {**platform_env(amqp_uri, tmp_path), "GATEWAY_WORKERS": "many"}  # the gateway refuses to start
    platform = Platform(env=env, bind=f"127.0.0.1:{free_port()}", services=(), log_dir=tmp_path / "logs",
                        report=reports.append, restart_backoff=(0.1,))
    platform.start()
    try:
        with pytest.raises(PlatformError) as failure:
            platform.wait_ready(timeout=60)
    finally:
        platform.stop()
    message = str(failure.value)
    assert message.startswith("gateway exited 5 times within 60 s (last: exit code 1); giving up."), message
    assert "GATEWAY_WORKERS='many' is not an integer" in message  # the log tail says why
    assert sum("restarting it in" in report for report in reports) == 4, reports
    assert platform.restarts == {"gateway": 4}
