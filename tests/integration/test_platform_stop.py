"""Stopping make run ends every process it started, gunicorn's workers included, and frees the gateway's
port within the stop grace period — even with a worker that ignores SIGTERM or a request that never ends."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest
import requests

from devtools.platform import STOP_GRACE_S
from services.common import config
from tests.integration.test_platform_supervisor import free_port, platform_env
from tests.support.processes import describe, kill_marked, marked, port_free

pytestmark = pytest.mark.integration

MARKER = "BEATPASS_TEST_PROCESS_TREE"


def wait_until(check, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def gunicorn_workers(marker: str, master: int) -> list[int]:
    workers = []
    for pid in marked(MARKER, marker):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if int(stat.read().rsplit(")", 1)[1].split()[1]) == master:
                    workers.append(pid)
        except OSError:
            pass
    return workers


def gunicorn_master(marker: str) -> int | None:
    for pid in marked(MARKER, marker):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                if b"gunicorn" in cmdline.read() and gunicorn_workers(marker, pid):
                    return pid
        except OSError:
            pass
    return None


class Load:
    def __init__(self, url: str, clients: int = 8):
        self.url, self.running, self.answered = url, True, 0
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(clients)]
        for thread in self.threads:
            thread.start()

    def _run(self) -> None:
        while self.running:
            for path in ("/api/v1/tracks", "/ready", "/health"):
                try:
                    requests.get(f"{self.url}{path}", timeout=5)
                    self.answered += 1
                except requests.RequestException:
                    time.sleep(0.05)

    def stop(self) -> None:
        self.running = False
        for thread in self.threads:
            thread.join(timeout=10)


def test_sigterm_to_make_run_under_load_ends_every_process_and_frees_the_port(amqp_uri, tmp_path) -> None:
    marker = uuid.uuid4().hex
    port = free_port()
    env = {**platform_env(amqp_uri, tmp_path), "GATEWAY_BIND": f"127.0.0.1:{port}", MARKER: marker}
    log = tmp_path / "platform.log"
    with log.open("wb") as out:
        platform = subprocess.Popen([sys.executable, "-m", "devtools.platform"], env=env, cwd=config.ROOT,
                                    stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    load = None
    try:
        def ready() -> bool:
            assert platform.poll() is None, log.read_text()
            try:
                return requests.get(f"http://127.0.0.1:{port}/ready", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        assert wait_until(ready, 90), log.read_text()
        load = Load(f"http://127.0.0.1:{port}")
        time.sleep(1)
        assert load.answered > 0
        master = gunicorn_master(marker)
        assert master is not None, describe(marked(MARKER, marker))
        # a worker deaf to SIGTERM (the one seen stuck in a futex wait): only SIGKILL ends it
        os.kill(gunicorn_workers(marker, master)[0], signal.SIGSTOP)

        started = time.monotonic()
        os.killpg(platform.pid, signal.SIGTERM)  # as `kill -TERM -<pgid>` of make run does
        platform.wait(timeout=STOP_GRACE_S + 15)
        assert wait_until(lambda: not marked(MARKER, marker), 5), describe(marked(MARKER, marker))
        assert wait_until(lambda: port_free(port), 2), f"port {port} still taken"
        assert time.monotonic() - started < STOP_GRACE_S + 10
        assert platform.returncode == 0, log.read_text()
    finally:
        if load is not None:
            load.stop()
        if platform.poll() is None:
            platform.kill()
            platform.wait()
        kill_marked(MARKER, marker)


def test_a_worker_whose_master_died_exits_despite_a_request_that_never_ends(tmp_path) -> None:
    marker = uuid.uuid4().hex
    port = free_port()
    env = {**os.environ, "GATEWAY_BIND": f"127.0.0.1:{port}", "GATEWAY_WORKERS": "1",
           "GATEWAY_GRACEFUL_TIMEOUT_S": "1", "DOWNLOAD_URL_SECRET": uuid.uuid4().hex * 2, MARKER: marker}
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        command = [sys.executable, "-m", "gunicorn", "-c", str(config.ROOT / "deploy" / "gunicorn.conf.py"),
                   "tests.support.stuck_wsgi:app"]
        master = subprocess.Popen(command, env=env, cwd=config.ROOT, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        def answers() -> bool:
            assert master.poll() is None, log.read_text()
            try:
                return requests.get(f"http://127.0.0.1:{port}/", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        assert wait_until(answers, 30), log.read_text()
        threading.Thread(target=lambda: _ignore_errors(requests.get, f"http://127.0.0.1:{port}/stuck", timeout=30),
                         daemon=True).start()
        time.sleep(0.5)
        master.kill()  # the worker notices its parent is gone and leaves, with one request thread still stuck
        master.wait()
        assert wait_until(lambda: not marked(MARKER, marker), 10), (
            describe(marked(MARKER, marker)) + "\n" + log.read_text())
        assert port_free(port)
    finally:
        kill_marked(MARKER, marker)


def _ignore_errors(call, *args, **kwargs) -> None:
    try:
        call(*args, **kwargs)
    except Exception:  # the stuck request ends with the worker: its error is expected
        pass
