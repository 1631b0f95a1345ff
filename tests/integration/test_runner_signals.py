"""Ctrl-C on make run reaches every process of the group, and the platform then sends SIGTERM too:
a service stops once, cleanly, whatever the order and number of signals."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

from services.common import config


def test_sigint_then_sigterm_stops_a_service_cleanly(amqp_uri, tmp_path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.endswith("_DATABASE_URL")}
    env.update(AMQP_URI=amqp_uri, BEATPASS_VAR_DIR=str(tmp_path))  # SQLite files under tmp_path
    subprocess.run([sys.executable, "-m", "services.common.migrate"], env=env, cwd=config.ROOT, check=True,
                   capture_output=True)
    log = tmp_path / "accounts.log"
    with log.open("wb") as out:
        service = subprocess.Popen([sys.executable, "-m", "services.common.runner", "accounts"], env=env,
                                   cwd=config.ROOT, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while b"service started" not in log.read_bytes():
                assert service.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            service.send_signal(signal.SIGINT)
            time.sleep(0.3)  # the platform's SIGTERM comes while the service is already stopping
            service.send_signal(signal.SIGTERM)
            assert service.wait(timeout=30) == 0, log.read_text()
        finally:
            if service.poll() is None:  # a service that did not stop must not outlive the test
                service.kill()
                service.wait()
    output = log.read_text()
    assert "stopping on signal 2" in output and "Traceback" not in output, output


def test_sigterm_stops_a_service_still_waiting_for_the_broker(tmp_path) -> None:
    """A broker that never answers keeps nameko retrying its connection; a stop signal must still end it."""
    with socket.socket() as listener:  # a port that accepts nothing: bound, never listening
        listener.bind(("127.0.0.1", 0))
        port = listener.getsockname()[1]
        env = {key: value for key, value in os.environ.items() if not key.endswith("_DATABASE_URL")}
        env.update(AMQP_URI=f"amqp://guest:guest@127.0.0.1:{port}/", BEATPASS_VAR_DIR=str(tmp_path))
        log = tmp_path / "catalog.log"
        with log.open("wb") as out:
            service = subprocess.Popen([sys.executable, "-m", "services.common.runner", "catalog"], env=env,
                                       cwd=config.ROOT, stdout=out, stderr=subprocess.STDOUT)
            try:
                # once its stop signals are set (a loaded machine may take seconds to import), well into retries
                deadline = time.monotonic() + 60
                while b"connecting to the broker" not in log.read_bytes():
                    assert service.poll() is None and time.monotonic() < deadline, log.read_text()
                    time.sleep(0.2)
                time.sleep(2)
                assert service.poll() is None, log.read_text()
                service.send_signal(signal.SIGTERM)
                assert service.wait(timeout=10) == 0, log.read_text()
            finally:
                if service.poll() is None:
                    service.kill()
                    service.wait()
    assert "stopping on signal 15" in log.read_text()
