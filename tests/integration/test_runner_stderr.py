"""Every line a service process writes on stderr names the service: its JSON log lines carry
"service", anything else (the interpreter's exit message, an uncaught traceback) starts with
``[<service>] ``."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from services.common import config


def run_service(service: str, tmp_path, **env: str) -> list[str]:
    done = subprocess.run([sys.executable, "-m", "services.common.runner", service], cwd=config.ROOT,
                          env={**os.environ, "BEATPASS_VAR_DIR": str(tmp_path), **env},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0, done.stderr
    assert done.stderr, "the service said nothing"
    return done.stderr.splitlines()


def assert_named(service: str, lines: list[str]) -> None:
    for line in lines:
        assert line.startswith(f"[{service}] ") or json.loads(line)["service"] == service, line


@pytest.mark.parametrize("service", ["catalog", "audio"])
def test_a_configuration_error_is_reported_under_the_service_name(service, tmp_path) -> None:
    lines = run_service(service, tmp_path, HANDLER_STUCK_S="soon")
    assert_named(service, lines)
    assert f"[{service}] configuration error: HANDLER_STUCK_S='soon' is not a number" in lines[-1]


def test_an_uncaught_traceback_is_named_line_by_line(tmp_path) -> None:
    lines = run_service("accounts", tmp_path, LOG_LEVEL="CHATTY")
    assert_named("accounts", lines)
    assert "[accounts] Traceback (most recent call last):" in lines
    assert lines[-1] == "[accounts] ValueError: Unknown level: 'CHATTY'"


def test_the_gateways_stray_stderr_lines_are_named_too(tmp_path) -> None:
    script = "import gateway.wsgi, sys, warnings; warnings.warn('a stray warning'); print('stray', file=sys.stderr)"
    done = subprocess.run([sys.executable, "-c", script], cwd=config.ROOT, capture_output=True, text=True,
                          timeout=60, env={**os.environ, "BEATPASS_VAR_DIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert "[gateway] stray" in lines and any("a stray warning" in line for line in lines), lines
    assert_named("gateway", lines)
