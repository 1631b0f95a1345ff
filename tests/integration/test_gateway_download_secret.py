"""The gateway will not start without the secret that signs download URLs: gunicorn's master stops before any
worker boots, saying what to set (gateway/settings.py says why there is no fallback)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys

from services.common import config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_refuses_to_start_without_download_url_secret(tmp_path) -> None:
    env = {key: value for key, value in os.environ.items() if key != "DOWNLOAD_URL_SECRET"}
    env.update({"GATEWAY_BIND": f"127.0.0.1:{free_port()}", "BEATPASS_VAR_DIR": str(tmp_path)})
    done = subprocess.run([sys.executable, "-m", "gunicorn", "-c", str(config.ROOT / "deploy" / "gunicorn.conf.py"),
                           "gateway.wsgi:app"], cwd=config.ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "configuration error: DOWNLOAD_URL_SECRET is not set" in done.stderr
    assert "Booting worker" not in done.stderr + done.stdout
